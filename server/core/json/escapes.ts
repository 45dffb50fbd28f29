// The one escape mapper: offsets in a decoded JSON string → offsets in its literal as written
// (through \n, \", \\, \uXXXX …), and up through JSON held in a string held in a string, as the
// converted trace formats nest it. Annotations count characters of decoded text; markers and
// the detector's spans need them in the raw text. One decoded unit is one UTF-16 code unit, as
// in a JS string (a surrogate pair written \uD83D\uDE00 is two units of six raw characters).
import type { SourceRange } from './scan';

/** The escape whose backslash is at `i`: what it decodes to and how many raw characters it spans. */
export function escapeAt(text: string, i: number): { value: string; length: number } | null {
  const n = text[i + 1];
  if (text.charCodeAt(i) !== 0x5c || n === undefined) return null;
  const simple = SIMPLE_ESCAPES[n];
  if (simple !== undefined) return { value: simple, length: 2 };
  if (n === 'u') {
    const hex = text.slice(i + 2, i + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), length: 6 };
  }
  return null;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The string a literal (quotes included) decodes to; null when it is not a valid string literal. */
export function decodeStringLiteral(literal: string): string | null {
  if (literal.charCodeAt(0) !== 0x22) return null;
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Absolute raw positions in `text` of decoded offsets into the literal whose inside (between its
 * quotes) is text[from, to). Offsets in any order; one at or past the decoded length maps to `to`.
 * The literal is taken as valid (it was decoded to get the offsets).
 */
function rawPositions(text: string, from: number, to: number, offsets: readonly number[]): number[] {
  const n = offsets.length;
  const out = new Array<number>(n);
  // Visit the offsets in ascending order (an index permutation; usually already sorted).
  let order: number[] | null = null;
  if (!isAscending(offsets)) {
    order = [];
    for (let k = 0; k < n; k++) order.push(k);
    order.sort((x, y) => offsets[x]! - offsets[y]!);
  }
  let i = from;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const idx = order ? order[k]! : k;
    const want = offsets[idx]!;
    while (d < want && i < to) {
      i += text.charCodeAt(i) === 0x5c ? (text.charCodeAt(i + 1) === 0x75 /* u */ ? 6 : 2) : 1;
      d++;
    }
    out[idx] = i < to ? i : to;
  }
  return out;
}

function isAscending(xs: readonly number[]): boolean {
  for (let k = 1; k < xs.length; k++) if (xs[k]! < xs[k - 1]!) return false;
  return true;
}

/**
 * For decoded offsets (sorted or not), the offset in the literal at `literal` (relative to its
 * opening quote) where each decoded unit starts; a decoded offset equal to the length maps to
 * the closing quote.
 */
export function decodedToRawMany(text: string, literal: SourceRange, offsets: readonly number[]): number[] {
  const out = rawPositions(text, literal.start + 1, literal.end - 1, offsets);
  for (let k = 0; k < out.length; k++) out[k] = out[k]! - literal.start;
  return out;
}

/**
 * The whole map of a literal's inside `rawInner` (the text between its quotes): map[k] is the
 * raw offset of decoded unit k, and map[decoded length] is rawInner.length.
 */
export function decodedToRawOffsets(rawInner: string): number[] {
  const n = rawInner.length;
  // A decoded text is never longer than its literal: ask for 0..n and keep up to the first end.
  const upTo: number[] = [];
  for (let k = 0; k <= n; k++) upTo.push(k);
  const all = rawPositions(rawInner, 0, n, upTo);
  return all.slice(0, all.indexOf(n) + 1);
}

/** One level of JSON-in-a-string: a text and the range of a value in it (a literal when nested). */
export interface Level {
  text: string;
  range: SourceRange;
}

/** Offsets in the decoded value of the literal at `level.range` → offsets in `level.text`. */
export function literalOffsets(level: Level, offsets: readonly number[]): number[] {
  return rawPositions(level.text, level.range.start + 1, level.range.end - 1, offsets);
}

/**
 * Offsets in the text of the innermost level (`levels[levels.length - 1].text`) → offsets in the
 * outermost level's text: each enclosing level holds the next one decoded from its literal.
 */
export function outerOffsets(levels: readonly Level[], offsets: readonly number[]): number[] {
  let out = offsets.slice();
  for (let k = levels.length - 2; k >= 0; k--) out = literalOffsets(levels[k]!, out);
  return out;
}
