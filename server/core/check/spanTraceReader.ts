// The second pass of `check` over a file of spans: its traces one at a time, in the order their
// first span came, each assembled from its spans read again from the file (the byte ranges the
// first pass recorded) into the conversations a file read whole gives — the same grouping, the
// same duplicate spans left out, the same assembly. Only the trace being read is in memory, and a
// few recently parsed records (an OTLP export line holds spans of several traces, which are
// usually read one after another): memory does not grow with the file.
import type { FileCoverage } from '../../../common/protocol';
import { groupByTrace } from '../formats/assemble/grouping';
import { assembleTrace, REBUILT_MESSAGES_BUDGET, type AssembledConversation } from '../formats/assemble/trace';
import type { SpanSource } from '../formats/indexer';
import { recordOfSeq, readFamily } from '../formats/spanRecords';
import type { SpanRecord } from '../formats/types';
import type { TraceMembership } from './traceMembership';

export type UnreadCall = FileCoverage['unread'][number];

export interface SpanFileReading {
  source: SpanSource;
  file: string;
  displayName: string;
  /** The text of bytes [start, end) of the file (of its decoded text for a protobuf file). */
  readRange(start: number, end: number): string;
  /** Each LLM call that became no conversation, as it is met. */
  onUnread(call: UnreadCall): void;
}

/** What the traces of a file gave: LLM calls, those read, and why the others were not (each reason once, in order met). */
export interface SpanFileCoverage {
  llmCalls: number;
  read: number;
  reasons: Set<string>;
}

/** Characters of parsed records kept for the next traces (their parsed values take a few times more). */
const CACHED_RECORD_CHARS = 1 << 20;

/** The conversations of every trace in `membership`, in file order of the traces, one at a time. */
export function* spanFileConversations(
  reading: SpanFileReading,
  membership: TraceMembership,
  coverage: SpanFileCoverage,
): Generator<AssembledConversation> {
  const { file, displayName } = reading;
  const records = new RecordCache(reading.readRange);
  for (const seqs of membership.traceSeqs()) {
    const spans = traceSpans(reading, records, seqs);
    // Normally one group; two when two trace ids shared a hash (each is then assembled alone).
    for (const group of groupByTrace(spans)) {
      const traceCoverage: FileCoverage = { llmCalls: 0, read: 0, unread: [] };
      const conversations = assembleTrace(group, {
        file,
        displayName,
        // Problems of the spans were reported by the first pass; the assembly's are warnings the scan does not show.
        problem: () => {},
        // The memory budget of a file read whole, per trace: a trace's conversations are let go once judged.
        budget: { rebuilt: REBUILT_MESSAGES_BUDGET },
        coverage: traceCoverage,
      });
      coverage.llmCalls += traceCoverage.llmCalls;
      coverage.read += traceCoverage.read;
      for (const u of traceCoverage.unread) {
        coverage.reasons.add(u.reason);
        reading.onUnread(u);
      }
      // Each is let go once judged (a trace of many calls holds many).
      conversations.reverse();
      while (conversations.length > 0) yield conversations.pop()!;
    }
  }
}

/** The spans of one trace (`seqs`, in file order), read again from their records. */
function traceSpans(reading: SpanFileReading, records: RecordCache, seqs: Float64Array): SpanRecord[] {
  const { source } = reading;
  const wanted = new Set(seqs);
  const spans: SpanRecord[] = [];
  let last = -1;
  for (const seq of seqs) {
    const ordinal = recordOfSeq(seq);
    if (ordinal === last) continue;
    last = ordinal;
    const t = source.records;
    const { text, value } = records.get(t.byteStart(ordinal), t.byteEnd(ordinal));
    const got = readFamily(
      source.family,
      {
        value,
        inner: t.inner(ordinal),
        source: text,
        anchor: t.anchor(ordinal),
        ordinal,
        resource: source.contexts[t.ctx(ordinal)] ?? null,
        hint: t.hint(ordinal),
      },
      source.convention,
      false,
    );
    for (const s of got ?? []) if (wanted.has(s.seq)) spans.push(s);
  }
  return spans;
}

/** Records read and parsed lately, by byte range: the least recently used go past a budget of characters. */
class RecordCache {
  private readonly entries = new Map<number, { text: string; value: unknown }>();
  private chars = 0;

  constructor(private readonly readRange: (start: number, end: number) => string) {}

  get(start: number, end: number): { text: string; value: unknown } {
    const known = this.entries.get(start);
    if (known) {
      this.entries.delete(start);
      this.entries.set(start, known);
      return known;
    }
    if (start < 0 || end < start) throw new Error('a record of the file has no byte range to read it again from');
    let text = this.readRange(start, end);
    if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error('the file changed while it was checked (a record read again is not the JSON it was)');
    }
    const entry = { text, value };
    this.entries.set(start, entry);
    this.chars += text.length;
    for (const [k, e] of this.entries) {
      if (this.chars <= CACHED_RECORD_CHARS || k === start) break;
      this.entries.delete(k);
      this.chars -= e.text.length;
    }
    return entry;
  }
}
