// Chart data (pure computations, unit-tested) and the inline-SVG charts drawn from it. Colours
// come from CSS classes mapped to VS Code's --vscode-charts-* variables, so themes apply.
import type { ExperimentItem, ExperimentResource, Metrics, StatusSummary } from '../../common/schema';
import { formatCompact, formatInt, humanizeLabel, truncate } from './format';
import { h, s, type VNode } from './vnode';
import { own } from './ownRecord';

// ---- scales ------------------------------------------------------------------------------

/** 1, 2 or 5 × 10^k, the smallest such step ≥ raw. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  for (const m of [1, 2, 5, 10]) if (m * base >= raw - 1e-12) return m * base;
  return 10 * base;
}

/** Axis ticks from 0 to at least `max`, about `count` of them. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const step = niceStep(max / count);
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

// ---- data --------------------------------------------------------------------------------

export interface Series {
  name: string;
  values: number[];
}

export interface CategoryData {
  categories: string[];
  series: Series[];
}

/** Hallucinations per label, one series per configuration when there are several. */
export function labelChartData(experiment: Pick<ExperimentResource, 'metrics' | 'metrics_by_model'>, byModel: boolean): CategoryData {
  const sources: [string, Metrics][] = byModel ? Object.entries(experiment.metrics_by_model) : [['All', experiment.metrics]];
  const totals = new Map<string, number>();
  for (const [, m] of sources)
    for (const [label, n] of Object.entries(m.hallucination_labels)) totals.set(label, (totals.get(label) ?? 0) + n);
  const categories = [...totals]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l]) => l);
  return { categories, series: sources.map(([name, m]) => ({ name, values: categories.map((c) => own(m.hallucination_labels, c) ?? 0) })) };
}

export interface HeatTableData {
  tools: string[];
  params: string[];
  /** cells[tool][param] */
  cells: number[][];
  max: number;
  toolTotals: number[];
}

/** tool × parameter counts; rows and columns ordered by their totals. */
export function paramHeatData(parameterHallucinations: Metrics['parameter_hallucinations']): HeatTableData {
  const toolTotals = new Map<string, number>();
  const paramTotals = new Map<string, number>();
  for (const [tool, params] of Object.entries(parameterHallucinations)) {
    for (const [param, n] of Object.entries(params)) {
      toolTotals.set(tool, (toolTotals.get(tool) ?? 0) + n);
      paramTotals.set(param, (paramTotals.get(param) ?? 0) + n);
    }
  }
  const order = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const tools = order(toolTotals);
  const params = order(paramTotals);
  const cells = tools.map((t) => params.map((p) => own(own(parameterHallucinations, t), p) ?? 0));
  const max = Math.max(0, ...cells.flat());
  return { tools, params, cells, max, toolTotals: tools.map((t) => toolTotals.get(t) ?? 0) };
}

export interface HistogramData {
  edges: number[];
  /** counts[bin][series] */
  counts: number[][];
  seriesNames: string[];
  maxTotal: number;
}

/** Shared bins for several series of values (e.g. latencies per configuration). */
export function histogramData(seriesValues: readonly Series[], targetBins = 12): HistogramData {
  const all = seriesValues.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const seriesNames = seriesValues.map((s) => s.name);
  if (all.length === 0) return { edges: [], counts: [], seriesNames, maxTotal: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of all) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const step = max === min ? niceStep(Math.max(1, Math.abs(max) / 10)) : niceStep((max - min) / targetBins);
  const start = Math.floor(min / step) * step;
  const binCount = Math.max(1, Math.floor((max - start) / step) + 1);
  const edges = Array.from({ length: binCount + 1 }, (_, i) => Number((start + i * step).toPrecision(12)));
  const counts = Array.from({ length: binCount }, () => seriesValues.map(() => 0));
  seriesValues.forEach((series, si) => {
    for (const v of series.values) {
      if (!Number.isFinite(v)) continue;
      const bin = Math.min(binCount - 1, Math.floor((v - start) / step));
      counts[bin]![si]!++;
    }
  });
  const maxTotal = Math.max(...counts.map((c) => c.reduce((a, b) => a + b, 0)));
  return { edges, counts, seriesNames, maxTotal };
}

export function latencySeries(items: readonly ExperimentItem[], byModel: boolean): Series[] {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    if (item.latency_ms === null) continue;
    const key = byModel ? item.model_config : 'All';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(item.latency_ms);
  }
  return [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([name, values]) => ({ name, values }));
}

export interface TokenBar {
  id: string;
  label: string;
  input: number;
  output: number;
  series: number;
}

/** Items with token counts, largest total first. */
export function tokenBars(items: readonly ExperimentItem[], configs: readonly string[]): TokenBar[] {
  return items
    .filter((i) => i.input_tokens !== null || i.output_tokens !== null)
    .map((i) => ({
      id: i.id,
      label: `${i.conversation_id}${configs.length > 1 ? ` · ${i.model_config}` : ''}${i.sample_index > 0 ? ` #${i.sample_index + 1}` : ''}`,
      input: i.input_tokens ?? 0,
      output: i.output_tokens ?? 0,
      series: Math.max(0, configs.indexOf(i.model_config)),
    }))
    .sort((a, b) => b.input + b.output - (a.input + a.output) || a.label.localeCompare(b.label));
}

export const statusOrder = ['completed', 'inference_completed', 'in_progress', 'pending', 'failed', 'skipped'] as const;

export function statusSegments(summary: StatusSummary): { status: (typeof statusOrder)[number]; count: number; fraction: number }[] {
  const total = Math.max(summary.total, 1);
  return statusOrder.filter((k) => summary[k] > 0).map((status) => ({ status, count: summary[status], fraction: summary[status] / total }));
}

/** A stable palette slot for a label name (labels keep their colour across charts and reports). */
export function labelColorIndex(label: string, slots = 8): number {
  let hash = 0;
  for (let i = 0; i < label.length; i++) hash = (hash * 31 + label.charCodeAt(i)) >>> 0;
  return hash % slots;
}

// ---- drawing -----------------------------------------------------------------------------

const CHAR_W = 6.4;

function legend(names: readonly string[], prefix = 's'): VNode | null {
  if (names.length <= 1) return null;
  return h(
    'div',
    { class: 'legend' },
    names.map((n, i) => h('span', { class: 'legend-item' }, h('span', { class: ['swatch', `${prefix}${i % 8}`] }), n)),
  );
}

/** Horizontal bars, grouped by series; category names left, values at the bar ends. */
export function barChart(
  data: CategoryData,
  opts: {
    width?: number;
    format?: (v: number) => string;
    tickFormat?: (v: number) => string;
    humanize?: boolean;
    colorByCategory?: boolean;
    title: string;
  },
): VNode {
  const width = opts.width ?? 520;
  const fmt = opts.format ?? formatInt;
  const nSeries = Math.max(1, data.series.length);
  const barH = nSeries > 1 ? 10 : 16;
  const groupGap = 10;
  const groupH = nSeries * barH + (nSeries - 1) * 2;
  const names = data.categories.map((c) => (opts.humanize === false ? c : humanizeLabel(c)));
  const labelW = Math.min(190, Math.max(60, Math.max(...names.map((n) => n.length), 4) * CHAR_W + 12));
  const valueW = 44;
  const plotW = width - labelW - valueW;
  const max = Math.max(1, ...data.series.flatMap((s) => s.values));
  // Without a format the values are counts: no tick at half an item.
  const ticks = opts.format ? niceTicks(max, 4) : niceTicks(max, 4).filter(Number.isInteger);
  const top = ticks[ticks.length - 1]!;
  const height = Math.max(1, data.categories.length) * (groupH + groupGap) + 18;
  const x = (v: number) => labelW + (v / top) * plotW;
  const children: VNode[] = [];
  for (const t of ticks) {
    children.push(s('line', { class: 'grid', x1: x(t), x2: x(t), y1: 0, y2: height - 16 }));
    children.push(s('text', { class: 'tick', x: x(t), y: height - 4, 'text-anchor': 'middle' }, (opts.tickFormat ?? formatCompact)(t)));
  }
  data.categories.forEach((cat, ci) => {
    const y0 = ci * (groupH + groupGap) + 4;
    const name = names[ci]!;
    children.push(
      s(
        'text',
        { class: 'cat', x: labelW - 8, y: y0 + groupH / 2 + 4, 'text-anchor': 'end' },
        s('title', null, cat),
        truncate(name, Math.floor((labelW - 12) / CHAR_W)),
      ),
    );
    data.series.forEach((series, si) => {
      const v = series.values[ci] ?? 0;
      const y = y0 + si * (barH + 2);
      const w = Math.max(v > 0 ? 2 : 0, x(v) - labelW);
      children.push(
        s(
          'rect',
          {
            class: ['bar', nSeries > 1 ? `s${si % 8}` : opts.colorByCategory ? `s${ci % 8}` : 's0'],
            x: labelW,
            y,
            width: w,
            height: barH,
            rx: 2,
          },
          s('title', null, `${nSeries > 1 ? `${series.name} · ` : ''}${name}: ${fmt(v)}`),
        ),
      );
      children.push(s('text', { class: 'val', x: labelW + w + 4, y: y + barH / 2 + 4 }, fmt(v)));
    });
  });
  return h(
    'div',
    { class: 'chart' },
    s('svg', { class: 'chart-svg', role: 'img', 'aria-label': opts.title, viewBox: `0 0 ${width} ${height}`, width, height }, children),
    legend(data.series.map((s) => s.name)),
  );
}

/** Vertical stacked histogram with bin edges on the x axis. */
export function histogramChart(
  data: HistogramData,
  opts: { width?: number; height?: number; format: (v: number) => string; title: string; unit: string },
): VNode {
  const width = opts.width ?? 520;
  const height = opts.height ?? 190;
  const left = 36;
  const bottom = 34;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const ticks = niceTicks(data.maxTotal, 4).filter(Number.isInteger); // counts of items
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => 8 + plotH - (v / top) * plotH;
  const bins = data.counts.length;
  const bw = bins > 0 ? plotW / bins : plotW;
  const children: VNode[] = [];
  for (const t of ticks) {
    children.push(s('line', { class: 'grid', x1: left, x2: width - 8, y1: y(t), y2: y(t) }));
    children.push(s('text', { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, formatCompact(t)));
  }
  let labelEvery = Math.max(1, Math.ceil((bins + 1) / Math.floor(plotW / 56)));
  // Never two neighbouring ticks with the same text (a coarse format for a fine step).
  const labelsAt = (every: number) => data.edges.filter((_, i) => i % every === 0).map((e) => opts.format(e));
  while (labelEvery < data.edges.length && labelsAt(labelEvery).some((t, i, all) => i > 0 && t === all[i - 1])) labelEvery *= 2;
  data.counts.forEach((counts, b) => {
    let acc = 0;
    const x0 = left + b * bw + 1;
    const range = `${opts.format(data.edges[b]!)} – ${opts.format(data.edges[b + 1]!)}`;
    counts.forEach((n, si) => {
      if (n === 0) return;
      const yTop = y(acc + n);
      const hgt = y(acc) - yTop;
      acc += n;
      children.push(
        s(
          'rect',
          {
            class: ['bar', data.seriesNames.length > 1 ? `s${si % 8}` : 's0'],
            x: x0,
            y: yTop,
            width: Math.max(1, bw - 2),
            height: Math.max(1, hgt),
          },
          s(
            'title',
            null,
            `${data.seriesNames.length > 1 ? `${data.seriesNames[si]} · ` : ''}${range}: ${formatInt(n)} ${n === 1 ? 'item' : 'items'}`,
          ),
        ),
      );
    });
  });
  data.edges.forEach((e, i) => {
    if (i % labelEvery !== 0) return;
    const x = left + i * bw;
    children.push(s('line', { class: 'axis', x1: x, x2: x, y1: 8 + plotH, y2: 8 + plotH + 4 }));
    // The last tick sits at the right edge: its label ends there instead of spilling out.
    const anchor = i === data.edges.length - 1 ? 'end' : 'middle';
    children.push(s('text', { class: 'tick', x, y: 8 + plotH + 16, 'text-anchor': anchor }, opts.format(e)));
  });
  children.push(s('line', { class: 'axis', x1: left, x2: width - 8, y1: 8 + plotH, y2: 8 + plotH }));
  children.push(s('text', { class: 'axis-title', x: left + plotW / 2, y: height - 2, 'text-anchor': 'middle' }, opts.unit));
  return h(
    'div',
    { class: 'chart' },
    s('svg', { class: 'chart-svg', role: 'img', 'aria-label': opts.title, viewBox: `0 0 ${width} ${height}`, width, height }, children),
    legend(data.seriesNames),
  );
}

/** One column per item, input and output tokens stacked, largest first. */
/**
 * `live`: one pointer listener shows the hovered item in a tooltip (the webview); otherwise a
 * transparent column per item carries a <title> (the exported page, which has no script).
 */
export function tokensChart(bars: readonly TokenBar[], opts: { width?: number; height?: number; title: string; live?: boolean }): VNode {
  const width = opts.width ?? 520;
  const height = opts.height ?? 190;
  const left = 40;
  const bottom = 22;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const max = Math.max(1, ...bars.map((b) => b.input + b.output));
  const ticks = niceTicks(max, 4);
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => 8 + plotH - (v / top) * plotH;
  const bw = bars.length > 0 ? plotW / bars.length : plotW;
  const gap = bw > 4 ? 1 : 0;
  const children: VNode[] = [];
  for (const t of ticks) {
    children.push(s('line', { class: 'grid', x1: left, x2: width - 8, y1: y(t), y2: y(t) }));
    children.push(s('text', { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, formatCompact(t)));
  }
  // Two paths draw all the columns; a transparent column per item carries its tooltip.
  let dIn = '';
  let dOut = '';
  const base = y(0);
  const hits: VNode[] = [];
  const wCol = Math.max(0.5, bw - gap);
  bars.forEach((b, i) => {
    const x = (left + i * bw).toFixed(2);
    const yIn = y(b.input);
    const yAll = y(b.input + b.output);
    dIn += `M${x} ${base.toFixed(2)}V${yIn.toFixed(2)}h${wCol.toFixed(2)}V${base.toFixed(2)}Z`;
    if (b.output > 0) dOut += `M${x} ${yIn.toFixed(2)}V${yAll.toFixed(2)}h${wCol.toFixed(2)}V${yIn.toFixed(2)}Z`;
    if (!opts.live) hits.push(s('rect', { class: 'hit', x, y: 8, width: bw.toFixed(2), height: plotH }, s('title', null, tokenLabel(b))));
  });
  children.push(s('path', { class: 'bar tok-in', d: dIn }), s('path', { class: 'bar tok-out', d: dOut }), ...hits);
  children.push(s('line', { class: 'axis', x1: left, x2: width - 8, y1: 8 + plotH, y2: 8 + plotH }));
  children.push(
    s(
      'text',
      { class: 'axis-title', x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle' },
      `${formatInt(bars.length)} items, largest first`,
    ),
  );
  const hover = opts.live
    ? {
        mousemove: (event: Event) => {
          const e = event as MouseEvent;
          const svg = e.currentTarget as SVGSVGElement;
          const box = svg.getBoundingClientRect();
          const x = ((e.clientX - box.left) / box.width) * width;
          const index = Math.floor((x - left) / bw);
          const tip = svg.parentElement?.querySelector('.chart-tip') as HTMLElement | null;
          if (!tip) return;
          const bar = bars[index];
          if (!bar || x < left) {
            tip.hidden = true;
            return;
          }
          tip.hidden = false;
          tip.textContent = tokenLabel(bar);
          tip.style.setProperty('left', `${Math.min(box.width - 180, Math.max(0, e.clientX - box.left + 12))}px`);
          tip.style.setProperty('top', `${e.clientY - box.top - 28}px`);
        },
        mouseleave: (event: Event) => {
          const tip = (event.currentTarget as Element).parentElement?.querySelector('.chart-tip') as HTMLElement | null;
          if (tip) tip.hidden = true;
        },
      }
    : undefined;
  return h(
    'div',
    { class: ['chart', opts.live && 'has-tip'] },
    s(
      'svg',
      { class: 'chart-svg', role: 'img', 'aria-label': opts.title, viewBox: `0 0 ${width} ${height}`, width, height, on: hover },
      children,
    ),
    opts.live ? h('div', { class: 'chart-tip', hidden: true, role: 'tooltip' }) : null,
    h(
      'div',
      { class: 'legend' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch tok-in' }), 'Input'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch tok-out' }), 'Output'),
    ),
  );
}

function tokenLabel(b: TokenBar): string {
  return `${b.label}: ${formatInt(b.input)} in · ${formatInt(b.output)} out`;
}

/** tool × parameter table, cells shaded by count. */
export function heatTable(data: HeatTableData): VNode {
  if (data.tools.length === 0) return h('p', { class: 'empty-note' }, 'No tool-call parameter was annotated.');
  return h(
    'div',
    { class: 'heat-wrap' },
    h(
      'table',
      { class: 'heat' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'corner' }, 'Tool \\ parameter'),
          data.params.map((p) => h('th', { scope: 'col', title: p }, truncate(p, 18))),
          h('th', { scope: 'col' }, 'Total'),
        ),
      ),
      h(
        'tbody',
        null,
        data.tools.map((tool, ti) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row', title: tool }, truncate(tool, 28)),
            data.params.map((p, pi) => {
              const n = data.cells[ti]![pi]!;
              return h(
                'td',
                {
                  class: n > 0 ? 'hot' : 'cold',
                  title: n > 0 ? `${tool}.${p}: ${n} hallucinated value${n === 1 ? '' : 's'}` : undefined,
                  style: n > 0 ? { '--heat': (0.15 + 0.85 * (n / data.max)).toFixed(3) } : undefined,
                },
                n > 0 ? formatInt(n) : '',
              );
            }),
            h('td', { class: 'total' }, formatInt(data.toolTotals[ti]!)),
          ),
        ),
      ),
    ),
  );
}

export const statusLabels: Record<(typeof statusOrder)[number], string> = {
  completed: 'Completed',
  inference_completed: 'Detecting',
  in_progress: 'Running',
  pending: 'Pending',
  failed: 'Failed',
  skipped: 'Skipped',
};

/** The stacked status bar with its legend. */
export function statusBar(summary: StatusSummary): VNode {
  const segments = statusSegments(summary);
  return h(
    'div',
    { class: 'status-bar-wrap' },
    h(
      'div',
      {
        class: 'status-bar',
        role: 'img',
        'aria-label': segments.map((g) => `${statusLabels[g.status]} ${g.count}`).join(', ') || 'No items',
      },
      segments.map((g) =>
        h('span', {
          class: ['seg', `st-${g.status}`],
          style: { 'flex-grow': g.count },
          title: `${statusLabels[g.status]}: ${formatInt(g.count)} of ${formatInt(summary.total)}`,
        }),
      ),
    ),
    h(
      'div',
      { class: 'legend status-legend' },
      statusOrder.map((k) =>
        h(
          'span',
          { class: ['legend-item', summary[k] === 0 && 'zero'] },
          h('span', { class: ['swatch', `st-${k}`] }),
          `${statusLabels[k]} `,
          h('strong', null, formatInt(summary[k])),
        ),
      ),
    ),
  );
}
