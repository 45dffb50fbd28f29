// The language server: a separate Node process that owns the trace index, the experiments and
// their markers. The extension only asks and shows. This file only routes: it builds the
// modules at initialize (modules.ts) and hands each message to one call.
//   modules.ts          the modules of one session, built and joined
//   session.ts          what the server knows (folder, settings, trust, index, experiments)
//   traceFiles.ts       the chosen trace files, in step with the disk and the editors
//   markerPublisher.ts  annotations → diagnostics and hovers
//   progressNotifier.ts experiment progress, throttled
//   requests.ts         what each request does
import {
  CancellationTokenSource,
  createConnection,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { z } from 'zod';
import * as P from '../common/protocol';
import { SERVER_VERSION } from './requests';
import { buildServer, type Client, type ServerModules } from './modules';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Built at initialize; the client sends nothing else before. */
let server: ServerModules | null = null;
function ready(): ServerModules {
  if (!server) throw new Error('the server is not initialized yet');
  return server;
}

const client: Client = {
  notify: (spec, params) => void connection.sendNotification(spec.method, params),
  sendDiagnostics: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
  askKey: async (name, baseURL) => {
    const result = P.GetApiKey.result.safeParse(await connection.sendRequest(P.GetApiKey.method, { name, baseURL }));
    return result.success ? result.data.key : null;
  },
  // The extension runs requests on the editor's language models; Cancel and timeouts cancel them over LSP.
  editorModelChat: async (request, signal) => {
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const raw: unknown = await connection.sendRequest(P.EditorModelChat.method, request, cancel.token);
      const result = P.EditorModelChat.result.safeParse(raw);
      if (!result.success)
        return { ok: false, code: 'unknown', message: `unreadable answer from the extension: ${P.formatZodError(result.error)}` };
      return result.data;
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  },
  log: (m) => connection.console.log(m),
  warn: (m) => connection.console.warn(m),
};

connection.onInitialize((params) => {
  server = buildServer(P.initializationOptionsSchema.parse(params.initializationOptions ?? {}), client, documents);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
    },
    serverInfo: { name: 'hallucination-lab-server', version: SERVER_VERSION },
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
handle(P.ExportSarif, (p) => ready().requests.exportSarif(p));
handle(P.ConvertTraceFile, (p) => ready().requests.convertTraceFile(p));
handle(P.CancelExperiment, (p) => ready().requests.cancelExperiment(p));
handle(P.ResumeExperiment, (p) => ready().requests.resumeExperiment(p));
handle(P.DeleteExperiment, (p) => ready().requests.deleteExperiment(p));
handle(P.SetActiveExperiment, (p) => ready().requests.setActiveExperiment(p));
handle(P.LocateAnnotation, (p) => ready().requests.locateAnnotation(p));
handle(P.SetVerdict, (p) => ready().review.setVerdict(p));
handle(P.AddReviewComment, (p) => ready().review.addComment(p));
handle(P.AddHumanAnnotation, (p) => ready().review.addHumanAnnotation(p));
handle(P.StartReceiver, (p) => ready().live.start(p));
handle(P.StopReceiver, async () => ({ stopped: await ready().live.stop() }));
handle(P.UpdateExperimentInfo, (p) => ready().requests.updateExperimentInfo(p));
handle(P.EstimateExperiment, (p) => ready().requests.estimateExperiment(p));

connection.onNotification(P.UpdateSettings.method, (raw: unknown) => {
  const parsed = P.UpdateSettings.params.safeParse(raw);
  if (!parsed.success) return client.log(`ignored settings update: ${P.formatZodError(parsed.error)}`);
  ready().requests.updateSettings(parsed.data);
  ready().live.trustChanged();
});

documents.onDidChangeContent(({ document }) => ready().traceFiles.edited(document.uri));
documents.onDidClose(({ document }) => ready().traceFiles.closed(document.uri));
connection.onDidChangeWatchedFiles(({ changes }) => ready().traceFiles.changedOnDisk(changes));
connection.onHover(({ textDocument, position }) => ready().markers.hover(textDocument.uri, position));

connection.onShutdown(() => server?.dispose());
// Keys can be asked for once the client is initialized: experiments waiting for a batch go on polling.
connection.onInitialized(() => server?.session.resumeWaitingBatches());
documents.listen(connection);
connection.listen();
