// The OTLP/HTTP receiver inside the language server (issue 16): started and stopped by the
// extension, refused in an untrusted workspace. What arrives is appended to the live files in the
// workspace (core/receiver); each completed trace is indexed from its own lines (the appendable
// index of the live file: what was appended is read once, nothing indexed is read again, the
// newest conversations kept) and judged by the local detector as `receive` judges it, and what was
// found is shown as markers on the live file ("Live traces", besides the chosen experiment's). The extension hears a
// status (listening, counts, last error) and one notification per judged trace.
import * as path from 'node:path';
import type { z } from 'zod';
import * as P from '../common/protocol';
import type { Detector } from './core/detectors/detector';
import type { Refusal } from './core/experiments/pipeline';
import { DetectionQueue, judgeIndexed, type LiveTraceResult } from './core/receiver/liveDetection';
import type { LiveTraceIndex } from './core/receiver/liveTraceIndex';
import { DEFAULT_RECEIVER_PORT, OtlpReceiver, PortInUse } from './core/receiver/otlpReceiver';
import type { CompletedTrace } from './core/receiver/traceCompletion';
import type { LiveFindings } from './liveFindings';
import { refusalReason } from './traceFiles';

export const DEFAULT_LIVE_FOLDER = path.join('traces', 'live');
/** Status notifications go out at most this often (counts change with every request). */
const STATUS_INTERVAL_MS = 250;

export interface LiveReceiverDeps {
  root(): string | null;
  trusted(): boolean;
  /** The detectors of a trace (Session.liveDetectors), built again for each batch: settings may change. */
  detectors(judge: boolean): Detector[] | Refusal;
  findings: LiveFindings;
  /** The appendable index of the live files (the window of their newest conversations). */
  index: LiveTraceIndex;
  /** A live file's index changed: taken into the session's index, its markers published (TraceFiles.follow). */
  follow(file: string): void;
  status(status: P.ReceiverStatus): void;
  traceJudged(params: z.input<typeof P.LiveTraceJudged.params>): void;
  warn(message: string): void;
}

type StartParams = z.output<typeof P.StartReceiver.params>;

interface Running {
  receiver: OtlpReceiver;
  queue: DetectionQueue;
  port: number;
  folder: string;
  judge: boolean;
  /** Aborts a detection in progress when the receiver stops for good (the server shuts down). */
  abort: AbortController;
}

export class LiveReceiver {
  private running: Running | null = null;
  /** Start and stop one after another: a start while a stop writes its last lines waits for it. */
  private chain: Promise<unknown> = Promise.resolve();
  private counts = { traces: 0, hallucinations: 0 };
  private lastError: string | null = null;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: LiveReceiverDeps) {}

  start(params: StartParams): Promise<z.input<typeof P.StartReceiver.result>> {
    return this.serialized(() => this.doStart(params));
  }

  /** Stops listening; the requests in flight are answered and written, the pending traces judged. */
  stop(): Promise<boolean> {
    return this.serialized(() => this.doStop());
  }

  /** Losing trust stops the receiver (nothing received so far is lost). */
  trustChanged(): void {
    if (this.running && !this.deps.trusted()) {
      this.deps.warn('the workspace is no longer trusted: the trace receiver stopped');
      void this.stop();
    }
  }

  status(): P.ReceiverStatus {
    const r = this.running;
    return {
      listening: r !== null,
      port: r?.port ?? null,
      folder: r?.folder ?? null,
      traces: this.counts.traces,
      spans: r?.receiver.stats.spans ?? 0,
      hallucinations: this.counts.hallucinations,
      judge: r?.judge ?? false,
      lastError: this.lastError,
    };
  }

  /** Shutdown: stops listening; what was acknowledged is on disk already. */
  dispose(): void {
    this.running?.abort.abort();
    void this.stop();
    if (this.statusTimer) clearTimeout(this.statusTimer);
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async doStart(params: StartParams) {
    if (!this.deps.trusted())
      throw new Error('this workspace is not trusted: the trace receiver does not run here (trust the workspace to receive traces)');
    const root = this.deps.root();
    if (!root) throw new Error('the trace receiver needs a workspace folder to keep what it receives: open a folder first');
    const folder = path.resolve(root, params.folder ?? DEFAULT_LIVE_FOLDER);
    if (folder === path.resolve(root) || refusalReason(root, folder))
      throw new Error(
        `the receiver folder ${folder} is not inside the workspace folder ${root}: choose one inside it (setting hallucinationLab.receiver.folder)`,
      );
    const port = params.port ?? DEFAULT_RECEIVER_PORT;
    const judge = params.judge ?? false;
    // Checked before listening: a judge without a model is refused here, not on every trace.
    const detectors = this.deps.detectors(judge);
    if (!Array.isArray(detectors)) throw new Error(`${detectors.error} (setting hallucinationLab.receiver.judge)`);
    const current = this.running;
    if (current && current.folder === folder && current.judge === judge && (port === 0 || port === current.port))
      return this.answer(current);
    if (current) await this.doStop();

    const receiver = new OtlpReceiver({ folder, port });
    const abort = new AbortController();
    const queue = new DetectionQueue((traces) => this.judge(traces, judge, abort.signal));
    receiver.on('trace', (trace) => queue.push(trace));
    receiver.on('refused', ({ status, message }) => {
      this.lastError = `${new Date().toISOString()} HTTP ${status}: ${message}`;
      this.statusSoon();
    });
    let bound: number;
    try {
      bound = await receiver.listen();
    } catch (e) {
      if (e instanceof PortInUse)
        throw new Error(
          `port ${e.port} on 127.0.0.1 is already in use: stop what listens there or choose another port with the setting hallucinationLab.receiver.port`,
          { cause: e },
        );
      throw new Error(`the trace receiver could not listen on 127.0.0.1:${port}: ${(e as Error).message}`, { cause: e });
    }
    this.running = { receiver, queue, port: bound, folder, judge, abort };
    this.counts = { traces: 0, hallucinations: 0 };
    this.lastError = null;
    this.sendStatus();
    return this.answer(this.running);
  }

  private async doStop(): Promise<boolean> {
    const r = this.running;
    if (!r) return false;
    this.running = null;
    await r.receiver.close();
    await r.queue.idle();
    this.sendStatus();
    return true;
  }

  private answer(r: Running): z.input<typeof P.StartReceiver.result> {
    return { port: r.port, folder: r.folder, endpoint: `http://127.0.0.1:${r.port}` };
  }

  /** One batch of completed traces: their lines indexed, their conversations judged, then markers and the extension told. */
  private async judge(traces: CompletedTrace[], judge: boolean, signal: AbortSignal): Promise<void> {
    let results: LiveTraceResult[];
    let changed: string[];
    try {
      const detectors = this.deps.detectors(judge);
      if (!Array.isArray(detectors)) throw new Error(detectors.error);
      const indexed = this.deps.index.completed(traces);
      changed = indexed.changed;
      results = await judgeIndexed(indexed.traces, detectors, signal, (m) => this.deps.warn(m));
    } catch (e) {
      this.lastError = `${new Date().toISOString()} ${traces.length} trace(s) could not be judged: ${(e as Error).message}`;
      this.deps.warn(this.lastError);
      this.statusSoon();
      return;
    }
    this.deps.findings.record(results.flatMap((r) => r.conversations));
    // Taken into the session's index after the findings are known: the new markers come with it.
    for (const file of changed) this.deps.follow(file);
    for (const r of results) {
      this.counts.traces++;
      this.counts.hallucinations += r.hallucinations;
      this.deps.traceJudged({
        traceId: r.trace.traceId,
        files: r.trace.files,
        hallucinations: r.hallucinations,
        conversations: r.conversations.map((c) => ({
          id: c.id,
          file: c.file,
          line: c.line,
          status: c.status,
          failureReason: c.failureReason,
          hallucinations: c.annotations.length,
          model: c.model,
          firstUserMessage: c.firstUserMessage,
        })),
      });
    }
    this.statusSoon();
  }

  private statusSoon(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.sendStatus();
    }, STATUS_INTERVAL_MS);
  }

  private sendStatus(): void {
    this.deps.status(this.status());
  }
}
