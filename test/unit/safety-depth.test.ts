// Issue 14, item 12: JSON nested thousands of levels deep inside an otherwise valid conversation
// must not overflow the call stack while the experiment is stored: that conversation is skipped
// with a reason naming its file and line, and the rest runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { MAX_CONVERSATION_DEPTH, nestsDeeperThan } from '../../server/core/experiments/conversationDepth';
import { TraceIndex } from '../../server/core/traceIndex';

const noDetector: Detector = { name: 'none', detect: () => [] };

function nested(levels: number): string {
  return '['.repeat(levels) + '1' + ']'.repeat(levels);
}

test('a conversation nested 20,000 levels deep is skipped with file and line; the others run and are stored', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-depth-'));
  const file = path.join(dir, 't.jsonl');
  const ok = (id: string) =>
    JSON.stringify({
      id,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'an answer' },
      ],
    });
  const deep = `{"id":"deep","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"metadata":{"x":${nested(20_000)}}}`;
  const text = [ok('a'), deep, ok('b')].join('\n') + '\n';
  fs.writeFileSync(file, text);
  const index = new TraceIndex();
  index.update(file, text);
  assert.ok(index.get('deep'), 'the deep conversation is indexed (valid JSON)');
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const warnings: string[] = [];
  const make = () =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 't',
      concurrency: () => 2,
      detectorsFor: () => [noDetector],
      warn: (m) => warnings.push(m),
    });
  const svc = make();
  const r = svc.create({ name: 'deep', model: 'traced', pass_through: true, conversation_ids: ['a', 'deep', 'b'] });
  assert.ok(r.ok, JSON.stringify(r));
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  const byConversation = new Map(svc.items(id).map((i) => [i.conversation_id, i]));
  assert.equal(byConversation.get('a')!.status, 'completed');
  assert.equal(byConversation.get('b')!.status, 'completed');
  const refused = byConversation.get('deep')!;
  assert.equal(refused.status, 'failed');
  assert.match(refused.failure_reason ?? '', new RegExp(`t\\.jsonl:2\\b.*more than ${MAX_CONVERSATION_DEPTH} levels`));
  assert.ok(
    warnings.some((w) => /t\.jsonl:2/.test(w)),
    warnings.join('\n'),
  );
  svc.dispose();
  // The store loads again (nothing too deep was written).
  const reloaded = make();
  assert.equal(reloaded.items(id).length, 3);
  assert.equal(reloaded.items(id).find((i) => i.conversation_id === 'deep')!.status, 'failed');
});

test('nesting is measured without recursion, exactly at the limit', () => {
  assert.equal(nestsDeeperThan(JSON.parse(nested(100_000)), 10), true);
  assert.equal(nestsDeeperThan({ a: [[1]] }, 3), false);
  assert.equal(nestsDeeperThan({ a: [[[1]]] }, 3), true);
  assert.equal(nestsDeeperThan('text', 0), false);
});
