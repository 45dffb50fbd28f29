// Number, duration, money and date formatting shared by the views and the exports. Fixed to
// en-US so that exports and tests are stable wherever they are produced.

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 0 });
const dec2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

export const DASH = '—';

export function formatInt(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : intFormat.format(value);
}

export function formatDecimal(value: number | null | undefined, digits: 1 | 2 = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return (digits === 1 ? dec1 : dec2).format(value);
}

/** 0.1234 → "12.3%"; exact 0 and 1 without decimals. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  const pct = rate * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  return `${pct.toFixed(1)}%`;
}

/** 850 → "850 ms", 1240 → "1.24 s", 125000 → "2m 05s", 7_300_000 → "2h 01m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Compact counts for axes and cells: 950, 1.2k, 34k, 1.5M. */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  if (abs < 1000) return abs < 10 && !Number.isInteger(value) ? value.toFixed(1) : String(Math.round(value));
  if (abs < 1_000_000) return `${(value / 1000).toFixed(abs < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(abs < 10_000_000 ? 1 : 0)}M`;
}

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${money.format(value)}`;
}

/** "2025-11-21 23:41" in the viewer's time zone (or UTC when asked). */
export function formatDateTime(iso: string | null | undefined, utc = false): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return utc
    ? `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`
    : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatInt(count)} ${count === 1 ? one : many}`;
}

/** Shortens to `max` characters with an ellipsis (for labels; full text goes in a title). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

// A Map: labels come from traces, and a word such as `constructor` must not find Object's.
const acronyms = new Map<string, string>(
  Object.entries({ url: 'URL', urls: 'URLs', json: 'JSON', id: 'ID', api: 'API', llm: 'LLM', pii: 'PII' }),
);

/** snake_case label → "Snake case" (known acronyms upper-cased: fabricated_url → "Fabricated URL"). */
export function humanizeLabel(label: string): string {
  const words = label
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => acronyms.get(w.toLowerCase()) ?? w)
    .join(' ');
  return words ? words[0]!.toUpperCase() + words.slice(1) : label;
}

/** Axis labels: 0, 500ms, 2s, 1.5s, 2m. */
/**
 * Axis labels for durations binned by `stepMs`: as many decimals as the step needs, so that
 * neighbouring ticks differ (bins of 50 ms around 2.5 s read 2.5s, 2.55s, 2.6s — not 2.5s twice).
 */
export function durationTickFormat(stepMs: number): (ms: number) => string {
  if (!(stepMs > 0) || stepMs >= 1000) return formatDurationShort;
  const decimals = Math.min(3, Math.max(1, Math.ceil(-Math.log10(stepMs / 1000) - 1e-9)));
  return (ms) => {
    if (!Number.isFinite(ms)) return DASH;
    if (ms === 0) return '0';
    if (ms < 1000) return `${Math.round(ms)}ms`;
    if (ms < 60_000) return `${Number((ms / 1000).toFixed(decimals))}s`;
    return formatDurationShort(ms);
  };
}

export function formatDurationShort(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${Number((ms / 60_000).toFixed(1))}m`;
}
