// Figures from verdicts, the annotations metrics count, and the resource's reviewed items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, ExperimentItem } from '../../common/schema';
import { countedAnnotations, itemPasses, reviewFigures } from '../../server/core/review/figures';
import { reviewExperiment } from '../../server/core/review/reviewedResource';
import { annotationKey } from '../../server/core/review/carryOver';
import { computeMetrics } from '../../server/core/experiments/metrics';
import { pendingItem } from '../../server/core/experiments/experimentItems';

type Review = NonNullable<Annotation['review']>;
function ann(detector: string, confidence: number, review?: Review['verdict'], label?: string): Annotation {
  return {
    label: 'fabricated_number',
    text: '250',
    explanation: '',
    message_index: 1,
    message_part_index: 0,
    start_offset: 0,
    end_offset: 3,
    tool_name: null,
    parameter_name: null,
    detector,
    confidence,
    ...(review ? { review: { verdict: review, author: 'ann', at: '2026-12-03T10:00:00.000Z', ...(label ? { label } : {}) } } : {}),
  };
}
function item(id: string, annotations: Annotation[], status: ExperimentItem['status'] = 'completed'): ExperimentItem {
  return {
    ...pendingItem(id, `c-${id}`, 'm', 0),
    status,
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: '250 EUR, then 250 EUR' } }],
    annotations,
  };
}

test('per-detector precision is confirmed / reviewed; an agreed annotation counts for each detector; relabelled is confirmed', () => {
  const items = [
    item('1', [ann('local', 0.9, 'confirmed'), ann('local', 0.9, 'dismissed'), ann('local', 0.9)]),
    item('2', [ann('judge', 0.9, 'relabelled', 'unsupported_claim'), ann('local+judge', 0.9, 'dismissed')]),
  ];
  const f = reviewFigures(items);
  const score = (name: string) => f.feedback_scores.find((s) => s.name === name);
  assert.equal(score('precision/local')?.value, 1 / 3);
  assert.equal(score('precision/judge')?.value, 1 / 2);
  assert.equal(score('reviewed_share/local')?.value, 3 / 4);
  assert.equal(score('reviewed_share')?.value, 4 / 5);
  assert.equal(score('precision/local')?.reason, '1 of 3 reviewed local annotations confirmed');
  assert.equal(f.unreviewed_count, 1);
});

test('precision is left out while nothing of a detector is reviewed; no items: no pass rate', () => {
  const f = reviewFigures([item('1', [ann('judge', 0.9)])]);
  assert.equal(
    f.feedback_scores.some((s) => s.name === 'precision/judge'),
    false,
  );
  assert.equal(reviewFigures([]).pass_rate, null);
  assert.deepEqual(reviewFigures([]).feedback_scores, []);
});

test('an item passes with no confirmed hallucination and no unreviewed one at or above the threshold; only completed items count', () => {
  const items = [
    item('clean', []),
    item('dismissed', [ann('local', 0.99, 'dismissed')]),
    item('low', [ann('local', 0.49)]),
    item('at-threshold', [ann('local', 0.5)]),
    item('confirmed', [ann('local', 0.1, 'confirmed')]),
    item('failed', [], 'failed'),
  ];
  assert.deepEqual(
    items.map((i) => itemPasses(i)),
    [true, true, true, false, false, true],
  );
  const f = reviewFigures(items);
  assert.deepEqual([f.passed_count, f.total_count, f.pass_rate], [3, 5, 3 / 5]);
  assert.equal(reviewFigures(items, 0.4).passed_count, 2);
  assert.equal(f.feedback_scores.find((s) => s.name === 'pass_rate')?.value, 3 / 5);
});

test('metrics count neither dismissed annotations nor relabelled ones under their old label', () => {
  const counted = countedAnnotations([
    ann('local', 0.9, 'dismissed'),
    ann('local', 0.9, 'relabelled', 'unsupported_claim'),
    ann('local', 0.9),
  ]);
  assert.deepEqual(
    counted.map((a) => a.label),
    ['unsupported_claim', 'fabricated_number'],
  );
  const m = computeMetrics([item('1', [ann('local', 0.9, 'dismissed')]).annotations].map((a) => item('1', countedAnnotations(a))));
  assert.equal(m.total_hallucinations, 0);
  assert.equal(m.hallucination_free_count, 1);
});

const E1 = { id: 'e1', created_at: '2026-12-01T09:00:00.000Z' };

test('reviewExperiment: ids on every annotation, verdicts applied, metrics items without dismissed ones, stale reported', () => {
  const items = [item('1', [ann('local', 0.9), { ...ann('local', 0.9), start_offset: 14, end_offset: 17 }])];
  const first = reviewExperiment(E1, items, new Map(), []);
  assert.ok(first.items[0]!.annotations.every((a) => /^a-[0-9a-f]{16}$/.test(a.id ?? '')));
  assert.deepEqual(reviewExperiment(E1, items, new Map(), []).items, first.items);
  assert.equal(items[0]!.annotations[0]!.id, undefined, 'stored items are not changed');
  const forged = [item('1', [{ ...ann('local', 0.9, 'dismissed'), id: 'a-forged' }])];
  const fromForged = reviewExperiment(E1, forged, new Map(), []).items[0]!.annotations[0]!;
  assert.equal(fromForged.review, undefined, 'a verdict written into a stored item is not one');
  assert.equal(fromForged.id, first.items[0]!.annotations[0]!.id);
  const [a0, a1] = first.located;
  const dismissal = {
    annotation_key: annotationKey(a0!),
    annotation_id: a0!.id,
    experiment_id: 'e1',
    experiment_created_at: E1.created_at,
    verdict: 'dismissed' as const,
    author: 'ann',
    at: '2026-12-03T10:00:00.000Z',
  };
  assert.equal(annotationKey(a1!).occurrence, 1);
  const ghost = { ...dismissal, annotation_id: 'a-0000000000000000', annotation_key: { ...dismissal.annotation_key, text: 'gone' } };
  const r = reviewExperiment(E1, items, new Map(), [dismissal, ghost]);
  assert.equal(r.items[0]!.annotations[0]!.review?.verdict, 'dismissed');
  assert.equal(r.items[0]!.annotations[1]!.review, undefined, 'the second "250" is another occurrence');
  assert.equal(r.countedItems[0]!.annotations.length, 1);
  assert.deepEqual(r.stale, [{ annotation_id: 'a-0000000000000000', verdict: 'dismissed', text: 'gone', at: dismissal.at }]);
});
