// Finding the text a judge quoted inside the response part, to get character offsets.
// Three tiers, first hit wins:
//   1. exact      — the quote without surrounding whitespace (then without quotation marks);
//   2. normalized — case-folded, whitespace runs collapsed, typographic quotes/dashes/ellipsis
//                   made plain, and (for tool-call arguments) JSON escapes decoded; a quote with
//                   an ellipsis ("The hotel … 1887") matches its pieces in order;
//   3. fuzzy      — the window of the part with the smallest edit distance to the quote
//                   (Sellers' approximate substring matching), kept when its similarity
//                   1 − distance / quote length is at least `minSimilarity` (default 0.8).
// Offsets are always into the original string.
import { escapeAt } from '../json/escapes';

export interface QuoteLocation {
  start: number;
  end: number;
  method: 'exact' | 'normalized' | 'fuzzy';
  /** 1 for exact and normalized matches. */
  similarity: number;
}

export interface LocateOptions {
  /** Default 0.8. */
  minSimilarity?: number;
  /** Decode JSON string escapes of the haystack while normalising (tool-call arguments). */
  decodeJsonEscapes?: boolean;
  /** Fuzzy search is skipped above this many DP cells (quote × haystack). Default 20 million. */
  maxFuzzyCells?: number;
}

interface Normalized {
  text: string;
  /** For each normalised char: [start, end) in the original. */
  from: number[];
  to: number[];
}

const QUOTE_MARKS = /^[\s"'`“”‘’«»]+|[\s"'`“”‘’«»]+$/g;

function foldChar(c: string): string {
  switch (c) {
    case '“':
    case '”':
    case '„':
    case '«':
    case '»':
      return '"';
    case '‘':
    case '’':
    case '‚':
      return "'";
    case '–':
    case '—':
    case '‑':
    case '−':
      return '-';
    case '…':
      return '...';
    default:
      return c.toLowerCase();
  }
}

function isSpace(c: string): boolean {
  return /\s/.test(c) || c === '\u00a0';
}

export function normalizeForMatch(s: string, decodeJsonEscapes = false): Normalized {
  const out: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  let pendingSpace: { start: number; end: number } | null = null;
  // Per UTF-16 code unit, so that indices into `text` are string indices.
  const emit = (text: string, start: number, end: number) => {
    for (let k = 0; k < text.length; k++) {
      out.push(text[k]!);
      from.push(start);
      to.push(end);
    }
  };
  while (i < s.length) {
    let c = s[i]!;
    let len = 1;
    const escape = decodeJsonEscapes && c === '\\' ? escapeAt(s, i) : null;
    if (escape) {
      // Backspace and form feed read as spaces: a quote shows neither.
      c = escape.value === '\b' || escape.value === '\f' ? ' ' : escape.value;
      len = escape.length;
    } else {
      // Keep surrogate pairs together.
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) {
        c = String.fromCodePoint(cp);
        len = 2;
      }
    }
    if (isSpace(c)) {
      if (pendingSpace) pendingSpace.end = i + len;
      else pendingSpace = { start: i, end: i + len };
    } else {
      if (pendingSpace) {
        if (out.length > 0) emit(' ', pendingSpace.start, pendingSpace.end);
        pendingSpace = null;
      }
      emit(foldChar(c), i, i + len);
    }
    i += len;
  }
  return { text: out.join(''), from, to };
}

function mapBack(n: Normalized, start: number, end: number): { start: number; end: number } {
  return { start: n.from[start]!, end: n.to[end - 1]! };
}

/** Approximate substring match: best (lowest distance, first) window of `text` for `pattern`. */
export function bestWindow(pattern: string, text: string): { start: number; end: number; distance: number } | null {
  const m = pattern.length;
  const n = text.length;
  if (m === 0 || n === 0) return null;
  // Column j of D over the pattern; start[i] = text start of the alignment ending at (i, j).
  let prevD = new Int32Array(m + 1);
  let prevS = new Int32Array(m + 1);
  let curD = new Int32Array(m + 1);
  let curS = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    prevD[i] = i;
    prevS[i] = 0;
  }
  let best = { start: 0, end: 0, distance: m };
  for (let j = 1; j <= n; j++) {
    curD[0] = 0;
    curS[0] = j;
    const tc = text.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const diag = prevD[i - 1]! + (pattern.charCodeAt(i - 1) === tc ? 0 : 1);
      const up = curD[i - 1]! + 1; // pattern char skipped
      const left = prevD[i]! + 1; // text char inserted
      if (diag <= up && diag <= left) {
        curD[i] = diag;
        curS[i] = prevS[i - 1]!;
      } else if (up <= left) {
        curD[i] = up;
        curS[i] = curS[i - 1]!;
      } else {
        curD[i] = left;
        curS[i] = prevS[i]!;
      }
    }
    // Lowest distance first (the first such window); the same alignment continued one more
    // character at the same distance is taken too, so that a substituted last character is
    // included rather than cut off ("1887" quoted, "1889" written).
    const d = curD[m]!;
    if (d < best.distance || (d === best.distance && curS[m] === best.start && j === best.end + 1)) {
      best = { start: curS[m]!, end: j, distance: d };
    }
    [prevD, curD] = [curD, prevD];
    [prevS, curS] = [curS, prevS];
  }
  return best.end > best.start ? best : null;
}

function findPieces(hay: string, pieces: string[]): { start: number; end: number } | null {
  let from = 0;
  let start = -1;
  let end = -1;
  for (const p of pieces) {
    const at = hay.indexOf(p, from);
    if (at < 0) return null;
    if (start < 0) start = at;
    end = at + p.length;
    from = end;
  }
  return start >= 0 ? { start, end } : null;
}

export function locateQuote(haystack: string, quote: string, opts: LocateOptions = {}): QuoteLocation | null {
  if (!quote || quote.trim() === '' || !haystack) return null;
  // 1. exact (surrounding whitespace is never part of a marker)
  const bare = quote.trim();
  let at = haystack.indexOf(bare);
  if (at >= 0) return { start: at, end: at + bare.length, method: 'exact', similarity: 1 };
  const trimmed = quote.replace(QUOTE_MARKS, '');
  if (trimmed && trimmed !== bare) {
    at = haystack.indexOf(trimmed);
    if (at >= 0) return { start: at, end: at + trimmed.length, method: 'exact', similarity: 1 };
  }
  // 2. normalized
  const hay = normalizeForMatch(haystack, opts.decodeJsonEscapes ?? false);
  const full = normalizeForMatch(quote).text;
  at = full ? hay.text.indexOf(full) : -1;
  if (at >= 0) return { ...mapBack(hay, at, at + full.length), method: 'normalized', similarity: 1 };
  const q = normalizeForMatch(trimmed || quote).text;
  if (!q) return null;
  at = hay.text.indexOf(q);
  if (at >= 0) return { ...mapBack(hay, at, at + q.length), method: 'normalized', similarity: 1 };
  const pieces = q
    .split(/\s*\.\.\.+\s*/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (pieces.length > 1) {
    const span = findPieces(hay.text, pieces);
    if (span) return { ...mapBack(hay, span.start, span.end), method: 'normalized', similarity: 1 };
  }
  // 3. fuzzy
  const min = opts.minSimilarity ?? 0.8;
  const pattern = pieces.length > 1 ? pieces.join(' ') : q;
  if (pattern.length < 4) return null;
  if (pattern.length * hay.text.length > (opts.maxFuzzyCells ?? 20_000_000)) return null;
  const w = bestWindow(pattern, hay.text);
  if (!w) return null;
  const similarity = 1 - w.distance / Math.max(pattern.length, w.end - w.start);
  if (similarity < min) return null;
  // Trim the window's edge spaces so the marker starts and ends on a character.
  let s = w.start;
  let e = w.end;
  while (s < e && hay.text[s] === ' ') s++;
  while (e > s && hay.text[e - 1] === ' ') e--;
  return { ...mapBack(hay, s, e), method: 'fuzzy', similarity: Math.round(similarity * 1000) / 1000 };
}
