// One trace file → its conversations, whatever the format: the file is cut into records (JSONL
// lines, or the values of a JSON document a plan selects), the format is detected on the first
// records (unless forced), records become conversations (OpenAI) or span records that are
// grouped by trace and assembled. Small inputs keep every conversation in memory; large files
// keep only where each conversation's records are (byte ranges) and re-read them on demand.
import * as fs from 'node:fs';
import type { Conversation, SourceAnchor, TraceFormat } from '../../../common/schema';
import type { TraceProblem } from '../../../common/protocol';
import type { JsonPath } from '../jsonSource';
import { assembleTrace, emptyCoverage, groupByTrace, REBUILT_MESSAGES_BUDGET, type AssembledConversation, type Coverage } from './assemble';
import { isObj, type LV } from './located';
import { isLangfuseObservation, isLangfuseTrace, readLangfuse } from './langfuse';
import { isLangSmithRun, readLangSmith } from './langsmith';
import { FULL, type ReadOptions } from './normalize';
import { looksLikeConversation, readOpenAIConversation } from './openai';
import { isOpikSpan, isOpikTrace, readOpik } from './opik';
import { isSpanLike, readOtelSpan, unwrapAnyValue } from './otel';
import { describePath, JsonSplitter, LineSplitter, type Plan, type SplitValue } from './splitter';
import type { IRMessage, ProblemSink, Severity, SpanRecord } from './types';

export type Family = 'openai' | 'otel' | 'langfuse' | 'langsmith' | 'opik';
export type FormatChoice = TraceFormat | 'auto';

export const MAX_PROBLEMS_PER_FILE = 500;
/** Records read before the format must be known. */
const MAX_UNDECIDED_RECORDS = 2000;
/** Keys of a root object whose arrays hold the records (`{"data": [...]}`, Opik `{traces, spans}`). */
export const CONTAINER_KEYS = new Set(['traces', 'spans', 'runs', 'data', 'items', 'records', 'conversations', 'results', 'observations']);
const OTLP_ROOT = new Set(['resourceSpans', 'resource_spans', 'resourceLogs', 'resource_logs']);
const OTLP_SCOPE = new Set(['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'scopeLogs', 'scope_logs']);
/** Where an OTLP scope keeps its records: spans, or log records (GenAI events). */
const OTLP_RECORDS = new Set(['spans', 'logRecords', 'log_records']);
const EMPTY_PATH: JsonPath = Object.freeze([]) as unknown as JsonPath;

export function familyOf(format: TraceFormat): Family {
  return format === 'otel-genai' || format === 'openinference' ? 'otel' : format;
}

export interface IndexerOptions {
  file: string;
  displayName: string;
  /** JSON lines (one record per line) rather than one JSON document. */
  lineBased: boolean;
  format?: FormatChoice;
  /** Keep only offsets and re-read conversations from `file` on demand. */
  lazy?: boolean;
}

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
  /** How many LLM calls became conversations, and each one left out with why. */
  coverage: Coverage;
}

/** A growable typed column. */
class Column<T extends Float64Array | Uint32Array | Int32Array> {
  size = 0;
  constructor(private data: T) {}
  push(v: number): void {
    if (this.size === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(1024, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = v;
  }
  get(i: number): number {
    return this.data[i]!;
  }
}

/**
 * Where records are, column by column in typed arrays (a large file may hold millions): about
 * 40 bytes a record. Paths are coded: -1 for [], n for [n] (an element of a top-level array),
 * else kept aside.
 */
class RecordTable {
  private readonly lineCol = new Column(new Uint32Array(1024));
  private readonly charCol = new Column(new Uint32Array(1024));
  private readonly startCol = new Column(new Float64Array(1024));
  private readonly endCol = new Column(new Float64Array(1024));
  private readonly pathCode = new Column(new Float64Array(1024));
  private readonly ctxCol = new Column(new Uint32Array(1024));
  private readonly paths = new Map<number, JsonPath>();
  private readonly inners = new Map<number, JsonPath>();
  private readonly hintCol = new Column(new Uint32Array(1024));
  private readonly hintNames: Array<string | null> = [null];
  private readonly hintCodes = new Map<string, number>();
  get size(): number {
    return this.lineCol.size;
  }
  add(a: SourceAnchor, inner: JsonPath, ctx: number, hint: string | null): number {
    const i = this.lineCol.size;
    this.lineCol.push(a.line);
    this.charCol.push(a.character);
    this.startCol.push(a.byteStart ?? -1);
    this.endCol.push(a.byteEnd ?? -1);
    const p = a.path;
    if (p.length === 0) this.pathCode.push(-1);
    else if (p.length === 1 && typeof p[0] === 'number') this.pathCode.push(p[0]);
    else {
      this.pathCode.push(-2);
      this.paths.set(i, p);
    }
    if (inner.length) this.inners.set(i, inner);
    this.ctxCol.push(ctx);
    let code = 0;
    if (hint !== null) {
      code = this.hintCodes.get(hint) ?? this.hintNames.length;
      if (code === this.hintNames.length) {
        this.hintNames.push(hint);
        this.hintCodes.set(hint, code);
      }
    }
    this.hintCol.push(code);
    return i;
  }
  byteStart(i: number): number {
    return this.startCol.get(i);
  }
  byteEnd(i: number): number {
    return this.endCol.get(i);
  }
  inner(i: number): JsonPath {
    return this.inners.get(i) ?? EMPTY_PATH;
  }
  ctx(i: number): number {
    return this.ctxCol.get(i);
  }
  hint(i: number): string | null {
    return this.hintNames[this.hintCol.get(i)] ?? null;
  }
  anchor(i: number): SourceAnchor {
    const code = this.pathCode.get(i);
    const path = code === -1 ? [] : code === -2 ? this.paths.get(i)!.slice() : [code];
    const start = this.startCol.get(i);
    return {
      path,
      line: this.lineCol.get(i),
      character: this.charCol.get(i),
      ...(start >= 0 ? { byteStart: start, byteEnd: this.endCol.get(i) } : {}),
    };
  }
}

const SEQ_STRIDE = 2 ** 20;

export class TraceFileIndexer {
  private readonly problems: TraceProblem[] = [];
  private droppedProblems = 0;
  private family: Family | null = null;
  private forcedConvention: 'otel-genai' | 'openinference' | null = null;
  private readonly lazy: boolean;
  private pending: Array<{ value: unknown; source: string; anchor: SourceAnchor; inner: JsonPath; ctx: number; hint: string | null }> = [];
  private undecided = 0;
  private notTrace = false;
  private sawContent = false;
  private readonly records = new RecordTable();
  /** Plain resource attributes of OTLP `resourceSpans` entries (context of their spans). */
  private readonly contexts: Array<Record<string, unknown> | null> = [null];
  private readonly resourceCtx = new Map<string, number>();
  // openai
  private readonly convs: Conversation[] = [];
  private readonly convIds: string[] = [];
  private readonly convLines = new Column(new Uint32Array(1024));
  private readonly convRecord = new Column(new Uint32Array(1024));
  // span formats
  private readonly spans: SpanRecord[] = [];
  private firstConvention: TraceFormat | null = null;
  private splitter: JsonSplitter | null = null;
  private lines: LineSplitter | null = null;
  private sniff: Uint8Array[] = [];
  private sniffBytes = 0;
  private stat: { size: number; mtimeMs: number } | null = null;

  constructor(private readonly opts: IndexerOptions) {
    this.lazy = opts.lazy === true;
    const f = opts.format && opts.format !== 'auto' ? opts.format : null;
    if (f) {
      this.family = familyOf(f);
      if (f === 'otel-genai' || f === 'openinference') this.forcedConvention = f;
    }
    if (this.lazy) {
      try {
        const st = fs.statSync(opts.file);
        this.stat = { size: st.size, mtimeMs: st.mtimeMs };
      } catch {
        this.stat = null;
      }
    }
  }

  // ---- input ---------------------------------------------------------------------------

  /** Feeds a whole text (an open editor document, a small file). */
  pushText(text: string): void {
    if (this.opts.lineBased) {
      // Fast path: lines of the string itself (no byte ranges needed in memory).
      let line = 0;
      let start = 0;
      while (start <= text.length) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        const raw = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
        this.onLine(line === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw, line, -1, -1);
        line++;
        start = end + 1;
      }
      this.lines = null;
      return;
    }
    this.push(Buffer.from(text, 'utf8'));
  }

  push(chunk: Uint8Array): void {
    if (!this.sawContent && !this.opts.lineBased) this.sawContent = hasNonWhitespace(chunk);
    if (this.opts.lineBased) {
      this.lines ??= new LineSplitter((text, line, bs, be) => this.onLine(text, line, bs, be));
      this.lines.push(chunk);
      return;
    }
    if (!this.splitter) {
      // The plan depends on the document's top: sniff the first 64 KB.
      this.sniff.push(chunk);
      this.sniffBytes += chunk.length;
      if (this.sniffBytes < 65536) return;
      this.startSplitter();
      return;
    }
    this.splitter.push(chunk);
  }

  private startSplitter(): void {
    const head = Buffer.concat(this.sniff);
    this.sniff = [];
    this.splitter = new JsonSplitter(planFor(head), {
      value: (v) => this.onSplitValue(v),
      problem: (at, message, severity) => this.problem(at, `${this.opts.displayName}: ${message}`, severity),
    });
    this.splitter.push(head);
  }

  end(): IndexedFile {
    if (this.opts.lineBased) this.lines?.end();
    else {
      if (!this.splitter) this.startSplitter();
      this.splitter!.end();
    }
    this.decide(true);
    return this.finish();
  }

  // ---- records -------------------------------------------------------------------------

  private onLine(text: string, line: number, byteStart: number, byteEnd: number): void {
    if (text.trim() === '') return;
    this.sawContent = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.problem({ line }, `${this.opts.displayName}:${line + 1} is not valid JSON (${(e as Error).message}); this line is skipped`, 'error');
      return;
    }
    const anchor: SourceAnchor = byteStart >= 0 ? { path: [], line, character: 0, byteStart, byteEnd } : { path: [], line, character: 0 };
    // Most lines are one record (a conversation, a span, a run): no need to look inside.
    if (this.family !== null && this.family !== 'otel' && !mayHoldRecords(value)) {
      this.onRecord(value, value, text, anchor, EMPTY_PATH, 0, null);
      return;
    }
    for (const r of innerRecords(value, this.resourceCtx, this.contexts, `l${line}`)) this.onRecord(value, r.value, text, anchor, r.inner, r.ctx, r.hint);
  }

  private onSplitValue(v: SplitValue): void {
    if (v.kind === 'context') {
      // OTLP resource of resourceSpans[i]: the context of the spans under it.
      if (v.path.length >= 3 && v.path[v.path.length - 1] === 'resource') {
        const key = `d${v.document}:${String(v.path[v.path.length - 2])}`;
        this.resourceCtx.set(key, this.contexts.length);
        this.contexts.push(resourceAttributes(v.value));
      }
      return;
    }
    const anchor: SourceAnchor = { path: v.path.slice(), line: v.start.line, character: v.start.character, byteStart: v.byteStart, byteEnd: v.byteEnd };
    let ctx = 0;
    let hint: string | null = null;
    if (v.path.length >= 6 && OTLP_ROOT.has(String(v.path[0]))) {
      ctx = this.resourceCtx.get(`d${v.document}:${String(v.path[1])}`) ?? 0;
      hint = 'otlp';
    }
    else if (v.path.length === 2 && typeof v.path[0] === 'string') hint = v.path[0];
    if (v.path.length === 0 || (v.path.length === 1 && typeof v.path[0] === 'number')) {
      // A whole document or an element of a top-level array: it may itself hold records.
      for (const r of innerRecords(v.value, this.resourceCtx, this.contexts, `r${v.byteStart}`)) this.onRecord(v.value, r.value, v.source, anchor, r.inner, r.ctx, r.hint);
      return;
    }
    this.onRecord(v.value, v.value, v.source, anchor, [], ctx, hint);
  }

  /** `top`: the value the anchor is at; `record`: the value at `inner` in it. */
  private onRecord(top: unknown, record: unknown, source: string, anchor: SourceAnchor, inner: JsonPath, ctx: number, hint: string | null): void {
    if (this.notTrace) return;
    const value = top;
    if (this.family === null) {
      const f = classify(record, hint);
      if (f === null) {
        this.pending.push({ value, source, anchor, inner, ctx, hint });
        if (++this.undecided >= MAX_UNDECIDED_RECORDS) this.decide(true);
        return;
      }
      this.family = f;
      this.flushPending();
    }
    this.process(value, source, anchor, inner, ctx, hint);
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.process(p.value, p.source, p.anchor, p.inner, p.ctx, p.hint);
  }

  /** Settles the format when no record told it: JSONL reads as OpenAI chat (whose errors name the fields), a document as no trace. */
  private decide(final: boolean): void {
    if (this.family !== null || !final) return;
    const at = (p: { value: unknown; inner: JsonPath }) => (p.inner.length ? valueAt(p.value, p.inner) : p.value);
    if (this.opts.lineBased || this.pending.some((p) => looksLikeConversation(at(p)) || (isObj(at(p)) && 'messages' in (at(p) as object)))) {
      this.family = 'openai';
      this.flushPending();
    } else {
      this.notTrace = true;
      this.pending = [];
    }
  }

  private process(value: unknown, source: string, anchor: SourceAnchor, inner: JsonPath, ctx: number, hint: string | null): void {
    const ordinal = this.records.add(anchor, inner, ctx, hint);
    const family = this.family!;
    if (family === 'openai') {
      const position = this.convIds.length;
      const line = anchor.line;
      const path = inner.length ? [...anchor.path, ...inner] : anchor.path;
      const displayName = this.opts.displayName;
      const lineBased = this.opts.lineBased;
      const where = () =>
        lineBased
          ? `${displayName}:${line + 1}`
          : path.length === 0
            ? displayName
            : path.length === 1 && typeof path[0] === 'number'
              ? `${displayName}[${path[0]}] (line ${line + 1})`
              : `${displayName} ${describePath(path)} (line ${line + 1})`;
      const c = readOpenAIConversation(inner.length ? valueAt(value, inner) : value, { file: this.opts.file, displayName, where, line, sourcePath: path, position, anchor: inner.length ? { ...anchor, path } : anchor }, this.sink);
      if (!c) return;
      this.convIds.push(c.id);
      this.convLines.push(line);
      this.convRecord.push(ordinal);
      if (!this.lazy) this.convs.push(c);
      return;
    }
    const spans = readFamily(family, value, source, anchor, inner, ordinal, this.contexts[ctx] ?? null, hint, this.forcedConvention, { light: this.lazy });
    if (spans === null) {
      const path = [...anchor.path, ...inner];
      this.problem(
        { line: anchor.line, character: anchor.character },
        `${this.opts.displayName}${path.length ? ` ${describePath(path)}` : ''} (line ${anchor.line + 1}) is not a ${FAMILY_NAMES[family]} record; it is skipped`,
        'warning',
      );
      return;
    }
    for (const s of spans) {
      for (const n of s.notes)
        this.problem({ line: s.anchor.line, character: s.anchor.character }, `${this.opts.displayName}:${s.anchor.line + 1}: ${s.isTrace ? 'trace' : s.kind === 'llm' ? 'LLM span' : s.kind === 'tool' ? 'tool span' : 'span'}${s.spanId ? ` "${s.spanId}"` : ''} ${n.message}`, n.severity);
      if (s.kind === 'llm' && this.firstConvention === null) this.firstConvention = s.format;
      this.spans.push(this.lazy ? skeleton(s) : s);
    }
  }

  private readonly sink: ProblemSink = (at, message, severity) => this.problem(at, message, severity);

  private problem(at: { line: number; character?: number }, message: string, severity: Severity): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
      this.droppedProblems++;
      return;
    }
    this.problems.push({ file: this.opts.file, line: at.line, ...(at.character ? { startCharacter: at.character } : {}), message, severity });
  }

  // ---- result --------------------------------------------------------------------------

  private finish(): IndexedFile {
    const { file, displayName } = this.opts;
    let isTrace = true;
    if (!this.sawContent) {
      this.problems.length = 0;
      this.problem({ line: 0 }, `${displayName} is empty: no conversations`, 'info');
    } else if (this.notTrace || this.family === null) {
      isTrace = false;
      if (!this.problems.some((p) => p.severity === 'error'))
        this.problem(
          { line: 0 },
          `${displayName} is not a trace file: no conversations ("messages") or spans of a known format (OpenTelemetry GenAI, OpenInference, Langfuse, LangSmith, Opik); ignored`,
          'info',
        );
    }
    if (this.family !== null && this.family !== 'openai') this.assembleSpans();
    if (this.droppedProblems > 0)
      this.problems.push({ file, line: 0, message: `${displayName}: ${this.droppedProblems} more problems are not listed`, severity: 'warning' });
    const format: TraceFormat | null = this.family === null ? null : this.family === 'otel' ? (this.forcedConvention ?? this.firstConvention ?? 'otel-genai') : this.family;
    const lazy = this.lazy;
    if (this.family === 'openai' || this.family === null) {
      const convs = this.convs;
      const ids = this.convIds;
      const lines = this.convLines;
      return {
        file,
        isTrace,
        problems: this.problems,
        format,
        lazy,
        conversations: lazy ? null : convs,
        count: ids.length,
        idAt: (p) => ids[p]!,
        lineAt: (p) => lines.get(p),
        materialize: (p) => (lazy ? this.rereadOpenAI(p) : (convs[p] ?? null)),
        coverage: { llmCalls: ids.length, read: ids.length, unread: [] },
      };
    }
    return this.spanResult(isTrace, format);
  }

  private readonly coverage: Coverage = emptyCoverage();
  private spanConvs: Conversation[] = [];
  private readonly spanIds: string[] = [];
  private readonly spanLines: number[] = [];
  private readonly spanGroup: number[] = [];
  private readonly spanK: number[] = [];
  /** Lazy: per trace, the records (ordinals) its spans came from, and its trace id. */
  private groupRecords: number[][] = [];
  private groupKeys: Array<string | null> = [];

  private assembleSpans(): void {
    const groups = groupByTrace(this.spans);
    this.spans.length = 0;
    const opts = { file: this.opts.file, displayName: this.opts.displayName, problem: this.sink, idsOnly: this.lazy, budget: { rebuilt: REBUILT_MESSAGES_BUDGET }, coverage: this.coverage };
    for (let group = 0; group < groups.length; group++) {
      const g = groups[group]!;
      const convs: AssembledConversation[] = assembleTrace(g, opts);
      convs.forEach((c, k) => {
        this.spanIds.push(c.id);
        this.spanLines.push(c.line);
        if (this.lazy) {
          this.spanGroup.push(group);
          this.spanK.push(k);
        } else this.spanConvs.push({ ...c, position: this.spanConvs.length } as Conversation);
      });
      if (this.lazy) {
        this.groupRecords.push([...new Set(g.map((s) => Math.floor(s.seq / SEQ_STRIDE)))].sort((a, b) => a - b));
        this.groupKeys.push(g[0]?.traceId ?? null);
      }
      groups[group] = [];
    }
  }

  private spanResult(isTrace: boolean, format: TraceFormat | null): IndexedFile {
    const { file } = this.opts;
    const lazy = this.lazy;
    const convs = this.spanConvs;
    const ids = this.spanIds;
    const lines = this.spanLines;
    return {
      file,
      isTrace,
      problems: this.problems,
      format,
      lazy,
      conversations: lazy ? null : convs,
      count: ids.length,
      coverage: this.coverage,
      idAt: (p) => ids[p]!,
      lineAt: (p) => lines[p]!,
      materialize: (p) => {
        if (!lazy) return convs[p] ?? null;
        const group = this.spanGroup[p];
        if (group === undefined) return null;
        return this.rereadSpans(this.groupRecords[group]!, this.groupKeys[group]!, this.spanK[p]!, p, ids[p]!);
      },
    };
  }

  // ---- lazy re-reading -------------------------------------------------------------------

  private readRecordText(ordinal: number, fd: number, cache: Map<number, string>): string | null {
    const start = this.records.byteStart(ordinal);
    const end = this.records.byteEnd(ordinal);
    if (start < 0 || end < start) return null;
    const cached = cache.get(start);
    if (cached !== undefined) return cached;
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, start + got);
      if (n <= 0) break;
      got += n;
    }
    let text = buf.toString('utf8', 0, got);
    if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
    cache.set(start, text);
    return text;
  }

  private withFile<T>(fn: (fd: number) => T): T | null {
    let fd: number;
    try {
      if (this.stat) {
        const st = fs.statSync(this.opts.file);
        if (st.size !== this.stat.size || st.mtimeMs !== this.stat.mtimeMs) return null; // changed: wait for the re-index
      }
      fd = fs.openSync(this.opts.file, 'r');
    } catch {
      return null;
    }
    try {
      return fn(fd);
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }

  private rereadOpenAI(position: number): Conversation | null {
    if (position >= this.convRecord.size) return null;
    const ordinal = this.convRecord.get(position);
    return this.withFile((fd) => {
      const text = this.readRecordText(ordinal, fd, new Map());
      if (text === null) return null;
      const value: unknown = JSON.parse(text);
      const anchor = this.records.anchor(ordinal);
      const inner = this.records.inner(ordinal);
      const path = [...anchor.path, ...inner];
      const c = readOpenAIConversation(inner.length ? valueAt(value, inner) : value, {
        file: this.opts.file,
        displayName: this.opts.displayName,
        where: () => '',
        line: anchor.line,
        sourcePath: path,
        position,
        anchor: inner.length ? { ...anchor, path } : anchor,
      }, null);
      return c && c.id === this.convIds[position] ? c : null;
    });
  }

  private rereadSpans(ordinals: number[], traceId: string | null, k: number, position: number, id: string): Conversation | null {
    const family = this.family!;
    return this.withFile((fd) => {
      const cache = new Map<number, string>();
      const parsed = new Map<string, unknown>();
      const spans: SpanRecord[] = [];
      for (const ordinal of ordinals) {
        const text = this.readRecordText(ordinal, fd, cache);
        if (text === null) return null;
        const key = String(this.records.byteStart(ordinal));
        let value = parsed.get(key);
        if (value === undefined) {
          value = JSON.parse(text) as unknown;
          parsed.set(key, value);
        }
        const inner = this.records.inner(ordinal);
        const anchor = this.records.anchor(ordinal);
        const got = readFamily(family, value, text, anchor, inner, ordinal, this.contexts[this.records.ctx(ordinal)] ?? null, this.records.hint(ordinal), this.forcedConvention);
        if (got) for (const s of got) if ((s.traceId ?? null) === traceId || (traceId === null && ordinals.length === 1)) spans.push(s);
      }
      const convs = assembleTrace(spans, { file: this.opts.file, displayName: this.opts.displayName, problem: () => {}, only: k });
      const c = convs[k];
      return c && c.id === id ? ({ ...c, position } as Conversation) : null;
    });
  }
}

const FAMILY_NAMES: Record<Family, string> = {
  openai: 'OpenAI chat',
  otel: 'OpenTelemetry span',
  langfuse: 'Langfuse',
  langsmith: 'LangSmith run',
  opik: 'Opik',
};

/** The record's format family (null: cannot tell from this record). */
export function classify(v: unknown, hint: string | null): Family | null {
  if (!isObj(v)) return null;
  if (hint === 'otlp') return 'otel';
  if (Array.isArray(v.messages) || (v.messages !== undefined && Object.keys(v).every((k) => ['id', 'messages', 'tools', 'model', 'usage', 'metadata'].includes(k)))) return 'openai';
  if (isLangSmithRun(v)) return 'langsmith';
  if (isLangfuseTrace(v) || isLangfuseObservation(v)) return 'langfuse';
  if (isOpikSpan(v) || isOpikTrace(v)) return 'opik';
  if (isSpanLike(v)) return 'otel';
  if ((hint === 'traces' || hint === 'spans') && v.id !== undefined && (v.input !== undefined || v.output !== undefined) && v.start_time !== undefined) return 'opik';
  return null;
}

/** Whether a value may be a container of records (OTLP export, {data: [...]}, …). */
function mayHoldRecords(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const k of OTLP_ROOT) if (k in v) return true;
  for (const k of CONTAINER_KEYS) if (k in v) return true;
  return false;
}

/** The records inside one parsed value: OTLP spans, elements of container arrays, or itself. */
function innerRecords(
  value: unknown,
  resourceCtx: Map<string, number>,
  contexts: Array<Record<string, unknown> | null>,
  ctxKey: string,
): Array<{ value: unknown; inner: JsonPath; ctx: number; hint: string | null }> {
  if (!isObj(value)) return [{ value, inner: EMPTY_PATH, ctx: 0, hint: null }];
  const out: Array<{ value: unknown; inner: JsonPath; ctx: number; hint: string | null }> = [];
  for (const rsKey of Object.keys(value).filter((k) => OTLP_ROOT.has(k) && Array.isArray(value[k])))
    (value[rsKey] as unknown[]).forEach((rs, i) => {
      if (!isObj(rs)) return;
      let ctx = 0;
      if (rs.resource !== undefined) {
        const key = `${ctxKey}:${i}`;
        ctx = resourceCtx.get(key) ?? contexts.length;
        if (ctx === contexts.length) {
          resourceCtx.set(key, ctx);
          contexts.push(resourceAttributes(rs.resource));
        }
      }
      for (const ssKey of Object.keys(rs).filter((k) => OTLP_SCOPE.has(k))) {
        const scopes = rs[ssKey];
        if (!Array.isArray(scopes)) continue;
        scopes.forEach((ss, j) => {
          if (!isObj(ss)) return;
          for (const recKey of Object.keys(ss).filter((k) => OTLP_RECORDS.has(k) && Array.isArray(ss[k])))
            (ss[recKey] as unknown[]).forEach((span, k) => out.push({ value: span, inner: [rsKey, i, ssKey, j, recKey, k], ctx, hint: 'otlp' }));
        });
      }
    });
  if (out.length || Object.keys(value).some((k) => OTLP_ROOT.has(k))) return out;
  // MLflow trace JSON: {info, data: {spans: [...]}}.
  if (isObj(value.data) && Array.isArray(value.data.spans) && isObj(value.info))
    return (value.data.spans as unknown[]).map((el, i) => ({ value: el, inner: ['data', 'spans', i] as JsonPath, ctx: 0, hint: 'spans' }));
  if (classify(value, null) === null) {
    const containers = Object.keys(value).filter((k) => CONTAINER_KEYS.has(k) && Array.isArray(value[k]));
    if (containers.length && !(isObj(value.trace) && containers.includes('observations')))
      return containers.flatMap((k) => (value[k] as unknown[]).map((el, i) => ({ value: el, inner: [k, i] as JsonPath, ctx: 0, hint: k })));
  }
  return [{ value, inner: EMPTY_PATH, ctx: 0, hint: null }];
}

function valueAt(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function resourceAttributes(resource: unknown): Record<string, unknown> | null {
  if (!isObj(resource)) return null;
  const attrs = resource.attributes;
  const out: Record<string, unknown> = {};
  if (Array.isArray(attrs)) {
    for (const kv of attrs) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = unwrapAnyValue({ v: kv.value, loc: null }).v;
  } else if (isObj(attrs)) Object.assign(out, attrs);
  return out;
}

/** A record of a span format → its span records (null: not a record of that format). */
function readFamily(
  family: Family,
  value: unknown,
  source: string,
  anchor: SourceAnchor,
  inner: JsonPath,
  ordinal: number,
  resource: Record<string, unknown> | null,
  hint: string | null,
  convention: 'otel-genai' | 'openinference' | null,
  o: ReadOptions = FULL,
): SpanRecord[] | null {
  const v = inner.length ? valueAt(value, inner) : value;
  const root: LV = { v, loc: { a: anchor, outer: [], path: inner.slice(), src: source } };
  let local = 0;
  const seq = () => ordinal * SEQ_STRIDE + Math.min(local++, SEQ_STRIDE - 1);
  if (!isObj(v)) return null;
  switch (family) {
    case 'otel': {
      if (!isSpanLike(v) && hint !== 'otlp') return null;
      const s = readOtelSpan(root, anchor, seq(), convention, resource, o);
      return s ? [s] : null;
    }
    case 'langfuse':
      return isLangfuseTrace(v) || isLangfuseObservation(v) ? readLangfuse(root, anchor, seq, o) : null;
    case 'langsmith':
      return isLangSmithRun(v) ? readLangSmith(root, anchor, seq, o) : null;
    case 'opik':
      return isOpikSpan(v) || isOpikTrace(v) || hint === 'traces' || hint === 'spans' ? readOpik(root, anchor, seq, hint === 'spans' ? 'span' : hint === 'traces' ? 'trace' : null, o) : null;
    default:
      return null;
  }
}

/** A span record without its texts: what grouping, ids and problems need (lazy files). */
function skeleton(s: SpanRecord): SpanRecord {
  const output =
    s.output &&
    s.output.map((m) => ({ role: m.role, parts: NO_TEXTS, toolCalls: m.toolCalls.length ? m.toolCalls.map((c) => ({ id: c.id, name: c.name, args: NO_TEXT })) : NO_CALLS }));
  const meta = s.metadata.error !== undefined ? (s.metadata.unreadable_output ? ERROR_UNREADABLE : ERROR_ONLY) : s.metadata.unreadable_output ? UNREADABLE_ONLY : NO_META;
  return {
    format: s.format,
    traceId: s.traceId,
    spanId: s.spanId,
    parentId: s.parentId,
    kind: s.kind,
    name: s.name,
    startMs: s.startMs,
    endMs: null,
    seq: s.seq,
    anchor: { path: EMPTY_PATH as Array<string | number>, line: s.anchor.line, character: s.anchor.character },
    // Whether an input was recorded decides whether the call can be read (kept as a mark).
    input: s.input?.length ? RECORDED : null,
    system: s.system?.length ? NO_TEXTS : null,
    output,
    tools: null,
    model: null,
    provider: null,
    usage: null,
    finishReasons: null,
    costUsd: null,
    tool: s.tool && { name: s.tool.name, callId: s.tool.callId, args: null, result: null, error: s.tool.error ? NO_TEXT : null },
    ...(s.eventOf !== undefined ? { eventOf: s.eventOf } : {}),
    traceInput: s.traceInput?.length ? RECORDED : null,
    isTrace: s.isTrace,
    metadata: meta,
    notes: NO_NOTES,
  };
}
const NO_TEXT = Object.freeze({ text: '', loc: null });
const NO_TEXTS = Object.freeze([]) as unknown as SpanRecord['system'] & [];
const NO_CALLS = Object.freeze([]) as unknown as IRMessage['toolCalls'];
const NO_NOTES = Object.freeze([]) as unknown as SpanRecord['notes'];
const RECORDED = Object.freeze([Object.freeze({ role: 'user', parts: NO_TEXTS, toolCalls: NO_CALLS })]) as unknown as IRMessage[];
const NO_META = Object.freeze({}) as Record<string, unknown>;
const ERROR_ONLY = Object.freeze({ error: true }) as Record<string, unknown>;
const UNREADABLE_ONLY = Object.freeze({ unreadable_output: true }) as Record<string, unknown>;
const ERROR_UNREADABLE = Object.freeze({ error: true, unreadable_output: true }) as Record<string, unknown>;

/** The plan for a JSON document, from its first bytes: which values are records. */
export function planFor(head: Uint8Array): Plan {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  const top = head[i];
  if (top === 0x5b) {
    // [record, record, …]
    return (path, kind) => (path.length === 0 && kind === 'array' ? 'descend' : 'record');
  }
  if (top !== 0x7b) return (path) => (path.length === 0 ? 'record' : 'record');
  // An object: records are under container keys when it has some (seen in the first bytes).
  const keys = new Map<string, string>();
  const probe = new JsonSplitter(
    (path, kind) => {
      if (path.length === 0) return 'descend';
      if (path.length === 1) keys.set(String(path[0]), kind);
      return 'skip';
    },
    { value: () => {}, problem: () => {} },
  );
  probe.push(head);
  const otlp = [...keys].some(([k, kind]) => OTLP_ROOT.has(k) && kind === 'array');
  const containers = [...keys].filter(([k, kind]) => CONTAINER_KEYS.has(k) && kind === 'array').map(([k]) => k);
  // {trace: {...}, observations: [...]} is one Langfuse trace: a single record.
  if (keys.has('trace') && containers.includes('observations')) containers.splice(containers.indexOf('observations'), 1);
  if (!otlp && containers.length === 0) return () => 'record';
  // Container keys further down (Opik lists all traces, then all spans) count as well.
  const single = keys.has('trace') ? new Set(['observations']) : new Set<string>();
  return (path, kind) => {
    const d = path.length;
    if (d === 0) return 'descend';
    const k0 = String(path[0]);
    if (OTLP_ROOT.has(k0)) {
      if (d === 1) return kind === 'array' ? 'descend' : 'skip';
      if (d === 2) return kind === 'object' ? 'descend' : 'skip';
      if (d === 3) return path[2] === 'resource' ? 'context' : OTLP_SCOPE.has(String(path[2])) && kind === 'array' ? 'descend' : 'skip';
      if (d === 4) return kind === 'object' ? 'descend' : 'skip';
      if (d === 5) return OTLP_RECORDS.has(String(path[4])) && kind === 'array' ? 'descend' : 'skip';
      return 'record';
    }
    if (CONTAINER_KEYS.has(k0) && !single.has(k0)) {
      if (d === 1) return kind === 'array' ? 'descend' : 'skip';
      return 'record';
    }
    return d === 1 ? 'skip' : 'record';
  };
}

function hasNonWhitespace(c: Uint8Array): boolean {
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return true;
  }
  return false;
}
