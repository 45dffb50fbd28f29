// What people's review did to each item's hallucination count, for the experiment's small summary
// (what `list`, the Experiments view and progress show): the count as the report's metrics count it
// (dismissed annotations left out, spans people added counted), the annotations still unreviewed and
// those dismissed. Only items on a conversation some verdict names can be touched by one (a verdict
// is keyed by its conversation, carried or not): those are reviewed in full; the others are counted
// from their annotations alone, so that a summary of a big run stays cheap while it progresses.
import type { Conversation, ExperimentItem } from '../../../common/schema';
import { countedAnnotations } from './figures';
import { reviewWithHumans } from './humanAnnotations';
import { HUMAN_DETECTOR, type Verdict } from './verdict';

export interface ItemReviewCounts {
  /** As the report's metrics count: dismissed left out, people's spans counted. */
  hallucinations: number;
  /** Detector annotations without a verdict. */
  unreviewed: number;
  dismissed: number;
}

export interface ReviewContext {
  /** Every stored verdict (of any experiment): those that can apply are picked here. */
  verdicts: readonly Verdict[];
  /** The conversations as the experiment stored them (where annotated text is looked up). */
  conversations: ReadonlyMap<string, Conversation>;
}

/** Counts per item id. Without `review`, every annotation is unreviewed. */
export function itemReviewCounts(
  experiment: { id: string; created_at: string },
  items: readonly ExperimentItem[],
  review?: ReviewContext,
): Map<string, ItemReviewCounts> {
  const out = new Map<string, ItemReviewCounts>();
  const inScope = (review?.verdicts ?? []).filter(
    (v) => v.experiment_id === experiment.id || v.experiment_created_at <= experiment.created_at,
  );
  const named = new Set(inScope.map((v) => v.annotation_key.conversation_id));
  const touched = items.filter((i) => named.has(i.conversation_id));
  if (touched.length > 0 && review)
    for (const item of reviewWithHumans(experiment, touched, review.conversations, inScope).items)
      out.set(item.id, {
        hallucinations: countedAnnotations(item.annotations).length,
        unreviewed: item.annotations.filter((a) => a.review === undefined && a.detector !== HUMAN_DETECTOR).length,
        dismissed: item.annotations.filter((a) => a.review?.verdict === 'dismissed').length,
      });
  for (const item of items)
    if (!out.has(item.id)) out.set(item.id, { hallucinations: item.annotations.length, unreviewed: item.annotations.length, dismissed: 0 });
  return out;
}
