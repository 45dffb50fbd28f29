// Is an argument value supported by what came before the call? Strings are matched as folded
// phrases, then as numbers/dates/URLs, then token by token with qualifier tolerance ("Tel Aviv,
// Israel" extends the grounded "Tel Aviv"); numbers through the context's number set.
import type { ContextIndex } from './context';
import { findGroupPhrases } from './equivalences';
import { dateKeys, extractDates, extractTimes } from './datesAndTimes';
import { fold, stem } from './normalize';
import { numberKey, parseLooseNumber, parseNumberToken } from './numbers';
import { normalizeUrl } from './urlsAndEmails';
import { enumOf, type SchemaNode } from './toolSchema';
import { isCommonStem, isStopword } from './words';
import {
  abbreviationGrounded,
  arithmeticGrounded,
  capitalisedTokens,
  templateFillings,
  typoGrounded,
  unspacedGrounded,
} from './restatements';
import type { YMD } from './relativeDates';
import { isVocabularyOption } from './vocabularies';
import { regionOfGroundedPlace } from './regions';
import { isCodeWord } from './words';
import { nameGroundedAcrossLanguages, standardCodeGrounded } from './standardCodes';
import { unverifiableDate, unverifiableYear } from './unanchoredTime';

export type Verdict =
  | { grounded: true; /** long free text: check the specifics inside instead */ freeText?: boolean }
  | { grounded: false; confidence: number; /** the part of the value that was not found, if not all */ missing?: string };

const OK: Verdict = { grounded: true };

/** Numbers a value may carry without a source: 0 and 1 are defaults, flags, identities. */
function trivialNumber(n: number): boolean {
  return n === 0 || n === 1 || n === -1;
}

export function numberGrounded(n: number, ctx: ContextIndex): boolean {
  return trivialNumber(n) || ctx.numbers.has(numberKey(n));
}

export function groundNumber(n: number, schema: SchemaNode | null, ctx: ContextIndex): Verdict {
  if (numberGrounded(n, ctx) || inSchemaLiterals(n, schema) || arithmeticGrounded(n, ctx)) return OK;
  if (unverifiableYear(n, schema, ctx)) return OK;
  // Small integers are often implied ("a pair", "both"); be less sure about them.
  const small = Number.isInteger(n) && Math.abs(n) < 10;
  return { grounded: false, confidence: small ? 0.7 : 0.9 };
}

/** enum member, default, const or example of this very parameter (folded comparison for strings) */
export function inSchemaLiterals(v: unknown, schema: SchemaNode | null): boolean {
  if (schema === null) return false;
  const lits: unknown[] = [];
  const e = enumOf(schema);
  if (e) lits.push(...e);
  if ('default' in schema) lits.push(schema['default']);
  const ex = schema['examples'];
  if (Array.isArray(ex)) lits.push(...ex);
  if (lits.length === 0) return false;
  if (typeof v === 'string') {
    const f = fold(v);
    return lits.some((l) => (typeof l === 'string' || typeof l === 'number') && fold(String(l)) === f);
  }
  if (typeof v === 'number') return lits.some((l) => l === v || (typeof l === 'string' && Number(l) === v));
  return false;
}

const CAMEL = /[a-z\d][A-Z]/;

/** A season or span of years: "2018-19", "18-19", "2018/2019". */
const YEAR_RANGE = /^((?:19|20)?\d{2})\s*[-/–]\s*((?:19|20)?\d{2})$/;

/** Two values joined as a range: "2024-05-01 to 2024-05-03", "May 1 - May 3". */
const RANGE = /^(.+?)\s*(?:\bto\b|\buntil\b|\bthrough\b|\s[-–—]\s|–|—|\/(?=\d{4}-))\s*(.+)$/i;

/** "June 5, 2023 at 3pm", "2023-06-05 15:00": a date followed by a time, and nothing else. */
function dateThenTime(v: string): { day: string[][]; minutes: number[] } | null {
  const ds = extractDates(v);
  const ts = extractTimes(v);
  if (ds.length !== 1 || ts.length !== 1) return null;
  const d = ds[0]!;
  const t = ts[0]!;
  if (d.start !== 0 || t.start < d.end) return null;
  const between = v.slice(d.end, t.start).replace(/[\s,T]|\bat\b/gi, '');
  if (between !== '' || v.slice(t.end).trim() !== '') return null;
  return { day: d.readings.map(dateKeys), minutes: t.minutes };
}

/**
 * The conventional placeholder of a path the user did not give ("/path/to/images",
 * "C:\\path\\to\\file"): "path/to" claims no location; what follows must still be grounded.
 */
const PLACEHOLDER_PATH = /^(?:[a-z]:)?[\\/]?path[\\/]to[\\/](?=[^\\/\s])/i;

const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Content tokens beyond which a string is composed text (a message body), not a name or key. */
const FREE_TEXT_TOKENS = 8;

export function groundString(value: string, schema: SchemaNode | null, ctx: ContextIndex, paramName: string | null = null): Verdict {
  const v = value.trim();
  if (v === '') return OK;
  if (inSchemaLiterals(v, schema)) return OK;
  const f = fold(v);
  // Punctuation only (">", "*"): nothing specific to be made up.
  if (f === '') return OK;
  if (ctx.hasPhrase(f) || unspacedGrounded(f, ctx)) return OK;
  if (isVocabularyOption(v, paramName, schema && typeof schema['description'] === 'string' ? schema['description'] : null)) return OK;
  const placeholder = PLACEHOLDER_PATH.exec(v);
  if (placeholder) return groundString(v.slice(placeholder[0].length), null, ctx);
  const filled = schema && typeof schema['description'] === 'string' ? templateFillings(v, schema['description']) : null;
  if (filled && filled.every((part) => groundString(part, null, ctx).grounded)) return OK;

  const nums = parseLooseNumber(v);
  if (nums) {
    // a number written as a word ("five") needs the number itself in the context
    const word = /^[a-z]+$/i.test(v);
    const ok = nums.some((n) => (word ? ctx.numbers.has(numberKey(n)) : numberGrounded(n, ctx)));
    return ok || nums.some((n) => arithmeticGrounded(n, ctx) || unverifiableYear(n, schema, ctx))
      ? OK
      : { grounded: false, confidence: word ? 0.6 : 0.85 };
  }

  const dt = ISO_DATETIME.exec(v);
  if (dt) {
    // "2025-06-02T15:00:00": the day and (unless midnight) the time must both be grounded
    const day = wholeDate(dt[1]!);
    const minutes = Number(dt[2]) * 60 + Number(dt[3]);
    const dayOk = (day !== null && day.some((keys) => dateGrounded(keys, ctx))) || unverifiableDate(schema, ctx, paramName);
    const timeOk = minutes === 0 || ctx.times.has(minutes);
    return dayOk && timeOk
      ? OK
      : { grounded: false, confidence: 0.75, ...(dayOk ? { missing: `${dt[2]}:${dt[3]}` } : timeOk ? { missing: dt[1]! } : {}) };
  }
  const date = wholeDate(v);
  if (date)
    return date.some((keys) => dateGrounded(keys, ctx)) || unverifiableDate(schema, ctx, paramName)
      ? OK
      : { grounded: false, confidence: 0.8 };
  const dated = dateThenTime(v);
  if (dated) {
    const dayOk = dated.day.some((keys) => dateGrounded(keys, ctx)) || unverifiableDate(schema, ctx, paramName);
    const timeOk = dated.minutes.some((m) => m === 0 || ctx.times.has(m));
    return dayOk && timeOk ? OK : { grounded: false, confidence: 0.75 };
  }
  const years = YEAR_RANGE.exec(v);
  if (years) {
    // "18-19" for the 2018-2019 season: each year, its century supplied, said in the context
    const full = [years[1]!, years[2]!].map((y) => (y.length === 4 ? Number(y) : [1900, 2000].map((c) => c + Number(y))));
    const said = (y: number | number[]): boolean => (Array.isArray(y) ? y : [y]).some((x) => ctx.numbers.has(numberKey(x)));
    if (full.every(said)) return OK;
  }
  const range = RANGE.exec(v);
  if (range) {
    const a = wholeDate(range[1]!) ?? null;
    const b = wholeDate(range[2]!) ?? null;
    // a date range in one value: each end grounded (the end may be the start plus a stated length)
    if (a && b) {
      if (unverifiableDate(schema, ctx, paramName)) return OK;
      return a.some((k) => dateGrounded(k, ctx)) && b.some((k) => dateGrounded(k, ctx)) ? OK : { grounded: false, confidence: 0.75 };
    }
  }
  const time = wholeTime(v);
  if (time) return time.some((m) => ctx.times.has(m)) ? OK : { grounded: false, confidence: 0.75 };

  if (standardCodeGrounded(v, ctx) || nameGroundedAcrossLanguages(v, ctx)) return OK;
  if (initialOfOffered(v, schema, ctx)) return OK;
  if (/^[^\s@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(v)) {
    return ctx.rawIncludes(v.toLowerCase()) ? OK : { grounded: false, confidence: 0.9 };
  }
  if (/^(?:https?:\/\/|www\.)\S+$/i.test(v)) {
    return ctx.rawIncludes(normalizeUrl(v)) ? OK : { grounded: false, confidence: 0.85 };
  }
  return groundTokens(v, ctx);
}

/**
 * A single letter standing for one of the options the parameter's own description offers, when
 * the context picks that option: "F" for "between thinking and feeling" after "more feeling".
 */
function initialOfOffered(v: string, schema: SchemaNode | null, ctx: ContextIndex): boolean {
  if (!/^[A-Za-z]$/.test(v)) return false;
  const description = typeof schema?.['description'] === 'string' ? fold(schema['description']) : '';
  const letter = v.toLowerCase();
  return description.split(' ').some((w) => w.length > 2 && w[0] === letter && !isStopword(w) && ctx.tokens.has(w));
}

/** Readings (as context keys) of a value that is a date and nothing else, else null. */
function wholeDate(v: string): string[][] | null {
  const ds = extractDates(v);
  if (ds.length !== 1) return null;
  const d = ds[0]!;
  if (d.start > 0 || v.slice(d.end).replace(/[\s.,]/g, '') !== '') return null;
  return d.readings.map(dateKeys);
}

export function dateGrounded(keys: string[], ctx: ContextIndex): boolean {
  // the most specific key decides: y-m-d, else m-d (+ the year said anywhere), else y-m;
  // a date the context names relatively ("tomorrow", "last month") counts as named
  const ymd = keys.find((k) => k.startsWith('ymd:'));
  if (ymd) {
    if (ctx.dates.has(ymd)) return true;
    const [y, m, d] = ymd.slice(4).split('-');
    // the day and month stated, the year left implicit ("20th June" → 2023-06-20): the model
    // supplied the year the conversation leaves open
    if (ctx.dates.has(`md:${m}-${d}`)) return true;
    // a month and year stand for its first day
    if (Number(d) === 1 && ctx.dates.has(`ym:${y}-${m}`)) return true;
    const rel = ctx.relativeDates;
    if (rel.has(ymd) || rel.has(`ymrel:${y}-${m}`)) return true;
    return dateArithmetic({ y: Number(y), m: Number(m), d: Number(d) }, ctx);
  }
  const md = keys.find((k) => k.startsWith('md:'));
  if (md) {
    if (ctx.dates.has(md)) return true;
    for (const k of ctx.relativeDates.keys()) if (k.startsWith('ymd:') && k.endsWith(`-${md.slice(3)}`)) return true;
    return false;
  }
  if (keys.some((k) => ctx.dates.has(k))) return true;
  return keys.some((k) => k.startsWith('ym:') && ctx.relativeDates.has('ymrel:' + k.slice(3)));
}

const DAY_MS = 86_400_000;
/**
 * A date a stated number of days (or weeks) from a date the context states: "3 nights from
 * June 1" ends June 4, "two weeks after May 3" is May 17.
 */
function dateArithmetic(day: YMD, ctx: ContextIndex): boolean {
  const t = Date.UTC(day.y, day.m - 1, day.d);
  for (const a of ctx.fullDates) {
    const diff = Math.abs(Math.round((t - Date.UTC(a.y, a.m - 1, a.d)) / DAY_MS));
    if (diff === 0 || diff > 400) continue;
    if (ctx.numbers.has(numberKey(diff)) || (diff % 7 === 0 && ctx.numbers.has(numberKey(diff / 7)))) return true;
  }
  return false;
}

function wholeTime(v: string): number[] | null {
  const ts = extractTimes(v);
  if (ts.length !== 1) return null;
  const t = ts[0]!;
  if (t.start > 0 || t.end < v.trim().length) return null;
  return t.minutes;
}

const NONE: ReadonlySet<string> = new Set();

export interface TokenAnalysis {
  content: number;
  grounded: number;
  /** tokens that are neither in the context nor ordinary words */
  hard: string[];
  soft: number;
}

/** Runs of 2–5 capitalised tokens whose initials are a context token or joined pair ("l a" → "la"). */
function initialsRuns(tokens: readonly string[], capitalised: ReadonlySet<string>, ctx: ContextIndex): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < tokens.length; i++) {
    let initials = '';
    for (let k = i; k < tokens.length && k < i + 5 && capitalised.has(tokens[k]!); k++) {
      initials += tokens[k]![0];
      if (initials.length >= 2 && (ctx.tokens.has(initials) || ctx.joined.has(initials))) out.push([i, k + 1]);
    }
  }
  return out;
}

/**
 * Content tokens of a value against the context. `capitalised` (the value's own capitalised
 * tokens) enables abbreviations; `value` marks an argument value, where a corrected typo and code
 * syntax are restatements too (answer text keeps the stricter reading).
 */
export function analyse(
  tokens: readonly string[],
  ctx: ContextIndex,
  capitalised: ReadonlySet<string> = NONE,
  code = false,
  value = false,
): TokenAnalysis {
  const res: TokenAnalysis = { content: 0, grounded: 0, hard: [], soft: 0 };
  const viaGroup = new Set<number>();
  for (const g of findGroupPhrases(tokens, () => true)) {
    if (g.groups.some((id) => ctx.groups.has(id))) for (let k = g.start; k < g.end; k++) viaGroup.add(k);
  }
  // capitalised words whose initials the context writes as an abbreviation ("Los Angeles" for "L.A.")
  if (capitalised.size >= 2)
    for (const [start, end] of initialsRuns(tokens, capitalised, ctx)) for (let k = start; k < end; k++) viaGroup.add(k);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isStopword(t)) continue;
    res.content++;
    const num = parseNumberToken(t);
    let ok: boolean;
    if (num !== null) ok = numberGrounded(num, ctx);
    else
      ok =
        ctx.tokens.has(t) ||
        ctx.stems.has(stem(t)) ||
        viaGroup.has(i) ||
        ctx.joined.has(t) ||
        (i + 1 < tokens.length && ctx.tokens.has(t + tokens[i + 1])) ||
        (i > 0 && ctx.tokens.has(tokens[i - 1] + t)) ||
        unspacedGrounded(t, ctx) ||
        (code && isCodeWord(t)) ||
        abbreviationGrounded(t, capitalised.has(t), ctx) ||
        (value && typoGrounded(t, ctx));
    if (ok) res.grounded++;
    else if (num === null && (t.length === 1 || isCommonStem(stem(t)))) res.soft++;
    else res.hard.push(t);
  }
  return res;
}

/**
 * Split "Tel Aviv, Israel" / "Springfield (Illinois)" into the specific part and its qualifiers.
 * In a path-like "Europe/London" the specific part comes last.
 */
function splitQualifiers(v: string): { head: string; qualifiers: string[] } {
  const parts = v.split(/\s*[,;(){}[\]]\s*|\s+[-–—]\s+/).filter((p) => p.trim() !== '');
  if (parts.length === 1 && /^[^\s/]+(?:\/[^\s/]+)+$/.test(v)) {
    const segs = v.split('/');
    return { head: segs[segs.length - 1]!, qualifiers: segs.slice(0, -1) };
  }
  return { head: parts[0] ?? '', qualifiers: parts.slice(1) };
}

/** A qualifier that reads as a place/organisation name or code: "Israel", "NY", "United Kingdom". */
function properLooking(q: string): boolean {
  const words = q.trim().split(/\s+/);
  if (words.length === 0 || words.length > 4) return false;
  return words.every((w) => /^(?:[A-Z][\p{L}'’.-]*|[A-Z]{2,4}\.?|(?:[A-Z]\.){1,3}|of|the|and|de|del|da|di)$/u.test(w));
}

/** A value written as code or a command line: call syntax, operators, a path, a redirection. */
const CODE_LIKE = /[()=<>|\\]|\*\*|::|^\s*[a-z]+\s+(?:-{1,2}\w|[./~])/;

function groundTokens(v: string, ctx: ContextIndex): Verdict {
  const verdict = groundTokensLiterally(v, ctx);
  // an identifier in camelCase or PascalCase is words run together ("getConcurrency")
  if (!verdict.grounded && CAMEL.test(v)) {
    const split = groundTokensLiterally(v.replace(/([a-z\d])([A-Z])/g, '$1 $2'), ctx);
    if (split.grounded) return split;
  }
  // the region of a place the context names ("California" for San Francisco)
  if (!verdict.grounded && regionOfGroundedPlace(v, ctx)) return OK;
  return verdict;
}

function groundTokensLiterally(v: string, ctx: ContextIndex): Verdict {
  const f = fold(v);
  const caps = capitalisedTokens(v);
  // In code or a command line the model composed, the language's own words (a command name, a
  // keyword, a builtin) are syntax, not specifics: what it operates on must still be grounded.
  const code = CODE_LIKE.test(v);
  const tokens = f.split(' ');
  // the content words decide the first branches; their analysis is needed only past the qualifiers
  let content = 0;
  for (const t of tokens) if (!isStopword(t)) content++;
  if (content === 0) {
    // Only stopwords — unless it is a code written in capitals ("US", "IT", "OR"), which names something.
    if (
      !/^[A-Z]{2,4}$/.test(v) ||
      ctx.tokens.has(f) ||
      findGroupPhrases([f], () => true).some((g) => g.groups.some((id) => ctx.groups.has(id)))
    )
      return OK;
    return { grounded: false, confidence: 0.6 };
  }
  if (content >= FREE_TEXT_TOKENS) return { grounded: true, freeText: true };

  const { head, qualifiers } = splitQualifiers(v);
  if (qualifiers.length > 0) {
    // The head is the specific part ("Central Park" in "Central Park, NY"): it must be grounded
    // itself; a grounded qualifier does not vouch for it.
    const fh = fold(head);
    const h = analyse(fh.split(' '), ctx, caps, code, true);
    if ((h.grounded > 0 && h.hard.length === 0) || (fh !== '' && ctx.hasPhrase(fh))) {
      // a grounded head extended by place/organisation qualifiers: a fuller form of what was said
      // (a proper-looking qualifier passes whatever its words: tested first, analysis costs more)
      const badQualifier = qualifiers.find((q) => !properLooking(q) && analyse(fold(q).split(' '), ctx, caps, code, true).hard.length > 0);
      if (badQualifier === undefined) return OK;
      return { grounded: false, confidence: 0.55, missing: badQualifier };
    }
    if (h.content > 0) {
      if (h.grounded === 0) return { grounded: false, confidence: h.hard.length > 0 ? 0.85 : 0.6, missing: head };
      return { grounded: false, confidence: 0.6, missing: h.hard.join(' ') };
    }
  }
  const all = analyse(tokens, ctx, caps, code, true);
  if (all.hard.length === 0 && all.grounded > 0) return OK;
  // A longer value (a search query, a title) that mostly restates the context may add a word or
  // two of its own ("2022 World Cup final winner"); an added number is still a specific.
  if (all.content >= 4 && all.grounded >= 0.75 * all.content && all.hard.every((t) => parseNumberToken(t) === null)) return OK;
  if (all.grounded === 0) return { grounded: false, confidence: all.hard.length > 0 ? 0.85 : 0.5 };
  // A name the context gives, written in full: a grounded capitalised word completed by other
  // capitalised words ("Lionel Messi" for "Messi", "FC Barcelona" for "Barcelona").
  if (
    all.hard.length <= 2 &&
    all.content <= 4 &&
    all.hard.every((t) => caps.has(t) && parseNumberToken(t) === null) &&
    f.split(' ').some((t) => caps.has(t) && t.length >= 3 && ctx.tokens.has(t))
  )
    return OK;
  // partly grounded: some specific word was added
  return { grounded: false, confidence: 0.6, missing: all.hard.join(' ') };
}
