// What the Experiments view says of an experiment's and an item's hallucinations, as plain text (no
// vscode import, so it is unit tested): the counts leave dismissed annotations out and say how many
// are still unreviewed, as the report's Unreviewed card does.
import type { ExperimentSummary } from '../common/protocol';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 hallucinations · 2 unreviewed" (the unreviewed part only while some are). */
export function experimentCountsText(e: Pick<ExperimentSummary, 'total_hallucinations' | 'unreviewed_count'>): string {
  const unreviewed = e.unreviewed_count ?? 0;
  return `${plural(e.total_hallucinations, 'hallucination')}${unreviewed > 0 ? ` · ${unreviewed} unreviewed` : ''}`;
}

/** The same for one item of the experiment. */
export function itemCountsText(i: Pick<ExperimentSummary['items'][number], 'hallucinations' | 'unreviewed'>): string {
  const unreviewed = i.unreviewed ?? 0;
  return `${plural(i.hallucinations, 'hallucination')}${unreviewed > 0 ? ` · ${unreviewed} unreviewed` : ''}`;
}

/** The tooltip's line on review: what the counts leave out, or nothing when nothing was dismissed or reviewed. */
export function reviewTooltipLine(e: Pick<ExperimentSummary, 'unreviewed_count' | 'dismissed_count'>): string | undefined {
  if (e.unreviewed_count === undefined) return undefined;
  const dismissed = e.dismissed_count ?? 0;
  return `Counts exclude ${plural(dismissed, 'annotation')} dismissed in review; ${e.unreviewed_count} unreviewed`;
}
