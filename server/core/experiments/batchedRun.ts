// A run on the provider's Batch API (config.batch.enabled): the item pipeline in passes. Each pass
// runs every runnable item as a direct run would, but each model call goes to the item's batch
// lane first (inference/batch/batchLane.ts): items whose requests wait for a batch are left as
// they were, the others go on. Between passes the recorded requests become batches and the run
// waits for them (BatchExchange.settle); the next pass matches the answers back, item by item, so
// that items appear in the report as they are matched. Target inference, then the judge: an item
// needs at most two batches. Cancelling cancels the open batches at the provider.
import * as path from 'node:path';
import type { BatchConfig } from '../../../common/schema';
import { BatchExchange } from '../inference/batch/batchExchange';
import { BatchLog } from '../inference/batch/batchLog';
import { runItems, type RunHooks, type RunTarget, type RunTools } from './runner';

/**
 * The abort reason of a run stopped because its process is stopping (the editor closing): its
 * batches are left running at the provider, for the next start to poll. Any other abort (Cancel,
 * Ctrl-C, trust lost) cancels them.
 */
export const PROCESS_STOPPING = new Error('the process is stopping');

/** Passes one run may take: target, judge, and the sends of what fell below the threshold, with room to spare. */
const MAX_PASSES = 12;

export interface BatchedRunOptions {
  config: BatchConfig;
  /** The experiment's folder (batches.jsonl and the input files go there). */
  dir: string;
  /** Progress lines (a batch created, ended). */
  note(message: string): void;
}

export async function runBatched(
  target: RunTarget,
  tools: RunTools,
  hooks: RunHooks,
  controller: AbortController,
  opts: BatchedRunOptions,
): Promise<void> {
  const where = `experiment ${target.experimentId}`;
  const exchange = new BatchExchange({
    config: opts.config,
    log: new BatchLog(path.resolve(opts.dir)),
    warn: (m) => hooks.warn(`${where}: ${m}`),
    note: (m) => opts.note(`${where}: ${m}`),
  });
  const signal = controller.signal;
  const stopped = () => (signal.reason === PROCESS_STOPPING ? undefined : exchange.cancelOpen());
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    await runItems(target, tools, { ...hooks, batchLane: (item) => exchange.laneFor(item.id) }, controller);
    if (signal.aborted) return stopped();
    let again: boolean;
    try {
      again = await exchange.settle(signal);
    } catch (e) {
      if (signal.aborted) return stopped();
      throw e;
    }
    if (signal.aborted) return stopped();
    if (!again) return;
  }
  hooks.warn(`${where}: stopped after ${MAX_PASSES} batch passes; the items still pending run on resume`);
}
