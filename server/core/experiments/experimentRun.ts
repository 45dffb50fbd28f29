// One run of an experiment in this process: the run lock held, the runner (runner.ts) started on
// what is left, each item kept within the response cap, and once the run settles the record
// marked completed when nothing is left and rewritten with the summary `list` reads, the lock let go.
import type { ExperimentStore, StoredSummary } from './experimentStore';
import type { LiveExperiment } from './liveExperiment';
import { statusSummary } from './metrics';
import { withinResponseCap } from './responseCap';
import { resolveRun, runItems, type RunHooks, type RunResolvers } from './runner';
import { runBatched } from './batchedRun';

export interface ExperimentChange {
  id: string;
  running: boolean;
  /** Items completed so far (markers may have changed). */
  completed: number;
  total: number;
}

export interface RunHost extends RunResolvers {
  store: ExperimentStore;
  concurrency: () => number;
  onChange?: (change: ExperimentChange) => void;
  /** Progress lines (a batch of the Batch API created or ended). */
  log?: (message: string) => void;
}

export interface RunCallbacks {
  warn(message: string): void;
  /** Whether the service still holds the experiment (it may have been deleted during the run). */
  isHeld(): boolean;
  /** The summary `list` reads, with people's verdicts counted (experimentSummary.ts). */
  summary(): StoredSummary;
}

/**
 * Starts running `exp` (synchronously: the first items are in progress when it returns); `exp.run`
 * is set until the run settles. `locked`: the caller already holds the experiment's run lock.
 */
export function startRun(exp: LiveExperiment, host: RunHost, callbacks: RunCallbacks, locked = false): void {
  const id = exp.record.id;
  if (!locked) host.store.lockRun(id);
  const controller = new AbortController();
  const run = { controller, done: Promise.resolve() };
  exp.run = run;
  // An async function so that a refusal from resolveRun becomes the run's failure.
  const start = async () => {
    const target = { experimentId: id, config: exp.runConfig, items: exp.items, conversations: exp.conversations };
    const tools = resolveRun(exp.runConfig, host);
    const hooks: RunHooks = {
      concurrency: host.concurrency(),
      persist: (item) => {
        // Over the cap: refused here, in memory as in the store (the run set it just before).
        const kept = withinResponseCap(item);
        if (kept !== item) {
          const at = exp.items.findIndex((i) => i.id === item.id);
          if (at >= 0) exp.items[at] = kept;
        }
        return host.store.appendItem(id, kept);
      },
      changed: () => changed(exp, host),
      warn: (m) => callbacks.warn(m),
    };
    const batch = exp.runConfig.batch;
    if (batch?.enabled)
      return runBatched(target, tools, hooks, controller, {
        config: batch,
        dir: host.store.dir(id),
        note: (m) => (host.log ?? callbacks.warn)(m),
      });
    return runItems(target, tools, hooks, controller);
  };
  run.done = start()
    .catch((e: unknown) => callbacks.warn(`experiment ${id}: ${(e as Error).message}`))
    .finally(() => {
      exp.run = null;
      try {
        const s = statusSummary(exp.items);
        if (callbacks.isHeld()) {
          if (s.pending === 0 && s.in_progress === 0 && s.inference_completed === 0 && !exp.record.completed_at)
            exp.record = { ...exp.record, completed_at: new Date().toISOString() };
          // The record carries the summary `list` reads; written while the run lock is held,
          // so nothing else appends to the items meanwhile.
          host.store.writeRecord(exp.record, summaryOrNone(callbacks, id));
        }
      } catch (e) {
        callbacks.warn(`experiment ${id}: ${(e as Error).message}`);
      } finally {
        host.store.close(id);
        host.store.unlockRun(id);
      }
      changed(exp, host);
    });
}

function changed(exp: LiveExperiment, host: RunHost): void {
  if (!host.onChange) return;
  let completed = 0;
  for (const i of exp.items) if (i.status === 'completed') completed++;
  host.onChange({ id: exp.record.id, running: exp.run !== null, completed, total: exp.items.length });
}

/**
 * The summary with the verdicts counted, or none when the verdicts cannot be read (a file without
 * permission): the record is written all the same (its completion must not be lost), and `list`
 * then reads the experiment in full instead of trusting counts made without the verdicts.
 */
function summaryOrNone(callbacks: RunCallbacks, id: string): StoredSummary | undefined {
  try {
    return callbacks.summary();
  } catch (e) {
    callbacks.warn(`experiment ${id}: its summary for the list could not be counted: ${(e as Error).message}`);
    return undefined;
  }
}
