// Dates that cannot be checked. "Concerts next month" with no date anywhere in the conversation:
// the model must pick a concrete date from a "now" it was never shown, so any date it writes is
// unverifiable, not made up — absence of evidence is not a hallucination. The same holds for a
// parameter whose own description says its value is the current year or date. Once the context
// states a date (a system prompt's "Today is …"), relativeDates.ts checks the arithmetic instead.
import type { ContextIndex } from './context';
import { fold } from './normalize';
import type { SchemaNode } from './toolSchema';

/** Expressions of a time relative to now, in the languages users most often write in. */
// prettier-ignore
const RELATIVE_PHRASES = [
  // English
  'today', 'tonight', 'tomorrow', 'yesterday', 'now', 'currently', 'current', 'upcoming', 'recent', 'recently', 'next week',
  'next month', 'next year', 'next weekend', 'this week', 'this weekend', 'this month', 'this year', 'last week', 'last month',
  'last year', 'last weekend', 'coming week', 'coming month', 'coming weekend', 'past week', 'past month', 'past year',
  'days ago', 'weeks ago', 'months ago', 'years ago', 'in a week', 'in a month', 'monday', 'tuesday', 'wednesday', 'thursday',
  'friday', 'saturday', 'sunday',
  // Spanish, Portuguese, Italian, French, German, Dutch
  'hoy', 'manana', 'ayer', 'proxima semana', 'proximo mes', 'mes que viene', 'este ano', 'ano que viene', 'fin de semana',
  'hoje', 'amanha', 'ontem', 'proximo ano', 'este mes', 'oggi', 'domani', 'ieri', 'prossima settimana', 'mese prossimo',
  'quest anno', 'aujourd hui', 'demain', 'hier', 'semaine prochaine', 'mois prochain', 'cette annee', 'annee prochaine', 'heute',
  'morgen', 'gestern', 'nachste woche', 'nachsten monat', 'dieses jahr', 'nachstes jahr', 'wochenende', 'vandaag',
  'volgende week', 'volgende maand',
];
/** The same in scripts written without spaces (matched inside runs of letters). */
// prettier-ignore
const RELATIVE_UNSPACED = [
  '今天', '明天', '昨天', '后天', '下周', '下个月', '今年', '明年', '本周', '周末', '今日', '明日', '来週', '来月', '今週', '오늘', '내일', '어제', '다음 주', '다음 달',
  '올해', '내년', 'วันนี้', 'พรุ่งนี้',
];

const FOLDED = RELATIVE_PHRASES.map(fold);

const cache = new WeakMap<ContextIndex, boolean>();

/** Whether the context speaks of a time relative to now and states no date to anchor it. */
export function unanchoredRelativeTime(ctx: ContextIndex): boolean {
  let known = cache.get(ctx);
  if (known === undefined) {
    known =
      ctx.fullDates.length === 0 && (FOLDED.some((p) => ctx.hasPhrase(p)) || RELATIVE_UNSPACED.some((p) => ctx.foldedIncludes(fold(p))));
    cache.set(ctx, known);
  }
  return known;
}

const CURRENT_TIME = /\b(?:current|today'?s?|this|present)\s+(?:year|date|day|month|time)\b|\bdefaults? to (?:today|now)\b|\bnow\b/i;

/** Whether a parameter's own description says its value is the current year, date or time. */
export function describesCurrentTime(schema: SchemaNode | null): boolean {
  const d = schema?.['description'];
  return typeof d === 'string' && CURRENT_TIME.test(d);
}

/** A year a value may plausibly give for "now" (a calendar year of the present era). */
export function isPresentEraYear(n: number): boolean {
  return Number.isInteger(n) && n >= 1990 && n <= 2100;
}

/**
 * A year for "now" that nothing in the conversation pins down: the parameter's description says
 * it is the current year, or the user speaks of this/next year, and no date is stated anywhere.
 */
export function unverifiableYear(n: number, schema: SchemaNode | null, ctx: ContextIndex): boolean {
  if (!isPresentEraYear(n) || ctx.fullDates.length > 0) return false;
  const aboutYears = typeof schema?.['description'] === 'string' && /year/i.test(schema['description']);
  return describesCurrentTime(schema) || (aboutYears && unanchoredRelativeTime(ctx));
}

/** A date value the conversation cannot confirm or refute (a relative "next month" with no date stated). */
export function unverifiableDate(schema: SchemaNode | null, ctx: ContextIndex, paramName: string | null): boolean {
  if (ctx.fullDates.length > 0) return false;
  // only where a date belongs: a date written into a ticker symbol is made up, whatever "now" is
  const description = typeof schema?.['description'] === 'string' ? schema['description'] : '';
  if (!TEMPORAL_PARAMETER.test(`${paramName ?? ''} ${description} ${String(schema?.['format'] ?? '')}`)) return false;
  return unanchoredRelativeTime(ctx) || describesCurrentTime(schema);
}

const TEMPORAL_PARAMETER = /date|time|day|week|month|year|when|period|frame|schedule|deadline|start|end|since|until/i;
