// What `list` shows of an experiment: its record's headline, status counts and one row per item.
// Built from the record and the items alone, so that the store can keep it beside the record.
import type { ExperimentItem, ExperimentRecord } from '../../../common/schema';
import type { StoredSummary } from './experimentStore';
import { statusSummary } from './metrics';

export function summarize(record: ExperimentRecord, items: readonly ExperimentItem[]): StoredSummary {
  const done = items.filter((i) => i.status === 'completed');
  return {
    id: record.id,
    name: record.name,
    model: record.model,
    pass_through: record.pass_through,
    created_at: record.created_at,
    completed_at: record.completed_at,
    status_summary: statusSummary(items),
    total_hallucinations: done.reduce((n, i) => n + i.annotations.length, 0),
    hallucination_rate: done.length ? done.filter((i) => i.annotations.length > 0).length / done.length : null,
    items: items.map((i) => ({
      id: i.id,
      conversation_id: i.conversation_id,
      model_config: i.model_config,
      sample_index: i.sample_index,
      status: i.status,
      failure_reason: i.failure_reason,
      hallucinations: i.annotations.length,
    })),
    // Those set at create; the service puts the ones changed since (info.json) over them.
    tags: record.config.tags ?? [],
  };
}
