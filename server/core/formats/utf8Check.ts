// Finds the lines of a trace file whose bytes are not valid UTF-8. Decoding replaces such bytes
// with U+FFFD silently, so a trace would be checked on text it does not hold; the indexer warns
// with the file, the line and the first bad byte's offset instead — for a streamed file, a small
// file read whole and an open document (whose disk bytes are checked). Chunks are checked
// natively (`isUtf8`); only a chunk that fails is looked at line by line. A character cut between
// two chunks is carried over.
import { isUtf8 } from 'node:buffer';

/** Where a file holds invalid UTF-8: 0-based lines (the first few), each with the file byte offset of its first bad byte. */
export interface InvalidUtf8 {
  lines: number[];
  offsets: number[];
  /** Every line holding invalid UTF-8 (more than `lines` keeps). */
  count: number;
}

export class Utf8Check {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 0;
  private started = false;
  /** File offset of the next byte `check` looks at. */
  private offset = 0;
  /** 0-based lines holding invalid UTF-8, in order (the first `keep`); `count` counts all. */
  readonly lines: number[] = [];
  /** The file byte offset of the first bad byte of each of `lines`. */
  readonly offsets: number[] = [];
  count = 0;

  constructor(private readonly keep = 20) {}

  push(chunk: Uint8Array): void {
    let bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started && bytes.length >= 3) {
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        this.offset = 3;
      }
    }
    const cut = completeLength(bytes);
    this.carry = Uint8Array.from(bytes.subarray(cut));
    this.check(bytes.subarray(0, cut));
  }

  end(): void {
    if (this.carry.length) this.check(this.carry);
    this.carry = new Uint8Array(0);
  }

  /** What was found, or null when every byte was valid UTF-8. */
  report(): InvalidUtf8 | null {
    return this.count === 0 ? null : { lines: [...this.lines], offsets: [...this.offsets], count: this.count };
  }

  private check(bytes: Uint8Array): void {
    const valid = bytes.length === 0 || isUtf8(bytes);
    let from = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, from);
      const end = nl < 0 ? bytes.length : nl;
      // A line continuing into the next chunk is checked again there only for its new part: the
      // cut above never splits a character, so each part is judged on its own bytes.
      if (!valid) {
        const part = bytes.subarray(from, end);
        if (!isUtf8(part)) this.found(this.line, this.offset + from + firstInvalidByte(part));
      }
      if (nl < 0) break;
      this.line++;
      from = nl + 1;
    }
    this.offset += bytes.length;
  }

  private found(line: number, offset: number): void {
    if (this.lines[this.lines.length - 1] === line) return;
    this.count++;
    if (this.lines.length < this.keep) {
      this.lines.push(line);
      this.offsets.push(offset);
    }
  }
}

/** Checks a whole file's bytes (a small file, an open document's file on disk). */
export function checkUtf8(bytes: Uint8Array): InvalidUtf8 | null {
  if (isUtf8(bytes)) return null;
  const check = new Utf8Check();
  check.push(bytes);
  check.end();
  return check.report();
}

/** The warnings for `found`, as the index shows them (file:line, then the byte offset). */
export function invalidUtf8Warnings(found: InvalidUtf8, displayName: string): { line: number; message: string }[] {
  const out = found.lines.map((line, i) => ({
    line,
    message: `${displayName}:${line + 1} holds bytes that are not valid UTF-8 (the first at byte offset ${found.offsets[i]}); they are read as the replacement character U+FFFD`,
  }));
  const more = found.count - found.lines.length;
  if (more > 0) out.push({ line: found.lines[found.lines.length - 1]!, message: `${displayName}: ${more} more lines hold invalid UTF-8` });
  return out;
}

/**
 * Index in `part` (not valid UTF-8) of its first bad byte: the native decoder keeps the valid
 * prefix byte for byte and writes U+FFFD from the first bad sequence on, so the first difference
 * after re-encoding, moved back to the start of its character, is where the bad bytes begin.
 */
function firstInvalidByte(part: Uint8Array): number {
  const again = Buffer.from(Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('utf8'), 'utf8');
  let i = 0;
  while (i < part.length && part[i] === again[i]) i++;
  while (i > 0 && (again[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** Bytes of `b` up to the last complete character (an incomplete multi-byte tail is left out). */
function completeLength(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = b[n - back]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
