// The one path locator: where the value at a path (object keys and array indices) sits in a
// JSON text, walked with the tolerant scanner so that it works from any offset of a whole file
// without parsing it. Duplicate keys resolve as JSON.parse resolves them: the last one wins.
import { decodeStringLiteral } from './escapes';
import { Scanner, type SourceRange } from './scan';

export type JsonPath = ReadonlyArray<string | number>;

/**
 * The raw source range of the value at `path` inside the JSON value starting at `offset`
 * (for a string value the range includes its quotes), or null if the path is not there.
 */
export function findValueRange(text: string, path: JsonPath, offset = 0): SourceRange | null {
  const w = walk(text, path, offset);
  if (!w || w.matched < path.length) return null;
  return w.scanner.skipValue();
}

/** Ranges of the elements of the array at `path` (from the value starting at `offset`). */
export function elementRanges(text: string, path: JsonPath, offset = 0): SourceRange[] | null {
  const w = walk(text, path, offset);
  if (!w || w.matched < path.length) return null;
  const s = w.scanner;
  if (s.peek() !== '[') return null;
  s.pos++;
  const out: SourceRange[] = [];
  if (s.peek() === ']') return out;
  for (;;) {
    s.skipWs();
    const e = s.skipValue();
    if (!e) return out;
    out.push(e);
    const next = s.peek();
    s.pos++;
    if (next !== ',') return out;
  }
}

export interface JsonPathSpan {
  start: number;
  end: number;
  /** False when the path is not all there: the span is then its deepest existing ancestor. */
  found: boolean;
}

/**
 * The characters of the value at `path` in the JSON document `text` (a model's reply: schema
 * violations, a judged parameter): a string without its quotes, anything else whole. An empty
 * string keeps its quotes, since an empty span would read as "the whole part" to a marker.
 * Null when `text` is not one valid JSON document.
 */
export function locateJsonPath(text: string, path: JsonPath): JsonPathSpan | null {
  if (!isJsonDocument(text)) return null;
  const w = walk(text, path, 0);
  if (!w) return null;
  const r = w.scanner.skipValue();
  if (!r) return null;
  const inner = text.charCodeAt(r.start) === 0x22 && r.end - r.start > 2;
  return { start: inner ? r.start + 1 : r.start, end: inner ? r.end - 1 : r.end, found: w.matched === path.length };
}

function isJsonDocument(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A scanner on the deepest value of `path` that exists (`matched` steps of it), from the value
 * starting at `offset`. Null when the text is malformed before the walk could end.
 */
function walk(text: string, path: JsonPath, offset: number): { scanner: Scanner; matched: number } | null {
  const s = new Scanner(text, offset);
  let matched = 0;
  for (const key of path) {
    s.skipWs();
    const at = s.pos;
    const child = typeof key === 'number' ? toElement(s, key) : toMember(s, key);
    if (child === null) return null;
    if (child === 'absent') {
      s.pos = at;
      break;
    }
    matched++;
  }
  s.skipWs();
  return { scanner: s, matched };
}

/** Moves onto element `index` of the array at pos; 'absent' when it is not an array or too short. */
function toElement(s: Scanner, index: number): 'found' | 'absent' | null {
  if (s.peek() !== '[' || !Number.isInteger(index) || index < 0) return 'absent';
  s.pos++;
  if (s.peek() === ']') return 'absent';
  for (let i = 0; i < index; i++) {
    if (!s.skipValue()) return null;
    const next = s.peek();
    s.pos++;
    if (next === ']') return 'absent';
    if (next !== ',') return null;
  }
  s.skipWs();
  return 'found';
}

/** Moves onto the value of member `key` of the object at pos (its last occurrence). */
function toMember(s: Scanner, key: string): 'found' | 'absent' | null {
  if (s.peek() !== '{') return 'absent';
  s.pos++;
  if (s.peek() === '}') return 'absent';
  const text = s.text;
  let lastMatch = -1;
  for (;;) {
    if (s.peek() !== '"') return null;
    const keyRange = s.skipString();
    if (!keyRange) return null;
    if (s.peek() !== ':') return null;
    s.pos++;
    s.skipWs();
    if (keyEquals(text, keyRange, key)) lastMatch = s.pos;
    if (!s.skipValue()) return null;
    const next = s.peek();
    s.pos++;
    if (next === '}') break;
    if (next !== ',') return null;
  }
  if (lastMatch < 0) return 'absent';
  s.pos = lastMatch;
  return 'found';
}

/** Whether the key literal at `range` decodes to `key` (without decoding when it has no escape). */
function keyEquals(text: string, range: SourceRange, key: string): boolean {
  for (let i = range.start + 1; i < range.end - 1; i++)
    if (text.charCodeAt(i) === 0x5c) return decodeStringLiteral(text.slice(range.start, range.end)) === key;
  return range.end - range.start - 2 === key.length && text.startsWith(key, range.start + 1);
}
