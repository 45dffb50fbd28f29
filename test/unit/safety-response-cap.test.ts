// Issue 14, item 6: a single response's stored text is capped (MAX_STORED_RESPONSE_CHARS); an
// item over it is failed with the reason and its response is not written, in memory as on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { MAX_STORED_RESPONSE_CHARS } from '../../server/core/experiments/responseCap';
import { TraceIndex } from '../../server/core/traceIndex';

const noDetector: Detector = { name: 'none', detect: () => [] };

test('a 17 MiB answer is refused with the cap as its reason; a normal one is kept', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-cap-'));
  const index = new TraceIndex();
  const conv = (id: string, answer: string) =>
    JSON.stringify({
      id,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: answer },
      ],
    });
  index.update(path.join(dir, 't.jsonl'), [conv('big', 'x'.repeat(17 * 1024 * 1024)), conv('small', 'fine')].join('\n'));
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const make = () =>
    new ExperimentService({ store, conversations: index, createdBy: 't', concurrency: () => 2, detectorsFor: () => [noDetector] });
  const svc = make();
  const r = svc.create({ name: 'cap', model: 'traced', pass_through: true, conversation_ids: ['big', 'small'] });
  assert.ok(r.ok);
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  const big = svc.items(id).find((i) => i.conversation_id === 'big')!;
  assert.equal(big.status, 'failed');
  assert.match(big.failure_reason ?? '', /17\.0 MiB of text, more than the 16\.0 MiB an item stores/);
  assert.deepEqual(big.response_messages, []);
  assert.equal(svc.items(id).find((i) => i.conversation_id === 'small')!.status, 'completed');
  svc.dispose();
  const itemsBytes = fs.statSync(path.join(store.root, 'experiments', id, 'items.jsonl')).size;
  assert.ok(itemsBytes < MAX_STORED_RESPONSE_CHARS, `items.jsonl is ${itemsBytes} bytes`);
  assert.equal(
    make()
      .items(id)
      .find((i) => i.conversation_id === 'big')!.status,
    'failed',
    'as stored',
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
