// Listing experiments that are not open in this process without reading them: each is listed from
// the summary its record carries (a small file), remembered with its files' stamp so that an
// unchanged experiment is not read again (the server lists on every progress event). One whose
// summary is missing (a store from before summaries) or out of date (a run elsewhere, a crash) is
// read in full once by the caller, summarised, and let go (listing must not keep every item).
import type { ExperimentSummary } from '../../../common/protocol';
import type { ExperimentStore } from './experimentStore';

export class StoredSummaries {
  private readonly listed = new Map<string, { stamp: string; summary: ExperimentSummary }>();

  constructor(private readonly store: ExperimentStore) {}

  /** Experiment `id`'s summary; `readInFull` summarises it from its items when the store has none. */
  summaryOf(id: string, readInFull: () => ExperimentSummary): ExperimentSummary {
    const stamp = this.store.listingStamp(id);
    const cached = this.listed.get(id);
    if (cached?.stamp === stamp) return cached.summary;
    const stored = this.store.readSummary(id);
    const summary = stored ? { ...stored, running: false } : readInFull();
    this.listed.set(id, { stamp, summary });
    return summary;
  }

  forget(id: string): void {
    this.listed.delete(id);
  }
}
