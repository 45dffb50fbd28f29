// The trace receiver from the editor (issue 16): the Start / Stop commands, the status bar item
// ("Receiving on :4318 · 12 traces · 3 hallucinations") and its menu, autoStart in a trusted
// workspace, and a restart of the receiver after the server restarted. The receiver runs in the
// server; this only asks it and shows what it says (the status and each judged trace).
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as P from '../common/protocol';
import type { Logger } from './logger';
import type { ServerClient } from './serverClient';
import type { SettingsOwner } from './settings';
import { LiveTracesModel, statusBarText, statusTooltip, tracesEndpoint } from './liveTracesModel';

export interface TraceReceiverDeps {
  context: vscode.ExtensionContext;
  server: ServerClient;
  settings: SettingsOwner;
  logger: Logger;
  /** Shows the Live node of the Experiments view. */
  revealLive(): Promise<void>;
}

/** What the Experiments view's Live node reads. */
export interface LiveTracesSource {
  readonly model: LiveTracesModel;
  readonly onDidChange: vscode.Event<void>;
}

export class TraceReceiver implements LiveTracesSource, vscode.Disposable {
  readonly model = new LiveTracesModel();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  /** Started by the user (or autoStart) and not stopped: started again after a server restart. */
  private wanted = false;

  constructor(private readonly deps: TraceReceiverDeps) {
    const { server } = deps;
    this.item = vscode.window.createStatusBarItem('hallucinationLab.receiver', vscode.StatusBarAlignment.Left, 11);
    this.item.name = 'Hallucination Lab: trace receiver';
    this.item.command = 'hallucinationLab.receiverMenu';
    this.disposables.push(
      this.item,
      this.changed,
      server.on(P.ReceiverStatusChanged, (status) => {
        this.model.setStatus(status);
        this.update();
      }),
      server.on(P.LiveTraceJudged, (trace) => {
        this.model.addTrace(trace);
        this.update();
      }),
      // A restarted server runs no receiver: show it stopped, and start it again if the user had.
      server.onDidStart(() => {
        if (this.model.listening) this.model.setStatus({ ...this.model.status!, listening: false, port: null });
        this.update();
        if (this.wanted) void this.startAgain();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // A new port, folder or judge choice applies at once to a running receiver.
        const moved = ['port', 'folder', 'judge'].some((k) => e.affectsConfiguration(`hallucinationLab.receiver.${k}`));
        if (moved && this.model.listening)
          void this.start().catch((err: unknown) => this.warn(`the trace receiver could not move: ${(err as Error).message}`));
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.autoStart()),
    );
    this.registerCommands();
  }

  /** After a server restart: the old process may hold the port a moment longer, so a port in use is tried again. */
  private async startAgain(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start();
        return;
      } catch (e) {
        const message = (e as Error).message;
        if (attempt >= 5 || !/already in use/.test(message)) return this.warn(`the trace receiver could not start again: ${message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** At activation: starts the receiver when the setting says so, in a trusted workspace only. */
  autoStart(): void {
    if (!vscode.workspace.isTrusted || !this.deps.settings.receiver((m) => this.deps.logger.warn(m)).autoStart) return;
    void this.start().catch((e: unknown) => this.warn(`the trace receiver did not start: ${(e as Error).message}`));
  }

  /** Starts (or moves) the receiver with the settings, or with `override` (tests, other extensions). */
  async start(override: ReceiverOverride = {}): Promise<P.ResultOf<typeof P.StartReceiver>> {
    if (!vscode.workspace.isTrusted) throw new Error('this workspace is not trusted: the trace receiver does not run here');
    const s = this.deps.settings.receiver((m) => this.deps.logger.warn(m));
    const result = await this.deps.server.request(P.StartReceiver, {
      port: override.port ?? s.port,
      folder: override.folder ?? s.folder,
      judge: override.judge ?? s.judge,
    });
    this.wanted = true;
    this.deps.logger.info(`Trace receiver: OTLP/HTTP on ${result.endpoint} → ${result.folder}`);
    return result;
  }

  async stop(): Promise<boolean> {
    this.wanted = false;
    if (!this.deps.server.started) return false;
    return (await this.deps.server.request(P.StopReceiver, {})).stopped;
  }

  private update(): void {
    const s = this.model.status;
    if (s?.listening && s.port !== null) {
      this.item.text = statusBarText(s);
      this.item.tooltip = statusTooltip(s, s.folder ? vscode.workspace.asRelativePath(s.folder) : null).join('\n');
      this.item.show();
    } else this.item.hide();
    void vscode.commands.executeCommand('setContext', 'hallucinationLab.receiverListening', this.model.listening);
    this.changed.fire();
  }

  private warn(message: string): void {
    this.deps.logger.warn(message);
    void vscode.window.showWarningMessage(`Hallucination Lab: ${message}`);
  }

  private registerCommands(): void {
    const register = (name: string, fn: (...args: unknown[]) => unknown) =>
      this.deps.context.subscriptions.push(
        vscode.commands.registerCommand(`hallucinationLab.${name}`, async (...args: unknown[]) => {
          try {
            return await fn(...args);
          } catch (e) {
            const message = (e as Error).message ?? String(e);
            this.deps.logger.error(`${name}: ${message}`);
            void vscode.window.showErrorMessage(`Hallucination Lab: ${message}`);
            return undefined;
          }
        }),
      );
    register('startReceiver', async (arg?: unknown) => {
      const override = receiverOverride(arg);
      const result = await this.start(override);
      if (Object.keys(override).length === 0)
        void vscode.window.setStatusBarMessage(`Hallucination Lab: receiving traces on ${result.endpoint}`, 4000);
      return result;
    });
    register('stopReceiver', () => this.stop());
    register('receiverMenu', () => this.menu());
  }

  private async menu(): Promise<void> {
    const s = this.model.status;
    if (!s?.listening || s.port === null) {
      const start = 'Start Trace Receiver';
      if ((await vscode.window.showInformationMessage('Hallucination Lab: the trace receiver is stopped.', start)) === start)
        await vscode.commands.executeCommand('hallucinationLab.startReceiver');
      return;
    }
    const endpoint = tracesEndpoint(s.port);
    const actions = [
      { label: '$(debug-stop) Stop Trace Receiver', run: () => this.stop() },
      { label: '$(folder-opened) Open Live Folder', detail: s.folder ?? undefined, run: () => this.openFolder(s.folder) },
      { label: '$(list-tree) Show Live Conversations', run: () => this.deps.revealLive() },
      {
        label: '$(copy) Copy Endpoint URL',
        detail: endpoint,
        run: async () => {
          await vscode.env.clipboard.writeText(endpoint);
          void vscode.window.setStatusBarMessage(`Hallucination Lab: copied ${endpoint}`, 3000);
        },
      },
    ];
    const picked = await vscode.window.showQuickPick(actions, { title: statusBarText(s).replace('$(radio-tower) ', 'Trace receiver: ') });
    await picked?.run();
  }

  private async openFolder(folder: string | null): Promise<void> {
    if (!folder) return;
    const uri = vscode.Uri.file(folder);
    // The folder exists once the first request was written; until then it is created empty to be shown.
    await vscode.workspace.fs.createDirectory(uri);
    await vscode.commands.executeCommand('revealInExplorer', uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

type ReceiverOverride = { port?: number; folder?: string; judge?: boolean };

/** `{port?, folder?, judge?}` given to the start command (tests, other extensions); anything else is ignored. */
function receiverOverride(arg: unknown): ReceiverOverride {
  if (!arg || typeof arg !== 'object') return {};
  const { port, folder, judge } = arg as { port?: unknown; folder?: unknown; judge?: unknown };
  return {
    ...(typeof port === 'number' && Number.isInteger(port) ? { port } : {}),
    ...(typeof folder === 'string' && folder ? { folder: path.normalize(folder) } : {}),
    ...(typeof judge === 'boolean' ? { judge } : {}),
  };
}
