// One value the streaming splitter (splitter.ts) takes whole, followed byte by byte across chunks
// until it closes: it follows only nesting and strings (no parsing), keeps the bytes of the values
// it will hand out and counts those of the values it skips, then gives the value's text back.
import type { JsonPath } from '../json/locate';
import { ENDS_IN_ESCAPE, stringEnd } from './jsonStringEnd';
import type { Position } from './positions';

export type ValueKind = 'object' | 'array' | 'string' | 'primitive';
export type PlanAction = 'descend' | 'record' | 'context' | 'skip';

export const isJsonWhitespace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class ValueCapture {
  private depth = 0;
  private inString = false;
  /** The chunk ended after a backslash inside a string: the next chunk's first byte is escaped. */
  private escape = false;
  private readonly parts: Uint8Array[] = [];
  /** Bytes seen so far (kept only when the value is not skipped). */
  private size = 0;

  constructor(
    readonly action: Exclude<PlanAction, 'descend'>,
    readonly path: JsonPath,
    readonly kind: ValueKind,
    readonly byteStart: number,
    readonly start: Position,
  ) {}

  /**
   * Follows the value in chunk `c` from byte `i`, keeping what it reads: the index where the
   * value ends (exclusive), or -1 when it goes on into the next chunk.
   */
  scan(c: Uint8Array, i: number): number {
    const end = this.endIn(c, i);
    this.keep(c, i, end < 0 ? c.length : end);
    return end;
  }

  /** The value's text as in the file (empty for a skipped value). */
  text(): string {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  }

  private keep(c: Uint8Array, from: number, to: number): void {
    if (to > from) {
      if (this.action !== 'skip') this.parts.push(c.subarray(from, to));
      this.size += to - from;
    }
  }

  private endIn(c: Uint8Array, i: number): number {
    const n = c.length;
    if (this.kind === 'primitive') {
      while (i < n) {
        const b = c[i]!;
        if (b === 0x2c || b === 0x7d || b === 0x5d || isJsonWhitespace(b)) return i;
        i++;
      }
      return -1;
    }
    let depth = this.depth;
    let inString = this.inString;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    if (depth === 0 && !inString && this.size === 0) {
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
          this.escape = quote === ENDS_IN_ESCAPE;
          break;
        }
        inString = false;
        i = quote + 1;
        if (depth === 0) {
          this.depth = 0;
          this.inString = false;
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
          this.depth = 0;
          this.inString = false;
          return i + 1;
        }
      }
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    return -1;
  }
}
