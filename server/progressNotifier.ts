// Experiment progress to the extension, throttled: a big run changes hundreds of times a second
// and each notification carries a summary of every item (~150 bytes an item). Also decides when
// a run's progress is worth republishing markers for.
import type { ExperimentSummary } from '../common/protocol';
import type { ExperimentChange } from './core/experiments/experimentService';

export interface ProgressTarget {
  /** The summary to send, or null when the experiment no longer exists. Built only when sent. */
  summaryOf(id: string): ExperimentSummary | null;
  /** The experiment whose markers are shown. */
  shownExperimentId(): string | null;
  send(summary: ExperimentSummary): void;
  /** Republish markers after `delayMs` (coalesced by the publisher). */
  publishMarkersSoon(delayMs?: number): void;
}

/** Fastest notification rate per experiment, and the slowest a running one is slowed to. */
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 1000;
/** While a shown experiment runs, markers follow its completed items at most this often. */
const RUNNING_MARKERS_DELAY_MS = 1000;

export class ProgressNotifier {
  private readonly lastSent = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  private readonly lastCompleted = new Map<string, number>();

  constructor(private readonly target: ProgressTarget) {}

  /**
   * Progress notifications per experiment at most every 100 ms, and every `items / 10` ms for big
   * experiments, capped at one a second; the last one (the run ended) always goes out at once.
   */
  changed(change: ExperimentChange): void {
    const { id } = change;
    const interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.floor(change.total / 10)));
    clearTimeout(this.trailing.get(id));
    const wait = interval - (Date.now() - (this.lastSent.get(id) ?? 0));
    if (wait <= 0 || !change.running) this.send(id);
    else
      this.trailing.set(
        id,
        setTimeout(() => this.send(id), wait),
      );
  }

  private send(id: string): void {
    this.trailing.delete(id);
    this.lastSent.set(id, Date.now());
    const summary = this.target.summaryOf(id);
    if (!summary) return;
    this.target.send(summary);
    // Markers: only when this experiment's are shown and something completed since last time.
    const completed = summary.status_summary.completed;
    if (id === this.target.shownExperimentId() || !summary.running) {
      if (!summary.running) this.target.publishMarkersSoon();
      else if (completed !== this.lastCompleted.get(id)) this.target.publishMarkersSoon(RUNNING_MARKERS_DELAY_MS);
    }
    this.lastCompleted.set(id, completed);
  }
}
