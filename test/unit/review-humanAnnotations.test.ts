// Annotations people added ("added" verdicts): joined to the item that evaluated the message, kept
// through an edit before the span, carried to later experiments, never placed on other text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentItem } from '../../common/schema';
import { reviewWithHumans, withHumanAnnotations } from '../../server/core/review/humanAnnotations';
import { occurrenceOf } from '../../server/core/review/carryOver';
import { HUMAN_DETECTOR, type Verdict } from '../../server/core/review/verdict';
import { pendingItem } from '../../server/core/experiments/experimentItems';

const E1 = { id: 'e1', created_at: '2026-12-01T09:00:00.000Z' };
const E2 = { id: 'e2', created_at: '2026-12-02T09:00:00.000Z' };
const REPLY = 'The hotel is in Lyon, 3 km from Lyon station.';

function item(content: string, status: ExperimentItem['status'] = 'completed'): ExperimentItem {
  return {
    ...pendingItem('i1', 'c1', 'traced', 0),
    status,
    response_messages: [{ message_index: 1, message: { role: 'assistant', content } }],
  };
}
function added(experiment: { id: string; created_at: string }, text: string, from: number, label = 'unsupported_claim'): Verdict {
  const start = REPLY.indexOf(text, from);
  return {
    annotation_key: {
      conversation_id: 'c1',
      message_index: 1,
      message_part_index: 0,
      start_offset: start,
      end_offset: start + text.length,
      text,
      occurrence: occurrenceOf(REPLY, text, start),
    },
    annotation_id: 'new',
    experiment_id: experiment.id,
    experiment_created_at: experiment.created_at,
    verdict: 'added',
    label,
    explanation: 'the station is 5 km away',
    author: 'ann',
    at: '2026-12-03T10:00:00.000Z',
  };
}

test('an added annotation joins the completed item that evaluated the message, on exactly its characters', () => {
  const v = added(E1, 'Lyon', 25); // the second "Lyon"
  const [joined] = withHumanAnnotations(E1, [item(REPLY)], [v]);
  const a = joined!.annotations[0]!;
  assert.equal(a.detector, HUMAN_DETECTOR);
  assert.equal(a.label, 'unsupported_claim');
  assert.equal(a.explanation, 'the station is 5 km away');
  assert.equal(REPLY.slice(a.start_offset, a.end_offset), 'Lyon');
  assert.equal(a.start_offset, REPLY.indexOf('Lyon', 25));
  assert.equal(withHumanAnnotations(E1, [item(REPLY, 'failed')], [v])[0]!.annotations.length, 0);
});

test('reviewed: the added annotation has an id and the review "added" by its author; a later dismissal hides it from metrics', () => {
  const v = added(E1, '3 km', 0);
  const r = reviewWithHumans(E1, [item(REPLY)], new Map(), [v]);
  const a = r.items[0]!.annotations[0]!;
  assert.match(a.id!, /^a-/);
  assert.equal(a.review?.verdict, 'added');
  assert.equal(a.review?.author, 'ann');
  assert.deepEqual(r.stale, []);
  const dismissal: Verdict = { ...v, verdict: 'dismissed', annotation_id: a.id!, at: '2026-12-03T11:00:00.000Z' };
  const after = reviewWithHumans(E1, [item(REPLY)], new Map(), [v, dismissal]);
  assert.equal(after.items[0]!.annotations[0]!.review?.verdict, 'dismissed');
  assert.equal(after.countedItems[0]!.annotations.length, 0);
});

test('carried to a later experiment through an edit before the span; the same text elsewhere is not it; gone text is stale', () => {
  const v = added(E1, 'Lyon', 25);
  const edited = 'Your hotel is in Lyon, 3 km from Lyon station.';
  const [carried] = withHumanAnnotations(E2, [item(edited)], [v]);
  const a = carried!.annotations[0]!;
  assert.equal(a.start_offset, edited.indexOf('Lyon', 27));
  assert.equal(reviewWithHumans(E2, [item(edited)], new Map(), [v]).items[0]!.annotations[0]!.review?.carried_from, 'e1');
  // Only one "Lyon" left: the second occurrence is gone, the first is other text.
  const gone = 'The hotel is in Lyon, 3 km from the station.';
  assert.equal(withHumanAnnotations(E2, [item(gone)], [v])[0]!.annotations.length, 0);
  assert.equal(reviewWithHumans(E1, [item(gone)], new Map(), [v]).stale.length, 1);
  // Not to an earlier experiment.
  assert.equal(withHumanAnnotations({ id: 'e0', created_at: '2026-11-01T00:00:00.000Z' }, [item(REPLY)], [v])[0]!.annotations.length, 0);
});

test('adding the same span again replaces the first (latest label); an "added" verdict never reviews a detector annotation', () => {
  const first = added(E1, '3 km', 0, 'fabricated_number');
  const second = { ...added(E1, '3 km', 0, 'unsupported_claim'), at: '2026-12-03T12:00:00.000Z' };
  const [joined] = withHumanAnnotations(E1, [item(REPLY)], [first, second]);
  assert.deepEqual(
    joined!.annotations.map((a) => a.label),
    ['unsupported_claim'],
  );
  const detector = { ...joined!.annotations[0]!, detector: 'local', label: 'fabricated_number' };
  const r = reviewWithHumans(E1, [{ ...item(REPLY), annotations: [detector] }], new Map(), [second]);
  const byDetector = new Map(r.items[0]!.annotations.map((a) => [a.detector, a.review?.verdict]));
  assert.equal(byDetector.get('local'), undefined);
  assert.equal(byDetector.get(HUMAN_DETECTOR), 'added');
});
