// Activation: the log, the server, the trace file selection, the views and the commands.
// The extension is thin: it asks the server and shows what it answers.
import * as vscode from 'vscode';
import { settingsSchema, type ExperimentSummary, type Settings } from '../common/protocol';
import { createLogger } from './logger';
import { ServerClient } from './serverClient';
import type { ServerApi } from './serverApi';
import { TraceFileSelection } from './traceFileSelection';
import { ExperimentTreeProvider, TraceTreeProvider, type ExperimentNode, type TraceNode } from './trees';
import { registerCommands } from './commands';
import { apiKeyStore } from './apiKeys';
import { registerWebviewSerializers, setActiveExperimentForWebviews } from './webviews';

export interface HallucinationLabApi {
  ready(): Promise<void>;
  traceFiles(): string[];
  traceTree: vscode.TreeDataProvider<TraceNode>;
  experimentTree: vscode.TreeDataProvider<ExperimentNode>;
  server: ServerApi;
  diagnostics(uri: vscode.Uri): vscode.Diagnostic[];
  /** Resolves when the experiment is no longer running. */
  waitForExperiment(id: string, timeoutMs?: number): Promise<ExperimentSummary>;
}

export async function activate(context: vscode.ExtensionContext): Promise<HallucinationLabApi> {
  const logger = createLogger();
  context.subscriptions.push(logger);
  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const keys = apiKeyStore(context.secrets);

  const server = new ServerClient({
    context,
    logger,
    initializationOptions: () => ({ workspaceRoot: root() ?? null, createdBy: 'vscode', settings: readSettings(logger), trusted: vscode.workspace.isTrusted }),
    getApiKey: (name) => (vscode.workspace.isTrusted ? keys.get(name) : Promise.resolve(null)),
  });
  context.subscriptions.push({ dispose: () => void server.dispose() });

  // Before any await: VS Code restores webview panels as soon as activation returns.
  registerWebviewSerializers(context, server);

  const selection = new TraceFileSelection(context.workspaceState);
  const traceTree = new TraceTreeProvider(server, root);
  const experimentTree = new ExperimentTreeProvider();
  context.subscriptions.push(
    selection,
    vscode.window.createTreeView('hallucinationLab.traces', { treeDataProvider: traceTree, showCollapseAll: true }),
    vscode.window.createTreeView('hallucinationLab.experiments', { treeDataProvider: experimentTree, showCollapseAll: true }),
    server.onIndexChanged((files) => traceTree.setFiles(files)),
    server.onExperimentChanged(({ experiment, deletedId }) => {
      if (experiment) experimentTree.upsert(experiment);
      if (deletedId) experimentTree.remove(deletedId);
    }),
    indexProgressItem(server),
    server.onActiveExperimentChanged((id) => {
      experimentTree.setActive(id);
      setActiveExperimentForWebviews(id);
    }),
    selection.onDidChange((files) => void syncTraceFiles(files)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hallucinationLab') && server.notifySettings(readSettings(logger), vscode.workspace.isTrusted)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => server.notifySettings(readSettings(logger), true)),
  );

  async function syncTraceFiles(files: string[]): Promise<void> {
    try {
      const summaries = await server.setTraceFiles(files);
      traceTree.setFiles(summaries);
      for (const s of summaries) if (!s.isTrace) for (const p of s.problems) logger.info(p.message);
    } catch (e) {
      logger.error(`Could not index trace files: ${(e as Error).message}`);
    }
  }
  async function syncExperiments(): Promise<void> {
    experimentTree.setAll(await server.listExperiments());
  }

  // After every (re)start the server knows nothing: tell it the files again.
  context.subscriptions.push(server.onDidStart(() => void Promise.all([syncTraceFiles(selection.files()), syncExperiments()])));

  const ready = (async () => {
    await server.start();
    await selection.refresh();
    await syncTraceFiles(selection.files());
    await syncExperiments();
  })();
  ready.catch((e: unknown) => logger.error(`Hallucination Lab could not start: ${(e as Error).message}`));

  registerCommands({ context, server, selection, experimentTree, traceTree, logger, keys, syncTraceFiles: () => syncTraceFiles(selection.files()), syncExperiments });

  return {
    ready: () => ready,
    traceFiles: () => selection.files(),
    traceTree,
    experimentTree,
    server,
    diagnostics: (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hallucination-lab'),
    waitForExperiment: (id, timeoutMs = 60_000) =>
      new Promise<ExperimentSummary>((resolve, reject) => {
        const check = (e: ExperimentSummary | null | undefined) => {
          if (e && e.id === id && !e.running) {
            cleanup();
            resolve(e);
          }
        };
        const sub = server.onExperimentChanged(({ experiment }) => check(experiment));
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`experiment ${id} still running after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          sub.dispose();
          clearTimeout(timer);
        };
        void server.listExperiments().then((list) => check(list.find((e) => e.id === id)));
      }),
  };
}

export function deactivate(): void {}

/** A status bar item while a large trace file is indexed in the server. */
function indexProgressItem(server: ServerClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('hallucinationLab.indexing', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Hallucination Lab: indexing';
  const active = new Map<string, { bytesRead: number; totalBytes: number }>();
  const sub = server.onIndexProgress((p) => {
    if (p.done) active.delete(p.file);
    else active.set(p.file, p);
    if (active.size === 0) return item.hide();
    const read = [...active.values()].reduce((n, x) => n + x.bytesRead, 0);
    const total = [...active.values()].reduce((n, x) => n + x.totalBytes, 0);
    item.text = `$(sync~spin) Indexing traces ${total ? Math.floor((read / total) * 100) : 0}%`;
    item.tooltip = [...active.keys()].map((f) => vscode.workspace.asRelativePath(f)).join('\n');
    item.show();
  });
  return vscode.Disposable.from(item, sub);
}

function readSettings(logger: { warn(m: string): void }): Settings {
  const c = vscode.workspace.getConfiguration('hallucinationLab');
  const raw = {
    models: c.get('models'),
    judgeModel: c.get('judgeModel'),
    concurrency: c.get('concurrency'),
    requestsPerMinute: c.get('requestsPerMinute'),
    tokensPerMinute: c.get('tokensPerMinute'),
    requestTimeoutMs: c.get('requestTimeoutMs'),
    maxRetries: c.get('maxRetries'),
    labelSet: c.get('labelSet'),
    formats: c.get('formats'),
    minConfidence: c.get('minConfidence'),
  };
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  logger.warn(`Some hallucinationLab settings are invalid and were ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // Keep every valid field; fall back to the default only where a field is wrong.
  const defaults = settingsSchema.parse({});
  const fields = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => {
      const one = settingsSchema.shape[k as keyof Settings].safeParse(v);
      return [k, one.success ? one.data : defaults[k as keyof Settings]];
    }),
  );
  return settingsSchema.parse(fields);
}
