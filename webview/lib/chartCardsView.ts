// The report's chart cards: labels, latency, tokens and parameter heat maps, built from the
// experiment's metrics and items.
import { type ExperimentResource } from '../../common/schema';
import { barChart, heatTable, histogramChart } from './charts';
import { histogramData, labelChartData, latencySeries, paramHeatData, tokenBars } from './chartData';
import { tokensChart } from './tokensChart';
import { durationTickFormat, formatDecimal, formatDuration, formatInt } from './format';
import { h, type Child, type VNode } from './vnode';
import { own } from './ownRecord';
import { modelConfigsOf } from './reportChips';

function chartCard(title: string, subtitle: string | null, body: Child, wide = false): VNode {
  return h(
    'section',
    { class: ['chart-card', wide && 'wide'] },
    h('h3', null, title, subtitle ? h('span', { class: 'sub' }, subtitle) : null),
    body,
  );
}

/** `live`: the webview (pointer tooltips); otherwise static (the exported page). */
export function chartCards(experiment: ExperimentResource, opts: { live?: boolean } = {}): VNode {
  const configs = modelConfigsOf(experiment);
  const byModel = configs.length > 1;
  const labels = labelChartData(experiment, byModel);
  const heat = paramHeatData(experiment.metrics.parameter_hallucinations);
  const latency = histogramData(latencySeries(experiment.items, byModel));
  const tokens = tokenBars(experiment.items, configs);
  const summary = experiment.status_summary;
  const yet = summary.completed + summary.failed + summary.skipped < summary.total ? ' yet' : '';
  const latencyStep = latency.edges.length > 1 ? latency.edges[1]! - latency.edges[0]! : 0;
  const cards: VNode[] = [
    chartCard(
      'Hallucinations by label',
      `${formatInt(experiment.metrics.total_hallucinations)} total`,
      labels.categories.length > 0
        ? barChart(labels, { title: 'Hallucinations by label' })
        : h('p', { class: 'empty-note' }, `No hallucination found${yet}.`),
    ),
    chartCard('Parameter hallucinations', 'tool × parameter', heatTable(heat)),
    chartCard(
      'Latency distribution',
      experiment.metrics.avg_response_latency_ms !== null ? `avg ${formatDuration(experiment.metrics.avg_response_latency_ms)}` : null,
      latency.counts.length > 0
        ? histogramChart(latency, { title: 'Latency distribution', format: durationTickFormat(latencyStep), unit: 'response latency' })
        : h('p', { class: 'empty-note' }, `No latency measured${yet}.`),
    ),
    chartCard(
      'Tokens per item',
      experiment.metrics.total_input_tokens + experiment.metrics.total_output_tokens > 0
        ? `${formatInt(experiment.metrics.total_input_tokens)} in · ${formatInt(experiment.metrics.total_output_tokens)} out`
        : null,
      tokens.length > 0
        ? tokensChart(tokens, { title: 'Tokens per item', live: opts.live })
        : h('p', { class: 'empty-note' }, `No token counts${yet}.`),
    ),
  ];
  if (byModel) {
    const rates = {
      categories: configs,
      series: [
        { name: 'Hallucination rate', values: configs.map((c) => (own(experiment.metrics_by_model, c)?.hallucination_rate ?? 0) * 100) },
      ],
    };
    cards.push(
      chartCard(
        'Hallucination rate by configuration',
        `${configs.length} configurations`,
        barChart(rates, {
          title: 'Hallucination rate by configuration',
          format: (v) => `${formatDecimal(v, 1)}%`,
          tickFormat: (v) => `${v}%`,
          humanize: false,
          colorByCategory: true,
        }),
      ),
    );
  }
  return h('div', { class: 'charts' }, cards);
}

/** Configurations side by side, best value of each metric marked. */
