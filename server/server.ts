// The language server: a separate Node process that owns the trace index, the experiments and
// their markers. The extension only asks and shows.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  FileChangeType,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Hover,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { z } from 'zod';
import * as P from '../common/protocol';
import type { Annotation, Settings, TraceProblem } from '../common/protocol';
import { TraceIndex } from './core/traceIndex';
import { MAX_TRACE_FILE_BYTES } from './core/traceParser';
import { ExperimentService } from './core/experimentService';
import { ExperimentStore, STORE_DIR } from './core/experimentStore';
import { annotationRange, fileText } from './core/markers';
import { detectorsFor, inferenceFor } from './core/pipeline';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let workspaceRoot: string | null = null;
let settings: Settings = P.settingsSchema.parse({});
let trusted = true;
let index = new TraceIndex();
let service: ExperimentService | null = null;
let activeExperimentId: string | null = null;
/** Markers currently shown per file URI, for hovers. */
const markersByUri = new Map<string, Array<{ diagnostic: Diagnostic; annotation: Annotation; experimentName: string }>>();
const log = (m: string) => connection.console.log(m);

connection.onInitialize((params) => {
  const init = P.initializationOptionsSchema.parse(params.initializationOptions ?? {});
  workspaceRoot = init.workspaceRoot;
  settings = init.settings;
  trusted = init.trusted;
  index = new TraceIndex((f) => (workspaceRoot ? path.relative(workspaceRoot, f) || f : f));
  if (workspaceRoot) {
    service = new ExperimentService({
      store: new ExperimentStore(path.join(workspaceRoot, STORE_DIR)),
      conversations: index,
      createdBy: init.createdBy,
      concurrency: () => settings.concurrency,
      detectorsFor: (config) => detectorsFor(config, settings, keyFor, trusted),
      inferenceFor: (model, config) => inferenceFor(model, config, settings, keyFor, trusted),
      onChange: (summary) => experimentChanged(summary),
      onDelete: (id) => {
        connection.sendNotification(P.ExperimentChanged.method, { experiment: null, deletedId: id });
        if (activeExperimentId === id) activeExperimentId = null;
        publishAll();
      },
      log,
    });
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
    },
    serverInfo: { name: 'hallucination-lab-server', version: '0.1.0' },
  };
});

// ---- typed handlers ----------------------------------------------------------------------

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

function requireService(): ExperimentService {
  if (!service) throw new Error('Hallucination Lab needs a workspace folder to store experiments: open a folder first');
  return service;
}

handle(P.SetTraceFiles, async ({ files }) => {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  for (const f of index.fileNames()) if (!wanted.has(f)) {
    index.remove(f);
    connection.sendDiagnostics({ uri: pathToFileURL(f).toString(), diagnostics: [] });
  }
  for (const f of wanted) if (!index.has(f)) loadFile(f);
  publishAll();
  const summaries = index.summaries();
  connection.sendNotification(P.IndexChanged.method, { files: summaries });
  return { files: summaries };
});

handle(P.ListTraceFiles, () => ({ files: index.summaries() }));

handle(P.ListConversations, ({ file }) => ({
  conversations: index.conversations(file === undefined ? undefined : path.resolve(file)).map((c) => {
    const firstUser = c.messages.find((m) => m.role === 'user');
    const lastAssistant = [...c.messages].reverse().find((m) => m.role === 'assistant');
    const text = (m: typeof firstUser) =>
      m ? (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join(' ') : '') : '';
    const calls = lastAssistant?.tool_calls?.map((t) => `${t.function.name}(${t.function.arguments})`).join(' ') ?? '';
    return {
      id: c.id,
      file: c.file,
      line: c.line,
      position: c.position,
      messageCount: c.messages.length,
      hasToolCalls: c.messages.some((m) => (m.tool_calls?.length ?? 0) > 0),
      firstUserMessage: text(firstUser).slice(0, 500),
      tracedResponse: (text(lastAssistant) || calls).slice(0, 500),
      model: c.model ?? null,
    };
  }),
}));

handle(P.CreateExperiment, ({ config }) => {
  const result = requireService().create(config);
  if (result.ok && activeExperimentId === null) publishSoon();
  return result;
});
handle(P.ListExperiments, () => ({ experiments: service?.list() ?? [] }));
handle(P.GetExperiment, ({ id }) => requireService().resource(id));
handle(P.CancelExperiment, ({ id }) => ({ cancelled: requireService().cancel(id) }));
handle(P.ResumeExperiment, ({ id, failedOnly }) => {
  if (!trusted) throw new Error('this workspace is not trusted: experiments cannot run here (results can still be viewed)');
  return { experiment: requireService().resume(id, failedOnly) };
});
handle(P.DeleteExperiment, ({ id }) => ({ deleted: requireService().delete(id) }));
handle(P.SetActiveExperiment, ({ id }) => {
  if (id !== null) requireService().summaryOf(id);
  activeExperimentId = id;
  publishAll();
  connection.sendNotification(P.ActiveExperimentChanged.method, { id: shownExperimentId() });
  return { id: shownExperimentId() };
});

handle(P.LocateAnnotation, (q) => {
  const svc = requireService();
  const snapshot = svc.conversation(q.experiment_id, q.conversation_id);
  const current = index.get(q.conversation_id);
  const file = current?.file ?? snapshot?.file ?? null;
  const annotation = svc
    .items(q.experiment_id)
    .filter((i) => i.conversation_id === q.conversation_id)
    .flatMap((i) => i.annotations)
    .find(
      (a) =>
        a.message_index === q.message_index &&
        a.message_part_index === q.message_part_index &&
        a.start_offset === q.start_offset &&
        (q.end_offset === undefined || a.end_offset === q.end_offset),
    );
  if (!file || !current || !annotation) return { file, range: null };
  const uri = pathToFileURL(file).toString();
  let text: string;
  try {
    text = documents.get(uri)?.getText() ?? fs.readFileSync(file, 'utf8');
  } catch {
    return { file, range: null };
  }
  const r = annotationRange(fileText(text), current, annotation);
  if (!r) return { file, range: null };
  const doc = TextDocument.create(uri, 'json', 0, text);
  return { file, range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) } };
});

connection.onNotification(P.UpdateSettings.method, (raw: unknown) => {
  const parsed = P.UpdateSettings.params.safeParse(raw);
  if (!parsed.success) return log(`ignored settings update: ${P.formatZodError(parsed.error)}`);
  settings = parsed.data.settings;
  trusted = parsed.data.trusted;
});

async function keyFor(name: string): Promise<string | null> {
  const result = P.GetApiKey.result.safeParse(await connection.sendRequest(P.GetApiKey.method, { name }));
  return result.success ? result.data.key : null;
}

// ---- trace files -------------------------------------------------------------------------

function loadFile(file: string): void {
  const open = documents.get(pathToFileURL(file).toString());
  if (open) {
    index.update(file, open.getText());
    return;
  }
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_TRACE_FILE_BYTES)
      return index.setUnreadable(file, `${path.basename(file)} is ${(size / 1048576).toFixed(0)} MB, above the ${MAX_TRACE_FILE_BYTES / 1048576} MB limit for one trace file; split it to index it`);
    index.update(file, fs.readFileSync(file, 'utf8'));
  } catch (e) {
    index.setUnreadable(file, `${path.basename(file)} cannot be read: ${(e as Error).message}`);
  }
}

function reindex(file: string): void {
  loadFile(file);
  publishFile(file);
  connection.sendNotification(P.IndexChanged.method, { files: index.summaries() });
}

const pendingEdits = new Map<string, NodeJS.Timeout>();
documents.onDidChangeContent(({ document }) => {
  const file = uriToPath(document.uri);
  if (!file || !index.has(file)) return;
  clearTimeout(pendingEdits.get(file));
  pendingEdits.set(file, setTimeout(() => reindex(file), 150));
});
documents.onDidClose(({ document }) => {
  const file = uriToPath(document.uri);
  if (file && index.has(file)) reindex(file);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) {
    const file = uriToPath(change.uri);
    if (!file || !index.has(file) || documents.get(change.uri)) continue;
    if (change.type === FileChangeType.Deleted) index.setUnreadable(file, `${path.basename(file)} was deleted`);
    reindex(file);
  }
});

function uriToPath(uri: string): string | null {
  return uri.startsWith('file:') ? path.resolve(fileURLToPath(uri)) : null;
}

// ---- diagnostics and hovers ----------------------------------------------------------------

function shownExperimentId(): string | null {
  if (activeExperimentId && service?.has(activeExperimentId)) return activeExperimentId;
  const all = service?.list().filter((e) => e.pass_through) ?? [];
  return all.length ? all[all.length - 1]!.id : null;
}

function publishAll(): void {
  for (const f of index.fileNames()) publishFile(f);
}

function publishFile(file: string): void {
  const uri = pathToFileURL(file).toString();
  const parsed = index.file(file);
  if (!parsed) return;
  const open = documents.get(uri);
  let text: string | null = open?.getText() ?? null;
  const diagnostics: Diagnostic[] = (index.summaries().find((s) => s.file === file)?.problems ?? []).map(problemDiagnostic);
  const markers: Array<{ diagnostic: Diagnostic; annotation: Annotation; experimentName: string }> = [];
  const expId = shownExperimentId();
  if (expId && service && parsed.conversations.length) {
    const resource = service.resource(expId);
    const inFile = new Map(parsed.conversations.map((c) => [c.id, c]));
    for (const item of resource.items) {
      const conversation = inFile.get(item.conversation_id);
      if (!conversation || item.status !== 'completed' || item.annotations.length === 0) continue;
      if (text === null) {
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          break;
        }
      }
      const ft = fileText(text);
      const doc = TextDocument.create(uri, 'json', 0, text);
      for (const a of item.annotations) {
        const r = annotationRange(ft, conversation, a);
        if (!r) continue;
        const diagnostic: Diagnostic = {
          range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) },
          severity: DiagnosticSeverity.Warning,
          source: 'hallucination-lab',
          code: a.label,
          message: `${a.label.replace(/_/g, ' ')}: ${a.explanation}`,
          data: { experimentId: resource.id, itemId: item.id },
        };
        diagnostics.push(diagnostic);
        markers.push({ diagnostic, annotation: a, experimentName: resource.name });
      }
    }
  }
  markersByUri.set(uri, markers);
  connection.sendDiagnostics({ uri, diagnostics });
}

function problemDiagnostic(p: TraceProblem): Diagnostic {
  return {
    range: { start: { line: p.line, character: p.startCharacter ?? 0 }, end: { line: p.line, character: p.endCharacter ?? Number.MAX_SAFE_INTEGER } },
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    source: 'hallucination-lab',
    code: 'trace-format',
    message: p.message,
  };
}

connection.onHover((params): Hover | null => {
  const hits = (markersByUri.get(params.textDocument.uri) ?? []).filter(({ diagnostic: { range: r } }) => {
    const p = params.position;
    const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
    const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
    return afterStart && beforeEnd;
  });
  if (!hits.length) return null;
  const md = hits
    .map(({ annotation: a, experimentName }) =>
      [
        `**Hallucination: ${a.label.replace(/_/g, ' ')}**`,
        '',
        escapeMarkdown(a.explanation),
        '',
        `Detector: \`${a.detector}\` · confidence ${a.confidence.toFixed(2)} · experiment _${escapeMarkdown(experimentName)}_` +
          (a.tool_name ? ` · tool \`${a.tool_name}\`` : '') +
          (a.parameter_name ? ` · parameter \`${a.parameter_name}\`` : ''),
      ].join('\n'),
    )
    .join('\n\n---\n\n');
  return { contents: { kind: 'markdown', value: md }, range: hits[0]!.diagnostic.range };
});

function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

// ---- experiment updates --------------------------------------------------------------------

let publishTimer: NodeJS.Timeout | null = null;
function publishSoon(): void {
  if (publishTimer) return;
  publishTimer = setTimeout(() => {
    publishTimer = null;
    publishAll();
  }, 100);
}

const lastSent = new Map<string, number>();
const trailing = new Map<string, NodeJS.Timeout>();
/** Progress notifications at most every 100 ms per experiment; the last one always goes out. */
function experimentChanged(summary: P.ExperimentSummary): void {
  const send = () => {
    lastSent.set(summary.id, Date.now());
    if (!service?.has(summary.id)) return;
    connection.sendNotification(P.ExperimentChanged.method, { experiment: service.summaryOf(summary.id) });
    if (!summary.running || summary.status_summary.completed > 0) publishSoon();
  };
  clearTimeout(trailing.get(summary.id));
  const wait = 100 - (Date.now() - (lastSent.get(summary.id) ?? 0));
  if (wait <= 0 || !summary.running) send();
  else trailing.set(summary.id, setTimeout(send, wait));
}

connection.onShutdown(() => service?.dispose());
documents.listen(connection);
connection.listen();
