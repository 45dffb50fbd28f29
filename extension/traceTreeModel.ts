// What the Trace Files view shows for a file, as plain data (no vscode import, so it is unit
// tested): its description, tooltip lines and the "Not read (N)" node listing the LLM calls the
// reader left out with why (issue 12, honest coverage).
import type { FileCoverage, TraceFileSummary } from '../common/protocol';

export interface UnreadCall {
  file: string;
  spanId: string | null;
  /** 0-based line of the call's span in the file (where clicking opens it). */
  line: number;
  reason: string;
}

export interface FileView {
  description: string;
  /** Markdown tooltip lines (already escaped). */
  tooltip: string[];
  errors: number;
  /** The calls not read, shown under a "Not read (N)" child node; empty when all were read. */
  unread: UnreadCall[];
}

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** Markdown-escapes text from trace files (reasons and messages quote the file's content). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>]/g, '\\$&');
}

export function unreadCalls(file: string, coverage: FileCoverage | undefined): UnreadCall[] {
  return (coverage?.unread ?? []).map((u) => ({ file, spanId: u.spanId, line: u.line, reason: u.reason }));
}

/** The reasons calls were left out, each with its count, most frequent first. */
export function unreadReasons(unread: readonly UnreadCall[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const u of unread) counts.set(u.reason, (counts.get(u.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function fileView(summary: TraceFileSummary, relativeName: string): FileView {
  const errors = summary.problems.filter((p) => p.severity === 'error').length;
  const unread = unreadCalls(summary.file, summary.coverage);
  const description = [
    plural(summary.conversationCount, 'conversation'),
    unread.length > 0 ? `${plural(unread.length, 'LLM call')} not read` : null,
    errors > 0 ? plural(errors, 'error') : null,
  ]
    .filter((x): x is string => x !== null)
    .join(' · ');
  const tooltip = [`**${escapeMarkdown(relativeName)}**`, ''];
  const c = summary.coverage;
  if (c) {
    tooltip.push(`${c.read} of ${plural(c.llmCalls, 'LLM call')} read`);
    if (unread.length > 0) {
      tooltip.push('', 'Not read:');
      for (const r of unreadReasons(unread)) tooltip.push(`- ${r.count} × ${escapeMarkdown(r.reason)}`);
    }
    tooltip.push('');
  }
  tooltip.push(...summary.problems.slice(0, 10).map((p) => `- ${p.severity}: ${escapeMarkdown(p.message)}`));
  return { description, tooltip, errors, unread };
}

/** One left-out call as a tree row (clicking it opens the file at `line`). */
export function unreadCallView(u: UnreadCall): { label: string; description: string; tooltip: string } {
  const where = `line ${u.line + 1}`;
  return {
    label: u.reason,
    description: u.spanId ? `span ${u.spanId} · ${where}` : where,
    tooltip: `LLM call not read: ${u.reason}\n${u.spanId ? `span ${u.spanId}, ` : ''}${where}`,
  };
}

/** Conversations a file node lists at once: a file of a million would be a million tree items. */
export const TREE_CONVERSATION_PAGE = 1000;

/** The node after the first page of a large file's conversations: how many are not listed, and where to find them. */
export function moreConversationsView(shown: number, total: number): { label: string; tooltip: string } {
  const rest = total - shown;
  return {
    label: `${rest.toLocaleString('en-US')} more conversation${rest === 1 ? '' : 's'}`,
    tooltip: `The first ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} conversations are listed here; the New Experiment form pages through all of them and searches them.`,
  };
}
