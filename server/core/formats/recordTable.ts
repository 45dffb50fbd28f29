// Where every record of a trace file is, so that one can be read again alone: a table of typed
// columns (a large file may hold millions of records, so no object per record).
import type { SourceAnchor } from '../../../common/schema';
import type { JsonPath } from '../json/locate';

/** The empty path, shared (never mutated). */
export const EMPTY_PATH: JsonPath = Object.freeze([]) as unknown as JsonPath;

type TypedColumn = Float64Array | Uint32Array | Int32Array | Uint8Array;

/** A growable typed column. */
export class Column<T extends TypedColumn> {
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
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  /** Lets go of the room kept to grow (up to as much again as it holds): no row is added after. */
  trim(): void {
    if (this.data.length > this.size) this.data = this.data.slice(0, this.size) as T;
  }
}

/**
 * A typed column whose rows cost nothing while they all hold one value (the character of JSON
 * lines' records, the path and resource of an OTLP export's spans): typed once a row differs, then
 * grown by half (a file's table is as large as its records: less room kept than by doubling).
 */
export class RunColumn<T extends TypedColumn> {
  size = 0;
  private data: T | null = null;
  private first = 0;
  constructor(private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.data === null) {
      if (this.size === 0) this.first = v;
      if (v === this.first) {
        this.size++;
        return;
      }
      this.data = this.make(Math.max(1024, this.size + (this.size >> 1)));
      this.data.fill(this.first, 0, this.size);
    } else if (this.size === this.data.length) {
      const bigger = this.make(this.data.length + (this.data.length >> 1));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = v;
  }
  get(i: number): number {
    return this.data === null ? this.first : this.data[i]!;
  }
  /** Lets go of the room kept to grow: no row is added after. */
  trim(): void {
    if (this.data !== null && this.data.length > this.size) this.data = this.data.slice(0, this.size) as T;
  }
}

/** Strings that repeat (hints, model names) kept once, each row holding a small code. */
export class InternedColumn {
  readonly codes = new RunColumn((n) => new Uint32Array(n));
  private readonly names: Array<string | null> = [null];
  private readonly byName = new Map<string, number>();
  push(s: string | null): void {
    let code = 0;
    if (s !== null) {
      code = this.byName.get(s) ?? this.names.length;
      if (code === this.names.length) {
        this.names.push(s);
        this.byName.set(s, code);
      }
    }
    this.codes.push(code);
  }
  get(i: number): string | null {
    return this.names[this.codes.get(i)] ?? null;
  }
}

/** Paths that repeat kept once, each row holding a small code (0: the empty path). */
class InternedPaths {
  private readonly list: JsonPath[] = [EMPTY_PATH];
  private readonly byText = new Map<string, number>();
  code(p: JsonPath): number {
    if (p.length === 0) return 0;
    const key = JSON.stringify(p);
    let code = this.byText.get(key);
    if (code === undefined) {
      code = this.list.length;
      this.list.push(p.slice());
      this.byText.set(key, code);
    }
    return code;
  }
  path(code: number): JsonPath {
    return this.list[code]!;
  }
}

/**
 * Where records are, at most 44 bytes a record (24 for an OTLP export's spans: columns that hold
 * one value cost nothing) and nothing per record on the JS heap. A record is
 * the value at `anchor` (with its byte range when streamed from disk), or the value at `inner`
 * inside it (a span inside an OTLP export line: its few distinct inner paths are kept once).
 * Anchor paths are coded: -1 for [], n for [n] (an element of a top-level array), -2 - p for a
 * kept prefix p followed by the number in `lastCol` (a span at resourceSpans/0/scopeSpans/0/spans/n
 * of a document), else kept aside.
 */
export class RecordTable {
  private readonly lineCol = new RunColumn((n) => new Uint32Array(n));
  private readonly charCol = new RunColumn((n) => new Uint32Array(n));
  private readonly startCol = new RunColumn((n) => new Float64Array(n));
  private readonly endCol = new RunColumn((n) => new Float64Array(n));
  private readonly pathCode = new RunColumn((n) => new Int32Array(n));
  private readonly lastCol = new RunColumn((n) => new Uint32Array(n));
  private readonly innerCol = new RunColumn((n) => new Uint32Array(n));
  private readonly ctxCol = new RunColumn((n) => new Uint32Array(n));
  private readonly paths = new Map<number, JsonPath>();
  private readonly prefixes = new InternedPaths();
  private readonly inners = new InternedPaths();
  private readonly hints = new InternedColumn();
  get size(): number {
    return this.lineCol.size;
  }
  /** Adds a record; returns its ordinal. `ctx`: its context (OTLP resource), `hint`: the container key it was under. */
  add(a: SourceAnchor, inner: JsonPath, ctx: number, hint: string | null): number {
    const i = this.lineCol.size;
    this.lineCol.push(a.line);
    this.charCol.push(a.character);
    this.startCol.push(a.byteStart ?? -1);
    this.endCol.push(a.byteEnd ?? -1);
    const p = a.path;
    const last = p[p.length - 1];
    let tail = 0;
    if (p.length === 0) this.pathCode.push(-1);
    else if (p.length === 1 && typeof last === 'number' && Number.isInteger(last) && last >= 0 && last <= 0x7fffffff)
      this.pathCode.push(last);
    else if (typeof last === 'number' && Number.isInteger(last) && last >= 0 && last <= 0xffffffff) {
      this.pathCode.push(-3 - this.prefixes.code(p.slice(0, -1)));
      tail = last;
    } else {
      this.pathCode.push(-2);
      this.paths.set(i, p);
    }
    this.lastCol.push(tail);
    this.innerCol.push(this.inners.code(inner));
    this.ctxCol.push(ctx);
    this.hints.push(hint);
    return i;
  }
  /** Once every record was added (a large file's table is kept while it is read again): the columns' room to grow let go. */
  trim(): void {
    for (const c of [
      this.lineCol,
      this.charCol,
      this.startCol,
      this.endCol,
      this.pathCode,
      this.lastCol,
      this.innerCol,
      this.ctxCol,
      this.hints.codes,
    ])
      c.trim();
  }
  /** Byte range of the record's text in the file (-1: not streamed from a file). */
  byteStart(i: number): number {
    return this.startCol.get(i);
  }
  byteEnd(i: number): number {
    return this.endCol.get(i);
  }
  inner(i: number): JsonPath {
    return this.inners.path(this.innerCol.get(i));
  }
  ctx(i: number): number {
    return this.ctxCol.get(i);
  }
  hint(i: number): string | null {
    return this.hints.get(i);
  }
  anchor(i: number): SourceAnchor {
    const code = this.pathCode.get(i);
    const path =
      code === -1
        ? []
        : code === -2
          ? this.paths.get(i)!.slice()
          : code <= -3
            ? [...this.prefixes.path(-3 - code), this.lastCol.get(i)]
            : [code];
    const start = this.startCol.get(i);
    return {
      path,
      line: this.lineCol.get(i),
      character: this.charCol.get(i),
      ...(start >= 0 ? { byteStart: start, byteEnd: this.endCol.get(i) } : {}),
    };
  }
}

/** The value at `path` inside `value` (undefined when the path leads nowhere). */
export function valueAtPath(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}
