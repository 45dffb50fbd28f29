// After a person's verdict: the stored summaries (what `list` and the Experiments view read) of the
// experiments whose counts it changes are written again, so that listing never reads verdicts.
// A verdict reaches the experiment it was given in and, because verdicts carry over, every later
// experiment on the same conversation (carryOver.ts). Each is re-read from the store under its run
// lock, so that its items cannot change while its summary is computed; one being run by a process
// (this one or another) is left to that run, which writes its summary with the verdicts when it ends.
import type { ExperimentSummary } from '../../../common/protocol';
import type { Verdict } from '../review/verdict';
import type { ExperimentStore } from './experimentStore';
import { summarize } from './experimentSummary';
import { loadedState } from './liveExperiment';
import { ExperimentLockedError } from './runLock';

type Listed = Pick<ExperimentSummary, 'id' | 'created_at' | 'items'>;

/** The experiments whose counts `verdict` can change, of those listed. */
export function experimentsReached(verdict: Verdict, listed: readonly Listed[]): string[] {
  const conversation = verdict.annotation_key.conversation_id;
  return listed
    .filter(
      (s) =>
        s.id === verdict.experiment_id ||
        (s.created_at >= verdict.experiment_created_at && s.items.some((i) => i.conversation_id === conversation)),
    )
    .map((s) => s.id);
}

/**
 * After `changed` verdicts were appended (or removed with their experiment): rewrites the stored
 * summary of each experiment they reach, of those `listed` (the service's list; the CLI's stored
 * summaries: one without a valid summary is read in full by the next list anyway), with `verdicts`
 * (all of them now) counted. `runningHere`: run by this process, left to its run.
 */
export function refreshStoredSummaries(
  store: ExperimentStore,
  changed: readonly Verdict[],
  listed: readonly Listed[],
  verdicts: readonly Verdict[],
  runningHere: (id: string) => boolean,
  warn: (message: string) => void,
): void {
  for (const id of new Set(changed.flatMap((v) => experimentsReached(v, listed)))) {
    if (runningHere(id)) continue;
    try {
      rewriteStoredSummary(store, id, verdicts);
    } catch (e) {
      // The verdict is stored; only the listing's copy of the counts could not be written.
      warn(`experiment ${id}: its summary could not be updated after the verdict: ${(e as Error).message}`);
    }
  }
}

/** The experiments of the store with a summary `list` can use as it is. */
export function storedSummaries(store: ExperimentStore): Listed[] {
  return store.list().flatMap((id) => store.readSummary(id) ?? []);
}

/**
 * Rewrites experiment `id`'s stored summary with `verdicts` counted. False when another process
 * runs it (its run writes the summary when it ends).
 */
export function rewriteStoredSummary(store: ExperimentStore, id: string, verdicts: readonly Verdict[]): boolean {
  try {
    store.lockRun(id);
  } catch (e) {
    if (e instanceof ExperimentLockedError) return false;
    throw e;
  }
  try {
    // As listing reads it in full (items a crash left running are pending again).
    const { record, items, conversations } = loadedState(store.load(id));
    store.writeRecord(record, summarize(record, items, { verdicts, conversations }));
    return true;
  } finally {
    store.unlockRun(id);
  }
}
