// Carry-over of verdicts: the same text at the same place, never other text, stale when gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation } from '../../common/schema';
import { annotationKey, applyVerdicts, occurrenceOf, type LocatedAnnotation } from '../../server/core/review/carryOver';
import { annotationId } from '../../server/core/review/annotationId';
import type { Verdict } from '../../server/core/review/verdict';

function ann(text: string, partText: string, from = 0, over: Partial<Annotation> = {}): Annotation {
  const start = partText.indexOf(text, from);
  assert.ok(start >= 0, `"${text}" not in part`);
  return {
    label: 'fabricated_number',
    text,
    explanation: '',
    message_index: 2,
    message_part_index: 0,
    start_offset: start,
    end_offset: start + text.length,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.8,
    ...over,
  };
}
function located(experimentId: string, itemId: string, conversationId: string, a: Annotation, partText: string | null): LocatedAnnotation {
  return { id: annotationId(experimentId, itemId, a), conversationId, annotation: a, partText };
}
/** Two experiments, e2 created after e1. */
const E = {
  e1: { id: 'e1', created_at: '2026-12-01T09:00:00.000Z' },
  e2: { id: 'e2', created_at: '2026-12-02T09:00:00.000Z' },
};
function verdictOn(experimentId: 'e1' | 'e2', l: LocatedAnnotation, verdict: Verdict['verdict'], at = '2026-12-03T10:00:00.000Z'): Verdict {
  return {
    annotation_key: annotationKey(l),
    annotation_id: l.id,
    experiment_id: experimentId,
    experiment_created_at: E[experimentId].created_at,
    verdict,
    author: 'ann',
    at,
  };
}

const PART = 'Your refund of 250 EUR was sent. Call +49 30 1234567.';

test('occurrenceOf counts the starts of the text before the span, and refuses a span that is not the text', () => {
  assert.equal(occurrenceOf('ab ab ab', 'ab', 0), 0);
  assert.equal(occurrenceOf('ab ab ab', 'ab', 6), 2);
  assert.equal(occurrenceOf('aaa', 'aa', 1), 1);
  assert.equal(occurrenceOf('ab ab', 'ab', 1), null);
  assert.equal(occurrenceOf('ab', '', 0), null);
});

test('annotation ids are the same for the same annotation and differ with any identifying field', () => {
  const a = ann('250', PART);
  assert.equal(annotationId('e1', 'i1', a), annotationId('e1', 'i1', { ...a }));
  assert.match(annotationId('e1', 'i1', a), /^a-[0-9a-f]{16}$/);
  const others = [
    annotationId('e2', 'i1', a),
    annotationId('e1', 'i2', a),
    annotationId('e1', 'i1', { ...a, label: 'unsupported_claim' }),
    annotationId('e1', 'i1', { ...a, start_offset: a.start_offset + 1 }),
    annotationId('e1', 'i1', { ...a, detector: 'judge' }),
  ];
  assert.equal(new Set([annotationId('e1', 'i1', a), ...others]).size, 6);
});

test('a verdict applies to its own annotation by id, and a later experiment on a re-indexed file gets it carried over', () => {
  const first = located('e1', 'e1-item-3', 'conv-1', ann('250', PART), PART);
  const v = verdictOn('e1', first, 'dismissed');
  // Re-indexed: the conversation is on another line, so the item id (and the annotation id) differ.
  const later = located('e2', 'e2-item-0', 'conv-1', ann('250', PART), PART);
  assert.notEqual(later.id, first.id);
  const own = applyVerdicts(E.e1, [first], [v]);
  assert.equal(own.applied.get(first.id)?.verdict, v);
  assert.equal(own.applied.get(first.id)?.carriedFrom, null);
  const carried = applyVerdicts(E.e2, [later], [v]);
  assert.equal(carried.applied.get(later.id)?.verdict.verdict, 'dismissed');
  assert.equal(carried.applied.get(later.id)?.carriedFrom, 'e1');
  assert.deepEqual(carried.stale, []);
});

test('text edited before the span shifts the offsets: the verdict still applies', () => {
  const first = located('e1', 'i', 'conv-1', ann('250', PART), PART);
  const edited = 'Hello Ann! ' + PART;
  const later = located('e2', 'i', 'conv-1', ann('250', edited), edited);
  assert.notEqual(later.annotation.start_offset, first.annotation.start_offset);
  assert.equal(applyVerdicts(E.e2, [later], [verdictOn('e1', first, 'confirmed')]).applied.get(later.id)?.verdict.verdict, 'confirmed');
});

test('the same text elsewhere is not the same annotation: another occurrence, part, message or conversation', () => {
  const part = 'Pay 250 now, then 250 later.';
  const first = located('e1', 'i', 'conv-1', ann('250', part), part);
  const v = verdictOn('e1', first, 'dismissed');
  const elsewhere = [
    located('e2', 'i', 'conv-1', ann('250', part, 5), part),
    located('e2', 'i', 'conv-1', ann('250', part, 0, { message_part_index: 1 }), part),
    located('e2', 'i', 'conv-1', ann('250', part, 0, { message_index: 4 }), part),
    located('e2', 'i', 'conv-2', ann('250', part), part),
  ];
  const r = applyVerdicts(E.e2, elsewhere, [v]);
  assert.equal(r.applied.size, 0);
  // Different text at the very same offsets: not the same annotation either.
  const changed = 'Pay 260 now, then 250 later.';
  const other = located('e2', 'i', 'conv-1', ann('260', changed), changed);
  assert.equal(applyVerdicts(E.e2, [other], [v]).applied.size, 0);
});

test('without the part text, offsets must be equal', () => {
  const first = located('e1', 'i', 'conv-1', ann('250', PART), null);
  const v = verdictOn('e1', first, 'dismissed');
  assert.equal(applyVerdicts(E.e2, [located('e2', 'i', 'conv-1', ann('250', PART), PART)], [v]).applied.size, 1);
  const shifted = located('e2', 'i', 'conv-1', { ...ann('250', PART), start_offset: 3, end_offset: 6 }, null);
  assert.equal(applyVerdicts(E.e2, [shifted], [v]).applied.size, 0);
});

test('own verdicts win over carried ones, and the latest wins among them', () => {
  const first = located('e1', 'i', 'conv-1', ann('250', PART), PART);
  const mine = located('e2', 'i', 'conv-1', ann('250', PART), PART);
  const carriedLater = verdictOn('e1', first, 'confirmed', '2026-12-03T12:00:00.000Z');
  const ownEarlier = verdictOn('e2', mine, 'dismissed', '2026-12-03T11:00:00.000Z');
  const ownLatest = verdictOn('e2', mine, 'confirmed', '2026-12-03T11:30:00.000Z');
  assert.equal(applyVerdicts(E.e2, [mine], [carriedLater, ownEarlier]).applied.get(mine.id)?.verdict, ownEarlier);
  assert.equal(applyVerdicts(E.e2, [mine], [ownLatest, carriedLater, ownEarlier]).applied.get(mine.id)?.verdict, ownLatest);
});

test('a verdict whose annotation no longer exists is stale and applied to nothing else', () => {
  const gone = located('e1', 'i', 'conv-1', ann('250', PART), PART);
  const v = verdictOn('e1', gone, 'dismissed');
  const remaining = located('e1', 'i', 'conv-1', ann('+49 30 1234567', PART), PART);
  const r = applyVerdicts(E.e1, [remaining], [v]);
  assert.equal(r.applied.size, 0);
  assert.deepEqual(r.stale, [v]);
  // A stale verdict of another experiment is not this experiment's to report.
  assert.deepEqual(applyVerdicts(E.e2, [remaining], [v]).stale, []);
});

test('a verdict carries over to later experiments only: reviewing a new experiment leaves an older one as it was', () => {
  const old = located('e1', 'i', 'conv-1', ann('250', PART), PART);
  const newer = located('e2', 'i', 'conv-1', ann('250', PART), PART);
  assert.equal(applyVerdicts(E.e1, [old], [verdictOn('e2', newer, 'dismissed')]).applied.size, 0);
  assert.equal(applyVerdicts(E.e2, [newer], [verdictOn('e1', old, 'dismissed')]).applied.size, 1);
});
