// Figures from people's verdicts, in the shape of the Opik experiment resource (feedback_scores
// as {name, value, reason}; pass_rate, passed_count, total_count). Pure: annotations carry their
// verdict in `review` (reviewedResource.ts puts it there).
//   precision/<detector> = confirmed / reviewed of that detector's annotations (a relabelled one
//     is confirmed: it is a hallucination, with another label); omitted while none is reviewed.
//     An annotation several detectors agreed on ("local+judge") counts for each of them.
//   reviewed_share(/<detector>) = reviewed / all annotations.
//   An item passes when it has no confirmed hallucination and no unreviewed one at or above the
//   confidence threshold; only completed items are counted.
import type { Annotation, ExperimentItem } from '../../../common/schema';

export const DEFAULT_PASS_THRESHOLD = 0.5;

export interface FeedbackScore {
  name: string;
  value: number;
  reason: string;
}

export interface ReviewFigures {
  feedback_scores: FeedbackScore[];
  pass_rate: number | null;
  passed_count: number;
  total_count: number;
  unreviewed_count: number;
}

type ReviewedItem = Pick<ExperimentItem, 'status' | 'annotations'>;

const isHallucination = (a: Annotation) => a.review !== undefined && a.review.verdict !== 'dismissed';

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
  return item.annotations.every((a) => (a.review ? a.review.verdict === 'dismissed' : a.confidence < threshold));
}

export function reviewFigures(items: readonly ReviewedItem[], threshold = DEFAULT_PASS_THRESHOLD): ReviewFigures {
  const done = items.filter((i) => i.status === 'completed');
  const annotations = done.flatMap((i) => i.annotations);
  const byDetector = new Map<string, { total: number; reviewed: number; confirmed: number }>();
  for (const a of annotations)
    for (const d of a.detector.split('+')) {
      let c = byDetector.get(d);
      if (!c) byDetector.set(d, (c = { total: 0, reviewed: 0, confirmed: 0 }));
      c.total++;
      if (a.review) c.reviewed++;
      if (isHallucination(a)) c.confirmed++;
    }
  const reviewed = annotations.filter((a) => a.review).length;
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
  if (done.length > 0)
    scores.push({
      name: 'pass_rate',
      value: passed / done.length,
      reason: `${passed} of ${done.length} items pass: no confirmed hallucination and no unreviewed one at confidence ≥ ${threshold}`,
    });
  return {
    feedback_scores: scores,
    pass_rate: done.length ? passed / done.length : null,
    passed_count: passed,
    total_count: done.length,
    unreviewed_count: annotations.length - reviewed,
  };
}
