// Chart data for the report: scales, bins, label and parameter tables, token bars, status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChart, heatTable } from '../../webview/lib/charts';
import {
  histogramData,
  labelChartData,
  labelColorIndex,
  latencySeries,
  niceStep,
  niceTicks,
  paramHeatData,
  tokenBars,
} from '../../webview/lib/chartData';
import { statusBar, statusSegments } from '../../webview/lib/statusBar';
import { textOf, toHtml } from '../../webview/lib/vnode';
import { experimentFixture } from '../webview-harness/fixtures';

describe('scales', () => {
  it('rounds steps to 1, 2 or 5 × 10^k', () => {
    assert.deepEqual([0.13, 1, 3, 7, 12, 260, 999].map(niceStep), [0.2, 1, 5, 10, 20, 500, 1000]);
    assert.equal(niceStep(0), 1);
  });

  it('gives ticks from 0 past the maximum', () => {
    assert.deepEqual(niceTicks(97, 4), [0, 50, 100]);
    assert.deepEqual(niceTicks(8, 4), [0, 2, 4, 6, 8]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });
});

describe('histogramData', () => {
  it('bins several series on shared edges', () => {
    const h = histogramData(
      [
        { name: 'a', values: [0, 90, 110, 450] },
        { name: 'b', values: [100, 480, 499] },
      ],
      5,
    );
    assert.deepEqual(h.edges, [0, 100, 200, 300, 400, 500]);
    assert.deepEqual(h.counts, [
      [2, 0],
      [1, 1],
      [0, 0],
      [0, 0],
      [1, 2],
    ]);
    assert.equal(h.maxTotal, 3);
  });

  it('puts equal values in one bin and skips non-finite ones', () => {
    const h = histogramData([{ name: 'a', values: [700, 700, Number.NaN] }]);
    assert.equal(h.counts.length, 1);
    assert.deepEqual(h.counts[0], [2]);
    assert.ok(h.edges[0]! <= 700 && h.edges[1]! > 700);
    assert.deepEqual(histogramData([{ name: 'a', values: [] }]).counts, []);
  });

  it('groups latencies per configuration when asked', () => {
    const e = experimentFixture({ conversations: 6, configs: ['x', 'y'] });
    assert.deepEqual(
      latencySeries(e.items, true).map((s) => [s.name, s.values.length]),
      [
        ['x', 6],
        ['y', 6],
      ],
    );
    assert.deepEqual(
      latencySeries(e.items, false).map((s) => s.values.length),
      [12],
    );
  });
});

describe('labels and parameters', () => {
  const metrics = (labels: Record<string, number>) => ({ hallucination_labels: labels }) as never;

  it('orders labels by total over configurations, one series each', () => {
    const d = labelChartData(
      { metrics: metrics({ a: 3, b: 5 }), metrics_by_model: { m1: metrics({ a: 3, b: 1 }), m2: metrics({ b: 4, c: 0 }) } },
      true,
    );
    assert.deepEqual(d.categories, ['b', 'a']);
    assert.deepEqual(d.series, [
      { name: 'm1', values: [1, 3] },
      { name: 'm2', values: [4, 0] },
    ]);
    assert.deepEqual(labelChartData({ metrics: metrics({ a: 3, b: 5 }), metrics_by_model: {} }, false).series, [
      { name: 'All', values: [5, 3] },
    ]);
  });

  it('builds the tool × parameter table ordered by totals', () => {
    const d = paramHeatData({ book: { date: 2, seat: 5 }, search: { date: 1 } });
    assert.deepEqual(d.tools, ['book', 'search']);
    assert.deepEqual(d.params, ['seat', 'date']);
    assert.deepEqual(d.cells, [
      [5, 2],
      [0, 1],
    ]);
    assert.equal(d.max, 5);
    assert.deepEqual(d.toolTotals, [7, 1]);
  });

  it('shades hot cells and says so when nothing was annotated', () => {
    const html = toHtml(heatTable(paramHeatData({ book: { date: 2, seat: 4 } })));
    assert.match(html, /--heat:1\.000/);
    assert.match(html, /--heat:0\.575/);
    assert.equal(textOf(heatTable(paramHeatData({}))), 'No tool-call parameter was annotated.');
  });

  it('keeps a label in the same colour slot everywhere', () => {
    assert.equal(labelColorIndex('fabricated_number'), labelColorIndex('fabricated_number'));
    assert.ok(labelColorIndex('x') >= 0 && labelColorIndex('x') < 8);
  });
});

describe('tokens and status', () => {
  it('lists items with token counts, largest first', () => {
    const e = experimentFixture({ conversations: 5, configs: ['a', 'b'], live: true, seed: 2 });
    const bars = tokenBars(e.items, ['a', 'b']);
    assert.ok(bars.length > 0 && bars.length <= e.items.length);
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i - 1]!.input + bars[i - 1]!.output >= bars[i]!.input + bars[i]!.output);
    assert.ok(bars.every((b) => b.series === 0 || b.series === 1));
  });

  it('segments the status summary in a fixed order, without empty segments', () => {
    const segs = statusSegments({ pending: 2, in_progress: 1, inference_completed: 0, completed: 6, failed: 1, skipped: 0, total: 10 });
    assert.deepEqual(
      segs.map((s) => [s.status, s.count]),
      [
        ['completed', 6],
        ['in_progress', 1],
        ['pending', 2],
        ['failed', 1],
      ],
    );
    assert.equal(segs[0]!.fraction, 0.6);
    assert.match(
      textOf(statusBar({ pending: 0, in_progress: 0, inference_completed: 0, completed: 3, failed: 0, skipped: 0, total: 3 })),
      /Completed 3/,
    );
  });
});

describe('barChart', () => {
  it('draws one bar per category and series with escaped titles', () => {
    const svg = toHtml(
      barChart(
        {
          categories: ['<b>label</b>', 'b'],
          series: [
            { name: 'm<1>', values: [3, 1] },
            { name: 'm2', values: [0, 2] },
          ],
        },
        { title: 'x' },
      ),
    );
    assert.equal(svg.match(/<rect/g)?.length, 4);
    assert.ok(!svg.includes('<b>'));
    assert.ok(svg.includes('&lt;b&gt;label&lt;/b&gt;'));
    assert.ok(svg.includes('m&lt;1&gt;'));
  });
});
