// The metrics of the design, described once: how each is labelled, formatted and compared.
import type { Metrics } from '../../common/schema';
import { formatDecimal, formatDuration, formatInt, formatPercent, formatUsd } from './format';

export type ScalarMetricKey = {
  [K in keyof Metrics]: Metrics[K] extends number | null ? K : never;
}[keyof Metrics];

export interface MetricDef {
  key: ScalarMetricKey;
  label: string;
  /** The contract's definition, shown as the tooltip. */
  description: string;
  format(value: number | null): string;
  /** Which direction is an improvement (for deltas); `none` = neutral (e.g. totals). */
  better: 'lower' | 'higher' | 'none';
  /** Deltas of rates are shown in percentage points. */
  kind: 'rate' | 'count' | 'tokens' | 'duration' | 'money' | 'ratio';
}

export const metricDefs: readonly MetricDef[] = [
  {
    key: 'hallucination_rate',
    label: 'Hallucination rate',
    description: 'Completed items with at least one hallucination ÷ completed items.',
    format: formatPercent,
    better: 'lower',
    kind: 'rate',
  },
  {
    key: 'total_hallucinations',
    label: 'Hallucinations',
    description: 'Number of annotations over completed items.',
    format: formatInt,
    better: 'lower',
    kind: 'count',
  },
  {
    key: 'hallucination_free_count',
    label: 'Hallucination-free',
    description: 'Completed items with no annotation.',
    format: formatInt,
    better: 'higher',
    kind: 'count',
  },
  {
    key: 'avg_hallucinations_per_prompt',
    label: 'Per prompt',
    description: 'Hallucinations ÷ completed items.',
    format: (v) => formatDecimal(v, 2),
    better: 'lower',
    kind: 'ratio',
  },
  {
    key: 'avg_response_latency_ms',
    label: 'Avg latency',
    description: 'Mean response latency over completed items.',
    format: formatDuration,
    better: 'lower',
    kind: 'duration',
  },
  {
    key: 'max_response_latency_ms',
    label: 'Max latency',
    description: 'Slowest response latency.',
    format: formatDuration,
    better: 'lower',
    kind: 'duration',
  },
  {
    key: 'total_generation_time_ms',
    label: 'Generation time',
    description: 'Sum of response latencies.',
    format: formatDuration,
    better: 'none',
    kind: 'duration',
  },
  {
    key: 'avg_input_tokens',
    label: 'Avg input tokens',
    description: 'Input tokens ÷ completed items.',
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'avg_output_tokens',
    label: 'Avg output tokens',
    description: 'Output tokens ÷ completed items.',
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'total_input_tokens',
    label: 'Input tokens',
    description: 'Sum of input tokens.',
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'total_output_tokens',
    label: 'Output tokens',
    description: 'Sum of output tokens.',
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'cost_per_1k',
    label: 'Cost / 1k items',
    description: 'Cost in USD per 1,000 items, from the per-model price table in settings (— where unknown).',
    format: formatUsd,
    better: 'lower',
    kind: 'money',
  },
  {
    key: 'total_estimated_cost',
    label: 'Total cost',
    description:
      'What the run spent, USD: the target model\'s calls (none for pass-through) plus the judge\'s. "price unknown" where a price is missing.',
    format: (v) => (v === null ? 'price unknown' : formatUsd(v)),
    better: 'lower',
    kind: 'money',
  },
  {
    key: 'total_estimated_cost_avg',
    label: 'Cost / item',
    description: 'Total cost ÷ completed items.',
    format: (v) => (v === null ? 'price unknown' : formatUsd(v)),
    better: 'lower',
    kind: 'money',
  },
  {
    key: 'judge_input_tokens',
    label: 'Judge input tokens',
    description: "The LLM judge's input tokens, counted apart from the target model's.",
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'judge_output_tokens',
    label: 'Judge output tokens',
    description: "The LLM judge's output tokens, counted apart from the target model's.",
    format: formatInt,
    better: 'none',
    kind: 'tokens',
  },
  {
    key: 'judge_cost_usd',
    label: 'Judge cost',
    description: "The LLM judge's cost, USD, from its price in settings (— when no judge call was made or its price is unknown).",
    format: formatUsd,
    better: 'lower',
    kind: 'money',
  },
];

export function metricDef(key: ScalarMetricKey): MetricDef {
  return metricDefs.find((d) => d.key === key)!;
}

export type DeltaTone = 'better' | 'worse' | 'neutral';

export interface MetricDelta {
  /** Signed difference, in the metric's unit (percentage points for rates). */
  value: number | null;
  /** "+2.5 pp", "−120 ms", "+12%"… */
  text: string;
  tone: DeltaTone;
}

/** The difference `value − baseline` of one metric, with its reading (better/worse). */
export function metricDelta(def: MetricDef, value: number | null, baseline: number | null): MetricDelta {
  if (value === null || baseline === null || !Number.isFinite(value) || !Number.isFinite(baseline)) {
    return { value: null, text: '', tone: 'neutral' };
  }
  const diff = value - baseline;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  const abs = Math.abs(diff);
  let text: string;
  switch (def.kind) {
    case 'rate':
      text = `${sign}${(abs * 100).toFixed(1)} pp`;
      break;
    case 'duration':
      text = `${sign}${formatDuration(abs)}`;
      break;
    case 'money':
      text = `${sign}${formatUsd(abs)}`;
      break;
    case 'ratio':
      text = `${sign}${formatDecimal(abs, 2)}`;
      break;
    default:
      text = `${sign}${formatInt(abs)}`;
  }
  if (baseline !== 0 && def.kind !== 'rate' && diff !== 0) text += ` (${sign}${Math.round((abs / Math.abs(baseline)) * 100)}%)`;
  let tone: DeltaTone = 'neutral';
  if (diff !== 0 && def.better !== 'none') tone = diff < 0 === (def.better === 'lower') ? 'better' : 'worse';
  return { value: diff, text, tone };
}
