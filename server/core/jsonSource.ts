// Finding things in JSON *source text*: the raw range of the value at a path, and the mapping
// from offsets in a decoded string to offsets in its escaped literal. Pure, no dependencies.

export type JsonPath = ReadonlyArray<string | number>;

export interface SourceRange {
  start: number;
  end: number;
}

class Scanner {
  pos: number;
  constructor(readonly text: string, start: number) {
    this.pos = start;
  }
  skipWs(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }
  peek(): string {
    this.skipWs();
    return this.text[this.pos] ?? '';
  }
  /** Skips a string literal starting at pos (on the quote); returns its range including quotes. */
  skipString(): SourceRange | null {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(start) !== 0x22) return null;
    let i = start + 1;
    for (;;) {
      // Jump to the next quote; an odd run of backslashes before it escapes it.
      const q = t.indexOf('"', i);
      if (q < 0) return null;
      let k = q - 1;
      while (k >= i && t.charCodeAt(k) === 0x5c) k--;
      if ((q - 1 - k) % 2 === 0) {
        this.pos = q + 1;
        return { start, end: q + 1 };
      }
      i = q + 1;
    }
  }
  /** Skips any value; returns its range or null when malformed. */
  skipValue(): SourceRange | null {
    const c = this.peek();
    const start = this.pos;
    if (c === '"') return this.skipString();
    if (c === '{' || c === '[') {
      // Brackets balanced outside strings; strings jumped over (the text is checked by whoever
      // decodes what is found, so this need not validate every token).
      const t = this.text;
      let depth = 0;
      let i = this.pos;
      const n = t.length;
      while (i < n) {
        const ch = t.charCodeAt(i);
        if (ch === 0x22) {
          this.pos = i;
          if (!this.skipString()) return null;
          i = this.pos;
          continue;
        }
        if (ch === 0x7b || ch === 0x5b) depth++;
        else if (ch === 0x7d || ch === 0x5d) {
          depth--;
          if (depth === 0) {
            this.pos = i + 1;
            return { start, end: this.pos };
          }
        }
        i++;
      }
      return null;
    }
    // true / false / null / a number: up to the next delimiter, checked without slicing.
    const t = this.text;
    let i = this.pos;
    if (t.startsWith('true', i)) i += 4;
    else if (t.startsWith('false', i)) i += 5;
    else if (t.startsWith('null', i)) i += 4;
    else {
      const numStart = i;
      if (t.charCodeAt(i) === 0x2d) i++;
      const digits = () => {
        const from = i;
        while (i < t.length && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39) i++;
        return i > from;
      };
      if (!digits()) return null;
      if (t.charCodeAt(i) === 0x2e) {
        i++;
        if (!digits()) return null;
      }
      const e = t.charCodeAt(i);
      if (e === 0x65 || e === 0x45) {
        i++;
        const sign = t.charCodeAt(i);
        if (sign === 0x2b || sign === 0x2d) i++;
        if (!digits()) return null;
      }
      if (i === numStart) return null;
    }
    this.pos = i;
    return { start, end: this.pos };
  }
}

/**
 * The raw source range of the value at `path` inside the JSON value starting at `offset`
 * (for a string value the range includes its quotes), or null if the path is not there.
 */
export function findValueRange(text: string, path: JsonPath, offset = 0): SourceRange | null {
  const s = walkTo(text, path, offset);
  if (!s) return null;
  s.skipWs();
  const start = s.pos;
  const r = s.skipValue();
  return r ? { start, end: r.end } : null;
}

/** A scanner positioned on the value at `path`, or null if the path is not there. */
function walkTo(text: string, path: JsonPath, offset: number): Scanner | null {
  const s = new Scanner(text, offset);
  for (const key of path) {
    const c = s.peek();
    if (typeof key === 'number') {
      if (c !== '[') return null;
      s.pos++;
      if (s.peek() === ']') return null;
      for (let i = 0; ; i++) {
        if (i === key) break;
        if (!s.skipValue()) return null;
        const next = s.peek();
        s.pos++;
        if (next !== ',') return null;
      }
    } else {
      if (c !== '{') return null;
      s.pos++;
      if (s.peek() === '}') return null;
      let found = false;
      let lastMatch = -1;
      // Duplicate keys: JSON.parse keeps the last one, so do we.
      for (;;) {
        if (s.peek() !== '"') return null;
        const keyRange = s.skipString();
        if (!keyRange) return null;
        if (s.peek() !== ':') return null;
        s.pos++;
        s.skipWs();
        if (keyEquals(text, keyRange, key)) lastMatch = s.pos;
        if (!s.skipValue()) return null;
        const next = s.peek();
        s.pos++;
        if (next === '}') break;
        if (next !== ',') return null;
      }
      if (lastMatch >= 0) {
        s.pos = lastMatch;
        found = true;
      }
      if (!found) return null;
    }
  }
  return s;
}

/** Whether the key literal at `range` decodes to `key` (without decoding when it has no escape). */
function keyEquals(text: string, range: SourceRange, key: string): boolean {
  const len = range.end - range.start - 2;
  for (let i = range.start + 1; i < range.end - 1; i++) if (text.charCodeAt(i) === 0x5c) return decodeJsonString(text.slice(range.start, range.end)) === key;
  return len === key.length && text.startsWith(key, range.start + 1);
}

function decodeJsonString(literal: string): string | null {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}


/** Start offsets of the elements of the top-level JSON array in `text` (empty if not an array). */
export function arrayElementOffsets(text: string): number[] {
  const s = new Scanner(text, 0);
  if (s.peek() !== '[') return [];
  s.pos++;
  const starts: number[] = [];
  if (s.peek() === ']') return starts;
  for (;;) {
    s.skipWs();
    starts.push(s.pos);
    if (!s.skipValue()) return starts;
    const next = s.peek();
    s.pos++;
    if (next !== ',') return starts;
  }
}

/** Offsets where each line starts (line 0 at 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line containing `offset`, by binary search over `lineStarts`. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Ranges of the elements of the array at `path` (from the value starting at `offset`). */
export function elementRanges(text: string, path: JsonPath, offset = 0): SourceRange[] | null {
  const s = walkTo(text, path, offset);
  if (!s || s.peek() !== '[') return null;
  s.pos++;
  const out: SourceRange[] = [];
  if (s.peek() === ']') return out;
  for (;;) {
    s.skipWs();
    const e = s.skipValue();
    if (!e) return out;
    out.push(e);
    const next = s.peek();
    s.pos++;
    if (next !== ',') return out;
  }
}

/**
 * Line, UTF-16 column and UTF-8 byte offset of each offset of `text` (sorted ascending), in one
 * pass: where values inside a record are, relative to the record's start.
 */
export function offsetPositions(text: string, offsets: readonly number[]): Array<{ line: number; character: number; byte: number }> {
  const out: Array<{ line: number; character: number; byte: number }> = [];
  const ascii = !NON_ASCII.test(text);
  let line = 0;
  let lineStart = 0;
  let bytes = 0;
  let at = 0;
  for (const target0 of offsets) {
    const target = Math.min(Math.max(target0, at), text.length);
    for (let nl = text.indexOf('\n', at); nl >= 0 && nl < target; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    bytes += ascii ? target - at : Buffer.byteLength(text.slice(at, target), 'utf8');
    at = target;
    out.push({ line, character: target - lineStart, byte: bytes });
  }
  return out;
}

const NON_ASCII = /[^\x00-\x7f]/;
