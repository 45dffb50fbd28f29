// Figures from people's verdicts, in the shape of the Opik experiment resource (feedback_scores
// as {name, value, reason}; pass_rate, passed_count, total_count). Pure: annotations carry their
// verdict in `review` (reviewedResource.ts puts it there).
//   precision/<detector> = confirmed / reviewed of that detector's annotations (a relabelled one
//     is confirmed: it is a hallucination, with another label); omitted while none is reviewed.
//     An annotation several detectors agreed on ("local+judge") counts for each of them.
//   reviewed_share(/<detector>) = reviewed / all annotations.
//   An item passes when it has no confirmed hallucination and no unreviewed one at or above the
//   confidence threshold; only completed items are counted.
//   Spans people added (detector "human") are hallucinations a person vouched for: reviewed,
//   positive, never a detector of their own in these figures; recall/<detector> and
//   agreement/… come from them and the verdicts (detectorAgreement.ts says how, precisely).
//   comments: every verdict's comment, with the annotation and item it is on.
import type { Annotation, ExperimentItem } from '../../../common/schema';
import { agreementScores } from './detectorAgreement';
import { HUMAN_DETECTOR } from './verdict';

export const DEFAULT_PASS_THRESHOLD = 0.5;

export interface FeedbackScore {
  name: string;
  value: number;
  reason: string;
}

export interface ReviewComment {
  text: string;
  author: string;
  at: string;
  /** The annotation and item it is on; both absent for a comment on the experiment. */
  annotation_id?: string;
  item_id?: string;
}

export interface ReviewFigures {
  feedback_scores: FeedbackScore[];
  comments: ReviewComment[];
  pass_rate: number | null;
  passed_count: number;
  total_count: number;
  unreviewed_count: number;
}

type ReviewedItem = Pick<ExperimentItem, 'status' | 'annotations'> & Partial<Pick<ExperimentItem, 'id'>>;

const isHuman = (a: Annotation) => a.detector === HUMAN_DETECTOR;
const isReviewed = (a: Annotation) => a.review !== undefined || isHuman(a);
const isHallucination = (a: Annotation) => isReviewed(a) && a.review?.verdict !== 'dismissed';

/**
 * The annotations that count as hallucinations in metrics: dismissed ones left out, relabelled
 * ones under their new label.
 */
export function countedAnnotations(annotations: readonly Annotation[]): Annotation[] {
  return annotations
    .filter((a) => a.review?.verdict !== 'dismissed')
    .map((a) => (a.review?.verdict === 'relabelled' && a.review.label ? { ...a, label: a.review.label } : a));
}

export function itemPasses(item: ReviewedItem, threshold = DEFAULT_PASS_THRESHOLD): boolean {
  return item.annotations.every((a) => (isReviewed(a) ? !isHallucination(a) : a.confidence < threshold));
}

/**
 * `detectorsRan`: the experiment's detectors (for recall and agreement; when absent, those seen in
 * the annotations).
 */
export function reviewFigures(
  items: readonly ReviewedItem[],
  threshold = DEFAULT_PASS_THRESHOLD,
  detectorsRan?: readonly string[],
): ReviewFigures {
  const done = items.filter((i) => i.status === 'completed');
  const annotations = done.flatMap((i) => i.annotations);
  const byDetector = new Map<string, { total: number; reviewed: number; confirmed: number }>();
  for (const a of annotations.filter((x) => !isHuman(x)))
    for (const d of a.detector.split('+')) {
      let c = byDetector.get(d);
      if (!c) byDetector.set(d, (c = { total: 0, reviewed: 0, confirmed: 0 }));
      c.total++;
      if (a.review) c.reviewed++;
      if (isHallucination(a)) c.confirmed++;
    }
  const reviewed = annotations.filter(isReviewed).length;
  const passed = done.filter((i) => itemPasses(i, threshold)).length;
  const scores: FeedbackScore[] = [];
  if (annotations.length > 0)
    scores.push({
      name: 'reviewed_share',
      value: reviewed / annotations.length,
      reason: `${reviewed} of ${annotations.length} annotations reviewed`,
    });
  for (const [d, c] of [...byDetector].sort(([x], [y]) => x.localeCompare(y))) {
    if (c.reviewed > 0)
      scores.push({
        name: `precision/${d}`,
        value: c.confirmed / c.reviewed,
        reason: `${c.confirmed} of ${c.reviewed} reviewed ${d} annotations confirmed`,
      });
    scores.push({
      name: `reviewed_share/${d}`,
      value: c.reviewed / c.total,
      reason: `${c.reviewed} of ${c.total} ${d} annotations reviewed`,
    });
  }
  scores.push(...agreementScores(done, detectorsRan));
  if (done.length > 0)
    scores.push({
      name: 'pass_rate',
      value: passed / done.length,
      reason: `${passed} of ${done.length} items pass: no confirmed hallucination and no unreviewed one at confidence ≥ ${threshold}`,
    });
  return {
    feedback_scores: scores,
    comments: items.flatMap((item) =>
      item.annotations.flatMap((a) =>
        a.review?.comment
          ? [
              {
                text: a.review.comment,
                author: a.review.author,
                at: a.review.at,
                ...(a.id !== undefined ? { annotation_id: a.id } : {}),
                ...(item.id !== undefined ? { item_id: item.id } : {}),
              },
            ]
          : [],
      ),
    ),
    pass_rate: done.length ? passed / done.length : null,
    passed_count: passed,
    total_count: done.length,
    unreviewed_count: annotations.length - reviewed,
  };
}
