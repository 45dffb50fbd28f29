import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Annotation } from '../../common/schema';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { TraceIndex } from '../../server/core/traceIndex';

/** Flags every "42" in assistant text: enough to see annotations flow through. */
const fortyTwo: Detector = {
  name: 'fake',
  detect: ({ message, messageIndex }) => {
    const text = typeof message.content === 'string' ? message.content : '';
    const at = text.indexOf('42');
    if (at < 0) return [];
    const a: Annotation = {
      label: 'fabricated_number',
      text: '42',
      explanation: '42 is nowhere',
      message_index: messageIndex,
      message_part_index: 0,
      start_offset: at,
      end_offset: at + 2,
      tool_name: null,
      parameter_name: null,
      detector: 'fake',
      confidence: 0.9,
    };
    return [a];
  },
};

function setup(detector: Detector = fortyTwo) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-svc-'));
  const index = new TraceIndex();
  const lines = [
    {
      id: 'a',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'It is 42.' },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    },
    {
      id: 'b',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Fine.' },
      ],
    },
  ];
  index.update(path.join(dir, 't.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const make = () =>
    new ExperimentService({ store, conversations: index, createdBy: 'test', concurrency: () => 2, detectorsFor: () => [detector] });
  return { dir, index, store, make };
}

test('a bad configuration is refused with a message naming each field', () => {
  const { make } = setup();
  const svc = make();
  const r = svc.create({ name: '', model: 'traced', pass_through: true, conversation_ids: [] });
  assert.equal(r.ok, false);
  const paths = !r.ok ? r.errors.map((e) => e.path) : [];
  assert.ok(paths.includes('name'));
  assert.ok(paths.includes('conversation_ids'));
  const many = svc.create({
    name: 'n',
    model: 'traced',
    pass_through: true,
    conversation_ids: Array.from({ length: 101 }, (_, i) => `c${i}`),
  });
  assert.ok(!many.ok && many.errors.some((e) => e.path === 'conversation_ids' && /at most 100/.test(e.message)));
  const unknown = svc.create({ name: 'n', model: 'traced', pass_through: true, conversation_ids: ['a', 'zzz'] });
  assert.ok(!unknown.ok && unknown.errors.some((e) => e.path === 'conversation_ids.1' && /unknown conversation id "zzz"/.test(e.message)));
});

test('pass_through false is refused with a clear message while inference is not available', () => {
  const svc = setup().make();
  const r = svc.create({ name: 'n', model: 'gpt', pass_through: false, conversation_ids: ['a'] });
  assert.ok(!r.ok && r.errors.some((e) => e.path === 'pass_through' && /inference/.test(e.message)));
});

test('a pass-through experiment runs every item to completed with annotations, usage and metrics', async () => {
  const svc = setup().make();
  const r = svc.create({ name: 'demo', model: 'traced', pass_through: true, conversation_ids: ['a', 'b'] });
  assert.ok(r.ok);
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  const res = svc.resource(id);
  assert.deepEqual(res.status_summary, {
    pending: 0,
    in_progress: 0,
    inference_completed: 0,
    completed: 2,
    failed: 0,
    skipped: 0,
    total: 2,
  });
  assert.ok(res.completed_at);
  const a = res.items.find((i) => i.conversation_id === 'a')!;
  assert.equal(a.annotations.length, 1);
  assert.equal(a.annotations[0]!.message_index, 1);
  assert.equal(a.input_tokens, 10);
  assert.equal(res.metrics.hallucination_rate, 0.5);
});

test('a reload from the store shows every experiment and item as it was', async () => {
  const { make } = setup();
  const first = make();
  const r = first.create({ name: 'kept', model: 'traced', pass_through: true, conversation_ids: ['a', 'b'] });
  const id = r.ok ? r.experiment.id : '';
  await first.whenIdle(id);
  first.dispose();
  const second = make();
  const list = second.list();
  assert.deepEqual(
    list.map((e) => e.name),
    ['kept'],
  );
  assert.deepEqual(second.resource(id).metrics, first.resource(id).metrics);
});

test('a failing detector fails its item with the reason; the others complete', async () => {
  const boom: Detector = {
    name: 'boom',
    detect: ({ message }) => {
      if (message.content === 'Fine.') throw new Error('detector exploded');
      return [];
    },
  };
  const svc = setup(boom).make();
  const r = svc.create({ name: 'f', model: 'traced', pass_through: true, conversation_ids: ['a', 'b'] });
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  const items = svc.resource(id).items;
  assert.equal(items.find((i) => i.conversation_id === 'b')!.status, 'failed');
  assert.equal(items.find((i) => i.conversation_id === 'b')!.failure_reason, 'detector exploded');
  assert.equal(items.find((i) => i.conversation_id === 'a')!.status, 'completed');
});

test('the experiment uses the conversations as they were at start, even if the trace changes', async () => {
  const { make, index, dir } = setup();
  const svc = make();
  const r = svc.create({ name: 's', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  index.update(
    path.join(dir, 't.jsonl'),
    JSON.stringify({
      id: 'a',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'no number' },
      ],
    }),
  );
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  assert.equal(svc.resource(id).items[0]!.annotations.length, 1);
});
