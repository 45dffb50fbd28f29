// The Experiments view's tag filter as plain data (no vscode import, so it is unit tested): the
// tags to choose from, which experiments a tag keeps, and what the view's description says.
import type { ExperimentSummary } from '../common/protocol';

/** The quick pick's first entry: no filter. */
export const ALL_EXPERIMENTS = 'All experiments';

/** Every tag some experiment carries, each once, sorted for the quick pick. */
export function tagsPresent(experiments: Iterable<Pick<ExperimentSummary, 'tags'>>): string[] {
  const tags = new Set<string>();
  for (const e of experiments) for (const t of e.tags ?? []) tags.add(t);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/** Whether the view shows `experiment` under the filter (none: every experiment). */
export function keptByTag(experiment: Pick<ExperimentSummary, 'tags'>, tag: string | undefined): boolean {
  return tag === undefined || (experiment.tags ?? []).includes(tag);
}

/** The view's description: the filter, and how many experiments it hides. */
export function tagFilterDescription(tag: string | undefined, shown: number, total: number): string | undefined {
  if (tag === undefined) return undefined;
  return total > shown ? `tag: ${tag} (${shown} of ${total})` : `tag: ${tag}`;
}

/** The tooltip's line naming an experiment's tags (Markdown, code spans so a tag reads as written). */
export function tagsTooltipLine(tags: readonly string[] | undefined): string | undefined {
  if (!tags || tags.length === 0) return undefined;
  return `Tags: ${tags.map((t) => `\`${t.replace(/`/g, "'")}\``).join(' ')}`;
}
