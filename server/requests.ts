// What each request of the extension does, given the session and the modules that keep the
// editor in step. server.ts routes messages here, one call a message; the work is in the
// modules, the order of their effects (state, then markers, then notifications) is here.
import * as os from 'node:os';
import * as path from 'node:path';
import type { z } from 'zod';
import * as P from '../common/protocol';
import { findAnnotation } from './core/annotationLookup';
import { checkResultOfPlacements } from './core/check/experimentFindings';
import { sarifLog } from './core/check/sarif';
import { convertFiles, coverageLines } from './core/formats/convert';
import { formatForFile } from './core/formats/formatSetting';
import { refusalReason } from './traceFiles';
import type { MarkerPublisher } from './markerPublisher';
import type { Session } from './session';
import type { TraceFiles } from './traceFiles';
import { estimateFromInput } from './core/cost/estimate';
import { pageOfConversations } from './conversationPage';

/** A request's parameters as validated by server.ts, and its answer as sent. */
type Params<S> = S extends P.MessageSpec<infer Z, z.ZodType> ? z.output<Z> : never;
type Result<S> = S extends P.MessageSpec<z.ZodType, infer R> ? z.input<R> : never;

/** The server's version, as initialize reports it and SARIF names the tool. */
export const SERVER_VERSION = '0.1.0';

/** Notifications the requests send besides their answers. */
export interface RequestEvents {
  activeExperimentChanged(id: string | null): void;
  /** Its tags changed: the Experiments view lists and filters by them. */
  experimentInfoChanged(id: string): void;
}

export class Requests {
  constructor(
    private readonly session: Session,
    private readonly traceFiles: TraceFiles,
    private readonly markers: MarkerPublisher,
    private readonly events: RequestEvents,
  ) {}

  setTraceFiles({ files }: Params<typeof P.SetTraceFiles>): Result<typeof P.SetTraceFiles> {
    return { files: this.traceFiles.choose(files) };
  }

  listTraceFiles(): Result<typeof P.ListTraceFiles> {
    return { files: this.traceFiles.summaries() };
  }

  listConversations(params: Params<typeof P.ListConversations>): Result<typeof P.ListConversations> {
    const { file, ids, query, toolCalls, offset, limit } = params;
    const all = onlyIds(this.session.index.conversationSummaries(file === undefined ? undefined : path.resolve(file)), ids);
    if (query === undefined && toolCalls === undefined && offset === undefined && limit === undefined) return { conversations: all };
    // Paged: only the asked page crosses the wire (a 495 k-conversation index was 243 MB at once).
    return pageOfConversations(all, { query, toolCalls, offset, limit: limit ?? P.MAX_CONVERSATION_PAGE }, this.session.root);
  }

  /** What the reader understood of a trace file, as OpenAI chat JSONL (the CLI's `convert`). */
  convertTraceFile({ file }: Params<typeof P.ConvertTraceFile>): Result<typeof P.ConvertTraceFile> {
    const abs = path.resolve(file);
    const refused = refusalReason(this.session.root, abs);
    if (refused) throw new Error(refused);
    const root = this.session.root;
    const format = formatForFile(abs, root, this.session.settings.formats);
    const { lines, files } = convertFiles([abs], {
      displayName: (f) => (root ? path.relative(root, f) || f : f),
      ...(format && format !== 'auto' ? { format } : {}),
    });
    const converted = files[0]!;
    if (converted.refused) throw new Error(converted.refused);
    return {
      jsonl: lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''),
      conversations: lines.length,
      notes: coverageLines(converted),
    };
  }

  /** The experiment's annotations as SARIF, each where its marker is (one result per annotation). */
  exportSarif({ id }: Params<typeof P.ExportSarif>): Result<typeof P.ExportSarif> {
    const experiment = this.session.requireService().resource(id);
    const placed = this.markers.locateAll({ id, name: experiment.name, items: experiment.items });
    const completed = experiment.items.filter((i) => i.status === 'completed').length;
    const result = checkResultOfPlacements(placed, completed, this.session.root ?? process.cwd());
    const log = sarifLog(result, { toolVersion: SERVER_VERSION });
    return { sarif: JSON.stringify(log, null, 2) + '\n', results: placed.length };
  }

  /** What a report opens with, in one round trip. */
  getReportState({ id }: Params<typeof P.GetReportState>): Result<typeof P.GetReportState> {
    const service = this.session.requireService();
    const experiment = service.resource(id);
    return {
      experiment,
      running: service.summaryOf(id).running,
      conversations: onlyIds(this.session.index.conversationSummaries(), experiment.conversation_ids),
    };
  }

  createExperiment({ config }: Params<typeof P.CreateExperiment>): Result<typeof P.CreateExperiment> {
    const result = this.session.requireService().create(config);
    // With no experiment chosen, the new one may be the latest pass-through one: its markers show.
    if (result.ok && !this.session.hasActiveExperiment) this.markers.publishSoon();
    return result;
  }

  listExperiments(): Result<typeof P.ListExperiments> {
    return { experiments: this.session.service?.list() ?? [] };
  }

  getExperiment({ id }: Params<typeof P.GetExperiment>): Result<typeof P.GetExperiment> {
    return this.session.requireService().resource(id);
  }

  cancelExperiment({ id }: Params<typeof P.CancelExperiment>): Result<typeof P.CancelExperiment> {
    return { cancelled: this.session.requireService().cancel(id) };
  }

  // Untrusted: the pipeline refuses every configuration (nothing runs, no key is read) with
  // UNTRUSTED, naming pass_through; resume is refused here before the store is touched.
  resumeExperiment({ id, failedOnly }: Params<typeof P.ResumeExperiment>): Result<typeof P.ResumeExperiment> {
    if (!this.session.trusted) throw new Error('this workspace is not trusted: experiments cannot run here (results can still be viewed)');
    return { experiment: this.session.requireService().resume(id, failedOnly) };
  }

  deleteExperiment({ id }: Params<typeof P.DeleteExperiment>): Result<typeof P.DeleteExperiment> {
    return { deleted: this.session.requireService().delete(id) };
  }

  setActiveExperiment({ id }: Params<typeof P.SetActiveExperiment>): Result<typeof P.SetActiveExperiment> {
    this.session.setActiveExperiment(id);
    this.markers.publishAll();
    const shown = this.session.shownExperimentId();
    this.events.activeExperimentChanged(shown);
    return { id: shown };
  }

  /** Where an annotation is in its trace file now: the file as indexed, read as markers read it. */
  locateAnnotation(q: Params<typeof P.LocateAnnotation>): Result<typeof P.LocateAnnotation> {
    const service = this.session.requireService();
    const snapshot = service.conversation(q.experiment_id, q.conversation_id);
    const current = this.session.index.get(q.conversation_id);
    const file = current?.file ?? snapshot?.file ?? null;
    // As reviewed: the annotations people added are found too.
    const annotation = findAnnotation(service.reviewed(q.experiment_id).items, q);
    if (!file || !current || !annotation) return { file, range: null };
    return { file, range: this.markers.place(file, current, annotation) };
  }

  /** Tags, metadata or a comment on an experiment; the report re-reads the experiment after. */
  updateExperimentInfo({ id, author, ...update }: Params<typeof P.UpdateExperimentInfo>): Result<typeof P.UpdateExperimentInfo> {
    const info = this.session.requireService().updateInfo(id, update, author ?? osUser());
    this.events.experimentInfoChanged(id);
    return info;
  }

  /** The cost of a configuration before it runs (the form's estimate above Create). */
  estimateExperiment({ config }: Params<typeof P.EstimateExperiment>): Promise<Result<typeof P.EstimateExperiment>> {
    return estimateFromInput(config, this.session.index, this.session.settings);
  }

  updateSettings(update: Params<typeof P.UpdateSettings>): void {
    const showedDismissed = this.session.settings.showDismissedMarkers;
    this.session.updateSettings(update);
    if (update.settings.showDismissedMarkers !== showedDismissed) this.markers.publishAll();
  }
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Only the conversations named (a report needs a few, not the whole index); all when none are named. */
function onlyIds(all: P.ConversationSummary[], ids: readonly string[] | undefined): P.ConversationSummary[] {
  if (ids === undefined) return all;
  const wanted = new Set(ids);
  return all.filter((c) => wanted.has(c.id));
}
