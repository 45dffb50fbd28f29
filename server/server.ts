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
import { formatForFile } from './core/formats/formatSetting';
import { MAX_TRACE_FILE_BYTES } from './core/traceParser';
import { ExperimentService, type ExperimentChange } from './core/experimentService';
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
const warn = (m: string) => connection.console.warn(m);

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
      onChange: (change) => experimentChanged(change),
      onDelete: (id) => {
        connection.sendNotification(P.ExperimentChanged.method, { experiment: null, deletedId: id });
        if (activeExperimentId === id) activeExperimentId = null;
        publishAll();
      },
      log,
      warn,
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

/** Trace files refused because they are outside the workspace: reported, never read. */
let refusedFiles: P.TraceFileSummary[] = [];

/** Why `file` may not be read as a trace, or null when it may (inside the workspace folder). */
function outsideWorkspace(file: string): string | null {
  if (!workspaceRoot) return null;
  const inside = (root: string, f: string) => {
    const rel = path.relative(root, f);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  };
  if (file.includes('\u0000')) return `${JSON.stringify(file)} is not a valid path`;
  let real = file;
  let realRoot = workspaceRoot;
  try {
    realRoot = fs.realpathSync(workspaceRoot);
    real = fs.realpathSync(file); // a symbolic link is judged by where it points
  } catch {
    /* missing: judged by its path; loading reports it missing */
  }
  if (inside(path.resolve(workspaceRoot), file) && (real === file || inside(realRoot, real))) return null;
  return `${file} is outside the workspace folder ${workspaceRoot}: Hallucination Lab reads trace files only inside the workspace (copy the file into it)`;
}

function allSummaries(): P.TraceFileSummary[] {
  return [...index.summaries(), ...refusedFiles];
}

handle(P.SetTraceFiles, async ({ files }) => {
  const wanted = new Set<string>();
  const refused: P.TraceFileSummary[] = [];
  for (const f of new Set(files.map((x) => path.resolve(x)))) {
    const why = outsideWorkspace(f);
    if (why) {
      refused.push({ file: f, conversationCount: 0, isTrace: true, problems: [{ file: f, line: 0, message: why, severity: 'error' }] });
      warn(why);
    } else wanted.add(f);
  }
  refusedFiles = refused;
  for (const f of index.fileNames()) if (!wanted.has(f)) {
    index.remove(f);
    connection.sendDiagnostics({ uri: pathToFileURL(f).toString(), diagnostics: [] });
  }
  for (const f of wanted) if (!index.has(f)) loadFile(f);
  publishAll();
  const summaries = allSummaries();
  connection.sendNotification(P.IndexChanged.method, { files: summaries });
  return { files: summaries };
});

handle(P.ListTraceFiles, () => ({ files: allSummaries() }));

handle(P.ListConversations, ({ file, ids }) => ({
  conversations: onlyIds(index.conversationSummaries(file === undefined ? undefined : path.resolve(file)), ids),
}));
handle(P.GetReportState, ({ id }) => {
  const experiment = requireService().resource(id);
  const conversations = onlyIds(index.conversationSummaries(), experiment.conversation_ids);
  return { experiment, running: requireService().summaryOf(id).running, conversations };
});
function onlyIds(all: P.ConversationSummary[], ids: string[] | undefined): P.ConversationSummary[] {
  if (ids === undefined) return all;
  const wanted = new Set(ids);
  return all.filter((c) => wanted.has(c.id));
}

handle(P.CreateExperiment, ({ config }) => {
  const result = requireService().create(config);
  if (result.ok && activeExperimentId === null) publishSoon();
  return result;
});
// Untrusted: the pipeline refuses every configuration (nothing runs, no key is read) with
// UNTRUSTED, naming pass_through; resume is refused here before the store is touched.
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
  const wasTrusted = trusted;
  trusted = parsed.data.trusted;
  if (wasTrusted && !trusted) {
    const n = service?.cancelAll() ?? 0;
    if (n) warn(`the workspace is no longer trusted: ${n} running experiment(s) cancelled (finished items are kept)`);
  }
});

/** The key stored under `name`, asked of the extension (SecretStorage); never in an untrusted workspace. */
async function keyFor(name: string, baseURL: string): Promise<string | null> {
  if (!trusted) throw new Error('this workspace is not trusted: no API key is read here');
  const result = P.GetApiKey.result.safeParse(await connection.sendRequest(P.GetApiKey.method, { name, baseURL }));
  return result.success ? result.data.key : null;
}

// ---- trace files -------------------------------------------------------------------------

/** Files up to this size are read and indexed at once; larger ones are streamed with progress. */
const SYNC_INDEX_BYTES = 8 * 1024 * 1024;
/** Streamed files are indexed lazily above LAZY_INDEX_BYTES; past this they are refused. */
const MAX_STREAMED_TRACE_FILE_BYTES = 64 * 1024 * 1024 * 1024;
const streaming = new Map<string, AbortController>();

function loadFile(file: string): void {
  streaming.get(file)?.abort();
  streaming.delete(file);
  const format = formatForFile(file, workspaceRoot, settings.formats);
  const options = format ? { format } : {};
  const open = documents.get(pathToFileURL(file).toString());
  if (open) {
    index.update(file, open.getText(), options);
    return;
  }
  try {
    const size = fs.statSync(file).size;
    if (size <= Math.min(SYNC_INDEX_BYTES, MAX_TRACE_FILE_BYTES)) {
      index.update(file, fs.readFileSync(file, 'utf8'), options);
      return;
    }
    if (size > MAX_STREAMED_TRACE_FILE_BYTES)
      return index.setUnreadable(file, `${path.basename(file)} is ${(size / 1073741824).toFixed(0)} GB, above the ${MAX_STREAMED_TRACE_FILE_BYTES / 1073741824} GB limit for one trace file; split it to index it`);
    streamFile(file, size, options);
  } catch (e) {
    index.setUnreadable(file, `${path.basename(file)} cannot be read: ${(e as Error).message}`);
  }
}

/** Indexes a large file in the background: progress notifications, then markers and the new index. */
function streamFile(file: string, size: number, options: { format?: P.Settings['formats'][string] }): void {
  const controller = new AbortController();
  streaming.set(file, controller);
  index.setIndexing(file, size);
  let last = 0;
  const progress = (bytesRead: number, totalBytes: number, done = false) =>
    connection.sendNotification(P.IndexProgress.method, { file, bytesRead, totalBytes, ...(done ? { done } : {}) });
  progress(0, size);
  index
    .load(file, {
      ...options,
      signal: controller.signal,
      onProgress: (bytesRead, totalBytes) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        progress(bytesRead, totalBytes);
      },
    })
    .then(
      () => {
        if (streaming.get(file) !== controller) return;
        streaming.delete(file);
        progress(size, size, true);
        publishFile(file);
        connection.sendNotification(P.IndexChanged.method, { files: index.summaries() });
      },
      (e: Error) => {
        if (streaming.get(file) !== controller) return; // superseded by a newer load (or removed)
        streaming.delete(file);
        progress(0, size, true);
        if (e.name === 'AbortError') return;
        if (index.has(file)) index.setUnreadable(file, `${path.basename(file)} cannot be read: ${e.message}`);
        publishFile(file);
        connection.sendNotification(P.IndexChanged.method, { files: index.summaries() });
      },
    );
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

/** VS Code shows at most 1,000 diagnostics per file; more would only cost time and memory. */
const MAX_MARKERS_PER_FILE = 1000;
/** Message parts longer than this get no markers (placing one maps the whole JSON string). */
const MAX_MARKED_PART_CHARS = 1024 * 1024;

function publishFile(file: string): void {
  const uri = pathToFileURL(file).toString();
  const parsed = index.file(file);
  if (!parsed) return;
  const open = documents.get(uri);
  let text: string | null = open?.getText() ?? null;
  const diagnostics: Diagnostic[] = (allSummaries().find((s) => s.file === file)?.problems ?? []).map(problemDiagnostic);
  const markers: Array<{ diagnostic: Diagnostic; annotation: Annotation; experimentName: string }> = [];
  const expId = shownExperimentId();
  if (expId && service && parsed.conversations.length) {
    const name = service.configOf(expId).name;
    const inFile = new Map(parsed.conversations.map((c) => [c.id, c]));
    let ft: ReturnType<typeof fileText> | null = null;
    let doc: TextDocument | null = null;
    let notShown = 0;
    const tooLong = new Set<string>();
    for (const item of service.items(expId)) {
      const conversation = inFile.get(item.conversation_id);
      if (!conversation || item.status !== 'completed' || item.annotations.length === 0) continue;
      if (text === null) {
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          break;
        }
      }
      ft ??= fileText(text);
      doc ??= TextDocument.create(uri, 'json', 0, text);
      for (const a of item.annotations) {
        if (markers.length >= MAX_MARKERS_PER_FILE) {
          notShown++;
          continue;
        }
        const part = conversation.messages[a.message_index] ? P.messageParts(conversation.messages[a.message_index]!)[a.message_part_index] : undefined;
        if (part && part.text.length > MAX_MARKED_PART_CHARS) {
          tooLong.add(`${conversation.id}|${a.message_index}`);
          continue;
        }
        const r = annotationRange(ft, conversation, a);
        if (!r) continue;
        const diagnostic: Diagnostic = {
          range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) },
          severity: DiagnosticSeverity.Warning,
          source: 'hallucination-lab',
          code: a.label,
          message: `${a.label.replace(/_/g, ' ')}: ${a.explanation}`,
          data: { experimentId: expId, itemId: item.id },
        };
        diagnostics.push(diagnostic);
        markers.push({ diagnostic, annotation: a, experimentName: name });
      }
    }
    const info = (line: number, message: string): Diagnostic => ({
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: 'hallucination-lab',
      code: 'markers-not-shown',
      message,
    });
    if (notShown > 0)
      diagnostics.push(info(0, `${notShown} more hallucination annotation(s) of experiment "${name}" are not shown as markers in this file (at most ${MAX_MARKERS_PER_FILE}); the report lists them all`));
    for (const key of tooLong) {
      const [cid, mi] = key.split('|');
      const c = inFile.get(cid!)!;
      diagnostics.push(info(c.line, `message ${mi} of conversation ${cid} is longer than ${MAX_MARKED_PART_CHARS.toLocaleString('en-US')} characters: its hallucinations are not marked here; the report lists them`));
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
/** Markers are published again at most once per `delayMs` (they cost a pass over the files). */
function publishSoon(delayMs = 100): void {
  if (publishTimer) return;
  publishTimer = setTimeout(() => {
    publishTimer = null;
    publishAll();
  }, delayMs);
}

const lastSent = new Map<string, number>();
const trailing = new Map<string, NodeJS.Timeout>();
const lastCompleted = new Map<string, number>();
/**
 * Progress notifications per experiment at most every 100 ms, and every `items / 10` ms for big
 * experiments (a summary lists every item, not their annotations: ~150 bytes an item), capped at
 * one a second; the last one (the run ended) always goes out at once. The summary is built only
 * when it is sent.
 */
function experimentChanged(change: ExperimentChange): void {
  const { id } = change;
  const send = () => {
    trailing.delete(id);
    lastSent.set(id, Date.now());
    if (!service?.has(id)) return;
    const summary = service.summaryOf(id);
    connection.sendNotification(P.ExperimentChanged.method, { experiment: summary });
    // Markers: only when this experiment's are shown and something completed since last time.
    const completed = summary.status_summary.completed;
    if (id === shownExperimentId() || !summary.running) {
      if (!summary.running) publishSoon();
      else if (completed !== lastCompleted.get(id)) publishSoon(1000);
    }
    lastCompleted.set(id, completed);
  };
  const interval = Math.min(1000, Math.max(100, Math.floor(change.total / 10)));
  clearTimeout(trailing.get(id));
  const wait = interval - (Date.now() - (lastSent.get(id) ?? 0));
  if (wait <= 0 || !change.running) send();
  else trailing.set(id, setTimeout(send, wait));
}

connection.onShutdown(() => service?.dispose());
documents.listen(connection);
connection.listen();
