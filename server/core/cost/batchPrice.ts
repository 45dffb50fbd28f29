// The estimate at the batch price (config.batch): a run sends one batch per pass, endpoint and
// model (inference/batch/batchExchange.ts), and only when that pass has at least
// batch.min_requests requests; fewer go directly at the full price. The estimate groups the
// configurations the same way (same model at the same endpoint) and the judge apart (its own
// pass), and applies batch.discount to the groups that reach the threshold.
import type { ConfigurationEstimate } from '../../../common/estimate';
import type { ExperimentConfig, ModelConfig } from '../../../common/schema';

const discounted = (c: ConfigurationEstimate, discount: number): ConfigurationEstimate => ({
  ...c,
  cost_usd: c.cost_usd === null ? null : c.cost_usd * (1 - discount),
  batch_discount: discount,
});

export function atBatchPrice(
  config: ExperimentConfig,
  models: readonly ModelConfig[],
  configurations: readonly ConfigurationEstimate[],
  judge: ConfigurationEstimate | null,
  note: (s: string) => void,
): { configurations: ConfigurationEstimate[]; judge: ConfigurationEstimate | null } {
  const batch = config.batch;
  if (!batch?.enabled) return { configurations: [...configurations], judge };
  const groupOf = (m: ModelConfig) => `${m.baseURL ?? ''}\u0000${m.model}`;
  const perGroup = new Map<string, number>();
  models.forEach((m, i) => perGroup.set(groupOf(m), (perGroup.get(groupOf(m)) ?? 0) + (configurations[i]?.requests ?? 0)));
  const reaches = (requests: number) => requests >= batch.min_requests;
  const out = configurations.map((c, i) =>
    c.requests > 0 && reaches(perGroup.get(groupOf(models[i]!)) ?? 0) ? discounted(c, batch.discount) : c,
  );
  const judged = judge && judge.requests > 0 && reaches(judge.requests) ? discounted(judge, batch.discount) : judge;
  const pct = `${Math.round(batch.discount * 1000) / 10} %`;
  note(
    `batch price: ${pct} off (batch.discount) for requests to a model that reach ${batch.min_requests} (batch.min_requests) in a pass; fewer are sent directly at the full price; results within 24 h`,
  );
  return { configurations: out, judge: judged };
}
