// The conversation picker's logic: filtering the indexed conversations and keeping the
// selection within 1..MAX_CONVERSATIONS as people click, select all, or clear.
import { MAX_CONVERSATIONS } from '../../common/schema';
import type { ConversationSummary } from '../../common/protocol';

export type ToolCallFilter = 'any' | 'with' | 'without';

export interface ConversationFilter {
  search: string;
  /** '' = every file. */
  file: string;
  toolCalls: ToolCallFilter;
  selectedOnly: boolean;
}

export const emptyFilter: ConversationFilter = { search: '', file: '', toolCalls: 'any', selectedOnly: false };

function haystack(c: ConversationSummary): string {
  return `${c.id}\n${c.file}\n${c.model ?? ''}\n${c.firstUserMessage}\n${c.tracedResponse}`.toLowerCase();
}

const haystacks = new WeakMap<ConversationSummary, string>();

/** Every whitespace-separated term must occur (case-insensitive) in id, file, model or the texts. */
export function matchesSearch(c: ConversationSummary, search: string): boolean {
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  let text = haystacks.get(c);
  if (text === undefined) haystacks.set(c, (text = haystack(c)));
  return terms.every((t) => text.includes(t));
}

export function filterConversations(
  list: readonly ConversationSummary[],
  filter: ConversationFilter,
  selected: ReadonlySet<string>,
): ConversationSummary[] {
  return list.filter(
    (c) =>
      (!filter.file || c.file === filter.file) &&
      (filter.toolCalls === 'any' || (filter.toolCalls === 'with') === c.hasToolCalls) &&
      (!filter.selectedOnly || selected.has(c.id)) &&
      matchesSearch(c, filter.search),
  );
}

export interface SelectionChange {
  selected: string[];
  /** How many ids were added / removed. */
  added: number;
  removed: number;
  /** Ids that could not be added because of the limit. */
  skipped: number;
}

/** Toggles one id; adding beyond the limit is refused (skipped = 1). */
export function toggleConversation(selected: readonly string[], id: string, limit = MAX_CONVERSATIONS): SelectionChange {
  if (selected.includes(id)) return { selected: selected.filter((x) => x !== id), added: 0, removed: 1, skipped: 0 };
  if (selected.length >= limit) return { selected: [...selected], added: 0, removed: 0, skipped: 1 };
  return { selected: [...selected, id], added: 1, removed: 0, skipped: 0 };
}

/** Adds the visible ids, in view order, until the limit. */
export function selectAllInView(selected: readonly string[], visibleIds: readonly string[], limit = MAX_CONVERSATIONS): SelectionChange {
  const set = new Set(selected);
  const next = [...selected];
  let added = 0;
  let skipped = 0;
  for (const id of visibleIds) {
    if (set.has(id)) continue;
    if (next.length >= limit) {
      skipped++;
      continue;
    }
    set.add(id);
    next.push(id);
    added++;
  }
  return { selected: next, added, removed: 0, skipped };
}

export function deselectAllInView(selected: readonly string[], visibleIds: readonly string[]): SelectionChange {
  const visible = new Set(visibleIds);
  const next = selected.filter((id) => !visible.has(id));
  return { selected: next, added: 0, removed: selected.length - next.length, skipped: 0 };
}

/** The header checkbox of the list: all / some / none of the visible rows selected. */
export function viewSelectionState(selected: ReadonlySet<string>, visibleIds: readonly string[]): 'all' | 'some' | 'none' {
  let n = 0;
  for (const id of visibleIds) if (selected.has(id)) n++;
  if (n === 0) return 'none';
  return n === visibleIds.length ? 'all' : 'some';
}

export interface SelectionCounter {
  text: string;
  count: number;
  limit: number;
  tone: 'empty' | 'ok' | 'full' | 'over';
}

export function selectionCounter(count: number, limit = MAX_CONVERSATIONS): SelectionCounter {
  const tone = count === 0 ? 'empty' : count < limit ? 'ok' : count === limit ? 'full' : 'over';
  return { text: `${count} / ${limit} selected`, count, limit, tone };
}

/** "samples/support-agent.jsonl" → "support-agent.jsonl". */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}
