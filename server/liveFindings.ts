// What live detection found on the received traces, kept for the markers of the live files: the
// judged item of each recent conversation, shown besides the chosen experiment's markers as the
// "Live traces" source. Bounded: past MAX_LIVE_ITEMS conversations the oldest are forgotten (their
// markers go; the live file keeps their spans, and an experiment on them judges them again).
import type { ExperimentItem } from '../common/schema';
import type { LiveConversationResult } from './core/receiver/liveDetection';
import type { ShownExperiment } from './markerPublisher';

export const MAX_LIVE_ITEMS = 1000;
export const LIVE_FINDINGS_ID = 'live';
export const LIVE_FINDINGS_NAME = 'Live traces';

export class LiveFindings {
  /** Conversation id → its judged item, in the order judged (a re-judged conversation moves last). */
  private readonly items = new Map<string, ExperimentItem>();

  constructor(private readonly max = MAX_LIVE_ITEMS) {}

  record(conversations: readonly LiveConversationResult[]): void {
    for (const c of conversations) {
      this.items.delete(c.id);
      // The item judged outside an experiment is named "traced": each gets an id of its own here.
      this.items.set(c.id, { ...c.item, id: `live:${c.id}`, conversation_id: c.id });
    }
    for (const id of this.items.keys()) {
      if (this.items.size <= this.max) break;
      this.items.delete(id);
    }
  }

  get size(): number {
    return this.items.size;
  }

  /** The findings as a marker source, newest first (a file's marker cap keeps the newest); null when there are none. */
  asShown(): ShownExperiment | null {
    return this.items.size ? { id: LIVE_FINDINGS_ID, name: LIVE_FINDINGS_NAME, items: [...this.items.values()].reverse() } : null;
  }

  clear(): void {
    this.items.clear();
  }
}
