// The span-format path of indexing: span records are gathered, grouped by trace and assembled
// into conversations at the end. A small input keeps the conversations; a large file keeps span
// skeletons while it is read, then per conversation its id, line and trace (the records its
// spans came from), and reads a trace again when one of its conversations is asked for.
// Listing summaries of a large file are made in one pass over its traces when first asked for,
// then kept.
import type { Conversation, TraceFormat } from '../../../common/schema';
import { assembleTrace, groupByTrace, REBUILT_MESSAGES_BUDGET } from './assemble';
import type { ConversationColumns } from './indexedFile';
import { Column } from './recordTable';
import type { RecordRereader } from './reread';
import type { Family } from './sniff';
import { recordOfSeq, skeleton } from './spanRecords';
import { contentSummary, SummaryTable } from './summaries';
import type { ProblemSink, SpanRecord } from './types';

export interface SpanPathOptions {
  file: string;
  displayName: string;
  lazy: boolean;
}

export class SpanConversations {
  private spans: SpanRecord[] = [];
  /** The convention of the first LLM span (the file's format when none is forced). */
  firstConvention: TraceFormat | null = null;
  private readonly ids: string[] = [];
  private readonly lines = new Column(new Uint32Array(1024));
  private readonly whole: Conversation[] = [];
  /** Lazy: the trace of each conversation, and per trace its first position, records and id. */
  private readonly traceOf = new Column(new Uint32Array(1024));
  private readonly traceFirst = new Column(new Uint32Array(1024));
  private readonly traceRecords: number[][] = [];
  private readonly traceIds: Array<string | null> = [];
  private summaries: SummaryTable | null = null;

  constructor(
    private readonly opts: SpanPathOptions,
    private readonly problem: ProblemSink,
  ) {}

  /** The span records of one record; what could not be read in them is reported. */
  add(spans: readonly SpanRecord[]): void {
    for (const s of spans) {
      for (const n of s.notes) this.problem({ line: s.anchor.line, character: s.anchor.character }, `${this.opts.displayName}:${s.anchor.line + 1}: ${describeSpan(s)} ${n.message}`, n.severity);
      if (s.kind === 'llm' && this.firstConvention === null) this.firstConvention = s.format;
      this.spans.push(this.opts.lazy ? skeleton(s) : s);
    }
  }

  /** Groups the spans by trace and assembles them (once, after the last record). */
  assemble(): void {
    const { file, displayName, lazy } = this.opts;
    const groups = groupByTrace(this.spans);
    this.spans = [];
    const opts = { file, displayName, problem: this.problem, idsOnly: lazy, budget: { rebuilt: REBUILT_MESSAGES_BUDGET } };
    for (let t = 0; t < groups.length; t++) {
      const g = groups[t]!;
      if (lazy) {
        this.traceFirst.push(this.ids.length);
        this.traceRecords.push([...new Set(g.map((s) => recordOfSeq(s.seq)))].sort((a, b) => a - b));
        this.traceIds.push(g[0]?.traceId ?? null);
      }
      for (const c of assembleTrace(g, opts)) {
        if (lazy) this.traceOf.push(t);
        else this.whole.push({ ...c, position: this.ids.length });
        this.ids.push(c.id);
        this.lines.push(c.line);
      }
      groups[t] = [];
    }
  }

  columns(rereader: RecordRereader, family: Family, convention: 'otel-genai' | 'openinference' | null): ConversationColumns {
    const { ids, lines } = this;
    return {
      ids,
      lineAt: (p) => lines.get(p),
      conversations: this.opts.lazy ? null : this.whole,
      reread: (p) => {
        const t = this.traceOf.get(p);
        const k = p - this.traceFirst.get(t);
        const c = rereader.traceConversations(family, convention, this.traceRecords[t]!, this.traceIds[t]!, { only: k })?.[k];
        return c && c.id === ids[p] ? ({ ...c, position: p } as Conversation) : null;
      },
      keptSummary: (p) => {
        this.summaries ??= this.summarizeAll(rereader, family, convention);
        return this.summaries?.get(p) ?? null;
      },
    };
  }

  /**
   * Lazy file: the summaries of all conversations, each trace read and assembled once (null when
   * the file changed meanwhile: nothing is kept, the re-index replaces this one). A conversation
   * its trace could not rebuild within the memory budget has none (made on demand).
   */
  private summarizeAll(rereader: RecordRereader, family: Family, convention: 'otel-genai' | 'openinference' | null): SummaryTable | null {
    const table = new SummaryTable();
    for (let t = 0; t < this.traceRecords.length; t++) {
      const first = this.traceFirst.get(t);
      const end = t + 1 < this.traceRecords.length ? this.traceFirst.get(t + 1) : this.ids.length;
      const convs = rereader.traceConversations(family, convention, this.traceRecords[t]!, this.traceIds[t]!, { budget: { rebuilt: REBUILT_MESSAGES_BUDGET } });
      if (!convs) return null;
      // Conversations over the budget are left out of `convs`: the others keep their order.
      let j = 0;
      for (let p = first; p < end; p++) {
        const c = convs[j];
        if (c && c.id === this.ids[p]) {
          table.push(contentSummary(c));
          j++;
        } else table.push(null);
      }
    }
    return table;
  }
}

function describeSpan(s: SpanRecord): string {
  const kind = s.isTrace ? 'trace' : s.kind === 'llm' ? 'LLM span' : s.kind === 'tool' ? 'tool span' : 'span';
  return `${kind}${s.spanId ? ` "${s.spanId}"` : ''}`;
}
