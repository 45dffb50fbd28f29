// Activation: the log, the settings, the server (started when first needed), the trace file
// selection, the views and the commands. The extension is thin: it asks the server and shows
// what it answers.
import * as vscode from 'vscode';
import * as P from '../common/protocol';
import { createLogger } from './logger';
import { ServerClient, type ServerConnection } from './serverClient';
import { SettingsOwner } from './settings';
import { EditorModelCatalog, editorLmApi } from './editorLmApi';
import { runEditorModelChat } from './editorModelChat';
import type { EditorModelInfo } from '../common/editorModels';
import { ActiveExperiment } from './activeExperiment';
import { TraceFileSelection } from './traceFileSelection';
import { ExperimentTreeProvider, TraceTreeProvider, type ExperimentNode, type TraceNode } from './trees';
import { registerCommands } from './commands';
import { registerExperimentTagFilter } from './experimentTagFilter';
import { apiKeyStore } from './apiKeys';
import { confirmNewKeyOrigin } from './keyConsent';
import { registerWebviewSerializers } from './webviews';
import { startServerWhenNeeded } from './serverDemand';
import { indexProgressItem } from './indexProgressItem';
import { registerReviewCodeActions } from './reviewCodeActions';
import { trackActiveTraceFile } from './traceFileContext';
import { TraceReceiver } from './traceReceiver';

export interface HallucinationLabApi {
  /** Starts the server if it is not running yet; resolves when it knows the trace files and experiments. */
  ready(): Promise<void>;
  traceFiles(): string[];
  traceTree: vscode.TreeDataProvider<TraceNode>;
  experimentTree: vscode.TreeDataProvider<ExperimentNode>;
  server: ServerConnection;
  diagnostics(uri: vscode.Uri): vscode.Diagnostic[];
  /** Resolves when the experiment is no longer running. */
  waitForExperiment(id: string, timeoutMs?: number): Promise<P.ExperimentSummary>;
  /** The editor's language models as the form offers them (listed after the first `vscode.lm.selectChatModels`). */
  editorModels(): Promise<EditorModelInfo[]>;
}

export function activate(context: vscode.ExtensionContext): HallucinationLabApi {
  const logger = createLogger();
  context.subscriptions.push(logger);
  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const keys = apiKeyStore(context.secrets, confirmNewKeyOrigin);
  const settings = new SettingsOwner((m) => logger.warn(m));
  // The editor's language models, offered beside the configured endpoints (issue 19).
  const editorModels = new EditorModelCatalog((m) => logger.warn(m));
  context.subscriptions.push(
    editorModels,
    editorModels.onDidChange((list) => settings.setEditorModels(list)),
  );
  const selection = new TraceFileSelection(context.workspaceState);
  // The first selection is read before the server learns it (the server needs no files to start).
  const selectionRead = selection.refresh().catch((e: unknown) => {
    logger.error(`Could not find the trace files: ${(e as Error).message}`);
    return [];
  });

  const server: ServerClient = new ServerClient({
    context,
    logger,
    initializationOptions: () => ({
      workspaceRoot: root() ?? null,
      createdBy: 'vscode',
      settings: settings.current,
      trusted: vscode.workspace.isTrusted,
    }),
    getApiKey: ({ name, baseURL }) => (vscode.workspace.isTrusted ? keys.keyFor(name, baseURL) : Promise.resolve(null)),
    runEditorModelChat: (request, token) => runEditorModelChat(editorLmApi(context.languageModelAccessInformation), request, token),
    // After every (re)start the server knows nothing: tell it the files, list the experiments
    // and the user's choice of markers again.
    afterStart: async (send) => {
      await selectionRead;
      await Promise.all([syncTraceFiles(send), syncExperiments(send)]);
      await active.restore(send);
    },
  });
  context.subscriptions.push({ dispose: () => void server.dispose() });
  const active = new ActiveExperiment(server);
  const traceTree = new TraceTreeProvider(server, root);
  const receiver = new TraceReceiver({
    context,
    server,
    settings,
    logger,
    revealLive: async (): Promise<void> => {
      await vscode.commands.executeCommand('hallucinationLab.experiments.focus');
      // A view shown just now has not rendered its roots yet, and reveal fails until it has: the
      // Live node is the first root, expanded, so the focused view shows it either way.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await experimentView.reveal(experimentTree.liveNode, { expand: true, focus: true, select: true });
          return;
        } catch (e) {
          logger.info(`Live node not revealed yet: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
  });
  const experimentTree = new ExperimentTreeProvider(active, receiver);

  // Before any await: VS Code restores webview panels as soon as activation returns.
  registerWebviewSerializers({ context, server, settings, active });

  const traceView = vscode.window.createTreeView('hallucinationLab.traces', { treeDataProvider: traceTree, showCollapseAll: true });
  const experimentView = vscode.window.createTreeView('hallucinationLab.experiments', {
    treeDataProvider: experimentTree,
    showCollapseAll: true,
  });
  /** The latest SetTraceFiles sent because the selection changed. */
  let lastSync: Promise<void> = Promise.resolve();
  context.subscriptions.push(
    settings,
    selection,
    active,
    traceView,
    experimentView,
    receiver,
    registerExperimentTagFilter(experimentTree, experimentView),
    server.on(P.IndexChanged, ({ files }) => traceTree.setFiles(files)),
    server.on(P.ExperimentChanged, ({ experiment, deletedId }) => {
      if (experiment) experimentTree.upsert(experiment);
      if (deletedId) {
        experimentTree.remove(deletedId);
        active.forget(deletedId);
      }
    }),
    indexProgressItem(server),
    registerReviewCodeActions(),
    trackActiveTraceFile(selection),
    // A started server follows the selection; one not started yet learns it when it starts.
    selection.onDidChange(() => {
      if (server.started) lastSync = syncTraceFiles(server.request.bind(server));
    }),
    settings.onDidChange((s) => server.notify(P.UpdateSettings, { settings: s, trusted: vscode.workspace.isTrusted })),
    vscode.workspace.onDidGrantWorkspaceTrust(() => server.notify(P.UpdateSettings, { settings: settings.current, trusted: true })),
    startServerWhenNeeded({
      traceFiles: () => selection.files(),
      onTraceFilesChanged: selection.onDidChange,
      views: [traceView, experimentView],
      root,
      start: () =>
        void server.whenReady().catch((e: unknown) => logger.error(`Hallucination Lab could not start: ${(e as Error).message}`)),
    }),
  );

  /** Resolves when the server knows the current selection (starting it if needed). */
  const traceFilesSynced = async () => {
    await server.whenReady();
    await lastSync;
  };

  async function syncTraceFiles(send: ServerConnection['request']): Promise<void> {
    try {
      // The tree is filled by the IndexChanged notification that answers this, not twice.
      const { files } = await send(P.SetTraceFiles, { files: selection.files() });
      for (const s of files) if (!s.isTrace) for (const p of s.problems) logger.info(p.message);
    } catch (e) {
      logger.error(`Could not index trace files: ${(e as Error).message}`);
    }
  }
  async function syncExperiments(send: ServerConnection['request']): Promise<void> {
    experimentTree.setAll((await send(P.ListExperiments, {})).experiments);
  }

  registerCommands({
    context,
    server,
    settings,
    active,
    selection,
    experimentTree,
    logger,
    keys,
    traceFilesSynced,
    syncExperiments: () => syncExperiments(server.request.bind(server)),
  });

  receiver.autoStart();

  const ready = async () => {
    await selectionRead;
    await traceFilesSynced();
  };

  return {
    ready,
    traceFiles: () => selection.files(),
    traceTree,
    experimentTree,
    server,
    diagnostics: (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hallucination-lab'),
    editorModels: async () => {
      await editorModels.ready;
      return settings.editorModelInfos;
    },
    waitForExperiment: (id, timeoutMs = 60_000) =>
      new Promise<P.ExperimentSummary>((resolve, reject) => {
        const check = (e: P.ExperimentSummary | null | undefined) => {
          if (e && e.id === id && !e.running) {
            cleanup();
            resolve(e);
          }
        };
        const sub = server.on(P.ExperimentChanged, ({ experiment }) => check(experiment));
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`experiment ${id} still running after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          sub.dispose();
          clearTimeout(timer);
        };
        void server.request(P.ListExperiments, {}).then(({ experiments }) => check(experiments.find((e) => e.id === id)));
      }),
  };
}

export function deactivate(): void {}
