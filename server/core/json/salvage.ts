// Reading a JSON record that is not all there: where a text stops being valid JSON, and what
// can be kept of a value cut off by the end of a file. A tolerant pass that follows the grammar
// (keys, colons, commas) without building values; the trace readers use it on one record's text
// after the native JSON.parse has refused it, so it need not be fast, only exact.

/**
 * A value cut off by the end of the file, closed after its last complete member: what can be
 * read of it (undefined when nothing can). Incomplete strings, keys and members are dropped,
 * never cut, so no partial text is ever read as if it were whole.
 */
export function salvageTruncated(text: string): unknown {
  const { safe } = scanJson(text);
  if (safe < 0) return undefined;
  // The containers open at the cut (the scan may have gone deeper after it).
  const opened = openContainersAt(text, safe);
  if (!opened) return undefined;
  let head = text.slice(0, safe).replace(/,\s*$/, '');
  for (let k = opened.length - 1; k >= 0; k--) head += opened[k] === '{' ? '}' : ']';
  try {
    return JSON.parse(head);
  } catch {
    return undefined;
  }
}

/** Offset of the first syntax error of a JSON text (its length when it is only cut short). */
export function syntaxErrorOffset(text: string): number {
  return scanJson(text).stopped;
}

/**
 * A tolerant pass over a JSON text: where it stops being valid (`stopped`), and the last point
 * after a complete member (`safe`, -1 when none) where it could be closed.
 */
function scanJson(text: string): { safe: number; stopped: number } {
  const stack: Array<'{' | '['> = [];
  let safe = -1;
  let i = 0;
  const n = text.length;
  // state: 'v' expect value, 'k' expect key, ':' expect colon, ',' expect comma/close
  let state: 'v' | 'k' | ':' | ',' = 'v';
  const skipString = (): boolean => {
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x5c) j += 2;
      else if (c === 0x22) {
        i = j + 1;
        return true;
      } else if (c < 0x20) {
        i = j;
        return false;
      } else j++;
    }
    i = n;
    return false;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
      continue;
    }
    if (state === 'v') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        state = c === '{' ? 'k' : 'v';
        safe = i;
        continue;
      }
      if (c === ']' && stack[stack.length - 1] === '[') {
        stack.pop();
        i++;
        state = ',';
        safe = i;
        if (stack.length === 0) break;
        continue;
      }
      if (c === '"') {
        if (!skipString()) break;
      } else {
        const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
        if (!m) break;
        if (i + m[0].length >= n) {
          i = n; // a number may continue past the end
          break;
        }
        i += m[0].length;
      }
      state = ',';
      safe = i;
      if (stack.length === 0) break;
      continue;
    }
    if (state === 'k') {
      if (c === '}') {
        stack.pop();
        i++;
        state = ',';
        safe = i;
        if (stack.length === 0) break;
        continue;
      }
      if (c !== '"' || !skipString()) break;
      state = ':';
      continue;
    }
    if (state === ':') {
      if (c !== ':') break;
      i++;
      state = 'v';
      continue;
    }
    // state ','
    const top = stack[stack.length - 1];
    if (c === ',' && top) {
      i++;
      state = top === '{' ? 'k' : 'v';
      continue;
    }
    if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
      stack.pop();
      i++;
      safe = i;
      if (stack.length === 0) break;
      continue;
    }
    break;
  }
  return { safe, stopped: i };
}

/** The containers open at `end` (a position outside any string), outermost first. */
function openContainersAt(text: string, end: number): Array<'{' | '['> | null {
  const stack: Array<'{' | '['> = [];
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i++;
      while (i < end && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x7b) stack.push('{');
    else if (c === 0x5b) stack.push('[');
    else if (c === 0x7d || c === 0x5d) stack.pop();
    i++;
  }
  return i === end ? stack : null;
}
