// The report's one-line progress and run-state texts. A skipped item (nothing to judge) never
// reads as a failure: the status summary counts it apart, and so do these texts.
import type { StatusSummary } from '../../common/schema';
import { formatInt, plural } from './format';

export interface FailureSplit {
  failed: number;
  skipped: number;
}

/** "12 of 20 items done (60%) · 1 failed · 2 skipped · 3 in flight" */
export function progressText(s: StatusSummary, split: FailureSplit, running: boolean): string {
  const done = s.completed + s.failed + s.skipped;
  const pct = s.total > 0 ? Math.round((done / s.total) * 100) : 0;
  return [
    `${formatInt(done)} of ${plural(s.total, 'item')} done (${pct}%)`,
    split.failed > 0 ? `${formatInt(split.failed)} failed` : null,
    split.skipped > 0 ? `${formatInt(split.skipped)} skipped` : null,
    running ? `${formatInt(s.in_progress + s.inference_completed)} in flight` : null,
  ]
    .filter((x): x is string => x !== null)
    .join(' · ');
}

/** The header's state once every item is done: "Completed", or what failed and what was skipped. */
export function finishedText(split: FailureSplit): string {
  const parts = [
    split.failed > 0 ? `${formatInt(split.failed)} failed` : null,
    split.skipped > 0 ? `${formatInt(split.skipped)} skipped` : null,
  ];
  const said = parts.filter((x): x is string => x !== null);
  return said.length > 0 ? `Finished · ${said.join(' · ')}` : 'Completed';
}
