// Values read from a trace, each with where it is in the file: enough to build the source map
// (PartOrigin) of every text a converted conversation takes from it. A value's location is a
// path from an anchor (a value of the file whose position is known) through zero or more
// levels of "JSON inside a JSON string".
import type { SourceAnchor } from '../../../common/schema';
import { offsetPositions } from '../json/lines';
import { elementRanges, findValueRange, type JsonPath } from '../json/locate';

/** A path built key by key without copying: an array, or a key below another path. */
export type Path = JsonPath | { readonly up: Path; readonly key: string | number };

export function pathArray(p: Path): JsonPath {
  if (Array.isArray(p)) return (p as JsonPath).slice();
  const keys: Array<string | number> = [];
  let q: Path = p;
  while (!Array.isArray(q)) {
    const c = q as { up: Path; key: string | number };
    keys.push(c.key);
    q = c.up;
  }
  return [...(q as JsonPath), ...keys.reverse()];
}

export interface Loc {
  /** The file value the paths start from (kept by identity; conversations list them). */
  a: SourceAnchor;
  /** Completed levels: each is the path (in its level) of a string literal holding the next level. */
  outer: readonly JsonPath[];
  /** Path in the current level. */
  path: Path;
  /** Source text of the current level (the record's JSON text, or a decoded string). */
  src: string | null;
}

/** A value and its location (null where the value is synthesized or its location unknown). */
export interface LV {
  v: unknown;
  loc: Loc | null;
}

/** A text of a message part and where it is. `raw`: the text is the JSON source of a value. */
export interface Text {
  text: string;
  loc: Loc | null;
  raw?: boolean;
}

/** Locations of the children of values that were converted from another shape (OTLP AnyValue). */
const remapped = new WeakMap<object, Map<string | number, Loc | null>>();

export function lv(v: unknown, loc: Loc | null): LV {
  return { v, loc };
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function get(x: LV, key: string | number): LV {
  const v = x.v;
  let child: unknown;
  if (Array.isArray(v)) child = typeof key === 'number' ? v[key] : undefined;
  else if (isObj(v)) child = Object.prototype.hasOwnProperty.call(v, key) ? v[key as string] : undefined;
  else return { v: undefined, loc: null };
  const table = remapped.get(v as object);
  if (table) return { v: child, loc: table.get(key) ?? null };
  return { v: child, loc: x.loc ? { a: x.loc.a, outer: x.loc.outer, path: { up: x.loc.path, key }, src: x.loc.src } : null };
}

/** First of `keys` present (not undefined / null) on the object. */
export function getAny(x: LV, ...keys: string[]): LV {
  for (const k of keys) {
    const c = get(x, k);
    if (c.v !== undefined && c.v !== null) return c;
  }
  return { v: undefined, loc: null };
}

export function items(x: LV): LV[] {
  return Array.isArray(x.v) ? x.v.map((_, i) => get(x, i)) : [];
}

export function str(x: LV): string | undefined {
  return typeof x.v === 'string' ? x.v : undefined;
}

export function num(x: LV): number | undefined {
  if (typeof x.v === 'number' && Number.isFinite(x.v)) return x.v;
  if (typeof x.v === 'string' && x.v.trim() !== '' && Number.isFinite(Number(x.v))) return Number(x.v);
  return undefined;
}

/** A string value as a text with its location. */
export function textOf(x: LV): Text | null {
  return typeof x.v === 'string' ? { text: x.v, loc: x.loc } : null;
}

/**
 * The value's text as a message part: a string as itself; any other JSON value as its source
 * text in the file when it can be sliced from there (so markers still land), else serialized
 * (synthesized: no location).
 */
export function textOrRaw(x: LV, light = false): Text | null {
  if (x.v === undefined || x.v === null) return null;
  if (typeof x.v === 'string') return { text: x.v, loc: x.loc };
  return rawText(x, light);
}

/**
 * `light`: the first pass over a large file, which keeps only ids — a value is not sliced from
 * the source (the conversation is read whole when opened).
 */
export function rawText(x: LV, light = false): Text {
  if (light) return { text: '', loc: null };
  const loc = x.loc;
  if (loc?.src != null) {
    const r = findValueRange(loc.src, pathArray(loc.path), 0);
    if (r) {
      const first = loc.src[r.start];
      const isContainer = typeof x.v === 'object' && x.v !== null;
      if (isContainer ? first === (Array.isArray(x.v) ? '[' : '{') : first !== '"')
        return { text: loc.src.slice(r.start, r.end), loc, raw: true };
    }
  }
  return { text: JSON.stringify(x.v) ?? '', loc: null };
}

/** A string holding JSON, parsed, its location one level deeper (null when not JSON). */
export function parseJsonIn(x: LV): LV | null {
  if (typeof x.v !== 'string') return null;
  const s = x.v;
  const c = s.trimStart()[0];
  if (c !== '{' && c !== '[' && c !== '"') return null;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return null;
  }
  return { v, loc: x.loc ? { a: x.loc.a, outer: [...x.loc.outer, pathArray(x.loc.path)], path: [], src: s } : null };
}

/**
 * A value that may be given as JSON or as a string holding JSON — some exporters encode twice
 * or three times: the JSON either way, its location through every level.
 */
export function jsonish(x: LV): LV {
  let cur = x;
  for (let level = 0; level < 3 && typeof cur.v === 'string'; level++) {
    const next = parseJsonIn(cur);
    if (!next) break;
    cur = next;
  }
  return cur;
}

/** Builds a converted value whose children are at the given locations (see `get`). */
export function withChildLocations<T extends object>(value: T, locs: Map<string | number, Loc | null>): T {
  remapped.set(value, locs);
  return value;
}

/**
 * The elements of the array `key` of a record, each with an anchor of its own (its line and
 * byte range in the file) when the record's source is at hand — so that problems, conversation
 * lines and markers point at the element, not at the record holding it.
 */
export function subRecords(x: LV, key: string): Array<{ x: LV; anchor: SourceAnchor }> {
  const arr = get(x, key);
  const loc = x.loc;
  if (!Array.isArray(arr.v)) return [];
  const fallback = () => items(arr).map((e) => ({ x: e, anchor: loc?.a ?? EMPTY_ANCHOR }));
  if (!loc || loc.outer.length > 0 || loc.src == null) return fallback();
  const locPath = pathArray(loc.path);
  const ranges = elementRanges(loc.src, [...locPath, key], 0);
  if (!ranges || ranges.length !== arr.v.length) return fallback();
  const offsets: number[] = [];
  for (const r of ranges) offsets.push(r.start, r.end);
  const pos = offsetPositions(loc.src, offsets);
  const parent = loc.a;
  return ranges.map((r, i) => {
    const s = pos[2 * i]!;
    const e = pos[2 * i + 1]!;
    const anchor: SourceAnchor = {
      path: [...parent.path, ...locPath, key, i],
      line: parent.line + s.line,
      character: s.line === 0 ? parent.character + s.character : s.character,
      ...(parent.byteStart !== undefined ? { byteStart: parent.byteStart + s.byte, byteEnd: parent.byteStart + e.byte } : {}),
    };
    return { x: { v: (arr.v as unknown[])[i], loc: { a: anchor, outer: [], path: [], src: loc.src!.slice(r.start, r.end) } }, anchor };
  });
}

const EMPTY_ANCHOR: SourceAnchor = { path: [], line: 0, character: 0 };
