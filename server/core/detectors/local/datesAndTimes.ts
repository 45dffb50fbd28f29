// Dates and times mentioned in raw text: every reading of each mention (03/04/2024 has two,
// "10:30" may be am or pm) and the keys a date reading is stored and looked up under.

import { dropOverlaps } from './spans';

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
