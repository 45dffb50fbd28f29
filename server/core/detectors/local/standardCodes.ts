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
function symbolsOf(code: string): string[] {
  if (!/^[A-Za-z]{3}$/.test(code)) return [];
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
  return symbolsOf(value).some((s) => ctx.rawIncludes(s.toLowerCase()));
}
