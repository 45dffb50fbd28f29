// Standard codes a model writes for what the user named: "CN" for China, "fr" for French, "EUR"
// for euros. The names come from the runtime's own CLDR data (Intl.DisplayNames), in the languages
// users most often write in, so the rule holds for every country, language and currency — not a
// table tuned to any data set.
import type { ContextIndex } from './context';
import { fold, stem } from './normalize';

/** Languages whose names for regions, languages and currencies are looked up. */
const NAME_LOCALES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ru', 'zh', 'ja', 'ko', 'ar', 'hi', 'tr', 'pl', 'vi'];

type CodeKind = 'region' | 'language' | 'currency';

const namers = new Map<string, Intl.DisplayNames>();
function namer(locale: string, type: CodeKind): Intl.DisplayNames {
  const key = `${locale}|${type}`;
  let n = namers.get(key);
  if (!n) namers.set(key, (n = new Intl.DisplayNames([locale], { type, fallback: 'none' })));
  return n;
}

/** The kinds of code a value could be, by its shape ("CN" region or language, "EUR" currency). */
function kindsOf(code: string): CodeKind[] {
  if (/^[A-Za-z]{2}$/.test(code)) return ['region', 'language'];
  if (/^[A-Za-z]{3}$/.test(code)) return ['currency', 'language'];
  if (/^[a-z]{2}[-_][A-Za-z]{2}$/.test(code)) return ['language'];
  return [];
}

const namesCache = new Map<string, string[]>();
/** Folded names of a code in every looked-up language (empty when it is no known code). */
export function namesOfCode(code: string): string[] {
  const cached = namesCache.get(code);
  if (cached) return cached;
  const names = new Set<string>();
  for (const kind of kindsOf(code)) {
    const canonical = kind === 'language' ? code.replace('_', '-') : code.toUpperCase();
    for (const locale of NAME_LOCALES) {
      let name: string | undefined;
      try {
        name = namer(locale, kind).of(canonical);
      } catch {
        continue; // not a well-formed code of this kind
      }
      // DisplayNames echoes unknown codes back unless fallback is "none"; skip echoes anyway
      if (name && fold(name) !== fold(code)) names.add(fold(name));
    }
  }
  const out = [...names].filter((n) => n !== '');
  if (namesCache.size > 4096) namesCache.clear();
  namesCache.set(code, out);
  return out;
}

const UNSPACED_SCRIPT = /[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** Currency symbols of a code ("€" for EUR, "$" for USD), for text that writes "€50". */
const symbolsCache = new Map<string, string[]>();
function symbolsOf(code: string): string[] {
  if (!/^[A-Za-z]{3}$/.test(code)) return [];
  const upper = code.toUpperCase(); // at most 26³ entries
  const cached = symbolsCache.get(upper);
  if (cached) return cached;
  const found = currencySymbols(upper);
  symbolsCache.set(upper, found);
  return found;
}

function currencySymbols(code: string): string[] {
  const out = new Set<string>();
  for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
    try {
      const parts = new Intl.NumberFormat('en', { style: 'currency', currency: code.toUpperCase(), currencyDisplay }).formatToParts(1);
      const sym = parts.find((p) => p.type === 'currency')?.value;
      // a symbol that is only the code again, or letters, says nothing beyond the code
      if (sym && !/^[A-Za-z]+$/.test(sym)) out.add(sym);
    } catch {
      return [];
    }
  }
  return [...out];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
let codesByName: Map<string, string[]> | null = null;
/**
 * Folded name (in any looked-up language) → the region and language codes it names. Built once,
 * on first use, by asking CLDR for every two-letter code (a few tens of milliseconds).
 */
function codesNamed(folded: string): string[] {
  if (!codesByName) {
    codesByName = new Map();
    for (const a of LETTERS)
      for (const b of LETTERS) {
        const code = a + b;
        for (const name of namesOfCode(code)) {
          const list = codesByName.get(name) ?? [];
          list.push(code);
          codesByName.set(name, list);
        }
      }
  }
  return codesByName.get(folded) ?? [];
}

/**
 * Whether `value` names a country or language the context names in another language: "Germany"
 * after "Alemania", "English" after "inglés", "Japan" after "日本".
 */
export function nameGroundedAcrossLanguages(value: string, ctx: ContextIndex): boolean {
  const folded = fold(value);
  if (folded === '') return false;
  // names only: a bare two-letter code in the text ("in", "th" of "10th") is usually a word, not a code
  return codesNamed(folded).some((code) => standardCodeGrounded(code, ctx));
}

/**
 * Whether `value` is the standard code (ISO 3166 region, ISO 639 / BCP 47 language, ISO 4217
 * currency) of something the context names: its name in one of the common languages, as a
 * phrase, a stem ("euros" for "Euro"), inside text written without spaces, or as a currency symbol.
 */
export function standardCodeGrounded(value: string, ctx: ContextIndex): boolean {
  for (const name of namesOfCode(value)) {
    if (ctx.hasPhrase(name)) return true;
    // inside a run of letters only for scripts written without spaces ("中国" in "我想去中国")
    if (UNSPACED_SCRIPT.test(name) && ctx.foldedIncludes(name)) return true;
    if (!name.includes(' ') && ctx.stems.has(stem(name))) return true;
  }
  if (currencyNounsOf(value).some((w) => ctx.tokens.has(w))) return true;
  return symbolsOf(value).some((s) => ctx.rawIncludes(s.toLowerCase()));
}

/** Languages that put the noun first in a currency's name ("dólares estadounidenses"). */
const NOUN_FIRST = new Set(['es', 'fr', 'it', 'pt']);
const currencyNouns = new Map<string, string[]>();
/**
 * The nouns a currency's name is built on, singular and plural, in the looked-up Latin-script
 * languages: "dólares" and "dólar" for USD (and for every other dollar: a user who says "dólares"
 * grounds any of them), "euros", "Franken", "yen". From CLDR's names via Intl.NumberFormat.
 */
function currencyNounsOf(code: string): string[] {
  if (!/^[A-Za-z]{3}$/.test(code)) return [];
  const upper = code.toUpperCase();
  let out = currencyNouns.get(upper);
  if (out) return out;
  const words = new Set<string>();
  for (const locale of ['en', 'es', 'fr', 'it', 'pt', 'de', 'nl']) {
    for (const count of [1, 2]) {
      let name: string | undefined;
      try {
        const parts = new Intl.NumberFormat(locale, { style: 'currency', currency: upper, currencyDisplay: 'name' }).formatToParts(count);
        name = parts.find((p) => p.type === 'currency')?.value;
      } catch {
        return [];
      }
      const tokens = name
        ? fold(name)
            .split(' ')
            .filter((t) => t.length >= 3)
        : [];
      const noun = NOUN_FIRST.has(locale) ? tokens[0] : tokens.at(-1);
      // a code CLDR does not know comes back as the code itself
      if (noun && noun !== upper.toLowerCase()) words.add(noun);
    }
  }
  out = [...words];
  currencyNouns.set(upper, out);
  return out;
}
