// Starts the language server (a separate Node process, over IPC) and exposes it as a ServerApi.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { z } from 'zod';
import * as P from '../common/protocol';
import type { CreateExperimentResult, ServerApi } from './serverApi';
import type { Logger } from './logger';
import { RestartPolicy } from './restartPolicy';

export interface ServerClientOptions {
  context: vscode.ExtensionContext;
  logger: Logger;
  initializationOptions: () => P.InitializationOptions;
  getApiKey: (name: string) => Promise<string | null>;
}

/** Owns the LanguageClient; survives restarts so listeners stay attached. */
export class ServerClient implements ServerApi, vscode.Disposable {
  private client: LanguageClient | null = null;
  private starting: Promise<void> | null = null;
  private readonly experimentChanged = new vscode.EventEmitter<{ experiment: P.ExperimentSummary | null; deletedId?: string }>();
  private readonly indexChanged = new vscode.EventEmitter<P.TraceFileSummary[]>();
  private readonly activeChanged = new vscode.EventEmitter<string | null>();
  private readonly restarted = new vscode.EventEmitter<void>();
  readonly onExperimentChanged = this.experimentChanged.event;
  readonly onIndexChanged = this.indexChanged.event;
  readonly onActiveExperimentChanged = this.activeChanged.event;
  private readonly indexProgress = new vscode.EventEmitter<{ file: string; bytesRead: number; totalBytes: number; done?: boolean }>();
  readonly onIndexProgress = this.indexProgress.event;
  /** Fires after the server (re)started — also after a crash restart — e.g. to send the trace file list again. */
  readonly onDidStart = this.restarted.event;
  private stopping = false;
  private readonly restartPolicy = new RestartPolicy(4, 3 * 60_000);

  constructor(private readonly opts: ServerClientOptions) {}

  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
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
    client.onNotification(P.ExperimentChanged.method, (raw: unknown) => {
      const p = P.ExperimentChanged.params.safeParse(raw);
      if (p.success) this.experimentChanged.fire(p.data);
    });
    client.onNotification(P.IndexChanged.method, (raw: unknown) => {
      const p = P.IndexChanged.params.safeParse(raw);
      if (p.success) this.indexChanged.fire(p.data.files);
    });
    client.onNotification(P.IndexProgress.method, (raw: unknown) => {
      const p = P.IndexProgress.params.safeParse(raw);
      if (p.success) this.indexProgress.fire(p.data);
    });
    client.onNotification(P.ActiveExperimentChanged.method, (raw: unknown) => {
      const p = P.ActiveExperimentChanged.params.safeParse(raw);
      if (p.success) this.activeChanged.fire(p.data.id);
    });
    client.onRequest(P.GetApiKey.method, async (raw: unknown) => {
      const p = P.GetApiKey.params.safeParse(raw);
      // Never a key in an untrusted workspace, whatever the server asks.
      if (!p.success || !vscode.workspace.isTrusted) return { key: null };
      return { key: await this.opts.getApiKey(p.data.name) };
    });
    client.onDidChangeState((e) => {
      // 3 = Stopped, 2 = Running. A crash is reported by the error handler; every (re)start
      // fires onDidStart, so that the trace files are sent again and the views refreshed.
      if (e.oldState !== 2 && e.newState === 2 && this.client === client) {
        this.opts.logger.info('The Hallucination Lab server is running.');
        this.restarted.fire();
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
          void vscode.window.showWarningMessage(`Hallucination Lab: ${d.message}`, show).then((a) => a === show && this.opts.logger.channel.show(true));
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
    await this.start();
  }

  notifySettings(settings: P.Settings, trusted: boolean): void {
    void this.client?.sendNotification(P.UpdateSettings.method, { settings, trusted });
  }

  private async send<S extends P.MessageSpec<z.ZodType, z.ZodType>>(spec: S, params: P.ParamsOf<S>): Promise<P.ResultOf<S>> {
    await this.start();
    const raw: unknown = await this.client!.sendRequest(spec.method, params);
    const parsed = spec.result.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected answer to ${spec.method}: ${P.formatZodError(parsed.error)}`);
    return parsed.data as P.ResultOf<S>;
  }

  async setTraceFiles(files: string[]): Promise<P.TraceFileSummary[]> {
    return (await this.send(P.SetTraceFiles, { files })).files;
  }
  async listTraceFiles(): Promise<P.TraceFileSummary[]> {
    return (await this.send(P.ListTraceFiles, {})).files;
  }
  async listConversations(file?: string): Promise<P.ConversationSummary[]> {
    return (await this.send(P.ListConversations, file === undefined ? {} : { file })).conversations;
  }
  createExperiment(config: unknown): Promise<CreateExperimentResult> {
    return this.send(P.CreateExperiment, { config });
  }
  async listExperiments(): Promise<P.ExperimentSummary[]> {
    return (await this.send(P.ListExperiments, {})).experiments;
  }
  getExperiment(id: string): Promise<P.ExperimentResource> {
    return this.send(P.GetExperiment, { id });
  }
  async cancelExperiment(id: string): Promise<boolean> {
    return (await this.send(P.CancelExperiment, { id })).cancelled;
  }
  async resumeExperiment(id: string, failedOnly: boolean): Promise<P.ExperimentSummary> {
    return (await this.send(P.ResumeExperiment, { id, failedOnly })).experiment;
  }
  async deleteExperiment(id: string): Promise<boolean> {
    return (await this.send(P.DeleteExperiment, { id })).deleted;
  }
  async setActiveExperiment(id: string | null): Promise<void> {
    await this.send(P.SetActiveExperiment, { id });
  }
  locateAnnotation(params: P.ParamsOf<typeof P.LocateAnnotation>): Promise<P.ResultOf<typeof P.LocateAnnotation>> {
    return this.send(P.LocateAnnotation, params);
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    await this.client?.stop(2000).catch(() => undefined);
    this.experimentChanged.dispose();
    this.indexChanged.dispose();
    this.activeChanged.dispose();
    this.restarted.dispose();
    this.indexProgress.dispose();
  }
}
