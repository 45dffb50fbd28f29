// The span-format path of indexing: span records are gathered, grouped by trace and assembled
// into conversations at the end. A small input keeps the conversations; a large file keeps span
// skeletons while it is read, then per conversation its id, line and trace (the records its
// spans came from), and reads a trace again when one of its conversations is asked for.
// Listing summaries of a large file are made in one pass over its traces (in slices, so that the
// caller can yield between them; or at once when a listing asks first), then kept.
import type { Conversation, TraceFormat } from '../../../common/schema';
import { emptyCoverage, type Coverage } from './assemble/coverage';
import { groupByTrace } from './assemble/grouping';
import { assembleTrace, REBUILT_MESSAGES_BUDGET } from './assemble/trace';
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
  /** Hand each span record on to this rather than keep it (nothing is assembled here then). */
  forward?: (span: SpanRecord) => void;
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
  /** The pass making `summaries` while it runs: whoever asks next resumes it. */
  private summarizing: Generator<void, void, void> | null = null;
  /** LLM calls read and left out (filled by `assemble`). */
  readonly coverage: Coverage = emptyCoverage();

  constructor(
    private readonly opts: SpanPathOptions,
    private readonly problem: ProblemSink,
  ) {}

  /** The span records of one record; what could not be read in them is reported. */
  add(spans: readonly SpanRecord[]): void {
    for (const s of spans) {
      for (const n of s.notes)
        this.problem(
          { line: s.anchor.line, character: s.anchor.character },
          `${this.opts.displayName}:${s.anchor.line + 1}: ${describeSpan(s)} ${n.message}`,
          n.severity,
        );
      if (s.kind === 'llm' && this.firstConvention === null) this.firstConvention = s.format;
      if (this.opts.forward) this.opts.forward(s);
      else this.spans.push(this.opts.lazy ? skeleton(s) : s);
    }
  }

  /** Groups the spans by trace and assembles them (once, after the last record). */
  assemble(): void {
    const { file, displayName, lazy } = this.opts;
    const groups = groupByTrace(this.spans);
    this.spans = [];
    const opts = {
      file,
      displayName,
      problem: this.problem,
      idsOnly: lazy,
      budget: { rebuilt: REBUILT_MESSAGES_BUDGET },
      coverage: this.coverage,
    };
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
    const steps = () => (this.summarizing ??= this.summarize(rereader, family, convention));
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
        if (!this.summaries) {
          const rest = steps();
          while (!rest.next().done);
        }
        return this.summaries?.get(p) ?? null;
      },
      summarySteps: () => (this.opts.lazy ? steps() : null),
    };
  }

  /**
   * Lazy file: the summaries of all conversations, each trace read and assembled once, a slice of
   * traces per step. None are kept when the file changed meanwhile (its re-index replaces this
   * one). A conversation its trace could not rebuild within the memory budget has none (made on
   * demand when listed).
   */
  private *summarize(
    rereader: RecordRereader,
    family: Family,
    convention: 'otel-genai' | 'openinference' | null,
  ): Generator<void, void, void> {
    const fd = rereader.open();
    if (fd === null) return;
    const table = new SummaryTable();
    try {
      for (let t = 0; t < this.traceRecords.length; t++) {
        if (t > 0 && t % TRACES_PER_STEP === 0) {
          yield;
          if (!rereader.unchanged()) return;
        }
        const first = this.traceFirst.get(t);
        const end = t + 1 < this.traceRecords.length ? this.traceFirst.get(t + 1) : this.ids.length;
        if (first === end) continue; // a trace without conversations: nothing to read
        const convs = rereader.traceConversations(
          family,
          convention,
          this.traceRecords[t]!,
          this.traceIds[t]!,
          { budget: { rebuilt: REBUILT_MESSAGES_BUDGET } },
          fd,
        );
        if (!convs) return;
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
      this.summaries = table;
    } finally {
      rereader.close(fd);
    }
  }
}

/** Traces read per step of the summary pass. */
const TRACES_PER_STEP = 256;

function describeSpan(s: SpanRecord): string {
  const kind = s.isTrace ? 'trace' : s.kind === 'llm' ? 'LLM span' : s.kind === 'tool' ? 'tool span' : 'span';
  return `${kind}${s.spanId ? ` "${s.spanId}"` : ''}`;
}
