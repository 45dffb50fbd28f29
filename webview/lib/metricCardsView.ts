// The report's metric cards: the headline metrics of the experiment (overall, and per
// configuration when there are several), with the best configuration marked.
import { type ExperimentResource, type Metrics } from '../../common/schema';
import { formatDuration, formatInt, formatUsd, plural } from './format';
import { metricDef, type ScalarMetricKey } from './metricDefs';
import { h, type VNode } from './vnode';
import { own } from './ownRecord';
import { modelConfigsOf } from './reportChips';

interface CardSpec {
  key: ScalarMetricKey;
  primary?: boolean;
  sub?(m: Metrics, completed: number): string;
}

const cardSpecs: CardSpec[] = [
  {
    key: 'hallucination_rate',
    primary: true,
    sub: (m, completed) => `${formatInt(completed - m.hallucination_free_count)} of ${plural(completed, 'completed item')}`,
  },
  {
    key: 'total_hallucinations',
    primary: true,
    sub: (m) => `over ${formatInt(m.total_hallucinations > 0 ? Object.keys(m.hallucination_labels).length : 0)} labels`,
  },
  { key: 'hallucination_free_count', sub: (_m, completed) => `of ${plural(completed, 'completed item')}` },
  { key: 'avg_hallucinations_per_prompt', sub: () => 'hallucinations per completed item' },
  { key: 'avg_response_latency_ms', sub: (m) => `max ${formatDuration(m.max_response_latency_ms)}` },
  { key: 'max_response_latency_ms', sub: () => 'slowest response' },
  { key: 'total_generation_time_ms', sub: () => 'sum of latencies' },
  { key: 'total_input_tokens', sub: (m) => `avg ${formatInt(m.avg_input_tokens)} per item` },
  { key: 'total_output_tokens', sub: (m) => `avg ${formatInt(m.avg_output_tokens)} per item` },
  // The run's total and the judge's share ride on the cost card (the card count stays the design's).
  {
    key: 'cost_per_1k',
    sub: (m) =>
      `${m.cost_per_1k === null ? 'no price in settings' : 'USD per 1,000 items'} · total ${m.total_estimated_cost === null ? 'price unknown' : formatUsd(m.total_estimated_cost)} · judge ${judgeCostText(m)}`,
  },
];

/** The judge's share of the cost, said apart: its cost, "price unknown", or that no judge call was made. */
function judgeCostText(m: Metrics): string {
  if (m.judge_input_tokens === 0 && m.judge_cost_usd === null) return 'not called';
  const tokens = `${formatInt(m.judge_input_tokens)} in · ${formatInt(m.judge_output_tokens)} out`;
  return `${m.judge_cost_usd === null ? 'price unknown' : formatUsd(m.judge_cost_usd)} (${tokens})`;
}

/** Completed items per configuration ('' = all). */
export function completedCounts(experiment: Pick<ExperimentResource, 'items'>): Map<string, number> {
  const counts = new Map<string, number>([['', 0]]);
  for (const item of experiment.items) {
    if (item.status !== 'completed') continue;
    counts.set('', counts.get('')! + 1);
    counts.set(item.model_config, (counts.get(item.model_config) ?? 0) + 1);
  }
  return counts;
}

/** Which configuration is best on a metric (index into `values`), or -1 when it does not apply. */
export function bestIndex(key: ScalarMetricKey, values: readonly (number | null)[]): number {
  const def = metricDef(key);
  if (def.better === 'none') return -1;
  let best = -1;
  values.forEach((v, i) => {
    if (v === null) return;
    const b = best < 0 ? null : values[best]!;
    if (b === null || (def.better === 'lower' ? v < b : v > b)) best = i;
  });
  const distinct = new Set(values.filter((v) => v !== null));
  return distinct.size > 1 ? best : -1;
}

export function metricCards(experiment: ExperimentResource): VNode {
  const configs = modelConfigsOf(experiment);
  const byModel = configs.length > 1;
  const completed = completedCounts(experiment);
  return h(
    'div',
    { class: 'cards' },
    cardSpecs.map((spec) => {
      const def = metricDef(spec.key);
      const value = experiment.metrics[spec.key];
      const perConfig = configs.map((c) => own(experiment.metrics_by_model, c)?.[spec.key] ?? null);
      const best = byModel ? bestIndex(spec.key, perConfig) : -1;
      return h(
        'div',
        {
          class: ['card', spec.primary && 'primary', spec.key === 'hallucination_rate' && value !== null && value > 0 && 'alert'],
          title: def.description,
          'data-metric': spec.key,
        },
        h('div', { class: 'card-label' }, def.label),
        h('div', { class: 'card-value' }, def.format(value)),
        spec.sub ? h('div', { class: 'card-sub' }, spec.sub(experiment.metrics, completed.get('') ?? 0)) : null,
        byModel
          ? h(
              'ul',
              { class: 'card-breakdown' },
              configs.map((c, i) =>
                h(
                  'li',
                  { class: i === best && 'best', title: i === best ? `${c}: best` : c },
                  h('span', { class: ['swatch', `s${i % 8}`] }),
                  h('span', { class: 'cfg' }, c),
                  h('span', { class: 'v' }, def.format(perConfig[i] ?? null)),
                ),
              ),
            )
          : null,
      );
    }),
    // after the design's metrics: what people's review left unreviewed and took out of the counts
    reviewCard(experiment),
  );
}

/**
 * What people's review did to the counts: the hallucination metrics leave dismissed annotations
 * out, and N annotations are still unreviewed; the review figures (feedback scores) as the tooltip.
 */
export function reviewCard(experiment: ExperimentResource): VNode | null {
  if (experiment.unreviewed_count === undefined) return null;
  const completed = experiment.items.filter((i) => i.status === 'completed').flatMap((i) => i.annotations);
  if (completed.length === 0) return null;
  const dismissed = completed.filter((a) => a.review?.verdict === 'dismissed').length;
  const scores = (experiment.feedback_scores ?? []).map((s) => `${s.name} ${s.value.toFixed(3)} — ${s.reason}`);
  return h(
    'div',
    {
      class: 'card',
      title: ['Hallucination counts exclude annotations dismissed in review.', ...scores].join('\n'),
      'data-metric': 'review',
    },
    h('div', { class: 'card-label' }, 'Unreviewed'),
    h('div', { class: 'card-value' }, formatInt(experiment.unreviewed_count)),
    h('div', { class: 'card-sub' }, `${formatInt(dismissed)} dismissed, excluded from counts`),
  );
}
