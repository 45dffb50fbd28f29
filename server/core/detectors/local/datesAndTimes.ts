// Dates and times mentioned in raw text: every reading of each mention (03/04/2024 has two,
// "10:30" may be am or pm) and the keys a date reading is stored and looked up under.

import { dropOverlaps } from './spans';

const ENGLISH_MONTHS: [string, number][] = [
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
];

/** Languages whose month names (CLDR, through Intl) are read besides English. */
const MONTH_LOCALES = ['es', 'fr', 'de', 'it', 'pt', 'nl', 'ru'];
/** Abbreviations that are ordinary English words ("set 5 alarms", "3 days ago"): not months. */
const NOT_MONTHS = new Set(['set', 'out', 'ago', 'mag', 'dic', 'gen', 'lug', 'ott', 'mei']);

function stripAccents(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/** Month names and abbreviations → month number: English, then CLDR's for MONTH_LOCALES. */
const MONTHS: ReadonlyMap<string, number> = (() => {
  const out = new Map<string, number>(ENGLISH_MONTHS);
  const add = (name: string, m: number, short: boolean): void => {
    const n = name.toLowerCase().replace(/\.$/, '');
    if (n.length < 3 || (short && NOT_MONTHS.has(n))) return;
    for (const form of [n, stripAccents(n)]) if (!out.has(form)) out.set(form, m);
  };
  for (const locale of MONTH_LOCALES)
    for (let m = 1; m <= 12; m++) {
      const date = new Date(Date.UTC(2024, m - 1, 15));
      add(new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(date), m, false);
      add(new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(date), m, true);
      // the form a day takes ("15 марта", genitive in Russian)
      const withDay = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).formatToParts(date);
      const part = withDay.find((p) => p.type === 'month')?.value;
      if (part) add(part, m, false);
    }
  return out;
})();
export function monthNumber(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  return MONTHS.get(w) ?? MONTHS.get(stripAccents(w));
}

export interface DateMention {
  start: number;
  end: number;
  /** Each reading of the text (numeric dates such as 03/04/2024 have two). */
  readings: { y?: number; m: number; d?: number }[];
}

/** Any month name, longest first (a regex alternation tries its options in order). */
const MONTH_ALTERNATION = [...MONTHS.keys()]
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
// Letters of any script bound a month name (\b knows only ASCII: "März", "марта").
const MONTH_RE = `(?<!\\p{L})(${MONTH_ALTERNATION})(?!\\p{L})`;
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
    re: new RegExp(`${MONTH_RE}\\.?,?\\s*(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4})\\b)?`, 'giu'),
    needsMonth: true,
    read: (m) => [{ m: monthNumber(m[1]!)!, d: +m[2]!, ...(m[3] ? { y: +m[3] } : {}) }],
  },
  {
    // 3 March 2024 / 10th of December, 2022 / 5 de marzo de 2025 / 3. März 2025 / 1er mai
    re: new RegExp(
      `\\b(\\d{1,2})(?:st|nd|rd|th|er|º|°|\\.)?\\s*(?:(?:of|de|del)\\s+)?${MONTH_RE}\\.?(?:,?\\s*(?:(?:de|del)\\s+)?(\\d{4})\\b)?`,
      'giu',
    ),
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
    // April 2022 / marzo de 2025
    re: new RegExp(`${MONTH_RE}\\.?,?\\s+(?:(?:de|del)\\s+)?(\\d{4})\\b`, 'giu'),
    needsMonth: true,
    read: (m) => [{ m: monthNumber(m[1]!)!, y: +m[2]! }],
  },
  {
    // 2025年3月5日, 2025년 3월 5일, 3月5日 (Chinese, Japanese, Korean)
    re: /(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]?/gu,
    needsMonth: false,
    read: (m) => [{ m: +m[2]!, d: +m[3]!, ...(m[1] ? { y: +m[1] } : {}) }],
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
// A prefilter only (no word bounds, no Unicode mode: much cheaper); the patterns below bound the names.
const HAS_MONTH = new RegExp(MONTH_ALTERNATION, 'i');
const HAS_NUMERIC_DATE = /\d[-/.]\d|(?:19|20)\d{6}|\d\s*[月월]/;

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
  if (ANY_TIME_CUE.test(text))
    for (const p of OTHER_LANGUAGE_TIMES) {
      if (!p.cue.test(text)) continue;
      p.re.lastIndex = 0;
      while ((m = p.re.exec(text)) !== null) {
        const minutes = p.read(m);
        if (minutes.length) out.push({ start: m.index, end: m.index + m[0].length, minutes });
      }
    }
  return out;
}

const PM_WORD = /^(?:tarde|noche|noite|pomeriggio|sera|notte|soir|apres|après|middag|avond|下午|晚上|傍晚|午後|오후)/i;
/** An hour and minutes → minutes after midnight, with the afternoon reading of 1–11 when no part of day is said. */
function clock(h: number, mi: number, pm: boolean | null): number[] {
  if (h > 23 || mi > 59) return [];
  if (pm === true && h >= 1 && h < 12) return [(h + 12) * 60 + mi];
  if (pm === false) return [(h === 12 ? 0 : h) * 60 + mi];
  return h >= 1 && h < 12 ? [h * 60 + mi, (h + 12) * 60 + mi] : [h * 60 + mi];
}

/**
 * Times as other languages write them (each pattern linear, anchored on letters of any script).
 * `cue`: a cheap test the text must pass first — most texts are English and the full Unicode
 * patterns would cost every text of every context.
 */
const OTHER_LANGUAGE_TIMES: { cue: RegExp; re: RegExp; read: (m: RegExpExecArray) => number[] }[] = [
  {
    // 20h30, 20 h, 8 Uhr, 20 heures, 8 horas
    cue: /\d\s*(?:h|uhr|heure|hora)/i,
    re: /\b(\d{1,2})(?::(\d{2}))?\s*(?:h|uhr|heures?|horas?)(?:\s*(\d{2}))?(?![\p{L}\d])/giu,
    read: (m) => clock(+m[1]!, +(m[2] ?? m[3] ?? 0), null),
  },
  {
    // 8 de la tarde, 8 da noite, 3 del pomeriggio, 9 du soir, 7 de la mañana
    cue: /\d\s+(?:de|da|del|della|di|du|in)\s/i,
    re: /\b(\d{1,2})(?::(\d{2}))?\s+(?:de la|da|del|della|di|du|in de)\s+(tarde|noche|noite|pomeriggio|sera|notte|soir|apres-midi|après-midi|middag|avond|mañana|manana|manhã|manha|mattina|matin|ochtend)(?!\p{L})/giu,
    read: (m) => clock(+m[1]!, +(m[2] ?? 0), PM_WORD.test(m[3]!)),
  },
  {
    // a las 8, alle 20, às 14, um 8, om 9, à 20
    cue: /(?:las|la|alle|às|as|à|um|om|vers)\s+\d/i,
    re: /(?<!\p{L})(?:a las|a la|alle|às|as|à|um|om|vers)\s+(\d{1,2})(?::(\d{2}))?(?![\d:])/giu,
    read: (m) => clock(+m[1]!, +(m[2] ?? 0), null),
  },
  {
    // 下午3点, 晚上8点半, 午後3時, 오후 3시 30분
    cue: /[点點時시]/,
    re: /(上午|早上|凌晨|中午|下午|晚上|傍晚|午前|午後|오전|오후)?\s*(\d{1,2})\s*[点點時시](?:\s*(\d{1,2})\s*[分분]|(半))?/gu,
    read: (m) => clock(+m[2]!, m[4] ? 30 : +(m[3] ?? 0), m[1] ? PM_WORD.test(m[1]) || (m[1] === '中午' ? null : false) : null),
  },
];

/** One test for all the cues: most texts pass none of them. */
const ANY_TIME_CUE = new RegExp(OTHER_LANGUAGE_TIMES.map((p) => p.cue.source).join('|'), 'i');

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
