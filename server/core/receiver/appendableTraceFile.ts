// The index of an append-only file of OTLP/JSON export requests, one per line (the receiver's live
// file, a collector file exporter's output), kept current by reading only what was appended since
// the last read. Each new complete line is parsed once for the traces its spans and log records
// belong to — its place is added to their skeletons (the lines holding them); a line cut short
// mid-write is left for the next read. When a trace completes, its lines alone are indexed again
// (the indexer's OTLP path, fed those lines at their places in the file, so anchors and problems
// name the file's own lines and bytes) and its conversations replace the ones it had.
// Bounded: skeletons of traces not indexed yet are kept for at most `maxPendingTraces` (least
// recently seen dropped first); indexed traces are dropped oldest first by whoever holds the
// window (LiveTraceIndex), so memory stays flat however long the file grows.
import * as fs from 'node:fs';
import type { Conversation, TraceFormat } from '../../../common/schema';
import type { FileCoverage, TraceProblem } from '../../../common/protocol';
import { buildIndexedFile, type IndexedFile } from '../formats/indexedFile';
import { TraceFileIndexer } from '../formats/indexer';

/** Where one complete line of the file is (its bytes without the newline). */
export interface AppendedLine {
  line: number;
  offset: number;
  bytes: number;
}

export interface AppendableOptions {
  file: string;
  displayName: string;
  /** Skeletons of traces seen but not indexed yet, at most (default 10,000, the receiver's own cap). */
  maxPendingTraces?: number;
}

interface IndexedTrace {
  lines: AppendedLine[];
  conversations: Conversation[];
  /** LLM calls of the trace that did not become conversations, with why. */
  unread: FileCoverage['unread'];
  /** Order of indexing across the files of one window (oldest dropped first). */
  seq: number;
}

const READ_CHUNK_BYTES = 1024 * 1024;
/** Problems of the file kept for its diagnostics (the newest; older lines may have left the window). */
const MAX_PROBLEMS = 200;
const UNREAD_KEPT = 200;
/** Lines of the last read kept parsed for the indexing that follows it, up to this many characters. */
const FRESH_LINES_CHARS = 8 * 1024 * 1024;

export class AppendableTraceFile {
  /** Bytes read so far: up to the end of the last complete line. */
  private readOffset = 0;
  private nextLine = 0;
  private readonly pending = new Map<string, AppendedLine[]>();
  /** Indexed traces, oldest first (a trace indexed again moves last). */
  private readonly traces = new Map<string, IndexedTrace>();
  private conversations = 0;
  private readonly problems = new Map<string, TraceProblem>();
  private format: TraceFormat | null = null;
  private snapshot: IndexedFile | null = null;
  private readonly maxPending: number;
  /**
   * The lines of the last read, parsed, by offset: a trace usually completes in the batch that
   * read its last lines, and those are indexed without being read and parsed again.
   */
  private fresh = new Map<number, { text: string; value: unknown }>();
  private freshChars = 0;

  constructor(private readonly options: AppendableOptions) {
    this.maxPending = options.maxPendingTraces ?? 10_000;
  }

  get file(): string {
    return this.options.file;
  }

  /** Conversations held now. */
  get conversationCount(): number {
    return this.conversations;
  }

  /** Traces indexed (with or without conversations). */
  get indexedTraceCount(): number {
    return this.traces.size;
  }

  /** Traces whose skeleton is held (indexed or not). */
  get traceCount(): number {
    return this.pending.size + this.traces.size;
  }

  /** Reads the complete lines appended since the last read; returns the traces they touched. */
  catchUp(): Set<string> {
    const touched = new Set<string>();
    this.fresh = new Map();
    this.freshChars = 0;
    const fd = fs.openSync(this.options.file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      // Shorter than what was read: the file was truncated or replaced; what was indexed from it is gone.
      if (size < this.readOffset) this.forgetAll();
      let carry: Buffer = Buffer.alloc(0);
      let carryOffset = this.readOffset;
      for (let at = this.readOffset; at < size;) {
        const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, size - at));
        const n = fs.readSync(fd, chunk, 0, chunk.length, at);
        if (n <= 0) break;
        at += n;
        const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let from = 0;
        for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, from)) {
          this.readLine(buf, from, nl, carryOffset + from, touched);
          from = nl + 1;
        }
        carryOffset += from;
        carry = buf.subarray(from);
      }
      // What follows the last newline is a line still being written: read again next time.
      this.readOffset = carryOffset;
    } finally {
      fs.closeSync(fd);
    }
    return touched;
  }

  /**
   * Indexes the given traces again from their lines (read alone); their conversations replace the
   * ones they had. Returns the conversations of each trace that has lines here.
   */
  index(traceIds: Iterable<string>, seq: () => number): Map<string, Conversation[]> {
    const wanted = new Map<string, AppendedLine[]>();
    for (const id of traceIds) {
      const lines = this.pending.get(id) ?? this.traces.get(id)?.lines;
      if (lines) wanted.set(id, lines);
    }
    const out = new Map<string, Conversation[]>();
    if (!wanted.size) return out;
    const lines = new Map<number, AppendedLine>();
    for (const ls of wanted.values()) for (const l of ls) lines.set(l.offset, l);
    const indexer = new TraceFileIndexer({
      file: this.options.file,
      displayName: this.options.displayName,
      lineBased: true,
      traces: new Set(wanted.keys()),
    });
    const fd = fs.openSync(this.options.file, 'r');
    try {
      for (const l of [...lines.values()].sort((a, b) => a.offset - b.offset)) {
        const fresh = this.fresh.get(l.offset);
        if (fresh) {
          indexer.pushLine(fresh.text, l.line, l.offset, l.offset + l.bytes, fresh);
          continue;
        }
        const buf = Buffer.allocUnsafe(l.bytes);
        const n = fs.readSync(fd, buf, 0, l.bytes, l.offset);
        indexer.pushLine(buf.toString('utf8', 0, n), l.line, l.offset, l.offset + n);
      }
    } finally {
      fs.closeSync(fd);
    }
    this.fresh = new Map();
    this.freshChars = 0;
    const indexed = indexer.end();
    this.format ??= indexed.format;
    for (const p of indexed.problems) if (!/ is empty: no conversations$/.test(p.message)) this.problem(p);
    for (const id of wanted.keys()) out.set(id, []);
    for (const c of indexed.conversations ?? []) {
      const traceId = c.metadata?.trace_id;
      const mine = typeof traceId === 'string' ? out.get(traceId.toLowerCase()) : undefined;
      mine?.push(c);
    }
    // An LLM call left out is counted with a trace that has its line (a line may hold several).
    const unreadOf = new Map<string, FileCoverage['unread']>();
    for (const u of indexed.coverage.unread) {
      const owner = [...wanted].find(([, ls]) => ls.some((l) => l.line === u.line))?.[0];
      if (owner) unreadOf.set(owner, [...(unreadOf.get(owner) ?? []), u]);
    }
    for (const [id, ls] of wanted) {
      this.pending.delete(id);
      this.removeTrace(id);
      const conversations = out.get(id)!;
      this.traces.set(id, { lines: ls, conversations, unread: unreadOf.get(id) ?? [], seq: seq() });
      this.conversations += conversations.length;
    }
    this.snapshot = null;
    return out;
  }

  /** Order of the oldest indexed trace (null: none). */
  oldestSeq(): number | null {
    const first = this.traces.values().next();
    return first.done ? null : first.value.seq;
  }

  /** Forgets the oldest indexed trace: its conversations and skeleton (its lines stay in the file). */
  dropOldest(): void {
    const first = this.traces.keys().next();
    if (!first.done) this.removeTrace(first.value);
    this.snapshot = null;
  }

  /** The indexed conversations as a file of the index, oldest first (made again only after a change). */
  indexed(): IndexedFile {
    if (this.snapshot) return this.snapshot;
    const conversations: Conversation[] = [];
    let unread: FileCoverage['unread'] = [];
    for (const t of this.traces.values()) {
      for (const c of t.conversations) {
        c.position = conversations.length;
        conversations.push(c);
      }
      unread = unread.concat(t.unread);
    }
    const ids = conversations.map((c) => c.id);
    const coverage: FileCoverage = {
      llmCalls: conversations.length + unread.length,
      read: conversations.length,
      unread: unread.slice(-UNREAD_KEPT),
    };
    this.snapshot = buildIndexedFile(
      { file: this.options.file, isTrace: true, problems: [...this.problems.values()], format: this.format, coverage },
      { ids, lineAt: (p) => conversations[p]?.line ?? 0, conversations, reread: () => null, keptSummary: () => null },
    );
    return this.snapshot;
  }

  private forgetAll(): void {
    this.readOffset = 0;
    this.nextLine = 0;
    this.pending.clear();
    this.traces.clear();
    this.conversations = 0;
    this.problems.clear();
    this.snapshot = null;
  }

  private removeTrace(id: string): void {
    const t = this.traces.get(id);
    if (!t) return;
    this.traces.delete(id);
    this.conversations -= t.conversations.length;
  }

  /** One complete line: bytes [start, end) of `buf`, at `offset` in the file. */
  private readLine(buf: Buffer, start: number, end: number, offset: number, touched: Set<string>): void {
    const line = this.nextLine++;
    let textStart = start;
    // A byte order mark at the top of the file is not part of the first line's JSON.
    if (offset === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) textStart += 3;
    const textEnd = end > textStart && buf[end - 1] === 0x0d ? end - 1 : end;
    if (textEnd <= textStart) return;
    const text = buf.toString('utf8', textStart, textEnd);
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.problem({
        file: this.options.file,
        line,
        message: `${this.options.displayName}:${line + 1} is not valid JSON (${(e as Error).message}); this line is skipped`,
        severity: 'error',
      });
      return;
    }
    const place: AppendedLine = { line, offset: offset + (textStart - start), bytes: textEnd - textStart };
    const ids = traceIdsOf(value);
    if (ids.size && this.freshChars + text.length <= FRESH_LINES_CHARS) {
      this.fresh.set(place.offset, { text, value });
      this.freshChars += text.length;
    }
    for (const id of ids) {
      touched.add(id);
      const indexed = this.traces.get(id);
      if (indexed) {
        if (indexed.lines.at(-1) !== place) indexed.lines.push(place);
        continue;
      }
      let lines = this.pending.get(id);
      if (lines) this.pending.delete(id); // re-inserted: the least recently seen come first
      lines ??= [];
      if (lines.at(-1) !== place) lines.push(place);
      this.pending.set(id, lines);
    }
    for (const id of this.pending.keys()) {
      if (this.pending.size <= this.maxPending) break;
      this.pending.delete(id);
    }
  }

  private problem(p: TraceProblem): void {
    const key = `${p.line}\u0000${p.message}`;
    this.problems.delete(key);
    this.problems.set(key, p);
    for (const k of this.problems.keys()) {
      if (this.problems.size <= MAX_PROBLEMS) break;
      this.problems.delete(k);
    }
    this.snapshot = null;
  }
}

/** The trace ids (lowercase) of the spans and log records of one OTLP export request. */
export function traceIdsOf(request: unknown): Set<string> {
  const ids = new Set<string>();
  if (!isObject(request)) return ids;
  for (const [rootKey, scopeKey, recordsKey] of [
    ['resourceSpans', 'scopeSpans', 'spans'],
    ['resourceLogs', 'scopeLogs', 'logRecords'],
  ] as const)
    for (const resource of arrayAt(request, rootKey))
      for (const scope of arrayAt(resource, scopeKey))
        for (const record of arrayAt(scope, recordsKey)) {
          const id = isObject(record) ? (record.traceId ?? record.trace_id) : undefined;
          if (typeof id === 'string' && id) ids.add(id.toLowerCase());
        }
  return ids;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayAt(v: unknown, key: string): unknown[] {
  const a = isObject(v) ? v[key] : undefined;
  return Array.isArray(a) ? a : [];
}
