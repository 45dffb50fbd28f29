// The estimate at the batch price: batch.discount off for a model whose requests reach
// batch.min_requests, the full price below it, and the judge's pass apart; said in the assumptions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settingsSchema } from '../../common/protocol';
import { type Conversation, experimentConfigSchema } from '../../common/schema';
import { estimateExperiment } from '../../server/core/cost/estimate';
import { formatEstimate } from '../../server/estimateCommand';

const conversation = (id: string): Conversation => ({
  id,
  file: 't.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: 'The capital of France is Paris.' },
  ],
  tools: [],
});
const conversations = Array.from({ length: 10 }, (_, i) => conversation(`c${i}`));
const settings = settingsSchema.parse({
  models: [{ model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6 }],
  judgeModel: { model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6 },
});
const base = { name: 'e', model: 'gpt-4.1-mini', conversation_ids: conversations.map((c) => c.id), detectors: ['local', 'judge'] };

test('batch.discount off where a pass reaches batch.min_requests, the full price below it', async () => {
  const full = await estimateExperiment(experimentConfigSchema.parse(base), conversations, settings);
  const batched = await estimateExperiment(
    experimentConfigSchema.parse({ ...base, batch: { enabled: true, min_requests: 10 } }),
    conversations,
    settings,
  );
  assert.equal(batched.configurations[0]!.batch_discount, 0.5);
  assert.ok(Math.abs(batched.configurations[0]!.cost_usd! - full.configurations[0]!.cost_usd! / 2) < 1e-15);
  assert.ok(Math.abs(batched.judge!.cost_usd! - full.judge!.cost_usd! / 2) < 1e-15);
  assert.ok(Math.abs(batched.total_cost_usd! - full.total_cost_usd! / 2) < 1e-15);
  assert.ok(batched.assumptions.some((a) => /batch price: 50 % off/.test(a)));
  assert.match(formatEstimate(batched), /\(batch price\)/);

  const below = await estimateExperiment(
    experimentConfigSchema.parse({ ...base, batch: { enabled: true, min_requests: 11, discount: 0.4 } }),
    conversations,
    settings,
  );
  assert.equal(below.configurations[0]!.batch_discount, undefined, '10 requests < 11: sent directly');
  assert.equal(below.total_cost_usd, full.total_cost_usd);
  assert.doesNotMatch(formatEstimate(below), /\(batch price\)/);
});

test('the batch configuration is checked with messages naming the field', () => {
  const r = experimentConfigSchema.safeParse({ ...base, batch: { enabled: true, min_requests: 0, discount: 2, poll_interval_ms: 1 } });
  assert.ok(!r.success);
  const messages = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  assert.ok(messages.includes('batch.min_requests: batch.min_requests must be at least 1'), messages.join('\n'));
  assert.ok(messages.some((m) => /^batch\.discount: batch\.discount is a share between 0 and 1/.test(m)));
  assert.ok(messages.some((m) => /^batch\.poll_interval_ms: batch\.poll_interval_ms must be at least 10/.test(m)));
  const unknown = experimentConfigSchema.safeParse({ ...base, batch: { enabled: true, window: '48h' } });
  assert.ok(!unknown.success);
  assert.deepEqual(experimentConfigSchema.parse({ ...base, batch: { enabled: true } }).batch, {
    enabled: true,
    min_requests: 20,
    discount: 0.5,
    poll_interval_ms: 30_000,
  });
});
