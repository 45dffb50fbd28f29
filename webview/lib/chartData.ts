// Chart data for the report: scales, the series the charts draw (labels, latency bins, tokens,
// tool × parameter counts) and a label's stable colour. Pure computations, unit-tested; the
// drawings are in charts.ts, tokensChart.ts and statusBar.ts.
import type { ExperimentItem, ExperimentResource, Metrics } from '../../common/schema';
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

/** A stable palette slot for a label name (labels keep their colour across charts and reports). */
export function labelColorIndex(label: string, slots = 8): number {
  let hash = 0;
  for (let i = 0; i < label.length; i++) hash = (hash * 31 + label.charCodeAt(i)) >>> 0;
  return hash % slots;
}
