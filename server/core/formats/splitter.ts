// Streaming over trace files without holding them whole: a JSON document is cut into records
// (the values a plan selects, e.g. every span of an OTLP export) by a byte-level scanner that
// only follows structure, and each record is parsed alone with the native JSON.parse; JSONL is
// cut into lines. Every record comes with its byte range and its position (line, UTF-16 column)
// so that it can be re-read alone and its texts mapped to the editor.
import { isAscii } from 'node:buffer';
import { offsetPositions, type JsonPath } from '../jsonSource';

export interface Position {
  line: number;
  character: number;
}

/** UTF-16 code units of the UTF-8 bytes buf[from, to). */
export function utf16Length(buf: Uint8Array, from: number, to: number): number {
  if (to <= from) return 0;
  if (to - from > 64 && isAscii(buf.subarray(from, to))) return to - from;
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/**
 * Line and column of byte offsets in a stream of chunks; queries go forward within a chunk.
 * Linear in the bytes whatever the layout: the next newline found is remembered, so a chunk
 * without newlines (minified JSON) is searched once, not once per query.
 */
export class PositionTracker {
  private chunk: Uint8Array = new Uint8Array(0);
  private line = 0;
  /** Column (UTF-16) at `pos` of the current chunk. */
  private col = 0;
  private pos = 0;
  /** The first newline at or after `pos` (the chunk's length: none); -1 when not searched yet. */
  private nextNewline = -1;

  /** Starts a new chunk (the previous one is finished first). */
  next(chunk: Uint8Array): void {
    this.advance(this.chunk.length);
    this.chunk = chunk;
    this.pos = 0;
    this.nextNewline = -1;
  }

  /** Position just after the last byte pushed. */
  atEnd(): Position {
    this.advance(this.chunk.length);
    return { line: this.line, character: this.col };
  }

  /** Position of byte `i` of the current chunk (i ≥ any earlier query in this chunk). */
  at(i: number): Position {
    this.advance(i);
    return { line: this.line, character: this.col };
  }

  private advance(i: number): void {
    if (i <= this.pos) return;
    const c = this.chunk;
    let line = this.line;
    let lineStart = -1;
    let nl = this.nextNewline < 0 ? newlineFrom(c, this.pos) : this.nextNewline;
    // Newlines: native search while they are sparse (compact JSON), a plain loop when dense.
    let found = 0;
    while (nl < i) {
      line++;
      found++;
      lineStart = nl + 1;
      if (found > 8 && found * 64 > lineStart - this.pos) {
        for (let k = lineStart; k < i; k++)
          if (c[k] === 0x0a) {
            line++;
            lineStart = k + 1;
          }
        nl = -1; // the next one is searched from `i` when needed
        break;
      }
      nl = newlineFrom(c, lineStart);
    }
    this.col = lineStart < 0 ? this.col + utf16Length(c, this.pos, i) : utf16Length(c, lineStart, i);
    this.line = line;
    this.pos = i;
    this.nextNewline = nl;
  }
}

/** Index of the first newline of `c` at or after `from`; `c.length` when there is none. */
function newlineFrom(c: Uint8Array, from: number): number {
  const nl = c.indexOf(0x0a, from);
  return nl < 0 ? c.length : nl;
}

export type ValueKind = 'object' | 'array' | 'string' | 'primitive';
export type PlanAction = 'descend' | 'record' | 'context' | 'skip';
/** What to do with the value at `path` (from its document's root). */
export type Plan = (path: JsonPath, kind: ValueKind) => PlanAction;

export interface SplitValue {
  kind: 'record' | 'context';
  value: unknown;
  /** The value's JSON text as in the file. */
  source: string;
  path: JsonPath;
  /** Index of the document (0 unless the file holds several concatenated JSON documents). */
  document: number;
  byteStart: number;
  byteEnd: number;
  start: Position;
}

export interface SplitterSink {
  value(v: SplitValue): void;
  problem(at: Position, message: string, severity: 'error' | 'warning'): void;
}

interface Frame {
  obj: boolean;
  path: JsonPath;
  index: number;
  key: string | null;
}

interface Capture {
  action: PlanAction;
  path: JsonPath;
  kind: ValueKind;
  byteStart: number;
  start: Position;
  depth: number;
  inString: boolean;
  escape: boolean;
  parts: Uint8Array[];
  /** Bytes captured so far (bounded for skipped values: none kept). */
  size: number;
}

const enum Mode {
  Value,
  ArrayFirst,
  KeyOrEnd,
  Key,
  KeyString,
  Colon,
  After,
  Capture,
  Done,
  Failed,
}

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** `stringEnd` found no closing quote in the chunk. */
const NOT_CLOSED = -1;
/** …and the chunk ends inside an escape (after a backslash): the next chunk's first byte is escaped. */
const ENDS_IN_ESCAPE = -2;

/**
 * Inside a JSON string (keys and values alike), from byte `i` of the chunk: the index of the
 * closing quote, or NOT_CLOSED / ENDS_IN_ESCAPE when the chunk ends first. A quote closes the
 * string unless an odd run of backslashes precedes it (the caller has skipped a byte escaped
 * across chunks, so runs never straddle `i`); quotes are found by native search.
 */
function stringEnd(c: Uint8Array, i: number): number {
  for (let from = i; ; ) {
    const quote = c.indexOf(0x22, from);
    const end = quote < 0 ? c.length : quote;
    let k = end;
    while (k > i && c[k - 1] === 0x5c) k--;
    const escaped = (end - k) % 2 === 1;
    if (quote < 0) return escaped ? ENDS_IN_ESCAPE : NOT_CLOSED;
    if (!escaped) return quote;
    from = quote + 1;
  }
}

/** A JSON document (or several concatenated) → records and context values, chunk by chunk. */
export class JsonSplitter {
  private mode = Mode.Value;
  private readonly stack: Frame[] = [];
  private capture: Capture | null = null;
  private keyParts: Uint8Array[] = [];
  private keyEscape = false;
  private base = 0;
  private document = 0;
  private readonly pos = new PositionTracker();
  private started = false;

  constructor(
    private readonly plan: Plan,
    private readonly sink: SplitterSink,
  ) {}

  get failed(): boolean {
    return this.mode === Mode.Failed;
  }

  push(chunk: Uint8Array): void {
    this.pos.next(chunk);
    let i = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    const n = chunk.length;
    while (i < n && this.mode !== Mode.Failed) {
      if (this.mode === Mode.Capture) {
        const end = this.scanCapture(chunk, i);
        if (end < 0) {
          this.keep(chunk, i, n);
          i = n;
          break;
        }
        this.keep(chunk, i, end);
        this.finishCapture(this.base + end);
        i = end;
        continue;
      }
      if (this.mode === Mode.KeyString) {
        i = this.scanKey(chunk, i);
        continue;
      }
      const b = chunk[i]!;
      if (isWs(b)) {
        i++;
        continue;
      }
      switch (this.mode) {
        case Mode.Done:
          // Another document after the first (concatenated JSON / JSON lines in a .json file).
          this.document++;
          this.mode = Mode.Value;
          continue;
        case Mode.Value:
        case Mode.ArrayFirst:
          if (this.mode === Mode.ArrayFirst && b === 0x5d) {
            i++;
            this.close();
            continue;
          }
          i = this.startValue(chunk, i);
          continue;
        case Mode.KeyOrEnd:
        case Mode.Key:
          if (b === 0x7d && this.mode === Mode.KeyOrEnd) {
            i++;
            this.close();
            continue;
          }
          if (b !== 0x22) {
            this.fail(i, chunk, 'expected a property name in double quotes');
            continue;
          }
          this.keyParts = [];
          this.keyEscape = false;
          this.mode = Mode.KeyString;
          i++;
          continue;
        case Mode.Colon:
          if (b !== 0x3a) {
            this.fail(i, chunk, "expected ':' after a property name");
            continue;
          }
          this.mode = Mode.Value;
          i++;
          continue;
        case Mode.After: {
          const top = this.stack[this.stack.length - 1]!;
          if (b === 0x2c) {
            if (top.obj) this.mode = Mode.Key;
            else {
              top.index++;
              this.mode = Mode.Value;
            }
            i++;
          } else if ((b === 0x7d && top.obj) || (b === 0x5d && !top.obj)) {
            i++;
            this.close();
          } else this.fail(i, chunk, `expected ',' or '${top.obj ? '}' : ']'}'`);
          continue;
        }
        default:
          i++;
      }
    }
    this.base += n;
  }

  /** Ends the stream: a value still open means the file is truncated. */
  end(): void {
    if (this.mode === Mode.Failed) return;
    if (this.mode === Mode.Capture && this.capture?.kind === 'primitive') {
      this.finishCapture(this.base);
      if (this.stack.length === 0) return;
    }
    if (this.stack.length > 0 || this.mode === Mode.Capture || this.mode === Mode.KeyString) {
      const cap = this.mode === Mode.Capture ? this.capture : null;
      this.sink.problem(this.pos.atEnd(), 'the file ends in the middle of a JSON value (truncated?): what comes before is read, the rest is missing', 'error');
      this.mode = Mode.Failed;
      // The record being read when the file ended: keep its complete members.
      if (cap && cap.action !== 'skip' && cap.kind === 'object') {
        const buf = cap.parts.length === 1 ? cap.parts[0]! : Buffer.concat(cap.parts);
        const source = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
        const value = salvageTruncated(source);
        if (value !== undefined)
          this.sink.value({ kind: cap.action === 'context' ? 'context' : 'record', value, source, path: cap.path, document: this.document, byteStart: cap.byteStart, byteEnd: this.base, start: cap.start });
      }
    }
  }

  private pathHere(): JsonPath {
    const top = this.stack[this.stack.length - 1];
    if (!top) return [];
    return [...top.path, top.obj ? top.key! : top.index];
  }

  private startValue(chunk: Uint8Array, i: number): number {
    const b = chunk[i]!;
    const kind: ValueKind = b === 0x7b ? 'object' : b === 0x5b ? 'array' : b === 0x22 ? 'string' : 'primitive';
    if (kind === 'primitive' && !(b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e)) {
      this.fail(i, chunk, `unexpected '${String.fromCharCode(b)}' where a value should start`);
      return i + 1;
    }
    const path = this.pathHere();
    const action = this.plan(path, kind);
    if (action === 'descend' && (kind === 'object' || kind === 'array')) {
      this.stack.push({ obj: kind === 'object', path, index: 0, key: null });
      this.mode = kind === 'object' ? Mode.KeyOrEnd : Mode.ArrayFirst;
      return i + 1;
    }
    this.capture = {
      action: action === 'descend' ? 'record' : action,
      path,
      kind,
      byteStart: this.base + i,
      start: this.pos.at(i),
      depth: 0,
      inString: false,
      escape: false,
      parts: [],
      size: 0,
    };
    this.mode = Mode.Capture;
    return i;
  }

  /** Scans the captured value from i; returns the end (exclusive) or -1 when it goes on. */
  private scanCapture(c: Uint8Array, i: number): number {
    const cap = this.capture!;
    const n = c.length;
    if (cap.kind === 'primitive') {
      while (i < n) {
        const b = c[i]!;
        if (b === 0x2c || b === 0x7d || b === 0x5d || isWs(b)) return i;
        i++;
      }
      return -1;
    }
    let depth = cap.depth;
    let inString = cap.inString;
    if (cap.escape) {
      cap.escape = false;
      i++;
    }
    if (depth === 0 && !inString && cap.size === 0) {
      // first byte of the value
      const b = c[i]!;
      if (b === 0x22) inString = true;
      else depth = 1;
      i++;
    }
    while (i < n) {
      if (inString) {
        const quote = stringEnd(c, i);
        if (quote < 0) {
          cap.escape = quote === ENDS_IN_ESCAPE;
          break;
        }
        inString = false;
        i = quote + 1;
        if (depth === 0) {
          cap.depth = 0;
          cap.inString = false;
          return i;
        }
        continue;
      }
      const b = c[i]!;
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) {
          cap.depth = 0;
          cap.inString = false;
          return i + 1;
        }
      }
      i++;
    }
    cap.depth = depth;
    cap.inString = inString;
    return -1;
  }

  private keep(c: Uint8Array, from: number, to: number): void {
    const cap = this.capture!;
    if (to > from) {
      if (cap.action !== 'skip') cap.parts.push(c.subarray(from, to));
      cap.size += to - from;
    }
  }

  private finishCapture(byteEnd: number): void {
    const cap = this.capture!;
    this.capture = null;
    this.mode = this.stack.length ? Mode.After : Mode.Done;
    if (cap.action === 'skip') return;
    const buf = cap.parts.length === 1 ? cap.parts[0]! : Buffer.concat(cap.parts);
    const source = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      // Where in the file: the record's start plus the error's offset in it.
      const at = offsetPositions(source, [Math.min(syntaxErrorOffset(source), source.length)])[0]!;
      const pos = { line: cap.start.line + at.line, character: at.line === 0 ? cap.start.character + at.character : at.character };
      this.sink.problem(pos, `${describePath(cap.path)} is not valid JSON at line ${pos.line + 1}, column ${pos.character + 1} (${(e as Error).message}); it is skipped`, 'error');
      return;
    }
    this.sink.value({ kind: cap.action === 'context' ? 'context' : 'record', value, source, path: cap.path, document: this.document, byteStart: cap.byteStart, byteEnd, start: cap.start });
  }

  private scanKey(c: Uint8Array, i: number): number {
    const n = c.length;
    let j = i;
    if (this.keyEscape) {
      this.keyEscape = false;
      j++;
    }
    j = stringEnd(c, j);
    if (j < 0) {
      this.keyEscape = j === ENDS_IN_ESCAPE;
      this.keyParts.push(c.subarray(i, n));
      return n;
    }
    this.keyParts.push(c.subarray(i, j));
    const bytes = this.keyParts.length === 1 ? this.keyParts[0]! : Buffer.concat(this.keyParts);
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    let key = raw;
    if (raw.includes('\\'))
      try {
        key = JSON.parse(`"${raw}"`) as string;
      } catch {
        this.fail(j, c, 'a property name has an invalid escape');
        return j + 1;
      }
    this.stack[this.stack.length - 1]!.key = key;
    this.mode = Mode.Colon;
    return j + 1;
  }

  private close(): void {
    this.stack.pop();
    this.mode = this.stack.length ? Mode.After : Mode.Done;
  }

  private fail(i: number, c: Uint8Array, message: string): void {
    const at = this.pos.at(i);
    const b = c[i];
    const got = b === undefined ? 'the end' : `'${String.fromCharCode(b)}'`;
    this.sink.problem(at, `invalid JSON at line ${at.line + 1}, column ${at.character + 1}: ${message}, found ${got}; the rest of the file is not read`, 'error');
    this.mode = Mode.Failed;
  }
}

export function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the document';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** JSONL: complete lines (without the newline and a trailing \r), with their byte ranges. */
export class LineSplitter {
  private carry: Uint8Array[] = [];
  private carryStart = 0;
  private base = 0;
  private line = 0;
  private started = false;

  constructor(private readonly onLine: (text: string, line: number, byteStart: number, byteEnd: number) => void) {}

  push(chunk: Uint8Array): void {
    let from = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
      this.carryStart = from;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      let start: number;
      let text: string;
      if (this.carry.length) {
        this.carry.push(chunk.subarray(from, nl));
        const all = Buffer.concat(this.carry);
        text = decode(all, 0, all.length);
        start = this.carryStart;
        this.carry = [];
      } else {
        text = decode(chunk, from, nl);
        start = this.base + from;
      }
      this.onLine(text, this.line++, start, this.base + nl);
      from = nl + 1;
      this.carryStart = this.base + from;
    }
    if (from < chunk.length) {
      if (this.carry.length === 0) this.carryStart = this.base + from;
      this.carry.push(chunk.subarray(from));
    }
    this.base += chunk.length;
  }

  end(): void {
    if (this.carry.length) {
      const all = Buffer.concat(this.carry);
      this.carry = [];
      this.onLine(decode(all, 0, all.length), this.line++, this.carryStart, this.base);
    }
  }
}

function decode(buf: Uint8Array, from: number, to: number): string {
  if (to > from && buf[to - 1] === 0x0d) to--;
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('utf8');
}

/**
 * A value cut off by the end of the file, closed after its last complete member: what can be
 * read of it (undefined when nothing can). Incomplete strings, keys and members are dropped,
 * never cut, so no partial text is ever read as if it were whole.
 */
export function salvageTruncated(text: string): unknown {
  const { safe } = scanJson(text);
  if (safe < 0) return undefined;
  // The containers open at the cut (the scan may have gone deeper after it).
  const opened = openContainersAt(text, safe);
  if (!opened) return undefined;
  let head = text.slice(0, safe).replace(/,\s*$/, '');
  for (let k = opened.length - 1; k >= 0; k--) head += opened[k] === '{' ? '}' : ']';
  try {
    return JSON.parse(head);
  } catch {
    return undefined;
  }
}

/** Offset of the first syntax error of a JSON text (its length when it is only cut short). */
export function syntaxErrorOffset(text: string): number {
  return scanJson(text).stopped;
}

/**
 * A tolerant pass over a JSON text: where it stops being valid (`stopped`), and the last point
 * after a complete member (`safe`, -1 when none) where it could be closed.
 */
function scanJson(text: string): { safe: number; stopped: number } {
  const stack: Array<'{' | '['> = [];
  let safe = -1;
  let i = 0;
  const n = text.length;
  // state: 'v' expect value, 'k' expect key, ':' expect colon, ',' expect comma/close
  let state: 'v' | 'k' | ':' | ',' = 'v';
  const skipString = (): boolean => {
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x5c) j += 2;
      else if (c === 0x22) {
        i = j + 1;
        return true;
      } else if (c < 0x20) {
        i = j;
        return false;
      } else j++;
    }
    i = n;
    return false;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
      continue;
    }
    if (state === 'v') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        state = c === '{' ? 'k' : 'v';
        safe = i;
        continue;
      }
      if (c === ']' && stack[stack.length - 1] === '[') {
        stack.pop();
        i++;
        state = ',';
        safe = i;
        if (stack.length === 0) break;
        continue;
      }
      if (c === '"') {
        if (!skipString()) break;
      } else {
        const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
        if (!m) break;
        if (i + m[0].length >= n) {
          i = n; // a number may continue past the end
          break;
        }
        i += m[0].length;
      }
      state = ',';
      safe = i;
      if (stack.length === 0) break;
      continue;
    }
    if (state === 'k') {
      if (c === '}') {
        stack.pop();
        i++;
        state = ',';
        safe = i;
        if (stack.length === 0) break;
        continue;
      }
      if (c !== '"' || !skipString()) break;
      state = ':';
      continue;
    }
    if (state === ':') {
      if (c !== ':') break;
      i++;
      state = 'v';
      continue;
    }
    // state ','
    const top = stack[stack.length - 1];
    if (c === ',' && top) {
      i++;
      state = top === '{' ? 'k' : 'v';
      continue;
    }
    if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
      stack.pop();
      i++;
      safe = i;
      if (stack.length === 0) break;
      continue;
    }
    break;
  }
  return { safe, stopped: i };
}

/** The containers open at `end` (a position outside any string), outermost first. */
function openContainersAt(text: string, end: number): Array<'{' | '['> | null {
  const stack: Array<'{' | '['> = [];
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i++;
      while (i < end && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x7b) stack.push('{');
    else if (c === 0x5b) stack.push('[');
    else if (c === 0x7d || c === 0x5d) stack.pop();
    i++;
  }
  return i === end ? stack : null;
}
