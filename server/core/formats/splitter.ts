// Streaming over trace files without holding them whole: a JSON document is cut into records
// (the values a plan selects, e.g. every span of an OTLP export) by a byte-level scanner that
// only follows structure, and each record is parsed alone with the native JSON.parse. Every
// record comes with its byte range and its position (line, UTF-16 column) so that it can be
// re-read alone and its texts mapped to the editor. A value taken whole is followed to its end by
// valueCapture.ts; JSONL is cut by lineSplitter.ts.
import { offsetPositions } from '../json/lines';
import type { JsonPath } from '../json/locate';
import { pathText } from '../json/pathText';
import { salvageTruncated, syntaxErrorOffset } from '../json/salvage';
import { PositionTracker, type Position } from './positions';
import { ENDS_IN_ESCAPE, stringEnd } from './jsonStringEnd';
import { isJsonWhitespace as isWs, ValueCapture, type PlanAction, type ValueKind } from './valueCapture';

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

/** A JSON document (or several concatenated) → records and context values, chunk by chunk. */
export class JsonSplitter {
  private mode = Mode.Value;
  private readonly stack: Frame[] = [];
  private capture: ValueCapture | null = null;
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
        const end = this.capture!.scan(chunk, i);
        if (end < 0) {
          i = n;
          break;
        }
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
      this.sink.problem(
        this.pos.atEnd(),
        'the file ends in the middle of a JSON value (truncated?): what comes before is read, the rest is missing',
        'error',
      );
      this.mode = Mode.Failed;
      // The record being read when the file ended: keep its complete members.
      if (cap && cap.action !== 'skip' && cap.kind === 'object') {
        const source = cap.text();
        const value = salvageTruncated(source);
        if (value !== undefined) this.emit(cap, value, source, this.base);
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
    this.capture = new ValueCapture(action === 'descend' ? 'record' : action, path, kind, this.base + i, this.pos.at(i));
    this.mode = Mode.Capture;
    return i;
  }

  private finishCapture(byteEnd: number): void {
    const cap = this.capture!;
    this.capture = null;
    this.mode = this.stack.length ? Mode.After : Mode.Done;
    if (cap.action === 'skip') return;
    const source = cap.text();
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      // Where in the file: the record's start plus the error's offset in it.
      const at = offsetPositions(source, [Math.min(syntaxErrorOffset(source), source.length)])[0]!;
      const pos = { line: cap.start.line + at.line, character: at.line === 0 ? cap.start.character + at.character : at.character };
      this.sink.problem(
        pos,
        `${pathText(cap.path, 'the document')} is not valid JSON at line ${pos.line + 1}, column ${pos.character + 1} (${(e as Error).message}); it is skipped`,
        'error',
      );
      return;
    }
    this.emit(cap, value, source, byteEnd);
  }

  private emit(cap: ValueCapture, value: unknown, source: string, byteEnd: number): void {
    this.sink.value({
      kind: cap.action === 'context' ? 'context' : 'record',
      value,
      source,
      path: cap.path,
      document: this.document,
      byteStart: cap.byteStart,
      byteEnd,
      start: cap.start,
    });
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
    this.sink.problem(
      at,
      `invalid JSON at line ${at.line + 1}, column ${at.character + 1}: ${message}, found ${got}; the rest of the file is not read`,
      'error',
    );
    this.mode = Mode.Failed;
  }
}
