// The server's modules built and joined for one session: what server.ts runs over the LSP
// connection, and what tests run over a fake client. Nothing here reads or writes the
// connection itself; `client` is every way out.
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { z } from 'zod';
import type { EditorModelTransport } from '../common/editorModels';
import * as P from '../common/protocol';
import { MarkerPublisher } from './markerPublisher';
import { ProgressNotifier } from './progressNotifier';
import { Requests } from './requests';
import { ReviewRequests } from './reviewRequests';
import { Session } from './session';
import { TraceFiles, type OpenDocuments } from './traceFiles';
import { LiveFindings, MAX_LIVE_ITEMS } from './liveFindings';
import { LiveTraceIndex } from './core/receiver/liveTraceIndex';
import { LiveReceiver } from './liveReceiver';

/** Everything the server sends to the extension. */
export interface Client {
  notify<S extends P.MessageSpec<z.ZodType, z.ZodVoid>>(spec: S, params: z.input<S['params']>): void;
  sendDiagnostics(uri: string, diagnostics: Diagnostic[]): void;
  /** The key stored under `name` for a request to `baseURL` (SecretStorage); null when there is none. */
  askKey(name: string, baseURL: string): Promise<string | null>;
  /** Runs a request on one of the editor's language models (the extension does); absent where there is no editor. */
  editorModelChat?: EditorModelTransport;
  log(message: string): void;
  warn(message: string): void;
}

export interface ServerModules {
  session: Session;
  traceFiles: TraceFiles;
  markers: MarkerPublisher;
  requests: Requests;
  review: ReviewRequests;
  /** The OTLP receiver of live traces (started by request). */
  live: LiveReceiver;
  dispose(): void;
}

export function buildServer(init: P.InitializationOptions, client: Client, documents: OpenDocuments): ServerModules {
  const { notify, log, warn } = client;
  // The hooks below are called only after buildServer returns (on requests, edits and runs), so
  // they may name the modules built after them.
  const session = new Session(init, {
    askKey: (name, baseURL) => client.askKey(name, baseURL),
    ...(client.editorModelChat ? { editorModelChat: client.editorModelChat } : {}),
    experimentChanged: (change) => progress.changed(change),
    experimentDeleted: (id) => {
      notify(P.ExperimentChanged, { experiment: null, deletedId: id });
      markers.publishAll();
    },
    log,
    warn,
  });
  const liveFindings = new LiveFindings();
  const liveIndex = new LiveTraceIndex({
    displayName: (file) => (session.root ? path.relative(session.root, file) || file : file),
    maxConversations: MAX_LIVE_ITEMS,
  });
  const markers = new MarkerPublisher(
    {
      liveFindings: () => liveFindings.asShown(),
      shownExperiment: () => {
        const id = session.shownExperimentId();
        const service = session.service;
        // As reviewed: ids, verdicts (dismissed markers hidden unless shown) and the annotations people added.
        return id && service ? { id, name: service.configOf(id).name, items: service.reviewed(id).items } : null;
      },
      fileNames: () => session.index.fileNames(),
      isIndexed: (file) => session.index.has(file),
      conversations: session.index,
      problemsOf: (file) => traceFiles.problemsOf(file),
      source: (file) => traceFiles.source(file),
      showDismissed: () => session.settings.showDismissedMarkers,
    },
    (uri, diagnostics) => client.sendDiagnostics(uri, diagnostics),
  );
  const traceFiles = new TraceFiles(session, documents, {
    cleared: (uri) => markers.clear(uri),
    indexChanged: (files) => notify(P.IndexChanged, { files }),
    progress: (update) => notify(P.IndexProgress, update),
    publishFile: (file) => markers.publishFile(file),
    publishAll: () => markers.publishAll(),
    warn,
  });
  const progress = new ProgressNotifier({
    summaryOf: (id) => (session.service?.has(id) ? session.service.summaryOf(id) : null),
    shownExperimentId: () => session.shownExperimentId(),
    send: (experiment) => notify(P.ExperimentChanged, { experiment }),
    publishMarkersSoon: (delayMs) => markers.publishSoon(delayMs),
  });
  const requests = new Requests(session, traceFiles, markers, {
    activeExperimentChanged: (id) => notify(P.ActiveExperimentChanged, { id }),
    experimentInfoChanged: (id) => notify(P.ExperimentChanged, { experiment: session.requireService().summaryOf(id) }),
  });
  const review = new ReviewRequests(session, traceFiles, markers, {
    // listedSummary: a later experiment a carried verdict reached is not opened in full for this.
    reviewed: (id) => notify(P.ExperimentChanged, { experiment: session.requireService().listedSummary(id) }),
  });
  const live = new LiveReceiver({
    root: () => session.root,
    trusted: () => session.trusted,
    detectors: (judge) => session.liveDetectors(judge),
    findings: liveFindings,
    index: liveIndex,
    follow: (file) => traceFiles.follow(file, () => liveIndex.indexed(file)),
    status: (status) => notify(P.ReceiverStatusChanged, status),
    traceJudged: (params) => notify(P.LiveTraceJudged, params),
    warn,
  });
  return {
    session,
    traceFiles,
    markers,
    requests,
    review,
    live,
    /** Shutdown: runs stopped, streaming and pending re-indexing and publishing cancelled. */
    dispose() {
      live.dispose();
      traceFiles.dispose();
      markers.dispose();
      session.dispose();
    },
  };
}
