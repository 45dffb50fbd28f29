// The lifecycle of experiments: validate a configuration, create, list, resume, cancel, delete,
// and answer summaries and resources. A run in this process is experimentRun.ts's (on the runner,
// runner.ts, and the benchmarked work pool), each item the item pipeline's (itemPipeline.ts); the
// resource is built by experimentResource.ts. The server and the CLI are thin shells over this class.
import {
  type Conversation,
  type ExperimentConfig,
  type ExperimentItem,
  type ExperimentRecord,
  type ExperimentResource,
} from '../../../common/schema';
import type { ExperimentSummary, FieldError } from '../../../common/protocol';
import { ExperimentLockedError, ExperimentStore, newExperimentId } from './experimentStore';
import { summarize } from './experimentSummary';
import { newItems, pendingItem } from './experimentItems';
import type { RunResolvers } from './runner';
import { validateConfig } from './configValidation';
import { withoutUrlCredentials } from './storedConfig';
import type { ReviewedExperiment } from '../review/reviewedResource';
import type { Verdict } from '../review/verdict';
import { datasetOrigin } from '../datasets/datasetOrigin';
import { ExperimentInfoStore, type ExperimentInfo, type InfoUpdate } from './experimentInfo';
import { tooDeepReason } from './conversationDepth';
import { type ExperimentChange, startRun } from './experimentRun';
import { experimentResource } from './experimentResource';
import { loadedState, type LiveExperiment } from './liveExperiment';
import { StoredSummaries } from './storedSummaries';
import { ReviewRecords } from './reviewRecords';
import type { ReviewComment } from '../review/reviewComments';
import { experimentsReached, refreshStoredSummaries } from './summaryRefresh';
import { hasOpenBatch } from '../inference/batch/batchLog';
import { PROCESS_STOPPING } from './batchedRun';

export { modelLabel } from './experimentItems';
export { summarize } from './experimentSummary';
export type { ExperimentChange } from './experimentRun';

export interface ConversationLookup {
  get(id: string): Conversation | undefined;
}

/** detectorsFor / inferenceFor (RunResolvers): what can run, or a message saying why it cannot. */
export interface ServiceOptions extends RunResolvers {
  store: ExperimentStore;
  conversations: ConversationLookup;
  createdBy: string;
  concurrency: () => number;
  /**
   * An experiment was created, progressed, or its run ended. Cheap to call often: the summary is
   * built only when asked for (`summaryOf`), so callers can throttle.
   */
  onChange?: (change: ExperimentChange) => void;
  onDelete?: (id: string) => void;
  log?: (message: string) => void;
  /** Things the user should see (a store repaired on load, a limit applied); default `log`. */
  warn?: (message: string) => void;
}

export type CreateResult = { ok: true; experiment: ExperimentSummary } | { ok: false; errors: FieldError[] };

export class ExperimentService {
  private readonly live = new Map<string, LiveExperiment>();
  /** Summaries of experiments not open here, as last listed. */
  private readonly listed: StoredSummaries;
  /** Problems of the store already said (each once per process). */
  private readonly reported = new Set<string>();
  /** People's verdicts and comments, and summaries with the verdicts counted. */
  private readonly reviews: ReviewRecords;

  constructor(private readonly opts: ServiceOptions) {
    this.listed = new StoredSummaries(opts.store);
    this.reviews = new ReviewRecords(opts.store, (problems) => this.reportOnce(problems));
  }

  /** Validates like the server must: schema, then ids, then what can run here. */
  validate(input: unknown): { ok: true; config: ExperimentConfig } | { ok: false; errors: FieldError[] } {
    return validateConfig(input, this.opts);
  }

  create(input: unknown, now = new Date()): CreateResult {
    const v = this.validate(input);
    if (!v.ok) return v;
    const config = v.config;
    const id = newExperimentId(now);
    // A conversation nested too deeply to copy or store is left out (its items fail with the
    // reason, naming its file and line); the others run.
    const refused = new Map<string, string>();
    const conversations: Conversation[] = [];
    for (const cid of config.conversation_ids) {
      const conversation = this.opts.conversations.get(cid)!;
      const reason = tooDeepReason(conversation);
      if (reason) refused.set(cid, reason);
      else conversations.push(structuredClone(conversation));
    }
    const stored = withoutUrlCredentials(config);
    const record: ExperimentRecord = {
      id,
      name: stored.name,
      model: stored.model,
      pass_through: stored.pass_through,
      conversation_ids: stored.conversation_ids,
      created_at: now.toISOString(),
      completed_at: null,
      created_by: this.opts.createdBy,
      reasoning_config: stored.reasoning_config ?? null,
      system_prompt_override: stored.system_prompt_override ?? null,
      output_schema: stored.output_schema ?? null,
      config: stored,
      ...datasetOrigin(conversations),
    };
    const items = newItems(
      config,
      config.conversation_ids.map((cid) => this.opts.conversations.get(cid)!),
      id,
    ).map((item) => {
      const reason = refused.get(item.conversation_id);
      return reason ? { ...item, status: 'failed' as const, failure_reason: reason } : item;
    });
    for (const reason of new Set(refused.values())) this.warn(reason);
    const exp: LiveExperiment = {
      record,
      runConfig: config,
      items,
      conversations: new Map(conversations.map((c) => [c.id, c])),
      run: null,
    };
    try {
      this.opts.store.create(record, conversations, items, summarize(record, items));
    } catch (e) {
      return { ok: false, errors: [{ path: '(root)', message: `the experiment could not be stored: ${(e as Error).message}` }] };
    }
    this.live.set(id, exp);
    this.startRun(exp);
    return { ok: true, experiment: this.summary(exp) };
  }

  /**
   * Every stored experiment's summary. Experiments not open here are listed from their stored
   * summaries (small files), so that listing does not read every item and conversation; an
   * experiment whose summary is missing or out of date is loaded once and its summary rewritten.
   */
  list(): ExperimentSummary[] {
    const { ids, problems } = this.opts.store.scan();
    this.reportOnce(problems);
    const out: ExperimentSummary[] = [];
    // Read once for the whole list, and only when an experiment is summarised from its items.
    let verdicts: readonly Verdict[] | undefined;
    const allVerdicts = () => (verdicts ??= this.reviews.verdicts());
    for (const id of new Set([...ids, ...this.live.keys()])) {
      try {
        out.push(this.listedSummary(id, allVerdicts));
      } catch (e) {
        this.reportOnce([`experiment ${id} could not be loaded: ${(e as Error).message}`]);
      }
    }
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * Experiment `id`'s summary as `list` gives it, without opening it when it is not open here (its
   * stored summary, or its items read once and let go).
   */
  listedSummary(id: string, verdicts: () => readonly Verdict[] = () => this.reviews.verdicts()): ExperimentSummary {
    const exp = this.live.get(id);
    if (exp) return this.summary(exp, verdicts);
    return this.withChangedTags(this.listed.summaryOf(id, () => this.summary(this.read(id), verdicts)));
  }

  has(id: string): boolean {
    if (this.live.has(id)) return true;
    try {
      return this.opts.store.exists(id);
    } catch {
      return false; // not a valid id
    }
  }

  resource(id: string): ExperimentResource {
    const exp = this.get(id);
    // Annotations get their ids and verdicts; metrics leave dismissed annotations out.
    const warnings: string[] = [];
    const info = new ExperimentInfoStore(this.opts.store).read(exp.record, warnings);
    this.reportOnce(warnings);
    return experimentResource(exp, this.reviews.verdicts(), info, this.reviews.comments(id));
  }

  /** Replaces an experiment's tags or metadata, or adds a comment on it (experimentInfo.ts). */
  updateInfo(id: string, update: InfoUpdate, author: string): ExperimentInfo {
    return new ExperimentInfoStore(this.opts.store).update(this.get(id).record, update, author);
  }

  /** The items as reviewed: ids, verdicts, and the annotations people added (markers and verdicts need them). */
  reviewed(id: string): ReviewedExperiment {
    return this.reviews.reviewed(this.get(id));
  }

  /** Appends a person's comment on an annotation or item (not a verdict: no count changes), flushed before this returns. */
  addComment(comment: ReviewComment): void {
    if (!this.has(comment.experiment_id)) throw new Error(`no experiment with id "${comment.experiment_id}"`);
    this.reviews.appendComment(comment);
  }

  /**
   * Appends a person's verdict to its experiment's verdicts.jsonl, flushed before this returns,
   * then rewrites the stored summaries whose counts it changes (summaryRefresh.ts). Returns the
   * experiments whose counts it can change: the one it was given in and later ones on the same
   * conversation (verdicts carry over).
   */
  addVerdict(verdict: Verdict): string[] {
    if (!this.has(verdict.experiment_id)) throw new Error(`no experiment with id "${verdict.experiment_id}"`);
    // Which experiments it reaches does not depend on verdicts: listed before the append, so that
    // listing does not read the reviewed experiment in full for a summary about to be rewritten.
    const listed = this.list();
    this.reviews.appendVerdict(verdict);
    const running = (id: string) => this.live.get(id)?.run != null;
    refreshStoredSummaries(this.opts.store, [verdict], listed, this.reviews.verdicts(), running, (m) => this.warn(m));
    return experimentsReached(verdict, listed);
  }

  configOf(id: string): ExperimentConfig {
    return this.get(id).record.config;
  }

  /** The conversations as they were when the experiment started. */
  conversation(experimentId: string, conversationId: string): Conversation | undefined {
    return this.get(experimentId).conversations.get(conversationId);
  }

  items(id: string): readonly ExperimentItem[] {
    return this.get(id).items;
  }

  cancel(id: string): boolean {
    const exp = this.get(id);
    if (!exp.run) return false;
    exp.run.controller.abort();
    return true;
  }

  /**
   * Runs what is left: pending items from the start, items whose inference had completed from
   * their stored responses (the model is not asked again). With `failedOnly`, failed items are
   * reset to pending first. Throws when the experiment runs here or in another live process.
   */
  resume(id: string, failedOnly: boolean): ExperimentSummary {
    const exp = this.get(id);
    if (exp.run) throw new Error(`experiment "${exp.record.name}" is already running`);
    this.opts.store.lockRun(id);
    try {
      // Another process (the CLI, another window) may have run items since this copy was read:
      // the store, read under the lock, is what is left to do.
      this.reload(exp);
      if (failedOnly)
        exp.items.forEach((item, i) => {
          if (item.status === 'failed') {
            exp.items[i] = pendingItem(item.id, item.conversation_id, item.model_config, item.sample_index);
            // Written now; flushed with the run's first item (a failure to flush is said there too).
            this.opts.store.appendItem(id, exp.items[i]!).catch((e: unknown) => this.warn(`experiment ${id}: ${(e as Error).message}`));
          }
        });
    } catch (e) {
      this.opts.store.close(id);
      this.opts.store.unlockRun(id);
      throw e;
    }
    this.startRun(exp, true);
    return this.summary(exp);
  }

  /**
   * Resumes every experiment that was waiting for a Batch API batch when its process stopped (a
   * restart of the editor): polling goes on by itself, as the user asked for the batch. An
   * experiment run by another live process is left to it. Returns the ids resumed.
   */
  resumeWaitingBatches(): string[] {
    const resumed: string[] = [];
    for (const id of this.opts.store.list()) {
      if (this.live.get(id)?.run || !hasOpenBatch(this.opts.store.dir(id))) continue;
      try {
        this.resume(id, false);
        resumed.push(id);
      } catch (e) {
        // Another live process (the CLI, another window) runs it and polls its batch: nothing to say.
        if (!(e instanceof ExperimentLockedError))
          this.warn(`experiment ${id} waits for a batch but was not resumed: ${(e as Error).message}`);
      }
    }
    return resumed;
  }

  delete(id: string): boolean {
    const exp = this.get(id);
    if (!exp.run) this.opts.store.assertNotRunElsewhere(id);
    exp.run?.controller.abort();
    // Its verdicts carried over to later experiments: their stored counts lose them with it.
    const gone = this.reviews.verdicts().filter((v) => v.experiment_id === id);
    this.opts.store.delete(id);
    this.live.delete(id);
    this.listed.forget(id);
    if (gone.length) {
      const running = (other: string) => this.live.get(other)?.run != null;
      refreshStoredSummaries(this.opts.store, gone, this.list(), this.reviews.verdicts(), running, (m) => this.warn(m));
    }
    this.opts.onDelete?.(id);
    return true;
  }

  /** Resolves when the experiment's current run has settled. */
  async whenIdle(id: string): Promise<ExperimentSummary> {
    const exp = this.get(id);
    while (exp.run) await exp.run.done;
    return this.summary(exp);
  }

  summaryOf(id: string): ExperimentSummary {
    return this.summary(this.get(id));
  }

  /** Cancels every run (e.g. when the workspace stops being trusted); returns how many. */
  cancelAll(): number {
    let n = 0;
    for (const e of this.live.values())
      if (e.run) {
        e.run.controller.abort();
        n++;
      }
    return n;
  }

  dispose(): void {
    // Stopping, not cancelling: a run's Batch API batches keep running for the next start to poll.
    for (const e of this.live.values()) e.run?.controller.abort(PROCESS_STOPPING);
    this.opts.store.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** The experiment, loaded in full from the store the first time it is asked for. */
  private get(id: string): LiveExperiment {
    const exp = this.live.get(id);
    if (exp) return exp;
    if (!this.has(id)) throw new Error(`no experiment with id "${id}"`);
    return this.open(id);
  }

  /** Loads experiment `id` in full and keeps it. */
  private open(id: string): LiveExperiment {
    const exp = this.read(id);
    this.live.set(id, exp);
    return exp;
  }

  /** Experiment `id` as stored, not kept. Nothing is written (a store may only be viewed). */
  private read(id: string): LiveExperiment {
    const loaded = this.opts.store.load(id);
    for (const w of loaded.warnings) this.reportOnce([`experiment ${id} (${loaded.record.name}): ${w}`]);
    return { ...loadedState(loaded), runConfig: loaded.record.config, run: null };
  }

  private reportOnce(problems: readonly string[]): void {
    for (const p of problems)
      if (!this.reported.has(p)) {
        this.reported.add(p);
        this.warn(p);
      }
  }

  /** Replaces the in-memory copy of `exp` with the store's (the caller holds the run lock). */
  private reload(exp: LiveExperiment): void {
    const loaded = this.opts.store.load(exp.record.id);
    for (const w of loaded.warnings) this.warn(`experiment ${exp.record.id} (${loaded.record.name}): ${w}`);
    Object.assign(exp, loadedState(loaded));
  }

  private warn(message: string): void {
    (this.opts.warn ?? this.opts.log)?.(message);
  }

  /** `locked`: the caller already holds the experiment's run lock. */
  private startRun(exp: LiveExperiment, locked = false): void {
    this.reviews.forgetSummary(exp);
    const callbacks = {
      warn: (m: string) => this.warn(m),
      isHeld: () => this.live.has(exp.record.id),
      summary: () => summarize(exp.record, exp.items, { verdicts: this.reviews.verdicts(), conversations: exp.conversations }),
    };
    startRun(exp, this.opts, callbacks, locked);
  }

  /** With people's verdicts counted (experimentSummary.ts, reviewRecords.ts). */
  private summary(exp: LiveExperiment, verdicts?: () => readonly Verdict[]): ExperimentSummary {
    return this.withChangedTags({ ...this.reviews.summary(exp, verdicts), running: exp.run !== null });
  }

  /** Tags changed after create live in info.json, not in the summary stored with the record. */
  private withChangedTags(summary: ExperimentSummary): ExperimentSummary {
    const warnings: string[] = [];
    const tags = new ExperimentInfoStore(this.opts.store).changedTags(summary.id, warnings);
    this.reportOnce(warnings);
    return tags ? { ...summary, tags } : summary;
  }
}
