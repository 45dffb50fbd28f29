// Finding things in JSON *source text*: the raw range of the value at a path, and the mapping
// from offsets in a decoded string to offsets in its escaped literal. Pure, no dependencies.

export type JsonPath = ReadonlyArray<string | number>;

export interface SourceRange {
  start: number;
  end: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Scanner {
  pos: number;
  constructor(readonly text: string, start: number) {
    this.pos = start;
  }
  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length && WS.has(t.charCodeAt(this.pos))) this.pos++;
  }
  peek(): string {
    this.skipWs();
    return this.text[this.pos] ?? '';
  }
  /** Skips a string literal starting at pos (on the quote); returns its range including quotes. */
  skipString(): SourceRange | null {
    const t = this.text;
    const start = this.pos;
    if (t[start] !== '"') return null;
    let i = start + 1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        this.pos = i + 1;
        return { start, end: i + 1 };
      } else if (c === 0x0a) return null;
      else i++;
    }
    return null;
  }
  /** Skips any value; returns its range or null when malformed. */
  skipValue(): SourceRange | null {
    const c = this.peek();
    const start = this.pos;
    if (c === '"') return this.skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.pos++;
      if (this.peek() === close) {
        this.pos++;
        return { start, end: this.pos };
      }
      for (;;) {
        if (c === '{') {
          if (this.peek() !== '"' || !this.skipString()) return null;
          if (this.peek() !== ':') return null;
          this.pos++;
        }
        if (!this.skipValue()) return null;
        const next = this.peek();
        this.pos++;
        if (next === close) return { start, end: this.pos };
        if (next !== ',') return null;
      }
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) return null;
    this.pos += m[0].length;
    return { start, end: this.pos };
  }
}

/**
 * The raw source range of the value at `path` inside the JSON value starting at `offset`
 * (for a string value the range includes its quotes), or null if the path is not there.
 */
export function findValueRange(text: string, path: JsonPath, offset = 0): SourceRange | null {
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
        if (decodeJsonString(text.slice(keyRange.start, keyRange.end)) === key) lastMatch = s.pos;
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
  s.skipWs();
  const start = s.pos;
  const r = s.skipValue();
  return r ? { start, end: r.end } : null;
}

function decodeJsonString(literal: string): string | null {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Maps offsets in the decoded value of a JSON string literal to offsets in the literal's source.
 * `literal` includes its quotes. Each decoded UTF-16 unit comes from one raw char or one escape
 * (`\n`, `\"`, `\uXXXX`, …). Returns one entry per decoded offset 0..length (inclusive).
 */
export function decodedToRawOffsets(literal: string): number[] {
  const map: number[] = [];
  let i = 1;
  const end = literal.length - 1;
  while (i < end) {
    map.push(i);
    if (literal.charCodeAt(i) === 0x5c) i += literal[i + 1] === 'u' ? 6 : 2;
    else i++;
  }
  map.push(end);
  return map;
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
