// What one source text contributes to a context: folded once for phrase lookups; tokens, stems,
// numbers (and their restated forms), dates, times, phone digits, abbreviation groups, initials
// worked out on first use. Texts are cached, so a system prompt or tool list shared by many
// conversations is indexed once.
import { findGroupPhrases, findUnspacedGroupPhrases } from './equivalences';
import { dateKeys, extractDates, extractTimes } from './datesAndTimes';
import { fold, stem } from './normalize';
import { numberKey, numbersInTokens } from './numbers';
import type { YMD } from './relativeDates';
import { deletionsOf, hasUnspacedScript } from './restatements';

/**
 * What one source text contributes. Folding happens at once (every lookup needs it); tokens,
 * numbers, dates, times, phone digits and abbreviation groups are worked out on first use, as
 * most calls ask for only some of them. Cached per text (see cachedIndexText).
 */
export class TextIndex {
  /** ' ' + folded + ' ' */
  readonly padded: string;
  readonly rawLower: string;
  private tokenListCache?: string[];
  private tokenSet?: Set<string>;
  private stemSet?: Set<string>;
  private joinedSet?: Set<string>;
  private numberSet?: Set<number>;
  private numberList?: number[];
  private dateSet?: Set<string>;
  private fullDateList?: YMD[];
  private timeSet?: Set<number>;
  private phones?: string[];
  private groupSet?: Set<number>;
  private initialSet?: Set<string>;
  private prefixSet?: Set<string>;
  private deletionSet?: Set<string>;

  constructor(readonly source: string) {
    const f = fold(source);
    this.padded = ' ' + f + ' ';
    this.rawLower = source.toLowerCase();
  }

  get tokenList(): string[] {
    return (this.tokenListCache ??= this.padded.length <= 2 ? [] : this.padded.slice(1, -1).split(' '));
  }
  get tokens(): Set<string> {
    return (this.tokenSet ??= new Set(this.tokenList));
  }
  get stems(): Set<string> {
    if (!this.stemSet) {
      this.stemSet = new Set();
      for (const t of this.tokenList) this.stemSet.add(stem(t));
    }
    return this.stemSet;
  }
  get joined(): Set<string> {
    if (!this.joinedSet) {
      this.joinedSet = new Set();
      const l = this.tokenList;
      for (let i = 0; i + 1 < l.length; i++) this.joinedSet.add(l[i]! + l[i + 1]!);
    }
    return this.joinedSet;
  }
  get numbers(): Set<number> {
    if (!this.numberSet) this.readNumbers();
    return this.numberSet!;
  }
  get numberValues(): number[] {
    if (!this.numberList) this.readNumbers();
    return this.numberList!;
  }
  get dates(): Set<string> {
    if (!this.dateSet) this.readDates();
    return this.dateSet!;
  }
  /** Unambiguous full dates (anchors for "tomorrow", "next week"). */
  get fullDates(): YMD[] {
    if (!this.fullDateList) this.readDates();
    return this.fullDateList!;
  }
  private readDates(): void {
    this.dateSet = new Set();
    this.fullDateList = [];
    for (const d of extractDates(this.source)) {
      for (const r of d.readings) for (const k of dateKeys(r)) this.dateSet.add(k);
      const r = d.readings[0]!;
      if (d.readings.length === 1 && r.y !== undefined && r.d !== undefined) this.fullDateList.push({ y: r.y, m: r.m, d: r.d });
    }
  }
  get times(): Set<number> {
    if (!this.timeSet) {
      this.timeSet = new Set();
      for (const t of extractTimes(this.source)) for (const mi of t.minutes) this.timeSet.add(mi);
    }
    return this.timeSet;
  }
  get phoneDigits(): string[] {
    if (!this.phones) {
      this.phones = [];
      PHONE_RUN.lastIndex = 0;
      for (let m: RegExpExecArray | null; (m = PHONE_RUN.exec(this.source)) !== null;) {
        const digits = m[0].replace(/\D/g, '');
        if (digits.length >= 7) this.phones.push(digits);
      }
    }
    return this.phones;
  }
  /** Initials of 2–5 consecutive words ("golden state warriors" → "gsw"): what abbreviations stand for. */
  get initials(): Set<string> {
    if (!this.initialSet) {
      this.initialSet = new Set();
      const l = this.tokenList;
      for (let i = 0; i < l.length; i++) {
        let acc = '';
        for (let k = i; k < l.length && k < i + 5; k++) {
          const c = l[k]!.charCodeAt(0);
          if (c >= 48 && c <= 57) break;
          acc += l[k]![0];
          if (acc.length >= 2) this.initialSet.add(acc);
        }
      }
    }
    return this.initialSet;
  }
  /** The first 3 and 4 letters of longer words ("dec" of "december"): what shortened words stand for. */
  get prefixes(): Set<string> {
    if (!this.prefixSet) {
      this.prefixSet = new Set();
      for (const t of this.tokenList) {
        if (t.length >= 5 && !/\d/.test(t)) {
          this.prefixSet.add(t.slice(0, 3));
          this.prefixSet.add(t.slice(0, 4));
        }
      }
    }
    return this.prefixSet;
  }
  /** One-letter deletions of the longer words (typo tolerance, see restatements.ts). */
  get deletions(): Set<string> {
    if (!this.deletionSet) {
      const set = new Set<string>();
      for (const t of this.tokens) deletionsOf(t, (d) => set.add(d));
      this.deletionSet = set;
    }
    return this.deletionSet;
  }
  get groups(): Set<number> {
    if (!this.groupSet) {
      // short abbreviations count only where written in capitals ("IN", not "in")
      const abbrevs = new Set<string>();
      SHORT_CAPS.lastIndex = 0;
      for (let a: RegExpExecArray | null; (a = SHORT_CAPS.exec(this.source)) !== null;) abbrevs.add(a[0].toLowerCase());
      this.groupSet = new Set();
      for (const g of findGroupPhrases(this.tokenList, (t) => abbrevs.has(t))) for (const id of g.groups) this.groupSet.add(id);
      // in scripts written without spaces a phrase sits inside a longer run of letters
      if (hasUnspacedScript(this.source)) for (const g of findUnspacedGroupPhrases(this.padded)) this.groupSet.add(g);
    }
    return this.groupSet;
  }

  private readNumbers(): void {
    const numbers = new Set<number>();
    const values: number[] = [];
    const add = (v: number): void => {
      if (!Number.isFinite(v)) return;
      const key = numberKey(v);
      if (numbers.has(key)) return;
      numbers.add(key);
      values.push(Math.abs(v));
    };
    numbersInTokens(this.tokenList, add);
    // "1,000" / "1.234,5": fold splits on commas, so read grouped numbers from the raw text
    const raw = this.source;
    RAW_NUMBER.lastIndex = 0;
    for (let m: RegExpExecArray | null; (m = RAW_NUMBER.exec(raw)) !== null;) {
      for (const v of groupedReadings(m[0])) {
        add(v);
        const suffix = NUMBER_SUFFIX.exec(raw.slice(m.index + m[0].length, m.index + m[0].length + 12));
        if (suffix) {
          const sfx = suffix[1]!.toLowerCase();
          if (sfx === '%' || sfx.startsWith('per')) add(v / 100);
          else add(v * (SUFFIX_FACTORS[sfx] ?? 1));
        }
      }
    }
    // 5'11" (feet and inches) is also 71 inches; a year range "2018-2019" is also "18-19"
    if (raw.includes("'")) for (const m of raw.matchAll(FEET_INCHES)) add(Number(m[1]) * 12 + Number(m[2]));
    this.numberSet = numbers;
    this.numberList = values;
  }
}

const FEET_INCHES = /(?<![\d.])(\d{1,2})\s*(?:'|’|ft)\s*(\d{1,2})\s*(?:"|”|''|in\b)/g;

/** A membership test over what a context contains. */

// starts only where a digit run starts: a long digit run is scanned once, not once per digit
const RAW_NUMBER = /(?<!\d)\d+(?:[.,]\d+)+/g;
const NUMBER_SUFFIX = /^\s?(%|percent|per cent|million|billion|thousand|trillion|k\b|m\b|bn\b|mn\b)/i;
const PHONE_RUN = /\+?\(?\d[\d\s().-]{5,30}\d/g;
const SHORT_CAPS = /\b[A-Z]{1,3}\b/g;

// Indexed texts, keyed by the text itself: a conversation judged message by message, a system
// prompt or tool list shared by many conversations, is indexed once. Bounded; oldest go first.
const TEXT_CACHE_LIMIT = 512;
const MAX_CACHED_TEXT = 32_000;
const textCache = new Map<string, TextIndex>();

export function cachedIndexText(raw: string): TextIndex {
  const hit = textCache.get(raw);
  if (hit !== undefined) return hit;
  const info = new TextIndex(raw);
  if (raw.length <= MAX_CACHED_TEXT) {
    if (textCache.size >= TEXT_CACHE_LIMIT) textCache.delete(textCache.keys().next().value!);
    textCache.set(raw, info);
  }
  return info;
}

const SUFFIX_FACTORS: Readonly<Record<string, number>> = {
  million: 1e6,
  billion: 1e9,
  thousand: 1e3,
  trillion: 1e12,
  k: 1e3,
  m: 1e6,
  bn: 1e9,
  mn: 1e6,
};

/** Readings of "1,000", "1,234.5", "1.234,5", "3,5": thousands separators or a decimal comma. */
function groupedReadings(s: string): number[] {
  const out: number[] = [];
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) out.push(Number(s.replace(/,/g, '')));
  else if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) out.push(Number(s.replace(/\./g, '').replace(',', '.')));
  else if (/^\d+,\d{1,2}$/.test(s)) out.push(Number(s.replace(',', '.')));
  return out;
}
