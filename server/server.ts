// The language server: a separate Node process that owns the trace index, the experiments and
// their markers. The extension only asks and shows. This file is wiring only: it builds the
// session and its modules at initialize and routes each message to one call.
//   session.ts          what the server knows (folder, settings, trust, index, experiments)
//   traceFiles.ts       the chosen trace files, in step with the disk and the editors
//   markerPublisher.ts  annotations → diagnostics and hovers
//   progressNotifier.ts experiment progress, throttled
//   requests.ts         what each request does
import { createConnection, ProposedFeatures, ResponseError, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { z } from 'zod';
import * as P from '../common/protocol';
import { MarkerPublisher } from './markerPublisher';
import { ProgressNotifier } from './progressNotifier';
import { Requests } from './requests';
import { Session } from './session';
import { TraceFiles } from './traceFiles';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (m: string) => connection.console.log(m);
const warn = (m: string) => connection.console.warn(m);

interface Server {
  session: Session;
  traceFiles: TraceFiles;
  markers: MarkerPublisher;
  requests: Requests;
}
/** Built at initialize; the client sends nothing else before. */
let server: Server | null = null;
function ready(): Server {
  if (!server) throw new Error('the server is not initialized yet');
  return server;
}

function start(init: P.InitializationOptions): Server {
  const notify = <S extends P.MessageSpec<z.ZodType, z.ZodVoid>>(spec: S, params: z.input<S['params']>) => void connection.sendNotification(spec.method, params);
  // The modules refer to each other through these late-bound calls: the session exists before them.
  let markers: MarkerPublisher | undefined;
  let progress: ProgressNotifier | undefined;
  const session = new Session(init, {
    askKey: async (name, baseURL) => {
      const result = P.GetApiKey.result.safeParse(await connection.sendRequest(P.GetApiKey.method, { name, baseURL }));
      return result.success ? result.data.key : null;
    },
    experimentChanged: (change) => progress?.changed(change),
    experimentDeleted: (id) => {
      notify(P.ExperimentChanged, { experiment: null, deletedId: id });
      markers?.publishAll();
    },
    log,
    warn,
  });
  const traceFiles = new TraceFiles(session, documents, {
    cleared: (uri) => markers?.clear(uri),
    indexChanged: (files) => notify(P.IndexChanged, { files }),
    progress: (update) => notify(P.IndexProgress, update),
    publishFile: (file) => markers?.publishFile(file),
    publishAll: () => markers?.publishAll(),
    warn,
  });
  markers = new MarkerPublisher(
    {
      shownExperiment: () => {
        const id = session.shownExperimentId();
        const service = session.service;
        return id && service ? { id, name: service.configOf(id).name, items: service.items(id) } : null;
      },
      fileNames: () => session.index.fileNames(),
      isIndexed: (file) => session.index.has(file),
      conversation: (id) => session.index.get(id),
      problemsOf: (file) => traceFiles.problemsOf(file),
      source: (file) => traceFiles.source(file),
    },
    (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
  );
  const publisher = markers;
  progress = new ProgressNotifier({
    summaryOf: (id) => (session.service?.has(id) ? session.service.summaryOf(id) : null),
    shownExperimentId: () => session.shownExperimentId(),
    send: (experiment) => notify(P.ExperimentChanged, { experiment }),
    publishMarkersSoon: (delayMs) => publisher.publishSoon(delayMs),
  });
  const requests = new Requests(session, traceFiles, markers, {
    activeExperimentChanged: (id) => notify(P.ActiveExperimentChanged, { id }),
  });
  return { session, traceFiles, markers, requests };
}

connection.onInitialize((params) => {
  server = start(P.initializationOptionsSchema.parse(params.initializationOptions ?? {}));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
    },
    serverInfo: { name: 'hallucination-lab-server', version: '0.1.0' },
  };
});

/** A request validated against its spec; a thrown error becomes the answer's error. */
function handle<Params extends z.ZodType, Result extends z.ZodType>(
  spec: P.MessageSpec<Params, Result>,
  fn: (params: z.output<Params>) => Promise<z.input<Result>> | z.input<Result>,
): void {
  connection.onRequest(spec.method, async (raw: unknown) => {
    const parsed = spec.params.safeParse(raw ?? {});
    if (!parsed.success) return new ResponseError(-32602, `${spec.method}: ${P.formatZodError(parsed.error)}`);
    try {
      return await fn(parsed.data);
    } catch (e) {
      return new ResponseError(-32603, (e as Error).message);
    }
  });
}

handle(P.SetTraceFiles, (p) => ready().requests.setTraceFiles(p));
handle(P.ListTraceFiles, () => ready().requests.listTraceFiles());
handle(P.ListConversations, (p) => ready().requests.listConversations(p));
handle(P.CreateExperiment, (p) => ready().requests.createExperiment(p));
handle(P.ListExperiments, () => ready().requests.listExperiments());
handle(P.GetExperiment, (p) => ready().requests.getExperiment(p));
handle(P.GetReportState, (p) => ready().requests.getReportState(p));
handle(P.CancelExperiment, (p) => ready().requests.cancelExperiment(p));
handle(P.ResumeExperiment, (p) => ready().requests.resumeExperiment(p));
handle(P.DeleteExperiment, (p) => ready().requests.deleteExperiment(p));
handle(P.SetActiveExperiment, (p) => ready().requests.setActiveExperiment(p));
handle(P.LocateAnnotation, (p) => ready().requests.locateAnnotation(p));

connection.onNotification(P.UpdateSettings.method, (raw: unknown) => {
  const parsed = P.UpdateSettings.params.safeParse(raw);
  if (!parsed.success) return log(`ignored settings update: ${P.formatZodError(parsed.error)}`);
  ready().requests.updateSettings(parsed.data);
});

documents.onDidChangeContent(({ document }) => ready().traceFiles.edited(document.uri));
documents.onDidClose(({ document }) => ready().traceFiles.closed(document.uri));
connection.onDidChangeWatchedFiles(({ changes }) => ready().traceFiles.changedOnDisk(changes));
connection.onHover(({ textDocument, position }) => ready().markers.hover(textDocument.uri, position));

connection.onShutdown(() => server?.session.dispose());
documents.listen(connection);
connection.listen();
