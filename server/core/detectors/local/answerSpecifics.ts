// Specifics in answer text — URLs, e-mail addresses, phone numbers, dates, times, amounts and
// numbers, capitalised names — that the context does not contain. Each finding carries exact
// offsets into the text it was found in. Conservative by design: low-information numbers, list
// markers, sentence-initial ordinary words and headings are not findings.
import type { BuiltInLabel } from '../../../../common/schema';
import type { ContextIndex } from './context';
import { analyse, dateGrounded, numberGrounded } from './grounding';
import { dateKeys, extractDates, extractTimes } from './datesAndTimes';
import { fold, stem } from './normalize';
import { MULTIPLIERS, decimalsOf, significantFigures } from './numbers';
import { findEmails, findUrls, normalizeUrl } from './urlsAndEmails';
import { isCommonStem, isStopword } from './words';

export interface Finding {
  start: number;
  end: number;
  label: Extract<BuiltInLabel, 'fabricated_number' | 'fabricated_date' | 'fabricated_url' | 'fabricated_entity'>;
  confidence: number;
  /** what kind of specific, for the explanation ("number", "date", …) */
  kind: string;
  /** set when only part of the span is missing from the context */
  missing?: string;
}

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
const NAME_INTRODUCERS = new Set([
  'in',
  'at',
  'from',
  'to',
  'with',
  'by',
  'via',
  'near',
  'visit',
  'visiting',
  'called',
  'named',
  'mr',
  'mrs',
  'ms',
  'dr',
  'contact',
  'ask',
]);
const CONNECTORS = new Set(['of', 'the', 'de', 'del', 'da', 'di', 'du', 'van', 'von', 'der', 'la', 'le', 'and', '&', 'for', 'y']);

/** Character ranges already claimed by a specific, and the findings so far (one per distinct text). */
class Claims {
  readonly findings: Finding[] = [];
  private readonly taken: Uint8Array;
  private readonly seen = new Set<string>();
  constructor(private readonly text: string) {
    this.taken = new Uint8Array(text.length);
  }
  isFree(s: number, e: number): boolean {
    for (let i = s; i < e; i++) if (this.taken[i]) return false;
    return true;
  }
  take(s: number, e: number): void {
    this.taken.fill(1, s, e);
  }
  report(f: Finding): void {
    // one finding per distinct specific: repeating a made-up name is still one made-up name
    const key = f.label + ':' + fold(this.text.slice(f.start, f.end));
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }
}

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

interface Word {
  start: number;
  end: number;
  text: string;
  capital: boolean;
}

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’&.-]*/gu;

function findEntities(text: string, ctx: ContextIndex, claims: Claims): void {
  // Headings and title-case lines are capitalised for style, not because they name things.
  const lines = text.split('\n');
  // A whole answer that is one short phrase ("Marie Curie.", "Paris") is the answer itself, not a
  // heading: its capitals name something even at the start.
  const bare =
    text.length <= 80 &&
    lines.filter((l) => l.trim() !== '').length === 1 &&
    lineWords(text, 0).length <= 6 &&
    !/[.!?]\s+\S/.test(text.trim());
  let lineOffset = 0;
  for (const line of lines) {
    const words = lineWords(line, lineOffset);
    lineOffset += line.length + 1;
    if (/^\s*#/.test(line) || words.length === 0) continue;
    const capitals = words.filter((w) => w.capital).length;
    if (!bare && words.length >= 3 && capitals / words.length >= 0.7) continue;

    let i = 0;
    while (i < words.length) {
      if (!words[i]!.capital) {
        i++;
        continue;
      }
      // grow a run of capitalised words, allowing connectors between two capitalised words
      let j = i + 1;
      while (j < words.length) {
        const gap = text.slice(words[j - 1]!.end, words[j]!.start);
        if (!/^[ \t]+$/.test(gap)) break;
        if (words[j]!.capital) {
          j++;
          continue;
        }
        const w = words[j]!;
        const next = words[j + 1];
        if (CONNECTORS.has(w.text.toLowerCase()) && next?.capital && /^[ \t]+$/.test(text.slice(w.end, next.start))) {
          j += 2;
          continue;
        }
        break;
      }
      // the bare-answer reading only where the run is the whole answer
      checkRun(words.slice(i, j), text, ctx, claims, bare && i === 0 && j === words.length);
      i = j;
    }
  }
}

function lineWords(line: string, offset: number): Word[] {
  const out: Word[] = [];
  WORD_RE.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = WORD_RE.exec(line)) !== null;) {
    let w = m[0];
    // trailing punctuation and possessive "'s" are not part of the name
    let end = w.length;
    while (end > 0 && ".'’&-".includes(w[end - 1]!)) end--;
    if (end > 2 && w[end - 1] === 's' && (w[end - 2] === "'" || w[end - 2] === '’')) end -= 2;
    if (end === 0) continue;
    if (end < w.length) w = w.slice(0, end);
    const start = offset + m.index;
    out.push({ start, end: start + w.length, text: w, capital: isCapitalised(w) });
  }
  return out;
}

/** Starts with an upper-case letter and has no digit ("Denver", "O’Brien"; not "A320"). */
function isCapitalised(w: string): boolean {
  const c = w.charCodeAt(0);
  if (!(c >= 65 && c <= 90) && !(c >= 0x80 && /^\p{Lu}/u.test(w))) return false;
  for (let i = 1; i < w.length; i++) {
    const d = w.charCodeAt(i);
    if (d >= 48 && d <= 57) return false;
  }
  return true;
}

/** Whether the word at `start` opens a sentence, a line or a list item (scans back, O(1) typical). */
function opensSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && ' \t"“\'‘(*_'.includes(text[i]!)) i--;
  if (i < 0) return true;
  const c = text[i]!;
  // a sentence end, a colon, a new line, a quote block or a bullet (also "3." list markers)
  if ('.!?:;\n>•–—-'.includes(c)) return true;
  if (c === ')') {
    // "1) Item"
    let j = i - 1;
    while (j >= 0 && text[j]! >= '0' && text[j]! <= '9') j--;
    return j < i - 1 && (j < 0 || text[j] === '\n' || text[j] === ' ');
  }
  return false;
}

function checkRun(run: Word[], text: string, ctx: ContextIndex, claims: Claims, bare = false): void {
  // An ordinary word opening a sentence is capitalised for grammar: "Today", "The", "Hotels".
  while (run.length > 0) {
    const first = run[0]!;
    const folded = fold(first.text);
    const ordinary = isStopword(folded) || isCommonStem(stem(folded)) || looksLikeOrdinaryWord(folded);
    if ((ordinary && opensSentence(text, first.start)) || CONNECTORS.has(first.text.toLowerCase()) || isStopword(folded))
      run = run.slice(1);
    else break;
  }
  while (run.length > 0 && CONNECTORS.has(run[run.length - 1]!.text.toLowerCase())) run = run.slice(0, -1);
  if (run.length === 0) return;
  const s = run[0]!.start;
  const e = run[run.length - 1]!.end;
  if (!claims.isFree(s, e)) return;
  const span = text.slice(s, e);
  if (run.length === 1) {
    const w = run[0]!;
    // A lone capitalised word is often emphasis or a UI term ("check your Inbox"); only one that
    // follows a word introducing a place, organisation or person reads as a name.
    if (w.text.length < 3) return;
    // ... or the whole answer: a bare capitalised word that is not an ordinary one
    const folded = fold(w.text);
    const bareName = bare && !isStopword(folded) && !isCommonStem(stem(folded)) && !looksLikeOrdinaryWord(folded);
    if (!bareName) {
      if (opensSentence(text, w.start)) return;
      const prev = /([\p{L}]+)[ \t]+$/u.exec(text.slice(Math.max(0, w.start - 20), w.start));
      if (!prev || !NAME_INTRODUCERS.has(prev[1]!.toLowerCase())) return;
    }
  }
  const tokens = fold(span).split(' ');
  const a = analyse(tokens, ctx);
  // Title Case of ordinary words ("Priority Support", "Stable Release") names nothing specific.
  const specific = a.hard.filter((t) => !looksLikeOrdinaryWord(t));
  if (specific.length === 0) return;
  const multi = run.length > 1;
  claims.report({
    start: s,
    end: e,
    label: 'fabricated_entity',
    confidence: multi ? (a.grounded === 0 ? 0.65 : 0.55) : 0.45,
    kind: 'name',
    ...(a.grounded > 0 ? { missing: specific.join(' ') } : {}),
  });
}

/**
 * English derivational and inflectional endings: a capitalised word with one is most likely an
 * ordinary word in Title Case or at a sentence start ("Priority", "Finally", "Installing").
 */
function looksLikeOrdinaryWord(folded: string): boolean {
  return folded.length > 4 && ORDINARY_SUFFIX.test(folded);
}
const ORDINARY_SUFFIX =
  /(?:tion|sion|ment|ness|ity|able|ible|ive|ous|ful|less|ing|ed|ly|ance|ence|ship|ism|ize|ise|ure|ery|ory|ary|ency|ancy|ical)s?$/;
