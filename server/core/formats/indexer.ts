// One trace file → its conversations, whatever the format: the file is cut into records (JSONL
// lines, or the values of a JSON document a plan selects), the format is detected on the first
// records (unless forced), and records go down one of two paths — OpenAI conversations, or span
// records grouped by trace and assembled. Small inputs keep every conversation in memory; large
// files keep where each conversation's records are (byte ranges) and re-read them on demand.
// Here: the input, the records and the decision; the rest in the modules named below.
import type { Conversation, SourceAnchor, TraceFormat } from '../../../common/schema';
import type { TraceProblem } from '../../../common/protocol';
import type { JsonPath } from '../json/locate';
import { buildIndexedFile, type IndexedFile } from './indexedFile';
import { isObj } from './located';
import { looksLikeConversation } from './openai';
import { OpenAIConversations } from './openaiConversations';
import { EMPTY_PATH, RecordTable, valueAtPath } from './recordTable';
import { fileStamp, RecordRereader } from './reread';
import {
  classify,
  FAMILY_NAMES,
  familyOf,
  hasNonWhitespace,
  innerRecords,
  mayHoldRecords,
  OTLP_ROOT,
  planFor,
  resourceAttributes,
  type Family,
  type FormatChoice,
} from './sniff';
import { ResourceContexts } from './resourceContexts';
import { SpanConversations } from './spanConversations';
import { readFamily } from './spanRecords';
import { LineSplitter } from './lineSplitter';
import { JsonSplitter, type SplitValue } from './splitter';
import { pathText } from '../json/pathText';
import type { ProblemSink, Severity, SpanRecord } from './types';
import { invalidUtf8Warnings, Utf8Check, type InvalidUtf8 } from './utf8Check';

export type { IndexedFile } from './indexedFile';
export type { Family, FormatChoice } from './sniff';

export const MAX_PROBLEMS_PER_FILE = 500;
/** Records read before the format must be known. */
const MAX_UNDECIDED_RECORDS = 2000;
/** Bytes of a JSON document read before its plan (which values are records) is chosen. */
const SNIFF_BYTES = 65536;

export interface IndexerOptions {
  file: string;
  displayName: string;
  /** JSON lines (one record per line) rather than one JSON document. */
  lineBased: boolean;
  format?: FormatChoice;
  /** Keep only offsets and re-read conversations from `file` on demand. */
  lazy?: boolean;
  /**
   * For a text given as a string (decoded by the caller): what the caller found of invalid UTF-8
   * in the bytes it decoded (`checkUtf8`). Bytes pushed from disk are checked here.
   */
  invalidUtf8?: InvalidUtf8 | null;
  /** Lazy: keep listing rows as records are read (default true; false when nothing will list them). */
  keepSummaries?: boolean;
  /**
   * OpenAI chat records: hand each conversation to this as it is read and keep none (`check`'s
   * streaming pass). Span records are indexed (a trace's spans may be anywhere in the file), unless `onSpan` takes them.
   */
  visit?: (conversation: Conversation) => void;
  /**
   * Span records: hand each one (read in full, its problems reported) to this and keep none; the
   * conversations are then assembled by whoever took them, trace by trace, from `spanSource()`
   * (`check`'s first pass over a file of spans, in memory that does not grow with the spans).
   */
  onSpan?: (span: SpanRecord) => void;
  /**
   * OTLP lines: only the spans and log records of these traces (lowercase hex ids) are read; the
   * others in the same lines are left out, as if absent (an appendable index reads a line that
   * holds many traces' spans for the few traces that completed).
   */
  traces?: ReadonlySet<string>;
}

/** Where a file's span records are, to read them again by record ordinal (with `onSpan`). */
export interface SpanSource {
  family: Exclude<Family, 'openai'>;
  convention: 'otel-genai' | 'openinference' | null;
  records: RecordTable;
  /** OTLP resource attributes by context number. */
  contexts: ReadonlyArray<Record<string, unknown> | null>;
}

/** A record waiting for the format to be known. */
interface PendingRecord {
  value: unknown;
  source: string;
  anchor: SourceAnchor;
  inner: JsonPath;
  ctx: number;
  hint: string | null;
}

export class TraceFileIndexer {
  private readonly problems: TraceProblem[] = [];
  private droppedProblems = 0;
  private family: Family | null = null;
  private forcedConvention: 'otel-genai' | 'openinference' | null = null;
  private readonly lazy: boolean;
  private pending: PendingRecord[] = [];
  private undecided = 0;
  private notTrace = false;
  private sawContent = false;
  private readonly records = new RecordTable();
  /** Plain resource attributes of OTLP `resourceSpans` entries (context of their spans). */
  private readonly contexts = new ResourceContexts();
  /** Context numbers of the resources of a JSON document's `resourceSpans` entries, by document and index. */
  private readonly resourceCtx = new Map<string, number>();
  private readonly openai: OpenAIConversations;
  private readonly spans: SpanConversations;
  private splitter: JsonSplitter | null = null;
  private lines: LineSplitter | null = null;
  private sniff: Uint8Array[] = [];
  private sniffBytes = 0;
  private readonly rereader: RecordRereader;
  /** Bytes read from disk are checked (a text given as a string was checked by whoever decoded it). */
  private readonly utf8 = new Utf8Check();
  private fromBytes = false;

  constructor(private readonly opts: IndexerOptions) {
    this.lazy = opts.lazy === true;
    const f = opts.format && opts.format !== 'auto' ? opts.format : null;
    if (f) {
      this.family = familyOf(f);
      if (f === 'otel-genai' || f === 'openinference') this.forcedConvention = f;
    }
    const { file, displayName, lineBased } = opts;
    this.openai = new OpenAIConversations(
      {
        file,
        displayName,
        lineBased,
        lazy: this.lazy,
        keepSummaries: opts.keepSummaries !== false,
        ...(opts.visit ? { visit: opts.visit } : {}),
      },
      this.sink,
    );
    this.spans = new SpanConversations({ file, displayName, lazy: this.lazy, ...(opts.onSpan ? { forward: opts.onSpan } : {}) }, this.sink);
    this.rereader = new RecordRereader({
      file,
      displayName,
      records: this.records,
      contexts: this.contexts.list,
      stamp: this.lazy ? fileStamp(file) : null,
    });
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
    this.pushBytes(Buffer.from(text, 'utf8'));
  }

  /**
   * Feeds one line of a JSONL file read on its own, with where it is in the file (an appendable
   * index feeds a trace's lines alone: anchors and problems still name the file's lines and bytes).
   * `parsed`: the line's JSON already parsed by the caller (not parsed again).
   */
  pushLine(text: string, line: number, byteStart: number, byteEnd: number, parsed?: { value: unknown }): void {
    this.onLine(text, line, byteStart, byteEnd, parsed);
  }

  /** Feeds the next bytes of the file as read from disk. */
  push(chunk: Uint8Array): void {
    this.fromBytes = true;
    this.utf8.push(chunk);
    this.pushBytes(chunk);
  }

  private pushBytes(chunk: Uint8Array): void {
    if (!this.sawContent && !this.opts.lineBased) this.sawContent = hasNonWhitespace(chunk);
    if (this.opts.lineBased) {
      this.lines ??= new LineSplitter((text, line, bs, be) => this.onLine(text, line, bs, be));
      this.lines.push(chunk);
      return;
    }
    if (!this.splitter) {
      // The plan depends on the document's top: sniff its first bytes.
      this.sniff.push(chunk);
      this.sniffBytes += chunk.length;
      if (this.sniffBytes < SNIFF_BYTES) return;
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
    this.warnInvalidUtf8();
    if (this.opts.lineBased) this.lines?.end();
    else {
      if (!this.splitter) this.startSplitter();
      this.splitter!.end();
    }
    this.decide();
    return this.finish();
  }

  // ---- records -------------------------------------------------------------------------

  private onLine(text: string, line: number, byteStart: number, byteEnd: number, parsed?: { value: unknown }): void {
    if (!parsed && text.trim() === '') return;
    this.sawContent = true;
    let value: unknown;
    try {
      value = parsed ? parsed.value : JSON.parse(text);
    } catch (e) {
      this.problem(
        { line },
        `${this.opts.displayName}:${line + 1} is not valid JSON (${(e as Error).message}); this line is skipped`,
        'error',
      );
      return;
    }
    const anchor: SourceAnchor = byteStart >= 0 ? { path: [], line, character: 0, byteStart, byteEnd } : { path: [], line, character: 0 };
    // Most lines are one record (a conversation, a span, a run): no need to look inside.
    if (this.family !== null && this.family !== 'otel' && !mayHoldRecords(value)) {
      this.onRecord(value, value, text, anchor, EMPTY_PATH, 0, null);
      return;
    }
    const traces = this.opts.traces;
    for (const r of innerRecords(value, this.contexts))
      if (!traces || ofTraces(r.value, traces)) this.onRecord(value, r.value, text, anchor, r.inner, r.ctx, r.hint);
  }

  private onSplitValue(v: SplitValue): void {
    if (v.kind === 'context') {
      // OTLP resource of resourceSpans[i]: the context of the spans under it.
      if (v.path.length >= 3 && v.path[v.path.length - 1] === 'resource') {
        const key = `d${v.document}:${String(v.path[v.path.length - 2])}`;
        this.resourceCtx.set(key, this.contexts.addAttributes(resourceAttributes(v.value)));
      }
      return;
    }
    const anchor: SourceAnchor = {
      path: v.path.slice(),
      line: v.start.line,
      character: v.start.character,
      byteStart: v.byteStart,
      byteEnd: v.byteEnd,
    };
    let ctx = 0;
    let hint: string | null = null;
    if (v.path.length >= 6 && OTLP_ROOT.has(String(v.path[0]))) {
      ctx = this.resourceCtx.get(`d${v.document}:${String(v.path[1])}`) ?? 0;
      hint = 'otlp';
    } else if (v.path.length === 2 && typeof v.path[0] === 'string') hint = v.path[0];
    if (v.path.length === 0 || (v.path.length === 1 && typeof v.path[0] === 'number')) {
      // A whole document or an element of a top-level array: it may itself hold records.
      for (const r of innerRecords(v.value, this.contexts)) this.onRecord(v.value, r.value, v.source, anchor, r.inner, r.ctx, r.hint);
      return;
    }
    this.onRecord(v.value, v.value, v.source, anchor, [], ctx, hint);
  }

  /** `value`: the value the anchor is at; `record`: the value at `inner` in it. */
  private onRecord(
    value: unknown,
    record: unknown,
    source: string,
    anchor: SourceAnchor,
    inner: JsonPath,
    ctx: number,
    hint: string | null,
  ): void {
    if (this.notTrace) return;
    if (this.family === null) {
      const f = classify(record, hint);
      if (f === null) {
        this.pending.push({ value, source, anchor, inner, ctx, hint });
        if (++this.undecided >= MAX_UNDECIDED_RECORDS) this.decide();
        return;
      }
      this.family = f;
      this.flushPending();
    }
    this.process({ value, source, anchor, inner, ctx, hint });
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.process(p);
  }

  /** Settles the format when no record told it: JSONL reads as OpenAI chat (whose errors name the fields), a document as no trace. */
  private decide(): void {
    if (this.family !== null) return;
    const at = (p: PendingRecord) => (p.inner.length ? valueAtPath(p.value, p.inner) : p.value);
    if (
      this.opts.lineBased ||
      this.pending.some((p) => looksLikeConversation(at(p)) || (isObj(at(p)) && 'messages' in (at(p) as object)))
    ) {
      this.family = 'openai';
      this.flushPending();
    } else {
      this.notTrace = true;
      this.pending = [];
    }
  }

  private process(r: PendingRecord): void {
    const { value, source, anchor, inner, ctx, hint } = r;
    const family = this.family!;
    // A visited conversation is never read again: its record needs no place in the table.
    if (family === 'openai' && this.opts.visit) return this.openai.add(value, anchor, inner, -1);
    const ordinal = this.records.add(anchor, inner, ctx, hint);
    if (family === 'openai') {
      this.openai.add(value, anchor, inner, ordinal);
      return;
    }
    const spans = readFamily(
      family,
      { value, inner, source, anchor, ordinal, resource: this.contexts.list[ctx] ?? null, hint },
      this.forcedConvention,
      // Handed on spans are read in full (the same problems as a file read whole), and not kept.
      this.lazy && !this.opts.onSpan,
    );
    if (spans === null) {
      const path = [...anchor.path, ...inner];
      this.problem(
        { line: anchor.line, character: anchor.character },
        `${this.opts.displayName}${path.length ? ` ${pathText(path, 'the document')}` : ''} (line ${anchor.line + 1}) is not a ${FAMILY_NAMES[family]} record; it is skipped`,
        'warning',
      );
      return;
    }
    this.spans.add(spans);
  }

  /** Invalid UTF-8 is read as U+FFFD: said, line by line (the first few), never silently. */
  private warnInvalidUtf8(): void {
    this.utf8.end();
    const found = this.fromBytes ? this.utf8.report() : (this.opts.invalidUtf8 ?? null);
    if (found) for (const w of invalidUtf8Warnings(found, this.opts.displayName)) this.problem({ line: w.line }, w.message, 'warning');
  }

  private readonly sink: ProblemSink = (at, message, severity) => this.problem(at, message, severity);

  private problem(at: { line: number; character?: number }, message: string, severity: Severity): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_FILE) {
      this.droppedProblems++;
      return;
    }
    this.problems.push({
      file: this.opts.file,
      line: at.line,
      ...(at.character ? { startCharacter: at.character } : {}),
      message,
      severity,
    });
  }

  // ---- result --------------------------------------------------------------------------

  /** After `end`: where the span records handed to `onSpan` are (null: not a file of spans). */
  spanSource(): SpanSource | null {
    const family = this.family;
    if (family === null || family === 'openai' || this.notTrace) return null;
    return { family, convention: this.forcedConvention, records: this.records, contexts: this.contexts.list };
  }

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
    const family = this.family;
    const spanPath = family !== null && family !== 'openai';
    if (spanPath) this.spans.assemble();
    if (this.droppedProblems > 0)
      this.problems.push({
        file,
        line: 0,
        message: `${displayName}: ${this.droppedProblems} more problems are not listed`,
        severity: 'warning',
      });
    const format: TraceFormat | null =
      family === null ? null : family === 'otel' ? (this.forcedConvention ?? this.spans.firstConvention ?? 'otel-genai') : family;
    const columns = spanPath ? this.spans.columns(this.rereader, family, this.forcedConvention) : this.openai.columns(this.rereader);
    // An OpenAI chat file: every record that is a conversation is one LLM call read.
    const calls = columns.ids.length + this.openai.visited;
    const coverage = spanPath ? this.spans.coverage : { llmCalls: calls, read: calls, unread: [] };
    return buildIndexedFile({ file, isTrace, problems: this.problems, format, coverage }, columns);
  }
}

/** Whether an OTLP span or log record belongs to one of `traces`. */
function ofTraces(record: unknown, traces: ReadonlySet<string>): boolean {
  const id = isObj(record) ? (record.traceId ?? record.trace_id) : undefined;
  return typeof id === 'string' && traces.has(id.toLowerCase());
}
