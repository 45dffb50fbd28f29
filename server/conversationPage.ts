// One page of the conversation listing: the search and the tool-call filter run here, on the
// server, then offset/limit cut the page, so a listing of millions sends one page, not all.
import * as path from 'node:path';
import type { ConversationSummary } from '../common/protocol';

export interface PageQuery {
  /** Every whitespace-separated term must occur (case-insensitive) in id, file, model or the texts. */
  query?: string;
  toolCalls?: 'any' | 'with' | 'without';
  offset?: number;
  limit: number;
}

/**
 * The conversations matching `q`, one page of them, and how many match. Files are searched as
 * paths relative to `root` (as the form shows them): a term from the workspace's own path would
 * otherwise match every conversation. The same rule as the webview's `matchesSearch`, with the
 * terms split and each file's relative path computed once (a search of 100 k rows is one pass).
 */
export function pageOfConversations(
  all: readonly ConversationSummary[],
  q: PageQuery,
  root: string | null,
): { conversations: ConversationSummary[]; total: number } {
  const terms = (q.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const tools = q.toolCalls ?? 'any';
  let matching: readonly ConversationSummary[] = all;
  if (terms.length > 0 || tools !== 'any') {
    const shownPath = new Map<string, string>();
    const fileOf = (file: string) => {
      let shown = shownPath.get(file);
      if (shown === undefined) shownPath.set(file, (shown = (root ? path.relative(root, file) : file).toLowerCase()));
      return shown;
    };
    matching = all.filter((c) => {
      if (tools !== 'any' && (tools === 'with') !== c.hasToolCalls) return false;
      if (terms.length === 0) return true;
      const text = `${c.id}\n${fileOf(c.file)}\n${c.model ?? ''}\n${c.firstUserMessage}\n${c.tracedResponse}`.toLowerCase();
      return terms.every((t) => text.includes(t));
    });
  }
  const from = q.offset ?? 0;
  return { conversations: matching.slice(from, from + q.limit), total: matching.length };
}
