// Recall and agreement from people's verdicts (the figures.ts comment lists every figure).
//
// Known hallucinations ("positives") of an item: its annotations people confirmed or relabelled,
// and the spans people added (detector "human") that were not withdrawn (dismissed).
// Known non-hallucinations ("negatives"): its dismissed detector annotations.
// A detector flagged a span when one of its annotations on the item (any verdict but dismissed,
// or the span itself) overlaps it (spanOverlap.ts); "local+judge" is an annotation of both.
//
// Every detector of an experiment runs on each of its items; only completed items count.
//   recall/<detector>  = positives the detector flagged ÷ positives. Only while people added at least one span: without additions the positives
//     are only what some detector found, and recall would say nothing about misses.
//   agreement/<detector>-people = reviewed spans (positives and negatives) on which the detector's
//     flag (flagged / not flagged) equals the people's verdict (hallucination / not) ÷ reviewed
//     spans. For the judge this is its precision on what it
//     flagged plus its misses and its correct silences on what others flagged — simple percent
//     agreement, not chance-corrected (no Cohen's kappa: the reviewed set is far from random).
//   agreement/judge-local = reviewed spans on which both detectors ran and gave the same flag ÷
//     those spans (whether the two detectors agree where people looked).
import type { Annotation, ExperimentItem } from '../../../common/schema';
import { spansOverlap } from './spanOverlap';
import { HUMAN_DETECTOR } from './verdict';
import type { FeedbackScore } from './figures';

type ReviewedItem = Pick<ExperimentItem, 'status' | 'annotations'>;

export const detectorsOf = (a: Annotation): string[] => a.detector.split('+');
const isHuman = (a: Annotation) => a.detector === HUMAN_DETECTOR;
export const isDismissed = (a: Annotation) => a.review?.verdict === 'dismissed';
/** A person said it is a hallucination: confirmed, relabelled, or added by hand (and not withdrawn). */
export const isPositive = (a: Annotation) => !isDismissed(a) && (isHuman(a) || a.review !== undefined);
/** A person said it is not one: a dismissed detector annotation. */
const isNegative = (a: Annotation) => !isHuman(a) && isDismissed(a);

function flaggedBy(detector: string, span: Annotation, item: ReviewedItem): boolean {
  if (detectorsOf(span).includes(detector)) return true;
  return item.annotations.some((a) => !isDismissed(a) && detectorsOf(a).includes(detector) && spansOverlap(a, span));
}

const ratio = (name: string, hit: number, of: number, what: string): FeedbackScore => ({
  name,
  value: hit / of,
  reason: `${hit} of ${of} ${what}`,
});

/**
 * `ran`: the detectors that ran on the items (the experiment's configuration); when unknown,
 * those that appear in the annotations.
 */
export function agreementScores(items: readonly ReviewedItem[], ran?: readonly string[]): FeedbackScore[] {
  const done = items.filter((i) => i.status === 'completed');
  const detectors = [...new Set(ran ?? done.flatMap((i) => i.annotations.flatMap(detectorsOf)))].filter((d) => d !== HUMAN_DETECTOR).sort();
  const reviewed = done.flatMap((item) => item.annotations.filter((a) => isPositive(a) || isNegative(a)).map((span) => ({ item, span })));
  const positives = reviewed.filter((r) => isPositive(r.span));
  const added = positives.filter((r) => isHuman(r.span)).length;
  const scores: FeedbackScore[] = [];
  for (const d of detectors) {
    if (added > 0 && positives.length > 0) {
      const found = positives.filter((r) => flaggedBy(d, r.span, r.item)).length;
      scores.push(ratio(`recall/${d}`, found, positives.length, `known hallucinations (${added} added by people) flagged by ${d}`));
    }
    if (reviewed.length > 0) {
      const agree = reviewed.filter((r) => flaggedBy(d, r.span, r.item) === isPositive(r.span)).length;
      scores.push(ratio(`agreement/${d}-people`, agree, reviewed.length, `reviewed spans where ${d} and the people agree`));
    }
  }
  if (detectors.includes('judge') && detectors.includes('local') && reviewed.length > 0) {
    const agree = reviewed.filter((r) => flaggedBy('judge', r.span, r.item) === flaggedBy('local', r.span, r.item)).length;
    scores.push(ratio('agreement/judge-local', agree, reviewed.length, 'reviewed spans where the judge and the local detector agree'));
  }
  return scores;
}
