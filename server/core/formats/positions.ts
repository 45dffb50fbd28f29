// Line and UTF-16 column of byte offsets in a stream of UTF-8 chunks, for the records the
// splitter cuts (their positions map their texts to the editor).
import { isAscii } from 'node:buffer';

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
