// The OpenAI-chat path of indexing: each record is a conversation. A small input keeps them
// whole; a large file keeps, per conversation, its id, line, record and listing summary, and
// reads the conversation again when it is asked for.
import type { Conversation, SourceAnchor } from '../../../common/schema';
import type { JsonPath } from '../json/locate';
import { pathText } from '../json/pathText';
import type { ConversationColumns } from './indexedFile';
import { readOpenAIConversation } from './openai';
import { Column, valueAtPath } from './recordTable';
import type { RecordRereader } from './reread';
import { contentSummary, SummaryTable } from './summaries';
import type { ProblemSink } from './types';

export interface OpenAIPathOptions {
  file: string;
  displayName: string;
  /** JSONL: records are named by line, not by path. */
  lineBased: boolean;
  lazy: boolean;
  /** Lazy: keep each conversation's listing row (else a listing reads the conversations again). */
  keepSummaries: boolean;
  /**
   * Hand each conversation to this as it is read, and keep nothing of it (a scan's streaming pass:
   * memory does not grow with the file; the file then lists no conversations).
   */
  visit?: (conversation: Conversation) => void;
}

export class OpenAIConversations {
  private readonly ids: string[] = [];
  private readonly lines = new Column(new Uint32Array(1024));
  private readonly recordOf = new Column(new Uint32Array(1024));
  private readonly whole: Conversation[] = [];
  private readonly summaries = new SummaryTable();
  /** Conversations handed to `visit`. */
  visited = 0;

  constructor(
    private readonly opts: OpenAIPathOptions,
    private readonly problem: ProblemSink,
  ) {}

  /** Reads the record `ordinal` (`value` at `anchor`, the conversation at `inner` in it). */
  add(value: unknown, anchor: SourceAnchor, inner: JsonPath, ordinal: number): void {
    const { file, displayName, lineBased, lazy } = this.opts;
    const position = this.ids.length + this.visited;
    const line = anchor.line;
    const path = inner.length ? [...anchor.path, ...inner] : anchor.path;
    const where = () =>
      lineBased
        ? `${displayName}:${line + 1}`
        : path.length === 0
          ? displayName
          : path.length === 1 && typeof path[0] === 'number'
            ? `${displayName}[${path[0]}] (line ${line + 1})`
            : `${displayName} ${pathText(path, 'the document')} (line ${line + 1})`;
    const record = inner.length ? valueAtPath(value, inner) : value;
    const c = readOpenAIConversation(
      record,
      { file, displayName, where, line, sourcePath: path, position, anchor: inner.length ? { ...anchor, path } : anchor },
      this.problem,
    );
    if (!c) return;
    if (this.opts.visit) {
      this.visited++;
      this.opts.visit(c);
      return;
    }
    this.ids.push(c.id);
    this.lines.push(line);
    this.recordOf.push(ordinal);
    if (!lazy) this.whole.push(c);
    else if (this.opts.keepSummaries) this.summaries.push(contentSummary(c));
  }

  columns(rereader: RecordRereader): ConversationColumns {
    const { ids, lines, recordOf, summaries } = this;
    return {
      ids,
      lineAt: (p) => lines.get(p),
      conversations: this.opts.lazy ? null : this.whole,
      reread: (p) => rereader.openAIConversation(recordOf.get(p), p, ids[p]!),
      keptSummary: (p) => summaries.get(p),
    };
  }
}
