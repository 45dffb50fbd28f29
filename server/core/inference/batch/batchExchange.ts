// One batched run's traffic with the provider's Batch API. The run goes in passes over its items
// (experiments/batchedRun.ts); in a pass each item's model calls reach its lane (batchLane.ts):
//  * a request whose batch has answered gets that answer (or the batch's reason it failed);
//  * a request an open batch holds (one made before a restart) waits for it;
//  * any other request is recorded, and the item waits;
//  * a request to an endpoint whose pass had fewer than `min_requests` requests is sent directly.
// Between passes, `settle` turns the recorded requests into batches (per endpoint and model,
// within the provider's limits), each step flushed to batches.jsonl before the next (batchLog.ts),
// then polls every open batch until it ends and loads its results for the next pass.
import { InferenceError, classifyError } from '../retry';
import { type ChatCallResult, type ChatRequestBody, DEFAULT_BASE_URL, parseChatCompletion } from '../chatClient';
import type { EndpointOptions } from '../contract';
import type { BatchConfig } from '../../../../common/schema';
import { BatchClient } from './batchClient';
import { type OpenBatch, runToEnd } from './batchRun';
import { type BatchLane, BatchDeferred, customIdOf } from './batchLane';
import type { BatchLog } from './batchLog';
import type { BatchOutcome } from './resultLines';
import { type BatchRequest, bodyHash, chatEndpointPath, chunkRequests, requestHashes, requestLines } from './requestFile';

interface Answer {
  outcome: BatchOutcome;
  hash: string | undefined;
  batchId: string;
}

export interface ExchangeOptions {
  config: BatchConfig;
  log: BatchLog;
  /** Problems the user should see. */
  warn(message: string): void;
  /** Progress worth a line in the log (a batch created, its end). */
  note(message: string): void;
}

/** Requests batched together, or sent directly together: one kind of call ("target", "judge") to one model at one endpoint with one key. */
function groupKey(customId: string, e: EndpointOptions): string {
  const kind = customId.slice(customId.indexOf('/') + 1).split('/')[0] ?? '';
  return [kind, e.model.baseURL ?? DEFAULT_BASE_URL, e.model.model, e.apiKey ?? ''].join('\u0000');
}

export class BatchExchange {
  private readonly answers = new Map<string, Answer>();
  private open: OpenBatch[] = [];
  /** Batches whose answers the last pass could use: marked applied once it has. */
  private loaded: OpenBatch[] = [];
  private recorded = new Map<string, { body: ChatRequestBody; endpoint: EndpointOptions }>();
  private readonly direct = new Set<string>();
  private prepared: number;

  constructor(private readonly opts: ExchangeOptions) {
    const warnings: string[] = [];
    const logged = opts.log.read(warnings);
    for (const w of warnings) opts.warn(w);
    this.prepared = logged.length;
    for (const b of logged.filter((x) => !x.applied)) {
      try {
        this.open.push({ logged: b, hashes: requestHashes(opts.log.readInput(b.input)), endpoint: null });
      } catch (e) {
        opts.warn(
          `batch ${b.batch_id ?? b.key}: its input file ${b.input} cannot be read (${(e as Error).message}); its requests are sent again`,
        );
        opts.log.append({ event: 'applied', key: b.key });
      }
    }
  }

  laneFor(itemId: string): BatchLane {
    return { call: async ({ part, endpoint, body }) => this.call(customIdOf(itemId, part), endpoint, body) };
  }

  private call(customId: string, endpoint: EndpointOptions, body: ChatRequestBody): ChatCallResult | null {
    const answer = this.answers.get(customId);
    if (answer) return this.answered(customId, answer, endpoint, body);
    if (this.direct.has(groupKey(customId, endpoint))) return null;
    const waiting = this.open.find((b) => b.hashes.has(customId));
    if (waiting) waiting.endpoint ??= endpoint;
    else this.recorded.set(customId, { body, endpoint });
    throw new BatchDeferred(customId);
  }

  private answered(customId: string, answer: Answer, endpoint: EndpointOptions, body: ChatRequestBody): ChatCallResult {
    if (answer.hash !== undefined && answer.hash !== bodyHash(body))
      throw new InferenceError(
        `request ${customId} changed since batch ${answer.batchId} ran it (a setting or the configuration changed?): its answer is not used; rerun the failed items to send the new request`,
        'unknown',
      );
    if (!answer.outcome.ok) throw new InferenceError(answer.outcome.reason, 'http');
    try {
      const parsed = parseChatCompletion(body, answer.outcome.body, endpoint.apiKey, 0);
      return { ...parsed, attempts: 1, batch: { id: answer.batchId, discount: this.opts.config.discount } };
    } catch (e) {
      throw classifyError(e, { apiKey: endpoint.apiKey });
    }
  }

  /**
   * After a pass: marks the answers it used as applied, makes batches of what it recorded (an
   * endpoint with fewer than `min_requests` is sent directly instead), and waits for every open
   * batch to end. False when nothing is left for another pass.
   */
  async settle(signal: AbortSignal): Promise<boolean> {
    for (const b of this.loaded) {
      this.opts.log.append({ event: 'applied', key: b.logged.key });
      for (const id of b.hashes.keys()) this.answers.delete(id);
    }
    this.loaded = [];
    // An open batch no waiting request named: no item needs it any more.
    for (const b of this.open.filter((x) => x.endpoint === null)) this.opts.log.append({ event: 'applied', key: b.logged.key });
    this.open = this.open.filter((x) => x.endpoint !== null);
    const sentDirectly = this.prepareRecorded();
    if (this.open.length === 0) return sentDirectly;
    const batches = this.open;
    const results = await Promise.allSettled(batches.map((b) => this.drive(b, signal)));
    if (signal.aborted) return false;
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.failAll(batches[i]!, (r.reason as Error).message ?? String(r.reason));
    });
    this.loaded = batches;
    this.open = [];
    return true;
  }

  /** Asks the provider to cancel every batch still running (the run was cancelled). */
  async cancelOpen(): Promise<void> {
    await Promise.all(
      this.open
        .filter((b) => b.logged.batch_id && b.endpoint && !b.logged.ended)
        .map(async (b) => {
          try {
            await new BatchClient(b.endpoint!).cancel(b.logged.batch_id!);
            this.opts.log.append({ event: 'cancel_requested', key: b.logged.key });
            b.logged.cancel_requested = true;
            this.opts.note(`batch ${b.logged.batch_id}: cancel asked for; a resume applies what it finished and sends the rest again`);
          } catch (e) {
            this.opts.warn(`batch ${b.logged.batch_id} could not be cancelled: ${(e as Error).message}`);
          }
        }),
    );
  }

  /** Recorded requests → new open batches (logged as prepared) or direct endpoints. True when some go directly. */
  private prepareRecorded(): boolean {
    const groups = new Map<string, { endpoint: EndpointOptions; requests: BatchRequest[] }>();
    for (const [customId, r] of this.recorded) {
      const key = groupKey(customId, r.endpoint);
      const g = groups.get(key) ?? { endpoint: r.endpoint, requests: [] };
      g.requests.push({ customId, body: r.body });
      groups.set(key, g);
    }
    this.recorded = new Map();
    let direct = false;
    for (const [key, g] of groups) {
      if (g.requests.length < this.opts.config.min_requests) {
        this.opts.note(
          `${g.requests.length} request(s) to ${g.endpoint.model.model} are fewer than batch.min_requests (${this.opts.config.min_requests}): sent directly at the full price`,
        );
        this.direct.add(key);
        direct = true;
        continue;
      }
      for (const chunk of chunkRequests(g.requests)) this.open.push(this.prepare(g.endpoint, chunk));
    }
    return direct;
  }

  private prepare(endpoint: EndpointOptions, requests: BatchRequest[]): OpenBatch {
    const key = `b${String(++this.prepared).padStart(3, '0')}`;
    const input = `batch-${key}-input.jsonl`;
    this.opts.log.writeInput(input, requestLines(requests, chatEndpointPath(endpoint.model.baseURL)));
    const logged = {
      key,
      endpoint: { baseURL: endpoint.model.baseURL ?? null, model: endpoint.model.model, apiKeyName: endpoint.model.apiKeyName ?? null },
      input,
      requests: requests.length,
    };
    this.opts.log.append({ event: 'prepared', ...logged });
    return {
      logged: {
        ...logged,
        prepared_at: new Date().toISOString(),
        input_file_id: null,
        batch_id: null,
        ended: null,
        cancel_requested: false,
        applied: false,
      },
      hashes: new Map(requests.map((r) => [r.customId, bodyHash(r.body)])),
      endpoint,
    };
  }

  /** Submits `b` unless it was, waits for its end and keeps its answers for the next pass. */
  private async drive(b: OpenBatch, signal: AbortSignal): Promise<void> {
    const { batchId, outcomes } = await runToEnd(b, { ...this.opts, pollIntervalMs: this.opts.config.poll_interval_ms }, signal);
    for (const [id, outcome] of outcomes) this.answers.set(id, { outcome, hash: b.hashes.get(id), batchId });
  }

  /** Every request of `b` fails with `reason` (the batch could not be submitted or read). */
  private failAll(b: OpenBatch, reason: string): void {
    this.opts.warn(`batch ${b.logged.batch_id ?? b.logged.key}: ${reason}`);
    const batchId = b.logged.batch_id ?? b.logged.key;
    for (const [id, hash] of b.hashes)
      if (!this.answers.has(id)) this.answers.set(id, { outcome: { ok: false, reason: `batch ${batchId}: ${reason}` }, hash, batchId });
  }
}
