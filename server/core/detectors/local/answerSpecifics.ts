// Specifics in answer text — URLs, e-mail addresses, phone numbers, dates, times, amounts and
// numbers, capitalised names — that the context does not contain. Each finding carries exact
// offsets into the text it was found in. Conservative by design: low-information numbers, list
// markers, sentence-initial ordinary words and headings are not findings. Names are answerNames.ts's.
import type { ContextIndex } from './context';
import { dateGrounded, numberGrounded } from './grounding';
import { dateKeys, extractDates, extractTimes } from './datesAndTimes';
import { fold } from './normalize';
import { MULTIPLIERS, decimalsOf, significantFigures } from './numbers';
import { findEmails, findUrls, normalizeUrl } from './urlsAndEmails';
import { findEntities } from './answerNames';
import { Claims, type Finding } from './specificClaims';

const PHONE_RES = [
  /(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\w)/g,
  /(?<!\w)(?:1[\s.-]?)?\(\d{3}\)\s?\d{3}[\s.-]\d{4}(?!\w)/g,
  /(?<![\w.-])(?:1[.-])?\d{3}[.-]\d{3}[.-]\d{4}(?![\w-])/g,
];
const CODE_RE = /```[\s\S]*?(?:```|$)|`[^`\n]+`/g;
const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(?:\/|$)/;
/** Reference codes: letters and at least 3 digits ("DS-48213", "#A10293", "1Z999AA101"). */
const IDENTIFIER_RE = /(?<![\w-])#?(?=[A-Za-z0-9-]*[A-Za-z])(?=(?:[A-Za-z-]*\d){3})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])/g;
const NUMBER_RE = /([$€£¥₪₹]\s?)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)/g;
const NUMBER_SUFFIX_RE = /^(\s?%|\s?percent\b|\s?per cent\b|\s?(?:million|billion|thousand|trillion)\b|(?:k|m|bn|mn)\b)/i;
/** letters that may follow a number directly and still make it an amount ("6cm", "3rd", "10k") */
const UNIT_AFTER = /^(?:st|nd|rd|th|k|m|bn|km|kg|cm|mm|mi|ft|lb|lbs|g|h|hr|hrs|min|mins|s|ms|gb|mb|tb|kb|x|l|ml|kw|mph)\b/i;
const APPROX_BEFORE = /(?:about|around|approximately|approx\.?|roughly|nearly|almost|over|under|more than|less than|up to|some|~|≈)\s*$/i;

export function findUngroundedSpecifics(text: string, ctx: ContextIndex): Finding[] {
  if (text.trim() === '') return [];
  const claims = new Claims(text);

  // Code (fenced blocks, inline spans) is written, not reported: its numbers and names are not claims.
  if (text.includes('`')) {
    CODE_RE.lastIndex = 0;
    for (let m: RegExpExecArray | null; (m = CODE_RE.exec(text)) !== null;) claims.take(m.index, m.index + m[0].length);
  }
  // e-mail addresses first: their domains would otherwise read as URLs
  for (const { start: s, end: e } of findEmails(text)) {
    claims.take(s, e);
    if (!ctx.rawIncludes(text.slice(s, e).toLowerCase()))
      claims.report({ start: s, end: e, label: 'fabricated_url', confidence: 0.85, kind: 'e-mail address' });
  }
  for (const { start: s, end: e } of findUrls(text)) {
    if (!claims.isFree(s, e)) continue;
    claims.take(s, e);
    const raw = text.slice(s, e);
    const norm = normalizeUrl(raw);
    if (ctx.rawIncludes(norm) || LOCAL_HOST.test(norm)) continue;
    const host = norm.split('/')[0]!;
    const hostKnown = ctx.rawIncludes(host);
    claims.report({
      start: s,
      end: e,
      label: 'fabricated_url',
      confidence: hostKnown ? 0.7 : 0.85,
      kind: 'URL',
      ...(hostKnown ? { missing: raw.slice(raw.toLowerCase().indexOf(host) + host.length) || raw } : {}),
    });
  }
  if (/\d/.test(text)) {
    for (const re of PHONE_RES) {
      re.lastIndex = 0;
      for (let m: RegExpExecArray | null; (m = re.exec(text)) !== null;) {
        const s = m.index;
        const e = s + m[0].length;
        if (!claims.isFree(s, e)) continue;
        const digits = m[0].replace(/\D/g, '');
        if (digits.length < 7) continue;
        claims.take(s, e);
        const known = ctx.phoneDigits.some((d) => d.endsWith(digits) || digits.endsWith(d));
        if (!known) claims.report({ start: s, end: e, label: 'fabricated_number', confidence: 0.75, kind: 'phone number' });
      }
    }
    for (const d of extractDates(text)) {
      if (!claims.isFree(d.start, d.end)) continue;
      claims.take(d.start, d.end);
      const grounded = d.readings.some((r) => dateGrounded(dateKeys(r), ctx));
      if (!grounded) claims.report({ start: d.start, end: d.end, label: 'fabricated_date', confidence: 0.75, kind: 'date' });
    }
    for (const t of extractTimes(text)) {
      if (!claims.isFree(t.start, t.end)) continue;
      claims.take(t.start, t.end);
      if (!t.minutes.some((mi) => ctx.times.has(mi)))
        claims.report({ start: t.start, end: t.end, label: 'fabricated_date', confidence: 0.65, kind: 'time' });
    }
    findIdentifiers(text, ctx, claims);
    findNumbers(text, ctx, claims);
  }
  findEntities(text, ctx, claims);
  return claims.findings.sort((a, b) => a.start - b.start);
}

/** Order numbers, confirmation and tracking codes, case ids: made-up ones are classic. */
function findIdentifiers(text: string, ctx: ContextIndex, claims: Claims): void {
  IDENTIFIER_RE.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = IDENTIFIER_RE.exec(text)) !== null;) {
    const s = m.index;
    const e = s + m[0].length;
    if (!claims.isFree(s, e)) continue;
    claims.take(s, e);
    const code = m[0].replace(/^#/, '');
    const folded = fold(code);
    if (ctx.hasPhrase(folded) || ctx.tokens.has(code.toLowerCase().replace(/-/g, '')) || ctx.joined.has(folded.replace(/ /g, ''))) continue;
    claims.report({ start: s, end: e, label: 'fabricated_number', confidence: 0.7, kind: 'reference code' });
  }
}

function findNumbers(text: string, ctx: ContextIndex, claims: Claims): void {
  NUMBER_RE.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = NUMBER_RE.exec(text)) !== null;) {
    const currency = m[1] !== undefined;
    const literal = m[2]!;
    const digitsStart = m.index + (m[1]?.length ?? 0);
    const s = m.index;
    let e = digitsStart + literal.length;
    // part of an identifier or version: "GPT-4", "v2.1", "A320", "1.2.3"
    const before = text.slice(Math.max(0, s - 2), s);
    if (!currency && /[\p{L}_]$|[\p{L}][-/]$|[\d.]$/u.test(before)) continue;
    const after = text.slice(e, e + 12);
    // fractions and ratios ("24/7", "3/4", "50/50") and identifiers ("A-10293-b")
    if (/^\.\d/.test(after) || /^[-/]\p{L}/u.test(after) || /^\/\d/.test(after) || /\d\/$/.test(before)) continue;
    const suffix = NUMBER_SUFFIX_RE.exec(after);
    if (!suffix && /^\p{L}/u.test(after) && !UNIT_AFTER.test(after)) continue;
    if (suffix) e += suffix[0].length;
    if (!claims.isFree(s, e)) continue;
    claims.take(s, e);

    const base = Number(literal.replace(/,/g, ''));
    const suffixWord = suffix ? suffix[0].trim().toLowerCase() : '';
    const percent = suffixWord === '%' || suffixWord.startsWith('per');
    const mult = MULTIPLIERS.get(suffixWord);
    // list markers ("1. ", "2) ") and bare small counts say little
    if (!currency && !percent && /^[.)]\s/.test(after) && /(?:^|\n)[ \t>*-]*$/.test(text.slice(Math.max(0, s - 12), s))) continue;
    const isYear = !currency && !percent && !mult && /^\d{4}$/.test(literal) && base >= 1800 && base <= 2100;
    if (!currency && !percent && !mult && Number.isInteger(base) && base <= 10 && !literal.includes('.')) continue;

    const candidates = [base];
    if (percent) candidates.push(base / 100);
    if (mult !== undefined) candidates.push(base * mult);
    if (candidates.some((c) => numberGrounded(c, ctx))) continue;
    const approx = APPROX_BEFORE.test(text.slice(Math.max(0, s - 20), s));
    if (candidates.some((c) => roundsFromContext(c, literal, approx, mult !== undefined, ctx))) continue;
    if (isYear) {
      claims.report({ start: s, end: e, label: 'fabricated_date', confidence: 0.6, kind: 'year' });
      continue;
    }
    const sig = literal.replace(/[^\d]/g, '').replace(/^0+/, '').length;
    claims.report({
      start: s,
      end: e,
      label: 'fabricated_number',
      confidence: currency || percent || sig >= 3 ? 0.8 : 0.7,
      kind: currency ? 'amount' : percent ? 'percentage' : 'number',
    });
  }
}

/**
 * Whether some context number, rounded the way the answer wrote it, gives this number:
 * "3.14" from 3.14159, "1.2 million" from 1,234,567; with "about"/"around", within 10%.
 */
function roundsFromContext(value: number, literal: string, approx: boolean, scaled: boolean, ctx: ContextIndex): boolean {
  // what each test needs is worked out once; the loop over context numbers is plain arithmetic
  const decimals = decimalsOf(literal);
  const tolerance = decimals > 0 && !scaled ? 0.5 * 10 ** -decimals + 1e-9 : -1;
  const sig = significantFigures(value);
  const roundInteger = Number.isInteger(value) && value >= 100 && sig >= 2 && value % 10 === 0;
  const writtenDigits = scaled ? literal.replace(/[^\d]/g, '').length : 0;
  for (const list of ctx.numberValueLists)
    for (const x of list) {
      if (x === 0) continue;
      const diff = Math.abs(x - value);
      if (approx && diff <= 0.1 * x) return true;
      if (diff <= tolerance) return true;
      if (!roundInteger && !scaled) continue;
      const exp = Math.floor(Math.log10(x));
      if (roundInteger) {
        const mag = 10 ** (exp - sig + 1);
        if (Math.round(x / mag) * mag === value) return true;
      }
      if (scaled) {
        // "1.2 million": compare at the precision written
        const mag = 10 ** (exp - (writtenDigits - 1));
        if (Math.abs(Math.round(x / mag) * mag - value) < 1e-6 * value) return true;
      }
    }
  return false;
}
