// Starts the language server (a separate Node process, over IPC) and is the one way to talk to
// it: `request(spec, params)` and `on(spec, listener)` over the message specs of
// common/protocol.ts, so that views, commands and webview hosts never touch method names or raw
// JSON, and every answer is checked against the spec's zod schema.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { z } from 'zod';
import * as P from '../common/protocol';
import type { EditorChatResult } from '../common/editorModels';
import type { Logger } from './logger';
import { RestartPolicy } from './restartPolicy';

type AnySpec = P.MessageSpec<z.ZodType, z.ZodType>;

/** The server → extension notifications the client listens to (a listener survives restarts). */
const notifications: readonly AnySpec[] = [P.ExperimentChanged, P.IndexChanged, P.IndexProgress, P.ActiveExperimentChanged];
/** The trace receiver's notifications (issue 16). */
const receiverNotifications: readonly AnySpec[] = [P.ReceiverStatusChanged, P.LiveTraceJudged];

/** What the rest of the extension (and the test API) may do with the server. */
export interface ServerConnection {
  request<S extends AnySpec>(spec: S, params: P.ParamsOf<S>): Promise<P.ResultOf<S>>;
  on<S extends AnySpec>(spec: S, listener: (params: z.output<S['params']>) => void): vscode.Disposable;
  /** True once the server process was asked to start (it starts on first need, not at activation). */
  readonly started: boolean;
}

export interface ServerClientOptions {
  context: vscode.ExtensionContext;
  logger: Logger;
  initializationOptions: () => P.InitializationOptions;
  getApiKey: (params: z.output<typeof P.GetApiKey.params>) => Promise<string | null>;
  /** Runs a request on one of the editor's language models for the server (editorModelChat.ts). */
  runEditorModelChat: (params: z.output<typeof P.EditorModelChat.params>, token: vscode.CancellationToken) => Promise<EditorChatResult>;
  /**
   * Runs after every (re)start — also after a crash restart — before any waiting request is
   * sent: the server knows nothing yet (trace files, the chosen experiment), so it is told here.
   */
  afterStart: (send: ServerConnection['request']) => Promise<void>;
}

/** Owns the LanguageClient; survives restarts so listeners stay attached. */
export class ServerClient implements ServerConnection, vscode.Disposable {
  private client: LanguageClient | null = null;
  private starting: Promise<void> | null = null;
  /** Settles when the current (re)start and its afterStart are done; requests wait for it. */
  private ready: Promise<void> = Promise.resolve();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private readonly restarted = new vscode.EventEmitter<void>();
  /** Fires after the server (re)started and was told what it needs to know. */
  readonly onDidStart = this.restarted.event;
  private stopping = false;
  private readonly restartPolicy = new RestartPolicy(4, 3 * 60_000);

  constructor(private readonly opts: ServerClientOptions) {}

  get started(): boolean {
    return this.starting !== null;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /** Starts the server if needed; resolves when it runs and was told what it needs to know. */
  async whenReady(): Promise<void> {
    await this.start();
    await this.ready;
  }

  async request<S extends AnySpec>(spec: S, params: P.ParamsOf<S>): Promise<P.ResultOf<S>> {
    await this.whenReady();
    return this.send(spec, params);
  }

  on<S extends AnySpec>(spec: S, listener: (params: z.output<S['params']>) => void): vscode.Disposable {
    let set = this.listeners.get(spec.method);
    if (!set) this.listeners.set(spec.method, (set = new Set()));
    const l = listener as (params: unknown) => void;
    set.add(l);
    return new vscode.Disposable(() => set.delete(l));
  }

  notify<S extends AnySpec>(spec: S, params: z.input<S['params']>): void {
    // Before the server started there is nobody to tell: it reads the settings of now at start.
    void this.client?.sendNotification(spec.method, params);
  }

  private async send<S extends AnySpec>(spec: S, params: P.ParamsOf<S>): Promise<P.ResultOf<S>> {
    const client = this.client;
    if (!client) throw new Error('the Hallucination Lab server is not running');
    const raw: unknown = await client.sendRequest(spec.method, params);
    const parsed = spec.result.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected answer to ${spec.method}: ${P.formatZodError(parsed.error)}`);
    return parsed.data as P.ResultOf<S>;
  }

  private async doStart(): Promise<void> {
    const module = this.opts.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', pattern: '**/*.jsonl' },
        { scheme: 'file', pattern: '**/*.json' },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,jsonl}') },
      // A function: a restarted server gets the settings and the trust of now, not of the first start.
      initializationOptions: () => this.opts.initializationOptions(),
      outputChannel: this.opts.logger.channel,
      diagnosticCollectionName: 'hallucination-lab',
      connectionOptions: { maxRestartCount: this.restartPolicy.maxRestarts },
      errorHandler: this.errorHandler(),
    };
    const client = new LanguageClient('hallucinationLab', 'Hallucination Lab Server', serverOptions, clientOptions);
    this.client = client;
    for (const spec of [...notifications, ...receiverNotifications]) {
      client.onNotification(spec.method, (raw: unknown) => {
        const p = spec.params.safeParse(raw);
        if (!p.success) return this.opts.logger.warn(`ignored ${spec.method}: ${P.formatZodError(p.error)}`);
        for (const l of this.listeners.get(spec.method) ?? []) l(p.data);
      });
    }
    client.onRequest(P.GetApiKey.method, async (raw: unknown) => {
      const p = P.GetApiKey.params.safeParse(raw);
      // Never a key in an untrusted workspace, whatever the server asks.
      if (!p.success || !vscode.workspace.isTrusted) return { key: null };
      return { key: await this.opts.getApiKey(p.data) };
    });
    client.onRequest(P.EditorModelChat.method, async (raw: unknown, token: vscode.CancellationToken): Promise<EditorChatResult> => {
      const p = P.EditorModelChat.params.safeParse(raw);
      if (!p.success) return { ok: false, code: 'unknown', message: `invalid request: ${P.formatZodError(p.error)}` };
      if (!vscode.workspace.isTrusted) return { ok: false, code: 'NoPermissions', message: 'this workspace is not trusted' };
      return this.opts.runEditorModelChat(p.data, token);
    });
    client.onDidChangeState((e) => {
      // A crash is reported by the error handler; every (re)start tells the server what it
      // needs to know, and requests wait until it was told.
      if (e.oldState !== State.Running && e.newState === State.Running && this.client === client) {
        this.opts.logger.info('The Hallucination Lab server is running.');
        this.ready = this.opts
          .afterStart((spec, params) => this.send(spec, params))
          .catch((error: unknown) => this.opts.logger.error(`Could not prepare the server: ${(error as Error).message}`))
          .then(() => this.restarted.fire());
      }
    });
    await client.start();
  }

  /** Restarts a crashed server (and says so) until it crashes too often; see RestartPolicy. */
  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count) => {
        const d = this.restartPolicy.error(count);
        if (!d.continue) this.opts.logger.error(`Connection to the Hallucination Lab server failed: ${error.message}`);
        return { action: d.continue ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: () => {
        if (this.stopping) return { action: CloseAction.DoNotRestart, handled: true };
        const d = this.restartPolicy.closed();
        if (d.restart) {
          this.opts.logger.warn(d.message);
          const show = 'Show Output';
          void vscode.window
            .showWarningMessage(`Hallucination Lab: ${d.message}`, show)
            .then((a) => a === show && this.opts.logger.channel.show(true));
          return { action: CloseAction.Restart, handled: true };
        }
        this.opts.logger.error(d.message);
        const restart = 'Restart Server';
        void vscode.window
          .showErrorMessage(`Hallucination Lab: ${d.message}`, restart)
          .then((a) => a === restart && vscode.commands.executeCommand('hallucinationLab.restartServer'));
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  async restart(): Promise<void> {
    this.restartPolicy.reset();
    const old = this.client;
    this.stopping = true;
    try {
      await this.starting?.catch(() => undefined);
      await old?.stop(5000).catch(() => undefined);
    } finally {
      this.stopping = false;
    }
    this.client = null;
    this.starting = null;
    await this.whenReady();
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    await this.client?.stop(2000).catch(() => undefined);
    this.listeners.clear();
    this.restarted.dispose();
  }
}
