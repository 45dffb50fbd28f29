// What `list` shows of an experiment: its record's headline, status counts and one row per item,
// with the hallucination counts after people's review (reviewCounts.ts: dismissed annotations left
// out, N unreviewed), as the report counts them. Built from the record, the items and the verdicts
// that can apply, so that the store can keep it beside the record and listing reads no verdicts.
import type { ExperimentItem, ExperimentRecord } from '../../../common/schema';
import { itemReviewCounts, type ReviewContext } from '../review/reviewCounts';
import type { StoredSummary } from './experimentStore';
import { statusSummary } from './metrics';

/** Without `review`, nothing is reviewed: every annotation counts and is unreviewed. */
export function summarize(record: ExperimentRecord, items: readonly ExperimentItem[], review?: ReviewContext): StoredSummary {
  const counts = itemReviewCounts(record, items, review);
  const done = items.filter((i) => i.status === 'completed').map((i) => counts.get(i.id)!);
  const total = (key: 'hallucinations' | 'unreviewed' | 'dismissed') => done.reduce((n, c) => n + c[key], 0);
  return {
    id: record.id,
    name: record.name,
    model: record.model,
    pass_through: record.pass_through,
    created_at: record.created_at,
    completed_at: record.completed_at,
    status_summary: statusSummary(items),
    total_hallucinations: total('hallucinations'),
    hallucination_rate: done.length ? done.filter((c) => c.hallucinations > 0).length / done.length : null,
    items: items.map((i) => ({
      id: i.id,
      conversation_id: i.conversation_id,
      model_config: i.model_config,
      sample_index: i.sample_index,
      status: i.status,
      failure_reason: i.failure_reason,
      hallucinations: counts.get(i.id)!.hallucinations,
      unreviewed: counts.get(i.id)!.unreviewed,
    })),
    // Those set at create; the service puts the ones changed since (info.json) over them.
    tags: record.config.tags ?? [],
    unreviewed_count: total('unreviewed'),
    dismissed_count: total('dismissed'),
  };
}
