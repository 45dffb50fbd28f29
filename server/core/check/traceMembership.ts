// Which trace each span of a file belongs to, kept as numbers: the first pass of `check` over a
// file of spans (a trace's spans may be anywhere in it). Per span it keeps its trace's number and
// its `seq` (record ordinal and place in the record), 12 bytes in typed arrays; per trace, a 64-bit
// hash of its id in a typed open-addressing table. Nothing of a span's content stays. Two trace
// ids are taken for one with a chance of about n²/2⁶⁵ (1e-8 at 650,000 traces), as `SeenIds`.
import { RunColumn } from '../formats/recordTable';
import type { SpanRecord } from '../formats/types';
import { hash64, SeenIds } from './seenIds';

/** What grouping needs of a span (as `groupByTrace` groups them). */
export type SpanFacts = Pick<SpanRecord, 'traceId' | 'spanId' | 'startMs' | 'endMs' | 'eventOf' | 'seq'>;

export class TraceMembership {
  private traceOfSpan = new RunColumn((n) => new Uint32Array(n));
  private seqOfSpan = new RunColumn((n) => new Float64Array(n));
  private numbers = new TraceNumbers();
  /** Spans without a trace id already met (a span written twice is kept once, as `groupByTrace` does). */
  private untraced = new SeenIds();
  private traces = 0;

  get spanCount(): number {
    return this.seqOfSpan.size;
  }
  get traceCount(): number {
    return this.traces;
  }

  add(s: SpanFacts): void {
    let trace: number;
    if (s.traceId === null) {
      // A span without trace id is a trace of its own (`groupByTrace`'s key `\0seq`).
      if (s.spanId && s.eventOf === undefined && this.untraced.add(`null\u0000${s.spanId}\u0000${s.startMs}\u0000${s.endMs}`)) return;
      trace = this.traces++;
    } else {
      trace = this.numbers.numberOf(s.traceId, this.traces);
      if (trace === this.traces) this.traces++;
    }
    this.traceOfSpan.push(trace);
    this.seqOfSpan.push(s.seq);
  }

  /**
   * The `seq`s of each trace's spans in file order, traces in the order their first span came
   * (the order `groupByTrace` gives). A stable counting sort: two typed arrays, no object per span.
   */
  *traceSeqs(): Generator<Float64Array> {
    const n = this.spanCount;
    const starts = new Uint32Array(this.traces + 1);
    for (let i = 0; i < n; i++) starts[this.traceOfSpan.get(i) + 1]!++;
    for (let t = 0; t < this.traces; t++) starts[t + 1]! += starts[t]!;
    const sorted = new Float64Array(n);
    const next = starts.slice(0, this.traces);
    for (let i = 0; i < n; i++) sorted[next[this.traceOfSpan.get(i)]!++] = this.seqOfSpan.get(i);
    // The per-span columns and the id tables are not needed any more: let them go before the traces are read.
    this.traceOfSpan = new RunColumn((n) => new Uint32Array(n));
    this.seqOfSpan = new RunColumn((n) => new Float64Array(n));
    this.numbers = new TraceNumbers();
    this.untraced = new SeenIds();
    for (let t = 0; t < this.traces; t++) yield sorted.subarray(starts[t]!, starts[t + 1]!);
  }
}

/** Trace ids → numbers given in order of first appearance, kept as 64-bit hashes (12 bytes a slot). */
class TraceNumbers {
  /** Slot i: hash lanes at 3i and 3i+1 (a zero second lane marks an empty slot), number at 3i+2. */
  private table = new Uint32Array(3 * 1024);
  private count = 0;

  /** The number of `id`; `fresh` (and it is kept) when it is new. */
  numberOf(id: string, fresh: number): number {
    const [a, b] = hash64(id);
    const mask = this.table.length / 3 - 1;
    let i = a & mask;
    for (; this.table[3 * i + 1] !== 0; i = (i + 1) & mask)
      if (this.table[3 * i] === a && this.table[3 * i + 1] === b) return this.table[3 * i + 2]!;
    this.table[3 * i] = a;
    this.table[3 * i + 1] = b;
    this.table[3 * i + 2] = fresh;
    if (++this.count * 2 > this.table.length / 3) this.grow();
    return fresh;
  }

  private grow(): void {
    const old = this.table;
    const table = new Uint32Array(old.length * 2);
    const mask = table.length / 3 - 1;
    for (let s = 0; s < old.length; s += 3) {
      if (old[s + 1] === 0) continue;
      let i = old[s]! & mask;
      while (table[3 * i + 1] !== 0) i = (i + 1) & mask;
      table.set(old.subarray(s, s + 3), 3 * i);
    }
    this.table = table;
  }
}
