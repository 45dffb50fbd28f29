// The report's building blocks as pure view functions (vnode trees): the live report renders
// them to DOM with listeners attached, the HTML export serialises them without any.
import { builtInLabels, type Annotation, type ExperimentItem, type ExperimentResource, type Metrics } from '../../common/schema';
import type { AnnotationLocation, ConversationContext, LabelInfo } from '../../common/webviewProtocol';
import {
  barChart,
  heatTable,
  histogramChart,
  histogramData,
  labelChartData,
  labelColorIndex,
  latencySeries,
  paramHeatData,
  tokenBars,
  tokensChart,
} from './charts';
import { DASH, durationTickFormat, formatDecimal, formatDuration, formatInt, formatUsd, humanizeLabel, plural } from './format';
import { responseViews, type Segment } from './highlight';
import { displayStatus, statusIcons, statusReason, statusTitles, statusTooltip } from './items';
import { metricDef, metricDefs, type ScalarMetricKey } from './metricDefs';
import { h, type Child, type VNode } from './vnode';
import { own } from './ownRecord';

export type LabelDescriptions = Readonly<Record<string, string>>;

export function labelDescriptions(labels: readonly LabelInfo[]): Record<string, string> {
  const out: Record<string, string> = { ...builtInLabels };
  for (const l of labels) out[l.name] = l.description;
  return out;
}

export function codiconNode(name: string, extra?: string): VNode {
  return h('span', { class: ['codicon', `codicon-${name}`, extra], 'aria-hidden': 'true' });
}

/** The configurations of an experiment, in a stable order. */
export function modelConfigsOf(experiment: Pick<ExperimentResource, 'metrics_by_model' | 'items'>): string[] {
  const set = new Set(Object.keys(experiment.metrics_by_model));
  for (const item of experiment.items) set.add(item.model_config);
  return [...set].sort((a, b) => a.localeCompare(b));
}

export function labelChip(label: string, descriptions: LabelDescriptions, count?: number): VNode {
  return h(
    'span',
    { class: ['chip', `l${labelColorIndex(label)}`], title: `${label}${own(descriptions, label) ? ` — ${own(descriptions, label)}` : ''}` },
    humanizeLabel(label),
    count !== undefined && count > 1 ? h('span', { class: 'chip-count' }, `×${count}`) : null,
  );
}

export function statusChip(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): VNode {
  const status = displayStatus(item);
  return h(
    'span',
    { class: ['status', `st-${status}`], title: statusTooltip(item) },
    codiconNode(statusIcons[status], status === 'in_progress' ? 'codicon-modifier-spin' : undefined),
    statusTitles[status],
  );
}

/**
 * What the detectors said about the item itself (e.g. schema checks skipped: no tool definitions)
 * and how many annotations the minConfidence setting hid: muted lines, not findings.
 */
export function detectionNotes(item: Pick<ExperimentItem, 'detection_notes' | 'hidden_annotations'>): VNode | null {
  const notes = item.detection_notes ?? [];
  const hidden = item.hidden_annotations ?? 0;
  if (notes.length === 0 && hidden === 0) return null;
  return h(
    'ul',
    { class: 'detection-notes' },
    notes.map((n) => h('li', { class: 'dim' }, codiconNode('info'), n)),
    hidden > 0
      ? h(
          'li',
          { class: 'dim', 'data-hidden': hidden },
          codiconNode('eye-closed'),
          `${formatInt(hidden)} hidden below the confidence threshold`,
        )
      : null,
  );
}

/** The report-level line next to the metrics: annotations hidden by minConfidence over all items. */
export function hiddenAnnotationsLine(hidden: number): VNode | null {
  if (hidden === 0) return null;
  return h(
    'p',
    {
      class: 'hidden-note dim',
      title: 'Found by a detector with a confidence below the minConfidence setting; not counted in the metrics',
    },
    codiconNode('eye-closed'),
    `${plural(hidden, 'annotation')} hidden below the confidence threshold (minConfidence setting)`,
  );
}

// ---- metric cards ------------------------------------------------------------------------

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
  { key: 'cost_per_1k', sub: (m) => (m.cost_per_1k === null ? 'no price in settings' : 'USD per 1,000 items') },
];

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
  );
}

// ---- charts ------------------------------------------------------------------------------

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
  const yet = summary.completed + summary.failed < summary.total ? ' yet' : '';
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
export function configurationTable(experiment: ExperimentResource): VNode | null {
  const configs = modelConfigsOf(experiment);
  if (configs.length < 2) return null;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'grid-table config-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Metric'),
          configs.map((c, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: ['swatch', `s${i % 8}`] }), c)),
        ),
      ),
      h(
        'tbody',
        null,
        metricDefs.map((def) => {
          const values = configs.map((c) => own(experiment.metrics_by_model, c)?.[def.key] ?? null);
          const best = bestIndex(def.key, values);
          return h(
            'tr',
            null,
            h('th', { scope: 'row', title: def.description }, def.label),
            values.map((v, i) =>
              h('td', { class: ['num', i === best && 'best'] }, def.format(v), i === best ? codiconNode('star-full', 'best-icon') : null),
            ),
          );
        }),
      ),
    ),
  );
}

// ---- one item in detail ------------------------------------------------------------------

export interface DetailOptions {
  /** Live report: called when an annotation's "open in trace" is clicked; absent in exports. */
  onOpen?: (location: AnnotationLocation) => void;
}

function annotationTitle(a: Annotation, descriptions: LabelDescriptions): string {
  const where = a.tool_name ? ` · ${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}` : '';
  return `${humanizeLabel(a.label)}${where}: ${a.explanation || own(descriptions, a.label) || ''} (${a.detector}, confidence ${Math.round(a.confidence * 100)}%)`;
}

function locationOf(item: ExperimentItem, a: Annotation): AnnotationLocation {
  return {
    conversation_id: item.conversation_id,
    message_index: a.message_index,
    message_part_index: a.message_part_index,
    start_offset: a.start_offset,
    end_offset: a.end_offset,
  };
}

function renderSegments(
  segments: readonly Segment[],
  textLength: number,
  item: ExperimentItem,
  descriptions: LabelDescriptions,
  opts: DetailOptions,
): Child[] {
  const out: Child[] = [];
  for (const seg of segments) {
    if (seg.covering.length === 0) {
      out.push(seg.text);
      continue;
    }
    const anns = seg.covering.map((i) => item.annotations[i]!);
    const first = anns[0]!;
    const title = anns.map((a) => annotationTitle(a, descriptions)).join('\n');
    const onOpen = opts.onOpen;
    const attrs = {
      class: ['hl', `l${labelColorIndex(first.label)}`, anns.length > 1 && 'multi', seg.caret && 'caret'],
      title,
      'data-ann': seg.covering.join(' '),
      tabindex: onOpen ? 0 : undefined,
      role: onOpen ? 'link' : undefined,
      on: onOpen
        ? {
            click: () => onOpen(locationOf(item, first)),
            keydown: (e: Event) => {
              if ((e as KeyboardEvent).key === 'Enter') onOpen(locationOf(item, first));
            },
          }
        : undefined,
    };
    out.push(seg.caret ? h('span', attrs, '‸') : h('mark', attrs, seg.text));
    const ends = seg.caret ? seg.covering : seg.covering.filter((i) => Math.min(item.annotations[i]!.end_offset, textLength) === seg.end);
    if (ends.length > 0) out.push(h('sup', { class: 'ann-ref' }, ends.map((i) => i + 1).join(',')));
  }
  return out;
}

function roleTitle(role: string): string {
  return role === 'assistant' ? 'Assistant' : humanizeLabel(role);
}

export function itemDetail(
  item: ExperimentItem,
  conversation: ConversationContext | undefined,
  descriptions: LabelDescriptions,
  opts: DetailOptions = {},
): VNode {
  const { messages, unplaced } = responseViews(item.response_messages, item.annotations);
  const meta: Child[] = [];
  const fact = (label: string, value: string, title?: string) =>
    h('span', { class: 'fact', title }, h('span', { class: 'k' }, label), ' ', value);
  if (conversation) meta.push(fact('Trace', `${conversation.file}:${conversation.line + 1}`, conversation.file));
  meta.push(fact('Configuration', item.model_config));
  if (item.sample_index > 0) meta.push(fact('Sample', `#${item.sample_index + 1}`));
  meta.push(
    fact(
      'Tokens',
      `${formatInt(item.input_tokens)} in · ${formatInt(item.output_tokens)} out${item.reasoning_tokens ? ` · ${formatInt(item.reasoning_tokens)} reasoning` : ''}`,
    ),
  );
  meta.push(
    fact(
      'Latency',
      formatDuration(item.latency_ms),
      item.time_to_first_token_ms !== null ? `first token after ${formatDuration(item.time_to_first_token_ms)}` : undefined,
    ),
  );
  if (item.finish_reason) meta.push(fact('Finish', item.finish_reason));
  if (item.cost_usd !== null) meta.push(fact('Cost', formatUsd(item.cost_usd)));

  const convo: Child[] = [];
  if (conversation?.firstUserMessage) {
    convo.push(
      h(
        'div',
        { class: 'msg msg-user' },
        h('div', { class: 'role' }, codiconNode('account'), 'User ', h('span', { class: 'dim' }, '(first message)')),
        h('div', { class: 'text' }, conversation.firstUserMessage),
      ),
    );
  }
  for (const m of messages) {
    const parts = m.parts.map((p) =>
      p.part.kind === 'content'
        ? h('div', { class: 'text' }, renderSegments(p.segments, p.part.text.length, item, descriptions, opts))
        : h(
            'div',
            { class: ['tool-call', p.annotationIndices.length > 0 && 'has-ann'] },
            h('div', { class: 'fn' }, codiconNode('symbol-method'), p.part.toolName),
            h('pre', { class: 'args' }, renderSegments(p.segments, p.part.text.length, item, descriptions, opts)),
          ),
    );
    convo.push(
      h(
        'div',
        { class: ['msg', `msg-${m.role === 'assistant' ? 'assistant' : 'other'}`] },
        h(
          'div',
          { class: 'role' },
          codiconNode(m.role === 'assistant' ? 'sparkle' : 'comment'),
          roleTitle(m.role),
          h('span', { class: 'dim' }, ` · message ${m.messageIndex}`),
        ),
        parts.length > 0 ? parts : h('div', { class: 'text dim' }, '(empty)'),
      ),
    );
  }
  if (messages.length === 0 && item.status !== 'failed')
    convo.push(h('p', { class: 'empty-note' }, item.status === 'completed' ? 'No response recorded.' : 'No response yet.'));

  const annotations = item.annotations.length
    ? h(
        'table',
        { class: 'ann-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, '#'),
            h('th', { scope: 'col' }, 'Label'),
            h('th', { scope: 'col' }, 'Text'),
            h('th', { scope: 'col' }, 'Explanation'),
            h('th', { scope: 'col' }, 'Detector'),
            opts.onOpen ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Open')) : null,
          ),
        ),
        h(
          'tbody',
          null,
          item.annotations.map((a, i) =>
            h(
              'tr',
              { class: unplaced.includes(i) && 'unplaced', 'data-ann': i },
              h('td', { class: 'num' }, String(i + 1)),
              h(
                'td',
                null,
                labelChip(a.label, descriptions),
                a.tool_name
                  ? h(
                      'div',
                      { class: 'where' },
                      codiconNode('symbol-method'),
                      `${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}`,
                    )
                  : null,
              ),
              h(
                'td',
                { class: 'quote' },
                a.text ? h('q', null, a.text) : h('span', { class: 'dim' }, DASH),
                unplaced.includes(i) ? h('div', { class: 'dim' }, 'not found in the response text') : null,
              ),
              h('td', null, a.explanation),
              h('td', { class: 'det' }, a.detector, h('div', { class: 'dim' }, `${Math.round(a.confidence * 100)}%`)),
              opts.onOpen
                ? h(
                    'td',
                    null,
                    h(
                      'button',
                      {
                        class: 'icon-btn',
                        type: 'button',
                        title: 'Open the trace file at this hallucination',
                        'aria-label': 'Open in trace',
                        on: { click: () => opts.onOpen!(locationOf(item, a)) },
                      },
                      codiconNode('go-to-file'),
                    ),
                  )
                : null,
            ),
          ),
        ),
      )
    : item.status === 'completed'
      ? h('p', { class: 'ok-note' }, codiconNode('pass-filled'), 'No hallucination found in this response.')
      : null;

  return h(
    'div',
    { class: 'detail' },
    h('div', { class: 'facts' }, meta),
    item.status === 'failed'
      ? displayStatus(item) === 'skipped'
        ? h('div', { class: 'banner info' }, codiconNode('debug-step-over'), h('span', null, `Skipped: ${statusReason(item) ?? ''}`))
        : h('div', { class: 'banner error' }, codiconNode('error'), h('span', null, item.failure_reason ?? 'Failed'))
      : null,
    h('div', { class: 'convo' }, convo),
    annotations,
    detectionNotes(item),
  );
}

/** Top labels of a row, as chips ("+2" when there are more). */
export function labelChips(labels: readonly { label: string; count: number }[], descriptions: LabelDescriptions, max = 3): Child[] {
  const shown = labels.slice(0, max).map((l) => labelChip(l.label, descriptions, l.count));
  if (labels.length > max)
    shown.push(
      h(
        'span',
        {
          class: 'chip more',
          title: labels
            .slice(max)
            .map((l) => `${l.label} ×${l.count}`)
            .join('\n'),
        },
        `+${labels.length - max}`,
      ),
    );
  return shown;
}
