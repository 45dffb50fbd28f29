// A JSON document too large to hold as one string, written piece by piece: the document without
// its one large array is stringified as usual, and the array's items are stringified one at a
// time where it goes — the same text, byte for byte, as `JSON.stringify(whole, null, 2)`.
import { randomUUID } from 'node:crypto';

/** A value that marks where the streamed array goes in a skeleton (a string no document holds). */
export function arrayPlaceholder(): string {
  return `\u0000streamed-array-${randomUUID()}`;
}

/**
 * `JSON.stringify(skeleton, null, 2)` with the string `placeholder` (one value of the skeleton)
 * replaced by the array of `items`, read once, in order.
 */
export function* indentedJsonWithArray(skeleton: unknown, placeholder: string, items: Iterable<unknown>): Generator<string> {
  const text = JSON.stringify(skeleton, null, 2);
  const quoted = JSON.stringify(placeholder);
  const at = text.indexOf(quoted);
  if (at < 0 || text.indexOf(quoted, at + 1) >= 0) throw new Error('the streamed array must be at exactly one place of the document');
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = /^ */.exec(text.slice(lineStart, at))![0];
  const itemIndent = `${indent}  `;
  yield text.slice(0, at);
  let first = true;
  for (const item of items) {
    // Split on "\n" only: JSON.stringify leaves U+2028/U+2029 raw inside strings, and they must stay there.
    yield (first ? '[\n' : ',\n') + itemIndent + JSON.stringify(item, null, 2).split('\n').join(`\n${itemIndent}`);
    first = false;
  }
  yield first ? '[]' : `\n${indent}]`;
  yield text.slice(at + quoted.length);
}
