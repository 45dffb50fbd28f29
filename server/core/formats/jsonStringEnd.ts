// Finding where a JSON string closes inside one chunk of bytes, with the chunk-boundary cases
// (no closing quote yet; the chunk ends after a backslash) the streaming splitter carries over.

/** `stringEnd` found no closing quote in the chunk. */
export const NOT_CLOSED = -1;
/** …and the chunk ends inside an escape (after a backslash): the next chunk's first byte is escaped. */
export const ENDS_IN_ESCAPE = -2;

/**
 * Inside a JSON string (keys and values alike), from byte `i` of the chunk: the index of the
 * closing quote, or NOT_CLOSED / ENDS_IN_ESCAPE when the chunk ends first. A quote closes the
 * string unless an odd run of backslashes precedes it (the caller has skipped a byte escaped
 * across chunks, so runs never straddle `i`); quotes are found by native search.
 */
export function stringEnd(c: Uint8Array, i: number): number {
  for (let from = i; ;) {
    const quote = c.indexOf(0x22, from);
    const end = quote < 0 ? c.length : quote;
    let k = end;
    while (k > i && c[k - 1] === 0x5c) k--;
    const escaped = (end - k) % 2 === 1;
    if (quote < 0) return escaped ? ENDS_IN_ESCAPE : NOT_CLOSED;
    if (!escaped) return quote;
    from = quote + 1;
  }
}
