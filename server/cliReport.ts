// What the CLI prints about an experiment: the progress line, the result table with the
// detectors' notes, the per-model comparison and the metrics (or the resource as JSON).
import type { ExperimentResource, Metrics } from '../common/schema';
import type { ExperimentSummary } from '../common/protocol';
import { shown, shownJson } from './terminalText';

/** `list`: one line per experiment, or the summaries as JSON. */
export function printList(list: readonly ExperimentSummary[], json: boolean, out: NodeJS.WritableStream): void {
  if (json) out.write(shownJson(JSON.stringify(list, null, 2)) + '\n');
  else
    for (const e of list)
      out.write(
        `${shown(e.id)}  ${shown(e.name)}  ${e.status_summary.completed}/${e.status_summary.total} completed  ${e.total_hallucinations} hallucinations${e.unreviewed_count ? ` (${e.unreviewed_count} unreviewed)` : ''}\n`,
      );
}

export function writeProgress(s: ExperimentSummary, err: NodeJS.WritableStream): void {
  const st = s.status_summary;
  const done = st.completed + st.failed + st.skipped;
  const skipped = st.skipped > 0 ? `, ${st.skipped} skipped` : '';
  err.write(
    `\r${shown(s.name)}: ${done}/${st.total} done (${st.completed} completed, ${st.failed} failed${skipped}, ${st.in_progress} running) · ${s.total_hallucinations} hallucinations   `,
  );
}

/** What the detectors said about items (one line per note) and how many annotations minConfidence hid. */
export function detectionLines(
  items: readonly Pick<ExperimentResource['items'][number], 'conversation_id' | 'detection_notes' | 'hidden_annotations'>[],
): string[] {
  const lines = items.flatMap((i) => (i.detection_notes ?? []).map((n) => `note: ${i.conversation_id}: ${n}`));
  const hidden = items.reduce((n, i) => n + (i.hidden_annotations ?? 0), 0);
  if (hidden > 0) lines.push(`${hidden} annotation${hidden === 1 ? '' : 's'} hidden below minConfidence`);
  return lines;
}

export function printResult(r: ExperimentResource, json: boolean, out: NodeJS.WritableStream): void {
  if (json) {
    out.write(shownJson(JSON.stringify(r, null, 2)) + '\n');
    return;
  }
  out.write(`\nExperiment ${shown(r.name)} (${shown(r.id)})\n\n`);
  const models = Object.keys(r.metrics_by_model);
  const multi = models.length > 1 || r.items.some((i) => i.sample_index > 0);
  const rows: string[][] = [['conversation', ...(multi ? ['model', 'sample'] : []), 'status', 'hallucinations', 'labels']];
  for (const i of r.items) {
    const labels = [...new Set(i.annotations.map((a) => a.label))].join(', ');
    // A conversation with nothing to judge is stored as failed with a "skipped: …" reason: print that as is.
    const reason = i.failure_reason ?? '';
    const status = i.status === 'failed' ? (reason.startsWith('skipped:') ? reason : `failed: ${reason}`) : i.status;
    rows.push([
      i.conversation_id,
      ...(multi ? [i.model_config, String(i.sample_index + 1)] : []),
      status,
      String(i.annotations.length),
      labels,
    ]);
  }
  out.write(table(rows) + '\n\n');
  const notes = detectionLines(r.items);
  if (notes.length > 0) out.write(notes.join('\n') + '\n\n');
  if (models.length > 1) {
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const byModel = [['model', 'hallucination_rate', 'total_hallucinations', 'avg_latency_ms', 'cost_per_1k']];
    for (const [m, x] of Object.entries(r.metrics_by_model))
      byModel.push([
        m,
        pct(x.hallucination_rate),
        String(x.total_hallucinations),
        x.avg_response_latency_ms === null ? 'n/a' : x.avg_response_latency_ms.toFixed(0),
        x.cost_per_1k === null ? 'n/a' : `$${x.cost_per_1k.toFixed(4)}`,
      ]);
    out.write('By model configuration\n' + table(byModel) + '\n\n');
  }
  out.write(formatMetrics(r.metrics) + '\n');
  const review = reviewLines(r);
  if (review.length > 0) out.write('\n' + review.join('\n') + '\n');
}

/** What people's review did to the counts, the experiment's tags and metadata, and its dataset. */
export function reviewLines(r: ExperimentResource): string[] {
  const annotations = r.items.filter((i) => i.status === 'completed').flatMap((i) => i.annotations);
  const dismissed = annotations.filter((a) => a.review?.verdict === 'dismissed').length;
  const lines: string[] = [];
  if (r.unreviewed_count !== undefined && annotations.length > 0)
    lines.push(`hallucination counts exclude ${dismissed} dismissed in review; ${r.unreviewed_count} unreviewed`);
  if (r.tags?.length) lines.push(`tags: ${r.tags.map(shown).join(', ')}`);
  const metadata = Object.entries(r.metadata ?? {});
  if (metadata.length) lines.push(`metadata: ${metadata.map(([k, v]) => `${shown(k)}=${shown(v)}`).join(', ')}`);
  for (const d of r.dataset_scores ?? [])
    lines.push(
      `${shown(d.detector)} against the gold spans: span precision ${fixed(d.span.precision)} recall ${fixed(d.span.recall)} F1 ${fixed(d.span.f1)}; response precision ${fixed(d.response.precision)} recall ${fixed(d.response.recall)} F1 ${fixed(d.response.f1)} (hallucination-lab eval lists misses and false positives)`,
    );
  if (r.dataset_name !== undefined)
    lines.push(`dataset: ${shown(r.dataset_name)} (${shown(r.dataset_id ?? '')}, version ${shown(r.dataset_version_id ?? 'unknown')})`);
  return lines;
}

export function formatMetrics(m: Metrics): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const num = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
  const lines = [
    ['hallucination_rate', pct(m.hallucination_rate)],
    ['total_hallucinations', String(m.total_hallucinations)],
    ['hallucination_free_count', String(m.hallucination_free_count)],
    ['avg_hallucinations_per_prompt', num(m.avg_hallucinations_per_prompt, 2)],
    [
      'hallucination_labels',
      Object.entries(m.hallucination_labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '-',
    ],
    [
      'parameter_hallucinations',
      Object.entries(m.parameter_hallucinations)
        .flatMap(([t, ps]) => Object.entries(ps).map(([p, n]) => `${t}.${p}=${n}`))
        .join(', ') || '-',
    ],
    ['total_input_tokens / output', `${m.total_input_tokens} / ${m.total_output_tokens}`],
    ['avg_input_tokens / output', `${num(m.avg_input_tokens)} / ${num(m.avg_output_tokens)}`],
    ['cost_per_1k', m.cost_per_1k === null ? 'n/a' : `$${m.cost_per_1k.toFixed(4)}`],
    ['judge_input_tokens / output', `${m.judge_input_tokens} / ${m.judge_output_tokens}`],
    [
      'judge_cost_usd',
      m.judge_cost_usd === null ? (m.judge_input_tokens > 0 ? 'price unknown' : 'n/a (no judge call)') : usd(m.judge_cost_usd),
    ],
    ['total_estimated_cost', m.total_estimated_cost === null ? 'price unknown' : usd(m.total_estimated_cost)],
    ['total_estimated_cost_avg', m.total_estimated_cost_avg === null ? 'price unknown' : usd(m.total_estimated_cost_avg)],
    ['total_generation_time_ms', String(m.total_generation_time_ms)],
    ['avg / max response latency (ms)', `${num(m.avg_response_latency_ms, 0)} / ${num(m.max_response_latency_ms, 0)}`],
  ];
  return 'Metrics\n' + table(lines.map(([k, v]) => [k!, v!]));
}

/** Dollars with enough digits to see a cost of a few tokens. */
export function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && x < 0.01 ? 6 : 4)}`;
}

/** Cells are trace-derived (ids, labels, tool names, reasons): shown escaped. */
export function table(rows: string[][]): string {
  rows = rows.map((r) => r.map(shown));
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => (r[c] ?? '').length))));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.slice(0, 60).padEnd(widths[c]!))).join('  ')).join('\n');
}

const fixed = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
