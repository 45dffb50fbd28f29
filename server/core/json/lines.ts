// Line and column arithmetic over a text: where lines start, which line holds an offset, and the
// line / UTF-16 column / UTF-8 byte of offsets. Kept apart from the JSON code because markers,
// the readers and the streaming splitter all convert offsets, JSON or not.

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

const NON_ASCII = /[\u0080-\uffff]/;
