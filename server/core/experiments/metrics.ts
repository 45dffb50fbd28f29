// The metrics of the design, computed from items only. Each definition is pinned by a test.
// Labels, tools, parameters and configuration labels come from traces and model output: they are
// counted in Maps and returned as objects whose every key is an own data property (defined, never
// assigned: a tool named `__proto__` or `constructor` is a key like any other, never a way to reach
// Object.prototype). Plain objects, not null-prototype ones, because they are the wire format the
// schema and its readers compare; readers take them with Object.entries or Object.hasOwn.
import { isSkippedItem, type ExperimentItem, type Metrics, type StatusSummary } from '../../../common/schema';

/** Items per status; a skipped item (nothing to judge) is counted as `skipped`, not as `failed`. */
export function statusSummary(items: readonly Pick<ExperimentItem, 'status' | 'failure_reason'>[]): StatusSummary {
  const s: StatusSummary = { pending: 0, in_progress: 0, inference_completed: 0, completed: 0, failed: 0, skipped: 0, total: items.length };
  for (const i of items) s[isSkippedItem(i) ? 'skipped' : i.status]++;
  return s;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avgOrNull = (xs: number[]) => (xs.length ? sum(xs) / xs.length : null);
const known = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);

/** How the items' responses came: pass-through spends nothing on the target (no model is called). */
export interface MetricsContext {
  passThrough?: boolean;
}

export function computeMetrics(items: readonly ExperimentItem[], context: MetricsContext = {}): Metrics {
  const done = items.filter((i) => i.status === 'completed');
  const annotations = done.flatMap((i) => i.annotations);
  const labels = new Map<string, number>();
  const params = new Map<string, Map<string, number>>();
  for (const a of annotations) {
    labels.set(a.label, (labels.get(a.label) ?? 0) + 1);
    // Only annotations naming both a tool and a parameter; a whole-call fault has parameter_name null.
    if (a.tool_name !== null && a.parameter_name !== null) {
      let byParam = params.get(a.tool_name);
      if (!byParam) params.set(a.tool_name, (byParam = new Map()));
      byParam.set(a.parameter_name, (byParam.get(a.parameter_name) ?? 0) + 1);
    }
  }
  const withHallucination = done.filter((i) => i.annotations.length > 0).length;
  const inputTokens = known(done.map((i) => i.input_tokens));
  const outputTokens = known(done.map((i) => i.output_tokens));
  const latencies = known(done.map((i) => i.latency_ms));
  const costs = done.map((i) => i.cost_usd);
  const costKnown = done.length > 0 && costs.every((c) => c !== null);
  return {
    hallucination_rate: done.length ? withHallucination / done.length : null,
    total_hallucinations: annotations.length,
    hallucination_free_count: done.length - withHallucination,
    avg_hallucinations_per_prompt: done.length ? annotations.length / done.length : null,
    hallucination_labels: record(labels),
    parameter_hallucinations: record(new Map([...params].map(([tool, byParam]) => [tool, record(byParam)]))),
    total_input_tokens: sum(inputTokens),
    total_output_tokens: sum(outputTokens),
    avg_input_tokens: avgOrNull(inputTokens),
    avg_output_tokens: avgOrNull(outputTokens),
    cost_per_1k: costKnown ? (sum(known(costs)) / done.length) * 1000 : null,
    total_generation_time_ms: sum(latencies),
    avg_response_latency_ms: avgOrNull(latencies),
    max_response_latency_ms: latencies.length ? Math.max(...latencies) : null,
    ...spending(done, context),
  };
}

/**
 * What the completed items cost, the judge's calls apart from the target's. A price or a count
 * that is unknown makes the sum null (said "price unknown"), never 0. The judge's cost is null
 * when no judge call was made; the total then is the target's alone.
 */
function spending(
  done: readonly ExperimentItem[],
  context: MetricsContext,
): Pick<Metrics, 'judge_input_tokens' | 'judge_output_tokens' | 'judge_cost_usd' | 'total_estimated_cost' | 'total_estimated_cost_avg'> {
  const judged = done.filter((i) => i.judge_input_tokens !== undefined || i.judge_cost_usd !== undefined);
  const judgeCosts = judged.map((i) => i.judge_cost_usd ?? null);
  const judgeCost = judged.length > 0 && judgeCosts.every((c) => c !== null) ? sum(known(judgeCosts)) : null;
  const targetCosts = done.map((i) => i.cost_usd);
  const targetCost = context.passThrough ? 0 : targetCosts.every((c) => c !== null) ? sum(known(targetCosts)) : null;
  const total =
    done.length === 0 || targetCost === null || (judged.length > 0 && judgeCost === null) ? null : targetCost + (judgeCost ?? 0);
  return {
    judge_input_tokens: sum(known(judged.map((i) => i.judge_input_tokens ?? null))),
    judge_output_tokens: sum(known(judged.map((i) => i.judge_output_tokens ?? null))),
    judge_cost_usd: judgeCost,
    total_estimated_cost: total,
    total_estimated_cost_avg: total === null ? null : total / done.length,
  };
}

export function metricsByModel(items: readonly ExperimentItem[], context: MetricsContext = {}): Record<string, Metrics> {
  const groups = new Map<string, ExperimentItem[]>();
  for (const i of items) {
    const group = groups.get(i.model_config);
    if (group) group.push(i);
    else groups.set(i.model_config, [i]);
  }
  return record(new Map([...groups].map(([k, v]) => [k, computeMetrics(v, context)])));
}

/** An object with the entries of `map`, each an own data property (`__proto__` included). */
export function record<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of map) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
