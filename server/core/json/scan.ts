// The tolerant scanner: jumps over JSON values in a text without building them, so that a value
// can be found inside a whole trace file (megabytes) from an offset without parsing the file.
// It follows structure only (brackets outside strings, string ends, literal and number tokens);
// whoever reads what it finds decodes and so checks that part. Strict parsing with positions
// is `parse.ts`; finding a path with it is `locate.ts`. Iterative: no depth limit.

export interface SourceRange {
  start: number;
  end: number;
}

export class Scanner {
  pos: number;
  constructor(
    readonly text: string,
    start: number,
  ) {
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

  /** The next non-whitespace character ('' at the end); the position is left on it. */
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
