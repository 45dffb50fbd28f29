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
  const { safe, openAtSafe: opened } = scanJson(text);
  if (safe < 0) return undefined;
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

type Open = '{' | '[';

/**
 * A tolerant pass over a JSON text: where it stops being valid (`stopped`), the last point after
 * a complete member (`safe`, -1 when none) where it could be closed, and the containers open
 * there, outermost first (the scan may have gone deeper after it).
 */
function scanJson(text: string): { safe: number; openAtSafe: Open[]; stopped: number } {
  const stack: Open[] = [];
  let safe = -1;
  let openAtSafe: Open[] = [];
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
  const markSafe = () => {
    safe = i;
    openAtSafe = stack.slice();
  };
  /** Closes the innermost container at i; true when that ends the document. */
  const close = (): boolean => {
    stack.pop();
    i++;
    state = ',';
    markSafe();
    return stack.length === 0;
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
        markSafe();
        continue;
      }
      if (c === ']' && stack[stack.length - 1] === '[') {
        if (close()) break;
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
      markSafe();
      if (stack.length === 0) break;
      continue;
    }
    if (state === 'k') {
      if (c === '}') {
        if (close()) break;
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
      if (close()) break;
      continue;
    }
    break;
  }
  return { safe, openAtSafe, stopped: i };
}
