// Issue 19 §3: the estimate before a run, on a conversation whose tokens are known (o200k_base:
// "You are terse." 4, "What is the capital of France?" 7, "The capital of France is Paris." 7,
// each role 1). One request: 3 to prime the reply + (3 + 1 + 4) + (3 + 1 + 7) = 22 input tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingsSchema } from '../../common/protocol';
import { type Conversation, experimentConfigSchema } from '../../common/schema';
import { JUDGE_OUTPUT_ASSUMPTION, estimateExperiment, estimateFromInput } from '../../server/core/cost/estimate';
import { countRequestTokens, tokenCounter } from '../../server/core/cost/tokenCount';

const conversation = (id: string): Conversation => ({
  id,
  file: 't.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: 'The capital of France is Paris.' },
  ],
  tools: [],
});
const conversations = [conversation('c1'), conversation('c2')];
const settings = settingsSchema.parse({
  models: [
    { model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6 },
    { model: 'llama-3-8b' },
    { model: 'judge-model', id: 'judge', input_price_per_1m: 1, output_price_per_1m: 2 },
  ],
});
const base = { name: 'e', model: 'gpt-4.1-mini', conversation_ids: ['c1', 'c2'], num_samples: 2 };
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} ≈ ${b}`);

describe('estimate before a run', () => {
  it('counts the request the run would send with the model’s own tokenizer', () => {
    const counter = tokenCounter('gpt-4.1-mini');
    assert.equal(counter.description, 'js-tiktoken o200k_base');
    const messages = conversations[0]!.messages.slice(0, 2) as Parameters<typeof countRequestTokens>[1]['messages'];
    assert.equal(countRequestTokens(counter, { messages }), 22);
    assert.match(tokenCounter('llama-3-8b').description, /approximation: not an OpenAI model/);
  });

  it('requests, tokens and cost of one priced configuration; output as long as the traced response', async () => {
    const e = await estimateExperiment(experimentConfigSchema.parse(base), conversations, settings);
    assert.equal(e.items, 4);
    assert.deepEqual(e.requests, { inference: 4, judge: 0 });
    const [c] = e.configurations;
    assert.equal(c!.input_tokens, 4 * 22);
    assert.equal(c!.output_tokens, 4 * 7);
    close(c!.cost_usd, (88 * 0.4 + 28 * 1.6) / 1e6);
    close(e.total_cost_usd, 0.00008);
    assert.equal(e.judge, null);
    assert.ok(e.assumptions.some((a) => /as long as the traced one/.test(a)));
  });

  it('max_tokens bounds the expected output; a configuration without a price makes the total unknown, and says so', async () => {
    const config = experimentConfigSchema.parse({
      ...base,
      model_parameters: { max_tokens: 5 },
      models: [{ model: 'llama-3-8b' }],
    });
    const e = await estimateExperiment(config, conversations, settings);
    assert.equal(e.configurations[0]!.output_tokens, 4 * 5);
    assert.equal(e.configurations[1]!.cost_usd, null);
    assert.equal(e.total_cost_usd, null);
    assert.ok(e.assumptions.includes('price unknown for llama-3-8b: set input_price_per_1m and output_price_per_1m to see its cost'));
  });

  it('sampling "random" shares the samples between configurations', async () => {
    const config = experimentConfigSchema.parse({ ...base, models: [{ model: 'llama-3-8b' }], sampling: 'random' });
    const e = await estimateExperiment(config, conversations, settings);
    assert.equal(e.items, 4);
    assert.deepEqual(
      e.configurations.map((c) => c.requests),
      [2, 2],
    );
  });

  it('the judge apart: one call per item, its prompt counted, output assumed and priced with the judge’s prices', async () => {
    const config = experimentConfigSchema.parse({ ...base, detectors: ['local', 'judge'], judge_model: { model: 'judge' } });
    const e = await estimateExperiment(config, conversations, settings);
    const j = e.judge!;
    assert.equal(j.label, 'judge (judge)');
    assert.equal(j.requests, 4);
    assert.equal(j.output_tokens, 4 * JUDGE_OUTPUT_ASSUMPTION);
    assert.ok(j.input_tokens > 4 * 22, 'the judge prompt holds the instructions, the context and the response');
    close(j.cost_usd, (j.input_tokens * 1 + j.output_tokens * 2) / 1e6);
    close(e.total_cost_usd, e.configurations[0]!.cost_usd! + j.cost_usd!);
  });

  it('pass-through calls no target model: its cost is 0, the judge judges each traced response', async () => {
    const config = experimentConfigSchema.parse({
      ...base,
      num_samples: 1,
      pass_through: true,
      detectors: ['judge'],
      judge_model: { model: 'judge' },
    });
    const e = await estimateExperiment(config, conversations, settings);
    assert.equal(e.requests.inference, 0);
    assert.equal(e.configurations[0]!.cost_usd, 0);
    assert.equal(e.judge!.requests, 2);
  });

  it('a configuration as typed: field errors for the schema and unknown conversations', async () => {
    const lookup = new Map(conversations.map((c) => [c.id, c]));
    const bad = await estimateFromInput({ ...base, conversation_ids: ['c1', 'nope'] }, lookup, settings);
    assert.deepEqual(bad, { ok: false, errors: [{ path: 'conversation_ids.1', message: 'unknown conversation id "nope"' }] });
    const invalid = await estimateFromInput({ ...base, num_samples: 0 }, lookup, settings);
    assert.equal(invalid.ok, false);
    const good = await estimateFromInput(base, lookup, settings);
    assert.equal(good.ok && good.estimate.requests.inference, 4);
  });
});
