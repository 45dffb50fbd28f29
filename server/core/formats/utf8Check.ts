// Finds the lines of a streamed file whose bytes are not valid UTF-8. Decoding replaces such
// bytes with U+FFFD silently, so a trace would be checked on text it does not hold; the indexer
// warns with the file and line instead. Chunks are checked natively (`isUtf8`); only a chunk that
// fails is looked at line by line. A character cut between two chunks is carried over.
import { isUtf8 } from 'node:buffer';

export class Utf8Check {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 0;
  private started = false;
  /** 0-based lines holding invalid UTF-8, in order (the first `keep`); `count` counts all. */
  readonly lines: number[] = [];
  count = 0;

  constructor(private readonly keep = 20) {}

  push(chunk: Uint8Array): void {
    let bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started && bytes.length >= 3) {
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const cut = completeLength(bytes);
    this.carry = Uint8Array.from(bytes.subarray(cut));
    this.check(bytes.subarray(0, cut));
  }

  end(): void {
    if (this.carry.length) this.check(this.carry);
    this.carry = new Uint8Array(0);
  }

  private check(bytes: Uint8Array): void {
    const valid = bytes.length === 0 || isUtf8(bytes);
    let from = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, from);
      const end = nl < 0 ? bytes.length : nl;
      // A line continuing into the next chunk is checked again there only for its new part: the
      // cut above never splits a character, so each part is judged on its own bytes.
      if (!valid && !isUtf8(bytes.subarray(from, end))) this.found(this.line);
      if (nl < 0) break;
      this.line++;
      from = nl + 1;
    }
  }

  private found(line: number): void {
    if (this.lines[this.lines.length - 1] === line) return;
    this.count++;
    if (this.lines.length < this.keep) this.lines.push(line);
  }
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
