// Numbers in folded text and in values: canonical keys for set lookups, number words and
// multipliers, the restated forms a number may take ("5 percent" → 0.05), loose numeric strings
// ("$1,200.00"), and the precision a literal is written with.

/**
 * Canonical key of a number for set lookups: sign-insensitive, 12 significant digits. A number,
 * not a string: set lookups and comparisons of keys allocate nothing.
 */
export function numberKey(value: number): number {
  const a = Math.abs(value);
  // integers are exact already; only fractions need rounding away float noise (0.1 * 3)
  if (Number.isInteger(a) && a < 1e15) return a;
  return Number(a.toPrecision(12));
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
/**
 * Number words of the languages users most often write in (Spanish, French, Portuguese, Italian,
 * German, Dutch, Russian), folded. Only the context reads them: "para dos personas" grounds
 * `guests: 2`. A word may stand for several numbers ("once" is 1 in English, 11 in Spanish), so
 * each maps to a list, and articles that double as "one" need no entry (1 is always grounded).
 */
const OTHER_LANGUAGE_NUMBER_WORDS: ReadonlyMap<string, number[]> = (() => {
  const lists: [string, number][] = [];
  const series = (words: string, from = 2): void =>
    words.split(' ').forEach((w, i) => {
      if (w !== '-') lists.push([w, from + i]);
    });
  // 2..20 in each language ("-" where the word is missing or ambiguous with a common word)
  series(
    'dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciseis diecisiete dieciocho diecinueve veinte',
  );
  series('deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt');
  series('dois tres quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove vinte');
  series(
    'due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove venti',
  );
  series(
    'zwei drei vier funf sechs sieben acht neun zehn elf zwolf dreizehn vierzehn funfzehn sechzehn siebzehn achtzehn neunzehn zwanzig',
  );
  series('twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien twintig');
  series('два три четыре пять шесть семь восемь девять десять');
  for (const [w, n] of [
    ['duas', 2],
    ['zwo', 2],
    ['двух', 2],
    ['трех', 3],
    ['трёх', 3],
    ['treinta', 30],
    ['cuarenta', 40],
    ['cincuenta', 50],
    ['cien', 100],
    ['ciento', 100],
    ['mil', 1000],
    ['trente', 30],
    ['quarante', 40],
    ['cinquante', 50],
    ['cent', 100],
    ['trinta', 30],
    ['quarenta', 40],
    ['cinquenta', 50],
    ['cem', 100],
    ['trenta', 30],
    ['quaranta', 40],
    ['cinquanta', 50],
    ['cento', 100],
    ['mille', 1000],
    ['dreissig', 30],
    ['vierzig', 40],
    ['funfzig', 50],
    ['hundert', 100],
    ['tausend', 1000],
  ] as [string, number][])
    lists.push([w, n]);
  const out = new Map<string, number[]>();
  for (const [w, n] of lists) {
    for (const form of new Set([w, w.replace(/-/g, ' ')])) {
      const l = out.get(form) ?? [];
      if (!l.includes(n)) l.push(n);
      out.set(form, l);
    }
  }
  return out;
})();

const CJK_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CJK_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000, 万: 10000, 萬: 10000 };
const CJK_NUMERAL = /[零〇一二两兩三四五六七八九十百千万萬]/;
const CJK_NUMERAL_RUN = /[零〇一二两兩三四五六七八九十百千万萬]+/g;

/** Numbers written in Chinese or Japanese numerals inside a run of text ("两张" → 2, "二十五" → 25). */
function cjkNumbers(text: string): number[] {
  const out: number[] = [];
  for (const run of text.match(CJK_NUMERAL_RUN) ?? []) {
    let total = 0;
    let section = 0;
    let digit = -1;
    for (const ch of run) {
      if (ch in CJK_DIGITS) {
        digit = CJK_DIGITS[ch]!;
        continue;
      }
      const unit = CJK_UNITS[ch]!;
      const d = digit < 0 ? 1 : digit; // "十五": ten needs no leading one
      if (unit === 10000) {
        total += (section + Math.max(digit, 0)) * unit;
        section = 0;
      } else section += d * unit;
      digit = -1;
    }
    out.push(total + section + Math.max(digit, 0));
  }
  return out;
}

const SI_FACTOR: Readonly<Record<string, number>> = { k: 1e3, m: 1e-3, μ: 1e-6, µ: 1e-6, u: 1e-6, n: 1e-9, p: 1e-12 };

/** Every word numbersInTokens reads a number from: one lookup passes over all other words. */
const NUMBER_READING_WORDS: ReadonlySet<string> = new Set([
  ...CALENDAR_WORDS.keys(),
  ...OTHER_LANGUAGE_NUMBER_WORDS.keys(),
  ...NUMBER_WORDS.keys(),
]);

/**
 * Every number a folded token stream mentions, with the forms a faithful restatement may take:
 * the number itself, "5 percent" → 0.05, "213 million" → 213000000, "two dozen" → 24,
 * "11 pm" → 23, and fractions below 1 as percentages (0.05 → 5).
 */
export function numbersInTokens(tokens: readonly string[], add: (value: number) => void): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let v = parseNumberToken(t);
    if (v === null && CJK_NUMERAL.test(t)) for (const n of cjkNumbers(t)) add(n);
    if (v === null) {
      if (!NUMBER_READING_WORDS.has(t)) continue;
      const cal = CALENDAR_WORDS.get(t);
      if (cal !== undefined) for (const c of cal) add(c);
      const other = OTHER_LANGUAGE_NUMBER_WORDS.get(t);
      if (other !== undefined) for (const n of other) add(n);
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
