// What indexing a trace file gives: its problems and format, and its conversations by position —
// in memory for a small input, else ids and lines at hand with the rest read again from disk.
// Built in one place from the columns either path (OpenAI records, assembled spans) keeps.
import type { Conversation, TraceFormat } from '../../../common/schema';
import type { FileCoverage, TraceProblem } from '../../../common/protocol';
import { contentSummary, type ContentSummary } from './summaries';

export interface IndexedFile {
  file: string;
  isTrace: boolean;
  problems: TraceProblem[];
  /** The file's format (for span formats: the convention of its first LLM span). */
  format: TraceFormat | null;
  lazy: boolean;
  /** Conversations in file order (in memory unless lazy). */
  conversations: Conversation[] | null;
  count: number;
  idAt(position: number): string;
  lineAt(position: number): number;
  /** The conversation at `position`, read again from disk for a lazy file (null if gone). */
  materialize(position: number): Conversation | null;
  /** The listing row's content of the conversation at `position` (null if gone). */
  summaryAt(position: number): ContentSummary | null;
  /**
   * Work left to make the listing rows ahead (a lazy file of spans reads its traces again), in
   * steps to yield between; null when there is none. Left undone, the first listing does it.
   */
  summarySteps(): Iterator<void> | null;
  /** How many LLM calls became conversations, and each one left out with why. */
  coverage: FileCoverage;
}

/** What the file as a whole is. */
export type FileHead = Pick<IndexedFile, 'file' | 'isTrace' | 'problems' | 'format' | 'coverage'>;

/** The conversations of a file as columns: ids and lines, and the conversations or how to get them again. */
export interface ConversationColumns {
  ids: readonly string[];
  lineAt(position: number): number;
  /** All conversations in memory; null for a lazy file. */
  conversations: Conversation[] | null;
  /** Lazy file: the conversation read again from disk (null if the file changed). */
  reread(position: number): Conversation | null;
  /** Lazy file: the kept summary (null when none was kept: it is made from `reread`). */
  keptSummary(position: number): ContentSummary | null;
  /** Lazy file: the work left to keep summaries (null: none). */
  summarySteps?(): Iterator<void> | null;
}

export function buildIndexedFile(head: FileHead, columns: ConversationColumns): IndexedFile {
  const { ids, conversations } = columns;
  const materialize = (p: number): Conversation | null =>
    conversations ? (conversations[p] ?? null) : p < ids.length ? columns.reread(p) : null;
  return {
    ...head,
    lazy: conversations === null,
    conversations,
    count: ids.length,
    idAt: (p) => ids[p]!,
    lineAt: (p) => columns.lineAt(p),
    materialize,
    summaryAt: (p) => {
      const kept = conversations ? null : columns.keptSummary(p);
      if (kept) return kept;
      const c = materialize(p);
      return c && contentSummary(c);
    },
    summarySteps: () => (conversations ? null : (columns.summarySteps?.() ?? null)),
  };
}

/** A file with no conversations (being read, unreadable, or empty). */
export function emptyIndexedFile(file: string, isTrace: boolean, problems: TraceProblem[]): IndexedFile {
  return buildIndexedFile(
    { file, isTrace, problems, format: null, coverage: { llmCalls: 0, read: 0, unread: [] } },
    { ids: [], lineAt: () => 0, conversations: [], reread: () => null, keptSummary: () => null },
  );
}
