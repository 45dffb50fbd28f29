// Inline-SVG charts drawn from the chart data (chartData.ts): grouped bars, stacked histograms and
// the tool × parameter heat table. Colours come from CSS classes mapped to VS Code's
// --vscode-charts-* variables, so themes apply.
import { niceTicks, type CategoryData, type HeatTableData, type HistogramData } from './chartData';
import { formatCompact, formatInt, humanizeLabel, truncate } from './format';
import { h, s, type VNode } from './vnode';

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

export interface VerticalFrame {
  width: number;
  height: number;
  plotW: number;
  plotH: number;
  /** The SVG y of a value (0 at the bottom of the plot, the last tick at its top). */
  y: (v: number) => number;
  /** A grid line and a label per tick. */
  grid: VNode[];
}

/** The frame of a chart with values upwards: the plot inside the `left`/`bottom` margins, its scale and grid. */
export function verticalFrame(
  size: { width?: number; height?: number },
  left: number,
  bottom: number,
  ticks: readonly number[],
): VerticalFrame {
  const width = size.width ?? 520;
  const height = size.height ?? 190;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => 8 + plotH - (v / top) * plotH;
  const grid = ticks.flatMap((t) => [
    s('line', { class: 'grid', x1: left, x2: width - 8, y1: y(t), y2: y(t) }),
    s('text', { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, formatCompact(t)),
  ]);
  return { width, height, plotW, plotH, y, grid };
}

/** Vertical stacked histogram with bin edges on the x axis. */
export function histogramChart(
  data: HistogramData,
  opts: { width?: number; height?: number; format: (v: number) => string; title: string; unit: string },
): VNode {
  const left = 36;
  const ticks = niceTicks(data.maxTotal, 4).filter(Number.isInteger); // counts of items
  const { width, height, plotW, plotH, y, grid } = verticalFrame(opts, left, 34, ticks);
  const bins = data.counts.length;
  const bw = bins > 0 ? plotW / bins : plotW;
  const children: VNode[] = [...grid];
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
