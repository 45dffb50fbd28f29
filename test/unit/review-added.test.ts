// Annotations people added ("Mark as hallucination…"): stored like verdicts, placed on their item,
// carried to later experiments only where the same text is at the same place, withdrawn by a dismissal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentItem } from '../../common/schema';
import { pendingItem } from '../../server/core/experiments/experimentItems';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { addedAnnotationId } from '../../server/core/review/addedAnnotations';
import { annotationKey } from '../../server/core/review/carryOver';
import { reviewExperiment } from '../../server/core/review/reviewedResource';
import { ADDED_FILE, VerdictStore } from '../../server/core/review/verdictStore';
import type { AddedAnnotation } from '../../server/core/review/verdict';

const E1 = { id: 'e1', created_at: '2026-12-01T09:00:00.000Z' };
const E2 = { id: 'e2', created_at: '2026-12-02T09:00:00.000Z' };

function answered(id: string, text: string): ExperimentItem {
  return {
    ...pendingItem(id, 'conv', 'm', 0),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: text } }],
  };
}
function added(over: Partial<AddedAnnotation> = {}): AddedAnnotation {
  return {
    annotation_key: {
      conversation_id: 'conv',
      message_index: 1,
      message_part_index: 0,
      start_offset: 10,
      end_offset: 15,
      text: 'Paris',
      occurrence: 0,
    },
    experiment_id: 'e1',
    experiment_created_at: E1.created_at,
    item_id: 'i1',
    label: 'fabricated_entity',
    explanation: 'never said',
    tool_name: null,
    parameter_name: null,
    author: 'ann',
    at: '2026-12-03T10:00:00.000Z',
    ...over,
  };
}

test('an added annotation is an annotation of detector "human" on its item, with the id addedAnnotationId gives', () => {
  const r = reviewExperiment(E1, [answered('i1', 'We fly to Paris.'), answered('i2', 'Paris')], new Map(), [], undefined, [added()]);
  const [a] = r.items[0]!.annotations;
  assert.equal(r.items[1]!.annotations.length, 0, 'only on the item it was added to');
  assert.deepEqual([a!.detector, a!.confidence, a!.text, a!.start_offset, a!.end_offset], ['human', 1, 'Paris', 10, 15]);
  assert.equal(a!.id, addedAnnotationId(added()));
  assert.equal(r.countedItems[0]!.annotations.length, 1, 'metrics count it');
});

test('carried to a later experiment where the same text is at the same place, offsets shifted; not where the text is gone; never backwards', () => {
  const shifted = reviewExperiment(E2, [answered('j1', 'Well: we fly to Paris.')], new Map(), [], undefined, [added()]);
  const a = shifted.items[0]!.annotations[0]!;
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [16, 21, 'Paris']);
  assert.notEqual(a.id, addedAnnotationId(added()), 'an id of its own in the new experiment');
  const gone = reviewExperiment(E2, [answered('j1', 'We fly to Lyon.')], new Map(), [], undefined, [added()]);
  assert.equal(gone.items[0]!.annotations.length, 0);
  const earlier = reviewExperiment(
    { id: 'e0', created_at: '2026-11-01T00:00:00.000Z' },
    [answered('k', 'We fly to Paris.')],
    new Map(),
    [],
    undefined,
    [added()],
  );
  assert.equal(earlier.items[0]!.annotations.length, 0);
});

test('a dismissal withdraws an added annotation, here and where it carried', () => {
  const first = reviewExperiment(E1, [answered('i1', 'We fly to Paris.')], new Map(), [], undefined, [added()]);
  const located = first.located[0]!;
  const dismissal = {
    annotation_key: annotationKey(located),
    annotation_id: located.id,
    experiment_id: 'e1',
    experiment_created_at: E1.created_at,
    verdict: 'dismissed' as const,
    author: 'ann',
    at: '2026-12-03T11:00:00.000Z',
  };
  const again = reviewExperiment(E1, [answered('i1', 'We fly to Paris.')], new Map(), [dismissal], undefined, [added()]);
  assert.equal(again.countedItems[0]!.annotations.length, 0);
  const later = reviewExperiment(E2, [answered('j1', 'Oh. We fly to Paris.')], new Map(), [dismissal], undefined, [added()]);
  assert.equal(later.items[0]!.annotations[0]!.review?.verdict, 'dismissed');
});

test('added.jsonl: appended, flushed, read back; a bad line is named and skipped', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-added-'));
  fs.mkdirSync(path.join(root, 'experiments', 'e1'), { recursive: true });
  fs.writeFileSync(path.join(root, 'experiments', 'e1', 'experiment.json'), '{}');
  const store = new VerdictStore(new ExperimentStore(root));
  const { explanation: _e, tool_name: _t, parameter_name: _p, ...minimal } = added();
  assert.deepEqual(store.appendAdded('e1', minimal), { ...added(), explanation: '', tool_name: null, parameter_name: null });
  fs.appendFileSync(path.join(root, 'experiments', 'e1', ADDED_FILE), '{"label":1}\n');
  const warnings: string[] = [];
  assert.equal(store.readAllAdded(warnings).length, 1);
  assert.match(warnings[0]!, /^experiment e1: added\.jsonl:2: not an added annotation/);
});
