// Text and number normalisation shared by the context index, argument grounding and the answer
// checks. Everything here is applied identically to values and to context, so that "is this
// value in the context" becomes a substring or set lookup.

/**
 * Lower-cases, strips accents, splits letters from digits ("6cm" → "6 cm"), keeps a decimal
 * point between digits and scientific notation ("1e-9"), and turns every other character into
 * a single space. The result has no leading/trailing space.
 */
export function fold(input: string): string {
  let s = input;
  // Accent stripping is the only costly step; ASCII input (the common case) skips it.
  if (/[\u0080-\uffff]/.test(s)) s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.toLowerCase();
  // Appends whole runs of kept characters (not one character at a time): far fewer string pieces.
  let out = '';
  let runStart = -1;
  // 0 = space/start, 1 = letter, 2 = digit
  let prev = 0;
  let numHasExp = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isLetter = (c >= 97 && c <= 122) || (c >= 0x80 && isUnicodeWordChar(s[i]!));
    if (isDigit) {
      if (prev === 1) {
        if (runStart >= 0) out += s.slice(runStart, i);
        runStart = -1;
        out += ' ';
      }
      if (runStart < 0) runStart = i;
      prev = 2;
    } else if (isLetter) {
      if (prev === 2) {
        // Keep "1e-9" / "2e5" together as one number token.
        if (c === 101 /* e */ && !numHasExp) {
          const next = s.charCodeAt(i + 1);
          if (isDigitCode(next)) {
            numHasExp = true;
            continue;
          }
          if ((next === 43 || next === 45) && isDigitCode(s.charCodeAt(i + 2))) {
            numHasExp = true;
            i++;
            continue;
          }
        }
        if (runStart >= 0) out += s.slice(runStart, i);
        runStart = -1;
        out += ' ';
      }
      if (runStart < 0) runStart = i;
      prev = 1;
      numHasExp = false;
    } else if (c === 46 /* . */ && prev === 2 && isDigitCode(s.charCodeAt(i + 1)) && !numHasExp) {
      // decimal point: part of the run
    } else if (c === 37 /* % */) {
      // "5%" and "5 percent" must fold alike
      if (runStart >= 0) out += s.slice(runStart, i);
      runStart = -1;
      out += prev === 0 ? 'percent ' : ' percent ';
      prev = 0;
      numHasExp = false;
    } else {
      if (runStart >= 0) out += s.slice(runStart, i);
      runStart = -1;
      if (prev !== 0) out += ' ';
      prev = 0;
      numHasExp = false;
    }
  }
  if (runStart >= 0) out += s.slice(runStart, n);
  return out.endsWith(' ') ? out.slice(0, -1) : out;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

const unicodeWord = /[\p{L}\p{N}]/u;
function isUnicodeWordChar(ch: string): boolean {
  return unicodeWord.test(ch);
}

/**
 * A crude suffix stripper, enough to match "books"/"book", "opens"/"opening"/"opened",
 * "cities"/"city". Applied to both sides, so over-stemming only merges near-identical words.
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map([
  ['women', 'woman'],
  ['men', 'man'],
  ['children', 'child'],
  ['people', 'person'],
  ['feet', 'foot'],
  ['teeth', 'tooth'],
  ['mice', 'mouse'],
  ['geese', 'goose'],
  ['data', 'datum'],
  ['criteria', 'criterion'],
]);

export function stem(token: string): string {
  let t = token;
  const irregular = IRREGULAR.get(t);
  if (irregular !== undefined) return irregular;
  if (t.length <= 3 || /\d/.test(t)) return t;
  if (t.endsWith('ies') && t.length > 4) return t.slice(0, -3) + 'y';
  if (t.endsWith('ing') && t.length > 5) t = t.slice(0, -3);
  else if (t.endsWith('ed') && t.length > 4) t = t.slice(0, -2);
  else if (t.endsWith('es') && t.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(t)) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
  if (t.endsWith('e') && t.length > 3) t = t.slice(0, -1);
  return t;
}

// ---- numbers --------------------------------------------------------------------------------

/** Canonical key of a number for set lookups: sign-insensitive, 12 significant digits. */
export function numberKey(value: number): string {
  const a = Math.abs(value);
  // integers are exact already; only fractions need rounding away float noise (0.1 * 3)
  if (Number.isInteger(a) && a < 1e15) return String(a);
  return String(Number(a.toPrecision(12)));
}

const numberToken = /^\d+(?:\.\d+)?(?:e[-+]?\d+)?$/;
/** A folded token that is a number ("12", "0.05", "1e-9"), else null. */
export function parseNumberToken(token: string): number | null {
  const c = token.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || !numberToken.test(token)) return null;
  const v = Number(token);
  return Number.isFinite(v) ? v : null;
}

export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['zero', 0],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['eleven', 11],
  ['twelve', 12],
  ['thirteen', 13],
  ['fourteen', 14],
  ['fifteen', 15],
  ['sixteen', 16],
  ['seventeen', 17],
  ['eighteen', 18],
  ['nineteen', 19],
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
  ['first', 1],
  ['second', 2],
  ['third', 3],
  ['fourth', 4],
  ['fifth', 5],
  ['sixth', 6],
  ['seventh', 7],
  ['eighth', 8],
  ['ninth', 9],
  ['tenth', 10],
  ['eleventh', 11],
  ['twelfth', 12],
  ['once', 1],
  ['twice', 2],
  ['thrice', 3],
  ['single', 1],
  ['double', 2],
  ['triple', 3],
  ['pair', 2],
  ['couple', 2],
  ['dozen', 12],
  ['half', 0.5],
  ['none', 0],
]);

export const MULTIPLIERS: ReadonlyMap<string, number> = new Map([
  ['hundred', 100],
  ['thousand', 1e3],
  ['k', 1e3],
  ['million', 1e6],
  ['mn', 1e6],
  ['mio', 1e6],
  ['m', 1e6],
  ['billion', 1e9],
  ['bn', 1e9],
  ['b', 1e9],
  ['trillion', 1e12],
  ['tn', 1e12],
  ['dozen', 12],
]);

/** "3 weeks" is also 21 days: the other units a duration is commonly restated in. */
const DURATION_FACTORS: ReadonlyMap<string, number[]> = new Map([
  ['minute', [60]],
  ['min', [60]],
  ['hour', [60, 3600]],
  ['hr', [60, 3600]],
  ['day', [24]],
  ['week', [7, 168]],
  ['month', [30, 31]],
  ['year', [12, 52, 365]],
  ['decade', [10]],
  ['century', [100]],
]);
/** A calendar word alone implies a count: "next week" → 7 days, "monthly" → 12 a year. */
const CALENDAR_WORDS: ReadonlyMap<string, number[]> = new Map([
  ['week', [7]],
  ['fortnight', [14]],
  ['month', [30]],
  ['weekly', [52, 7]],
  ['monthly', [12]],
  ['quarterly', [4]],
  ['daily', [365]],
  ['hourly', [24]],
  ['decade', [10]],
  ['century', [100]],
]);
/** SI prefixes before a unit ("50 mH", "100 µF"): the value in the base unit. */
const SI_UNIT = /^(k|m|μ|µ|u|n|p)(f|h|a|v|w|g|s|l|hz|j|ω|ohm)$/;
const SI_FACTOR: Readonly<Record<string, number>> = { k: 1e3, m: 1e-3, μ: 1e-6, µ: 1e-6, u: 1e-6, n: 1e-9, p: 1e-12 };

/**
 * Every number a folded token stream mentions, with the forms a faithful restatement may take:
 * the number itself, "5 percent" → 0.05, "213 million" → 213000000, "two dozen" → 24,
 * "11 pm" → 23, and fractions below 1 as percentages (0.05 → 5).
 */
export function numbersInTokens(tokens: readonly string[], add: (value: number) => void): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let v = parseNumberToken(t);
    if (v === null) {
      const cal = CALENDAR_WORDS.get(t);
      if (cal !== undefined) for (const c of cal) add(c);
      const w = NUMBER_WORDS.get(t);
      if (w === undefined) continue;
      v = w;
      // "twenty five" → 25
      const next = tokens[i + 1];
      const unit = next === undefined ? undefined : NUMBER_WORDS.get(next);
      if (w >= 20 && w % 10 === 0 && w < 100 && unit !== undefined && unit > 0 && unit < 10 && Number.isInteger(unit)) {
        add(w + unit);
      }
    }
    add(v);
    if (v > 0 && v < 1) add(v * 100);
    const next = tokens[i + 1];
    if (next === undefined) continue;
    if (next === 'percent' || next === 'pct' || (next === 'per' && tokens[i + 2] === 'cent')) add(v / 100);
    const mult = MULTIPLIERS.get(next);
    if (mult !== undefined) add(v * mult);
    if ((next === 'pm' || (next === 'p' && tokens[i + 2] === 'm')) && v >= 1 && v < 12) add(v + 12);
    if (next === 'am' && v === 12) add(0);
    const unit = next.length > 3 && next.endsWith('s') ? next.slice(0, -1) : next;
    const factors = DURATION_FACTORS.get(unit);
    if (factors !== undefined) for (const f of factors) add(v * f);
    const si = SI_UNIT.exec(next);
    if (si) add(v * SI_FACTOR[si[1]!]!);
    // 5 ft 10 in → 70 inches
    if (
      (next === 'ft' || next === 'feet' || next === 'foot') &&
      (tokens[i + 3] === 'in' || tokens[i + 3] === 'inch' || tokens[i + 3] === 'inches')
    ) {
      const inches = parseNumberToken(tokens[i + 2] ?? '');
      if (inches !== null) add(v * 12 + inches);
    }
  }
}

/**
 * A string value that is entirely a number, amount or percentage ("$1,200.00", "5%", "1.2
 * million", "five"): its candidate numeric readings. Null when the string is not numeric.
 */
export function parseLooseNumber(raw: string): number[] | null {
  const s = raw.trim();
  if (s === '' || s.length > 40) return null;
  const m =
    /^([-+−]?)\s*(?:[$€£¥₪₹]|usd|eur|gbp|us\$)?\s*([-+]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.?\d+)(?:e([-+]?\d+))?\s*(%|percent|million|billion|thousand|trillion|k|m|bn)?\s*(?:[$€£¥₪₹]|usd|eur|gbp)?$/i.exec(
      s,
    );
  if (m) {
    let v = Number(m[3]!.replace(/,/g, ''));
    if (m[4] !== undefined) v *= 10 ** Number(m[4]);
    if (!Number.isFinite(v)) return null;
    const suffix = (m[5] ?? '').toLowerCase();
    const out = [v];
    if (suffix === '%' || suffix === 'percent') out.push(v / 100);
    const mult = MULTIPLIERS.get(suffix);
    if (mult !== undefined) out.push(v * mult);
    return out;
  }
  // only cardinals: "single", "double", "first" are words when they stand alone
  const w = CARDINALS.get(s.toLowerCase());
  return w === undefined ? null : [w];
}
const CARDINALS: ReadonlyMap<string, number> = new Map(
  [...NUMBER_WORDS].filter(
    ([k, v]) =>
      Number.isInteger(v) &&
      v >= 2 &&
      !/^(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|twice|thrice|double|triple|pair|couple|dozen)$/.test(
        k,
      ),
  ),
);

/** Decimal places written in a numeric literal ("3.140" → 3). */
export function decimalsOf(literal: string): number {
  const m = /\.(\d+)/.exec(literal);
  return m ? m[1]!.length : 0;
}

/** Significant figures of an integer-looking literal (trailing zeros not significant). */
export function significantFigures(value: number): number {
  const digits = String(Math.round(Math.abs(value))).replace(/0+$/, '');
  return Math.max(1, digits.length);
}

// ---- dates and times ---------------------------------------------------------------------

const MONTHS: ReadonlyMap<string, number> = new Map([
  ['jan', 1],
  ['january', 1],
  ['feb', 2],
  ['february', 2],
  ['mar', 3],
  ['march', 3],
  ['apr', 4],
  ['april', 4],
  ['may', 5],
  ['jun', 6],
  ['june', 6],
  ['jul', 7],
  ['july', 7],
  ['aug', 8],
  ['august', 8],
  ['sep', 9],
  ['sept', 9],
  ['september', 9],
  ['oct', 10],
  ['october', 10],
  ['nov', 11],
  ['november', 11],
  ['dec', 12],
  ['december', 12],
]);
export function monthNumber(word: string): number | undefined {
  return MONTHS.get(word.toLowerCase());
}

export interface DateMention {
  start: number;
  end: number;
  /** Each reading of the text (numeric dates such as 03/04/2024 have two). */
  readings: { y?: number; m: number; d?: number }[];
}

const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
// Each pattern is anchored on word boundaries and has no nested quantifiers (no backtracking blow-up).
const DATE_PATTERNS: { re: RegExp; needsMonth: boolean; read: (m: RegExpExecArray) => DateMention['readings'] }[] = [
  {
    // 2024-03-05, 2024/3/5
    re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g,
    needsMonth: false,
    read: (m) => [{ y: +m[1]!, m: +m[2]!, d: +m[3]! }],
  },
  {
    // 03/05/2024, 5.3.24 — month/day order is ambiguous, keep both readings
    re: /\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)/g,
    needsMonth: false,
    read: (m) => {
      const a = +m[1]!;
      const b = +m[2]!;
      let y = +m[3]!;
      if (m[3]!.length === 2) y += 2000;
      return [
        { y, m: a, d: b },
        { y, m: b, d: a },
      ];
    },
  },
  {
    // March 3, 2024 / Mar. 3rd / March.11, 2022 / Mar, 3, 2024
    re: new RegExp(`\\b${MONTH_RE}\\.?,?\\s*(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4})\\b)?`, 'gi'),
    needsMonth: true,
    read: (m) => [{ m: monthNumber(m[1]!)!, d: +m[2]!, ...(m[3] ? { y: +m[3] } : {}) }],
  },
  {
    // 3 March 2024 / 10th of December, 2022
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}\\b\\.?(?:,?\\s*(\\d{4})\\b)?`, 'gi'),
    needsMonth: true,
    read: (m) => [{ d: +m[1]!, m: monthNumber(m[2]!)!, ...(m[3] ? { y: +m[3] } : {}) }],
  },
  {
    // 20240305: compact digits, years 1900–2099 only (a longer number is no date)
    re: /(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.])/g,
    needsMonth: false,
    read: (m) => [{ y: +m[1]!, m: +m[2]!, d: +m[3]! }],
  },
  {
    // April 2022
    re: new RegExp(`\\b${MONTH_RE}\\.?,?\\s+(\\d{4})\\b`, 'gi'),
    needsMonth: true,
    read: (m) => [{ m: monthNumber(m[1]!)!, y: +m[2]! }],
  },
  {
    // 04-2022, 2022-04
    re: /\b(\d{1,2})[-/](\d{4})\b|\b(\d{4})[-/](\d{1,2})\b(?![-/.]\d)/g,
    needsMonth: false,
    read: (m) => (m[1] ? [{ m: +m[1], y: +m[2]! }] : [{ y: +m[3]!, m: +m[4]! }]),
  },
];

function validReading(r: { y?: number; m: number; d?: number }): boolean {
  if (!(r.m >= 1 && r.m <= 12)) return false;
  if (r.d !== undefined && !(r.d >= 1 && r.d <= 31)) return false;
  if (r.y !== undefined && !(r.y >= 1000 && r.y <= 2999)) return false;
  return true;
}

/** Dates in raw text, overlapping matches resolved in favour of the longer one. */
const HAS_MONTH = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
const HAS_NUMERIC_DATE = /\d[-/.]\d|(?:19|20)\d{6}/;

export function extractDates(text: string): DateMention[] {
  // Cheap pre-checks: every pattern needs a digit, and either a month name or a separator.
  if (!/\d/.test(text)) return [];
  const months = HAS_MONTH.test(text);
  const numeric = HAS_NUMERIC_DATE.test(text);
  if (!months && !numeric) return [];
  const found: DateMention[] = [];
  for (const p of DATE_PATTERNS) {
    if (p.needsMonth ? !months : !numeric) continue;
    p.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = p.re.exec(text)) !== null) {
      const readings = p.read(m).filter(validReading);
      if (readings.length > 0) found.push({ start: m.index, end: m.index + m[0].length, readings });
    }
  }
  return dropOverlaps(found);
}

export interface TimeMention {
  start: number;
  end: number;
  /** Minutes after midnight of each reading ("10:30" without am/pm could be 10:30 or 22:30). */
  minutes: number[];
}

const TIME_RE =
  /\b(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s?([ap]\.m\.|[ap]\.m\b|[ap]m\b|(?:o'clock\s+)?in the (?:morning|afternoon|evening)\b|at night\b)|\b(\d{1,2}):(\d{2})(?::\d{2})?\b/gi;

export function extractTimes(text: string): TimeMention[] {
  if (!/\d/.test(text)) return [];
  const out: TimeMention[] = [];
  TIME_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TIME_RE.exec(text)) !== null) {
    if (m[3] !== undefined) {
      let h = +m[1]!;
      const mi = m[2] ? +m[2] : 0;
      if (h < 1 || h > 12 || mi > 59) continue;
      // "3 in the afternoon" is 3 pm; "in the morning" is am
      const pm = /^p|afternoon|evening|night/i.test(m[3]);
      if (h === 12) h = 0;
      out.push({ start: m.index, end: m.index + m[0].length, minutes: [(pm ? h + 12 : h) * 60 + mi] });
    } else {
      const h = +m[4]!;
      const mi = +m[5]!;
      if (h > 23 || mi > 59) continue;
      const readings = [h * 60 + mi];
      if (h >= 1 && h <= 12) readings.push(((h % 12) + 12) * 60 + mi);
      out.push({ start: m.index, end: m.index + m[0].length, minutes: readings });
    }
  }
  return out;
}

export function dropOverlaps<T extends { start: number; end: number }>(items: T[]): T[] {
  items.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const out: T[] = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && it.start < last.end) {
      if (it.end - it.start > last.end - last.start) out[out.length - 1] = it;
      continue;
    }
    out.push(it);
  }
  return out;
}

/** Keys under which a date reading is stored in / looked up from the context. */
export function dateKeys(r: { y?: number; m: number; d?: number }): string[] {
  const keys: string[] = [];
  if (r.d !== undefined) {
    keys.push(`md:${r.m}-${r.d}`);
    if (r.y !== undefined) keys.push(`ymd:${r.y}-${r.m}-${r.d}`);
  }
  if (r.y !== undefined) keys.push(`ym:${r.y}-${r.m}`);
  return keys;
}

// ---- URLs and e-mail addresses ---------------------------------------------------------------

// URLs and addresses are found by scanning out from anchors ('@', "http", "www.", a known
// top-level domain) instead of trying a pattern at every position: linear in the text, and cheap
// on the usual text that has none.

export interface Span {
  start: number;
  end: number;
}

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
