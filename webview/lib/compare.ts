// Compare: experiments (or the configurations of one) side by side — metric deltas against a
// baseline, labels per subject, and per conversation which one hallucinated where.
import type { Annotation, ExperimentItem, ExperimentResource, ItemStatus, Metrics } from '../../common/schema';
import { metricDefs, metricDelta, type MetricDef, type MetricDelta } from './metricDefs';
import { bestIndex, modelConfigsOf } from './reportViews';
import { own } from './ownRecord';

export interface Subject {
  /** `experimentId` or `experimentId::config`. */
  key: string;
  experimentId: string;
  modelConfig: string | null;
  name: string;
  /** Secondary line: model / configuration and date. */
  detail: string;
  metrics: Metrics;
  items: ExperimentItem[];
}

export type CompareMode = 'experiments' | 'configurations';

export function subjectKey(experimentId: string, modelConfig: string | null): string {
  return modelConfig === null ? experimentId : `${experimentId}::${modelConfig}`;
}

/** Every subject that can be compared: each experiment, and each configuration of multi-configuration ones. */
export function allSubjects(experiments: readonly ExperimentResource[]): Subject[] {
  const out: Subject[] = [];
  for (const e of experiments) {
    const configs = modelConfigsOf(e);
    out.push({
      key: e.id,
      experimentId: e.id,
      modelConfig: null,
      name: e.name,
      detail: configs.join(', ') || e.model,
      metrics: e.metrics,
      items: e.items,
    });
    if (configs.length > 1) {
      for (const c of configs) {
        out.push({
          key: subjectKey(e.id, c),
          experimentId: e.id,
          modelConfig: c,
          name: c,
          detail: e.name,
          metrics: own(e.metrics_by_model, c) ?? e.metrics,
          items: e.items.filter((i) => i.model_config === c),
        });
      }
    }
  }
  return out;
}

/** What is compared by default: one multi-configuration experiment → its configurations; otherwise the experiments. */
export function defaultSubjectKeys(experiments: readonly ExperimentResource[]): string[] {
  if (experiments.length === 1) {
    const e = experiments[0]!;
    const configs = modelConfigsOf(e);
    if (configs.length > 1) return configs.map((c) => subjectKey(e.id, c));
    return [e.id];
  }
  return experiments.map((e) => e.id);
}

export function pickSubjects(all: readonly Subject[], keys: readonly string[]): Subject[] {
  const byKey = new Map(all.map((s) => [s.key, s]));
  return keys.map((k) => byKey.get(k)).filter((s): s is Subject => s !== undefined);
}

export interface MetricRow {
  def: MetricDef;
  values: (number | null)[];
  /** Delta of each subject against the baseline (the baseline's own is empty). */
  deltas: MetricDelta[];
  best: number;
}

export function metricRows(subjects: readonly Subject[], baseline = 0): MetricRow[] {
  return metricDefs.map((def) => {
    const values = subjects.map((s) => s.metrics[def.key]);
    const base = values[baseline] ?? null;
    const deltas = values.map((v, i) => (i === baseline ? { value: null, text: '', tone: 'neutral' as const } : metricDelta(def, v, base)));
    return { def, values, deltas, best: subjects.length > 1 ? bestIndex(def.key, values) : -1 };
  });
}

/** Labels (rows) × subjects (series), for a grouped bar chart. */
export function labelComparison(subjects: readonly Subject[]): { categories: string[]; series: { name: string; values: number[] }[] } {
  const totals = new Map<string, number>();
  for (const s of subjects) for (const [l, n] of Object.entries(s.metrics.hallucination_labels)) totals.set(l, (totals.get(l) ?? 0) + n);
  const categories = [...totals]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l]) => l);
  return {
    categories,
    series: subjects.map((s) => ({ name: s.name, values: categories.map((c) => own(s.metrics.hallucination_labels, c) ?? 0) })),
  };
}

export interface MatrixCell {
  /** Annotations over the subject's completed items for this conversation; null when it has no completed item. */
  count: number | null;
  items: number;
  status: ItemStatus | null;
  annotations: { item: ExperimentItem; annotation: Annotation }[];
  labels: { label: string; count: number }[];
}

export interface MatrixRow {
  conversationId: string;
  cells: MatrixCell[];
  /** Subjects disagree on whether (or how much) this conversation hallucinates. */
  differs: boolean;
  total: number;
}

const statusSeverity: Record<ItemStatus, number> = { failed: 4, in_progress: 3, inference_completed: 2, pending: 1, completed: 0 };

export function conversationMatrix(subjects: readonly Subject[]): MatrixRow[] {
  const ids = new Set<string>();
  for (const s of subjects) for (const i of s.items) ids.add(i.conversation_id);
  const collator = new Intl.Collator('en', { numeric: true });
  const indexes = subjects.map((s) => {
    const m = new Map<string, ExperimentItem[]>();
    for (const i of s.items) {
      let list = m.get(i.conversation_id);
      if (!list) m.set(i.conversation_id, (list = []));
      list.push(i);
    }
    return m;
  });
  return [...ids]
    .sort((a, b) => collator.compare(a, b))
    .map((conversationId) => {
      const cells = indexes.map((index): MatrixCell => {
        const items = index.get(conversationId) ?? [];
        const completed = items.filter((i) => i.status === 'completed');
        const annotations = completed.flatMap((item) => item.annotations.map((annotation) => ({ item, annotation })));
        const labelCounts = new Map<string, number>();
        for (const { annotation } of annotations) labelCounts.set(annotation.label, (labelCounts.get(annotation.label) ?? 0) + 1);
        const worst = items.reduce<ItemStatus | null>(
          (w, i) => (w === null || statusSeverity[i.status] > statusSeverity[w] ? i.status : w),
          null,
        );
        return {
          count: completed.length > 0 ? annotations.length : null,
          items: items.length,
          status: worst,
          annotations,
          labels: [...labelCounts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count),
        };
      });
      const known = cells.filter((c) => c.count !== null).map((c) => c.count!);
      const differs = known.length > 1 && new Set(known).size > 1;
      return { conversationId, cells, differs, total: known.reduce((a, b) => a + b, 0) };
    });
}

/** Per subject: conversations where it hallucinated and the baseline did not, and the reverse. */
export function regressionCounts(rows: readonly MatrixRow[], baseline = 0): { worse: number; better: number }[] {
  const n = rows[0]?.cells.length ?? 0;
  return Array.from({ length: n }, (_, s) => {
    let worse = 0;
    let better = 0;
    for (const r of rows) {
      const b = r.cells[baseline]?.count;
      const v = r.cells[s]?.count;
      if (s === baseline || b === null || b === undefined || v === null || v === undefined) continue;
      if (v > 0 && b === 0) worse++;
      else if (v === 0 && b > 0) better++;
    }
    return { worse, better };
  });
}
