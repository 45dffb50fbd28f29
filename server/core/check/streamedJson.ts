// A JSON document too large to hold as one string, written piece by piece: the document without
// its large arrays is stringified as usual, and each array's items are stringified one at a time
// where it goes — the same text, byte for byte, as `JSON.stringify(whole, null, 2)`.
import { randomUUID } from 'node:crypto';

/** A value that marks where a streamed array goes in a skeleton (a string no document holds). */
export function arrayPlaceholder(): string {
  return `\u0000streamed-array-${randomUUID()}`;
}

export interface StreamedArray {
  /** The string value standing for the array in the skeleton (from `arrayPlaceholder`). */
  placeholder: string;
  /** The array's items, read once, in order. */
  items: Iterable<unknown>;
}

/** `JSON.stringify(skeleton, null, 2)` with each placeholder (one value each) replaced by its array. */
export function* indentedJsonWithArrays(skeleton: unknown, arrays: readonly StreamedArray[]): Generator<string> {
  const text = JSON.stringify(skeleton, null, 2);
  const at = arrays
    .map((a) => {
      const quoted = JSON.stringify(a.placeholder);
      const start = text.indexOf(quoted);
      if (start < 0 || text.indexOf(quoted, start + 1) >= 0)
        throw new Error('each streamed array must be at exactly one place of the document');
      return { start, end: start + quoted.length, items: a.items };
    })
    .sort((a, b) => a.start - b.start);
  let done = 0;
  for (const { start, end, items } of at) {
    yield text.slice(done, start);
    const lineStart = text.lastIndexOf('\n', start) + 1;
    const indent = /^ */.exec(text.slice(lineStart, start))![0];
    const itemIndent = `${indent}  `;
    let first = true;
    for (const item of items) {
      // Split on "\n" only: JSON.stringify leaves U+2028/U+2029 raw inside strings, and they must stay there.
      yield (first ? '[\n' : ',\n') + itemIndent + JSON.stringify(item, null, 2).split('\n').join(`\n${itemIndent}`);
      first = false;
    }
    yield first ? '[]' : `\n${indent}]`;
    done = end;
  }
  yield text.slice(done);
}
