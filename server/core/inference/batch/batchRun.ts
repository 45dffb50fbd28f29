// One batch from its input file to its results: uploaded unless the log says it was, created
// unless the log says it was (or the provider has one made from the same input file: a process
// that stopped before storing the id), polled until it ends, each step flushed to the log before
// the next; then its output and error files read back into one outcome per request.
import type { EndpointOptions } from '../contract';
import { BatchClient } from './batchClient';
import type { BatchLog, LoggedBatch } from './batchLog';
import { patiently, pollUntilDone } from './batchPolling';
import { collectResults } from './batchResults';
import type { BatchOutcome } from './resultLines';
import { chatEndpointPath } from './requestFile';

export interface OpenBatch {
  logged: LoggedBatch;
  /** custom_id → hash of the body sent. */
  hashes: Map<string, string>;
  /** Learned from the requests that wait for it (the key is never stored). */
  endpoint: EndpointOptions | null;
}

export interface RunContext {
  log: BatchLog;
  pollIntervalMs: number;
  warn(message: string): void;
  note(message: string): void;
}

/** Submits `b` unless it was (never twice: see the log), polls it until it ends, and reads its results. */
export async function runToEnd(
  b: OpenBatch,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<{ batchId: string; outcomes: Map<string, BatchOutcome> }> {
  const endpoint = b.endpoint!;
  const client = new BatchClient(endpoint);
  const log = ctx.log;
  const key = b.logged.key;
  if (!b.logged.batch_id) {
    if (!b.logged.input_file_id) {
      b.logged.input_file_id = await client.upload(b.logged.input, log.readInput(b.logged.input), signal);
      log.append({ event: 'uploaded', key, input_file_id: b.logged.input_file_id });
    } else {
      // Uploaded before a stop: the batch may have been created without its id being stored.
      const since = Math.floor(Date.parse(b.logged.prepared_at) / 1000) - 60;
      const found = await client.findByInputFile(b.logged.input_file_id, since, signal);
      if (found) {
        b.logged.batch_id = found.id;
        log.append({ event: 'created', key, batch_id: found.id });
      }
    }
    if (!b.logged.batch_id) {
      const path = chatEndpointPath(endpoint.model.baseURL);
      const state = await client.create(b.logged.input_file_id, path, { hallucination_lab_batch: key }, signal);
      b.logged.batch_id = state.id;
      log.append({ event: 'created', key, batch_id: state.id });
      ctx.note(`batch ${state.id} created: ${b.logged.requests} request(s) to ${endpoint.model.model}, results within 24 h`);
    }
  }
  const batchId = b.logged.batch_id;
  let said = '';
  const state = await pollUntilDone(client, batchId, {
    initialMs: ctx.pollIntervalMs,
    signal,
    // Each change of status said once (a batch runs for hours: the log shows where it is).
    onState: (s) => {
      const counts = s.request_counts ? ` (${s.request_counts.completed + s.request_counts.failed} of ${s.request_counts.total} done)` : '';
      if (s.status !== said) ctx.note(`batch ${batchId}: ${s.status}${counts}`);
      said = s.status;
    },
    onPollError: (e) => ctx.warn(`batch ${batchId}: polling failed (${e.message}); trying again`),
  });
  // The results are at the provider now: reading them is retried as polling is (an outage must not fail the items).
  const read = () =>
    collectResults(client, state, new Set(b.hashes.keys()), { cancelledHere: b.logged.cancel_requested, apiKey: endpoint.apiKey, signal });
  const { outcomes, problems } = await patiently(read, ctx.pollIntervalMs, signal, (e) =>
    ctx.warn(`batch ${batchId}: reading its results failed (${e.message}); trying again`),
  );
  if (!b.logged.ended) {
    const errors = state.errors?.data?.map((e) => [e.code, e.message].filter(Boolean).join(': ')) ?? [];
    log.append({
      event: 'ended',
      key,
      status: state.status,
      output_file_id: state.output_file_id ?? null,
      error_file_id: state.error_file_id ?? null,
      errors,
    });
  }
  for (const p of problems) ctx.warn(p);
  if (state.status === 'cancelled' && b.logged.cancel_requested)
    ctx.note(`batch ${batchId} cancelled as asked: what it finished is applied, the rest is sent again`);
  else if (state.status !== 'completed') ctx.warn(`batch ${batchId} ended ${state.status}: its unanswered requests fail with the reason`);
  else ctx.note(`batch ${batchId} completed: ${outcomes.size} result(s) matched`);
  return { batchId, outcomes };
}
