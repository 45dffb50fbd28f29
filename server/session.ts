// Everything the server knows about the open workspace, in one place, built at initialize: its
// folder, the settings and trust the extension sent, the trace index, the experiment service,
// and which experiment's markers the user chose. The other server modules read it; only the
// request handlers change it.
import * as path from 'node:path';
import type { InitializationOptions, Settings } from '../common/protocol';
import { TraceIndex } from './core/traceIndex';
import { ExperimentService, type ExperimentChange } from './core/experiments/experimentService';
import { ExperimentStore, STORE_DIR } from './core/experiments/experimentStore';
import { detectorsFor, inferenceFor, type EditorModelAccess, type Refusal } from './core/experiments/pipeline';
import type { EditorModelTransport } from '../common/editorModels';
import { experimentConfigSchema } from '../common/schema';
import type { Detector } from './core/detectors/detector';

/** What the session needs from the process around it. */
export interface SessionHooks {
  /** Asks the extension for the key stored under `name` (SecretStorage); null when there is none. */
  askKey(name: string, baseURL: string): Promise<string | null>;
  /** Runs a request on one of the editor's language models (the extension does); absent without an editor. */
  editorModelChat?: EditorModelTransport;
  /** An experiment was created, progressed or its run ended. */
  experimentChanged(change: ExperimentChange): void;
  /** An experiment was deleted (the session has already forgotten it as the active one). */
  experimentDeleted(id: string): void;
  log(message: string): void;
  warn(message: string): void;
}

export class Session {
  readonly root: string | null;
  readonly index: TraceIndex;
  /** Null without a workspace folder: there is nowhere to store experiments. */
  readonly service: ExperimentService | null;
  private currentSettings: Settings;
  private isTrusted: boolean;
  /** The experiment the user chose to see markers of; null lets `shownExperimentId` pick one. */
  private activeExperimentId: string | null = null;

  constructor(
    init: InitializationOptions,
    private readonly hooks: SessionHooks,
  ) {
    const root = init.workspaceRoot;
    this.root = root;
    this.currentSettings = init.settings;
    this.isTrusted = init.trusted;
    this.index = new TraceIndex((f) => (root ? path.relative(root, f) || f : f));
    this.service = root
      ? new ExperimentService({
          store: new ExperimentStore(path.join(root, STORE_DIR)),
          conversations: this.index,
          createdBy: init.createdBy,
          concurrency: () => this.currentSettings.concurrency,
          detectorsFor: (config) =>
            detectorsFor(
              config,
              this.currentSettings,
              (name, baseURL) => this.keyFor(name, baseURL),
              this.isTrusted,
              this.editorAccess(true),
            ),
          inferenceFor: (model, config) =>
            inferenceFor(
              model,
              config,
              this.currentSettings,
              (name, baseURL) => this.keyFor(name, baseURL),
              this.isTrusted,
              this.editorAccess(true),
            ),
          onChange: (change) => hooks.experimentChanged(change),
          onDelete: (id) => {
            if (this.activeExperimentId === id) this.activeExperimentId = null;
            hooks.experimentDeleted(id);
          },
          log: hooks.log,
          warn: hooks.warn,
        })
      : null;
  }

  get settings(): Settings {
    return this.currentSettings;
  }
  get trusted(): boolean {
    return this.isTrusted;
  }

  /** The service, or an error the user can act on when no folder is open. */
  requireService(): ExperimentService {
    if (!this.service) throw new Error('Hallucination Lab needs a workspace folder to store experiments: open a folder first');
    return this.service;
  }

  /** Whether the user has chosen an experiment (else markers follow the latest pass-through one). */
  get hasActiveExperiment(): boolean {
    return this.activeExperimentId !== null;
  }

  /** Chooses whose markers are shown (null: the default); an unknown id throws before anything changes. */
  setActiveExperiment(id: string | null): void {
    if (id !== null) this.requireService().summaryOf(id);
    this.activeExperimentId = id;
  }

  /** The experiment whose markers are shown: the chosen one while it exists, else the latest pass-through one. */
  shownExperimentId(): string | null {
    const service = this.service;
    if (this.activeExperimentId && service?.has(this.activeExperimentId)) return this.activeExperimentId;
    const all = service?.list().filter((e) => e.pass_through) ?? [];
    return all.length ? all[all.length - 1]!.id : null;
  }

  /** New settings and trust from the extension; losing trust cancels every run (finished items are kept). */
  updateSettings(update: { settings: Settings; trusted: boolean }): void {
    this.currentSettings = update.settings;
    const wasTrusted = this.isTrusted;
    this.isTrusted = update.trusted;
    if (wasTrusted && !this.isTrusted) {
      const n = this.service?.cancelAll() ?? 0;
      if (n) this.hooks.warn(`the workspace is no longer trusted: ${n} running experiment(s) cancelled (finished items are kept)`);
    }
  }

  /**
   * The detectors of live traces (issue 16): the local detector, and the LLM judge when asked —
   * built as a pass-through experiment's are (judge model, key, rate limits, minConfidence).
   */
  liveDetectors(judge: boolean): Detector[] | Refusal {
    const config = experimentConfigSchema.parse({
      name: 'live traces',
      model: 'traced',
      pass_through: true,
      conversation_ids: ['live'],
      detectors: judge ? ['local', 'judge'] : ['local'],
    });
    // Live traces are judged in the background: an editor model is used only once the user gave consent.
    return detectorsFor(
      config,
      this.currentSettings,
      (name, baseURL) => this.keyFor(name, baseURL),
      this.isTrusted,
      this.editorAccess(false),
    );
  }

  /**
   * The editor's language models for runs of this session. Experiments are created and resumed by
   * the user (`userStarted`: their first request may ask for consent); live judging is not.
   */
  private editorAccess(userStarted: boolean): EditorModelAccess {
    const chat = this.hooks.editorModelChat;
    return chat ? { transport: chat, userStarted } : null;
  }

  /**
   * After a restart: experiments that were waiting for a Batch API batch poll it again (nothing is
   * submitted twice: the batch ids are in their folders). Not in an untrusted workspace.
   */
  resumeWaitingBatches(): void {
    if (!this.isTrusted || !this.service) return;
    try {
      const ids = this.service.resumeWaitingBatches();
      if (ids.length > 0) this.hooks.log(`resumed polling the batches of ${ids.length} experiment(s): ${ids.join(', ')}`);
    } catch (e) {
      this.hooks.warn(`experiments waiting for a batch were not resumed: ${(e as Error).message}`);
    }
  }

  /** The key stored under `name`, for a request to `baseURL`; never read in an untrusted workspace. */
  private async keyFor(name: string, baseURL: string): Promise<string | null> {
    if (!this.isTrusted) throw new Error('this workspace is not trusted: no API key is read here');
    return this.hooks.askKey(name, baseURL);
  }

  dispose(): void {
    this.service?.dispose();
  }
}
