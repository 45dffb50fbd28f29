// Dates the context names relative to a date it states: with "Today is 2025-06-01" in the system
// prompt, "tomorrow" is 2025-06-02, "next Monday" 2025-06-02, "last month" May 2025. A value or
// answer giving such a date restates the context rather than inventing it.

export interface YMD {
  y: number;
  m: number;
  d: number;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NEXT = new Set(['next', 'coming', 'following', 'upcoming']);
/**
 * Words of the languages users most often write in (folded), read as their English word: today /
 * tomorrow / yesterday, next / last before week and month ("próxima semana", "nächste Woche"), and
 * the weekdays from CLDR ("lunes", "Montag", "lundi").
 */
const RELATIVE_WORDS = (() => {
  const out = new Map<string, string>();
  const as = (english: string, words: string[]): void => words.forEach((w) => out.set(w, english));
  as('today', ['hoy', 'hoje', 'oggi', 'heute', 'vandaag', 'aujourdhui']);
  as('tomorrow', ['manana', 'amanha', 'domani', 'demain', 'morgen']);
  as('yesterday', ['ayer', 'ontem', 'ieri', 'hier', 'gestern', 'gisteren']);
  as('next', ['proxima', 'proximo', 'prochaine', 'prochain', 'nachste', 'nachsten', 'nachstes', 'prossima', 'prossimo', 'volgende']);
  as('last', ['pasada', 'pasado', 'passada', 'passado', 'derniere', 'dernier', 'letzte', 'letzten', 'scorsa', 'scorso', 'vorige']);
  as('week', ['semana', 'semaine', 'woche', 'settimana']);
  as('month', ['mes', 'mois', 'monat', 'mese', 'maand']);
  for (const locale of ['es', 'fr', 'de', 'it', 'pt', 'nl'])
    for (let d = 0; d < 7; d++) {
      // 2024-01-07 was a Sunday: day d of that week is WEEKDAYS[d]
      const name = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + d)));
      const folded = name
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .split(/[^a-z]+/)[0]!;
      if (folded.length > 3 && !out.has(folded)) out.set(folded, WEEKDAYS[d]!);
    }
  return out;
})();
const LAST = new Set(['last', 'past', 'previous']);

function toUtc(a: YMD): number {
  return Date.UTC(a.y, a.m - 1, a.d);
}
function dayKey(ms: number): string {
  const d = new Date(ms);
  return `ymd:${d.getUTCFullYear()}-${d.getUTCMonth() + 1}-${d.getUTCDate()}`;
}
function monthKey(y: number, m: number): string {
  const d = new Date(Date.UTC(y, m - 1, 1));
  return `ymrel:${d.getUTCFullYear()}-${d.getUTCMonth() + 1}`;
}

/**
 * Keys (`ymd:y-m-d` for days, `ymrel:y-m` for whole months) of the dates that the relative
 * expressions in `tokens` (folded) denote from each anchor date.
 */
export function relativeDateKeys(anchors: readonly YMD[], tokens: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (anchors.length === 0) return out;
  for (const a of anchors) {
    const base = toUtc(a);
    const addDays = (n: number): void => {
      out.add(dayKey(base + n * DAY_MS));
    };
    const weekday = new Date(base).getUTCDay();
    for (let i = 0; i < tokens.length; i++) {
      const t = RELATIVE_WORDS.get(tokens[i]!) ?? tokens[i]!;
      const prev = RELATIVE_WORDS.get(tokens[i - 1] ?? '') ?? tokens[i - 1] ?? '';
      switch (t) {
        case 'today':
        case 'tonight':
        case 'now':
          addDays(0);
          continue;
        case 'tomorrow':
          addDays(prev === 'after' ? 2 : 1);
          continue;
        case 'yesterday':
          addDays(prev === 'before' ? -2 : -1);
          continue;
        case 'week':
        case 'weekend': {
          // the days of that week (or weekend): "next week" is every day of the next 7–13
          const shift = NEXT.has(prev) ? 7 : LAST.has(prev) ? -7 : prev === 'this' ? 0 : null;
          if (shift === null) continue;
          const monday = -((weekday + 6) % 7);
          for (let k = 0; k < 7; k++) if (t === 'week' || k >= 5) addDays(monday + shift + k);
          continue;
        }
        case 'month': {
          const shift = NEXT.has(prev) ? 1 : LAST.has(prev) ? -1 : prev === 'this' ? 0 : null;
          if (shift !== null) out.add(monthKey(a.y, a.m + shift));
          continue;
        }
      }
      const wd = WEEKDAYS.indexOf(t.endsWith('s') ? t.slice(0, -1) : t);
      if (wd >= 0) {
        // "Monday", "next Monday", "last Monday": the nearest ones on either side
        const ahead = (wd - weekday + 7) % 7 || 7;
        addDays(ahead);
        addDays(ahead + 7);
        addDays(ahead - 7);
        if (wd === weekday) addDays(0);
        continue;
      }
      // "in 3 days", "3 days ago", "2 weeks from now"
      const n = Number(t);
      const unit = tokens[i + 1];
      if (Number.isInteger(n) && n > 0 && n < 1000 && unit !== undefined) {
        const factor = unit.startsWith('day') ? 1 : unit.startsWith('week') ? 7 : 0;
        if (factor === 0) continue;
        if (tokens[i + 2] === 'ago') addDays(-n * factor);
        else if (prev === 'in' || tokens[i + 2] === 'from' || tokens[i + 2] === 'later') addDays(n * factor);
      }
    }
  }
  return out;
}
