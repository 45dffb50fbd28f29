// URLs and e-mail addresses in raw text, and the normalised form of a URL compared with the
// context.

import { dropOverlaps, type Span } from './spans';

// URLs and addresses are found by scanning out from anchors ('@', "http", "www.", a known
// top-level domain) instead of trying a pattern at every position: linear in the text, and cheap
// on the usual text that has none.

function isLocalPartChar(c: number): boolean {
  // a-z A-Z 0-9 . _ % + -
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}
/** Characters that end a URL: whitespace, quotes, brackets, angle brackets. */
function endsUrl(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 41 || c === 93 || c === 125 || c === 0xa0;
}
/** Trailing sentence punctuation is not part of a URL or address. */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && ".,;:!?'".includes(text[end - 1]!)) end--;
  return end;
}

export function findEmails(text: string): Span[] {
  const out: Span[] = [];
  let at = text.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && isLocalPartChar(text.charCodeAt(s - 1))) s--;
    while (s < at && text[s] === '.') s++;
    let e = at + 1;
    while (e < text.length && e - at < 254 && isHostChar(text.charCodeAt(e))) e++;
    e = trimEnd(text, at + 1, e);
    const domain = text.slice(at + 1, e);
    if (s < at && /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(domain) && /[a-z]/i.test(domain.slice(domain.lastIndexOf('.')))) {
      out.push({ start: s, end: e });
    }
    at = text.indexOf('@', e > at ? e : at + 1);
  }
  return out;
}

const TLD_RE = /\.(?:com|org|net|io|gov|edu|co|ai|dev|app|info|biz|us|uk|de|fr|il|in|ca|au|eu)(?![a-z0-9-])/gi;

export function findUrls(text: string): Span[] {
  const found: Span[] = [];
  const extend = (start: number, from: number): void => {
    let e = from;
    while (e < text.length && !endsUrl(text.charCodeAt(e))) e++;
    e = trimEnd(text, start, e);
    if (e > from) found.push({ start, end: e });
  };
  const lower = text.toLowerCase();
  for (let i = lower.indexOf('http'); i >= 0; i = lower.indexOf('http', i + 4)) {
    const rest = lower.startsWith('https://', i) ? 8 : lower.startsWith('http://', i) ? 7 : 0;
    if (rest > 0 && (i === 0 || !/[a-z0-9]/.test(lower[i - 1]!))) extend(i, i + rest);
  }
  for (let i = lower.indexOf('www.'); i >= 0; i = lower.indexOf('www.', i + 4)) {
    if (i === 0 || !/[a-z0-9./]/.test(lower[i - 1]!)) extend(i, i + 4);
  }
  // bare domains ("acme.example.com/help"): from each known top-level domain back to the host start
  TLD_RE.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = TLD_RE.exec(text)) !== null;) {
    let s = m.index;
    while (s > 0 && m.index - s < 253 && isHostChar(text.charCodeAt(s - 1))) s--;
    while (s < m.index && (text[s] === '.' || text[s] === '-')) s++;
    if (s === m.index || (s > 0 && '@/:'.includes(text[s - 1]!))) continue;
    const e = m.index + m[0].length;
    if (text[e] === '/') extend(s, e);
    else found.push({ start: s, end: e });
  }
  return dropOverlaps(found);
}

/** "https://www.Example.com/a/" → "example.com/a": the form compared with the context. */
export function normalizeUrl(url: string): string {
  return url
    .trim()
    .replace(/[.,;:!?]+$/, '')
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}
