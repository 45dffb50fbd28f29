// Issue 19 §4: the request parameters of a model configuration reach the provider, the raw
// exchange and the logprobs are stored per item (never the key or a header), sampling "random"
// draws the same configurations for the same experiment, and the judge's usage is counted apart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Conversation,
  type ExperimentItem,
  type ToolChoice,
  experimentConfigSchema,
  formatZodError,
  modelConfigSchema,
} from '../../common/schema';
import { createInferenceSource } from '../../server/core/inference/responseSource';
import { drawConfiguration, modelConfigs, newItems, pendingItem } from '../../server/core/experiments/experimentItems';
import { computeMetrics } from '../../server/core/experiments/metrics';
import { withinResponseCap } from '../../server/core/experiments/responseCap';
import { createJudgeDetector } from '../../server/core/judge/judgeDetector';
import type { DetectionReport } from '../../server/core/detectors/detector';
import { type MockServer, type Script, startMockOpenAI } from '../support/mockOpenAIServer';

const KEY = 'sk-test-secret-key-0123456789';

const weather: Conversation = {
  id: 'c1',
  file: 't.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: 'It is 18 degrees.' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
};
const noTools: Conversation = { ...weather, id: 'c2', tools: [] };

const config = experimentConfigSchema.parse({ name: 'x', model: 'm', conversation_ids: ['c1'] });
const signal = new AbortController().signal;

describe('model configuration: request parameters', () => {
  let server: MockServer;
  let script: Script | undefined;
  before(async () => {
    server = await startMockOpenAI({ apiKey: KEY, script: (req, n) => script?.(req, n) });
  });
  after(() => server.close());

  it('sends every parameter in the request body the provider receives', async () => {
    server.reset();
    script = undefined;
    const source = createInferenceSource({
      model: modelConfigSchema.parse({
        model: 'mock-model',
        baseURL: server.url,
        temperature: 0.3,
        max_tokens: 64,
        tool_choice: { function: 'get_weather' },
        top_p: 0.9,
        seed: 42,
        stop: ['END', '###'],
        logprobs: true,
        top_logprobs: 3,
        user: 'analyst-7',
      }),
      apiKey: KEY,
      timeoutMs: 5000,
      maxRetries: 0,
    });
    await source({ conversation: weather, responseIndex: 1, config, signal });
    const body = server.chatRequests()[0]!.body as Record<string, unknown>;
    assert.equal(body.temperature, 0.3);
    assert.equal(body.max_tokens, 64);
    assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    assert.equal(body.top_p, 0.9);
    assert.equal(body.seed, 42);
    assert.deepEqual(body.stop, ['END', '###']);
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 3);
    assert.equal(body.user, 'analyst-7');
  });

  it('top_logprobs alone asks for logprobs; a single stop string and tool_choice modes are sent as given', async () => {
    server.reset();
    const source = createInferenceSource({
      model: { model: 'mock-model', baseURL: server.url, top_logprobs: 0, stop: 'END', tool_choice: 'required' },
      apiKey: KEY,
      timeoutMs: 5000,
      maxRetries: 0,
    });
    await source({ conversation: weather, responseIndex: 1, config, signal });
    const body = server.chatRequests()[0]!.body as Record<string, unknown>;
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 0);
    assert.equal(body.stop, 'END');
    assert.equal(body.tool_choice, 'required');
    assert.equal('seed' in body, false, 'a parameter not configured is not sent');
  });

  it('tool_choice: "auto" is left out without tools; "required" or an unknown function fails with the reason', async () => {
    server.reset();
    const make = (tool_choice: ToolChoice) =>
      createInferenceSource({
        model: { model: 'mock-model', baseURL: server.url, tool_choice },
        apiKey: KEY,
        timeoutMs: 5000,
        maxRetries: 0,
      });
    await make('auto')({ conversation: noTools, responseIndex: 1, config, signal });
    assert.equal('tool_choice' in (server.chatRequests()[0]!.body as object), false);
    await assert.rejects(
      make('required')({ conversation: noTools, responseIndex: 1, config, signal }),
      /tool_choice "required" needs tools/,
    );
    await assert.rejects(
      make({ function: 'book_flight' })({ conversation: weather, responseIndex: 1, config, signal }),
      /"book_flight", which the conversation does not define \(it defines get_weather\)/,
    );
    assert.equal(server.chatRequests().length, 1, 'a request that cannot be honoured is not sent');
  });

  it('stores the raw request and response without the key or any header, and the logprobs of the content', async () => {
    for (const streaming of [false, true]) {
      server.reset();
      // A server that echoes the key in its answer (some do, in errors and debug fields).
      script = () => ({ kind: 'ok', content: `Paris is 18 degrees, key ${KEY}` });
      const source = createInferenceSource({
        model: { model: 'mock-model', baseURL: server.url, logprobs: true, top_logprobs: 2 },
        apiKey: KEY,
        timeoutMs: 5000,
        maxRetries: 0,
        streaming,
      });
      const r = await source({ conversation: weather, responseIndex: 1, config, signal });
      assert.equal(server.chatRequests()[0]!.headers.authorization, `Bearer ${KEY}`, 'the key was sent…');
      const stored = JSON.stringify(r.raw);
      assert.equal(stored.includes(KEY), false, '…and is not in the stored exchange');
      assert.doesNotMatch(stored, /authorization|bearer/i);
      const request = r.raw!.request as Record<string, unknown>;
      assert.equal(request.model, 'mock-model');
      assert.deepEqual(request.messages, [{ role: 'user', content: 'Weather in Paris?' }]);
      if (streaming) assert.ok(Array.isArray(r.raw!.response) && r.raw!.response.length > 2, 'a streamed answer is its chunks');
      else assert.equal((r.raw!.response as { object: string }).object, 'chat.completion');
      assert.ok(r.logprobs && r.logprobs.length > 0);
      const low = r.logprobs.find((t) => t.token.includes('18'))!;
      assert.equal(low.logprob, -2.5);
      assert.equal(low.top_logprobs?.length, 2);
      assert.equal(r.finish_reason, 'stop');
    }
    script = undefined;
  });

  it('validates the parameters with messages that name the problem', () => {
    const problems = (input: unknown) => {
      const r = modelConfigSchema.safeParse(input);
      return r.success ? '' : formatZodError(r.error);
    };
    assert.match(problems({ model: 'm', stop: ['a', 'b', 'c', 'd', 'e'] }), /stop allows at most 4 sequences/);
    assert.match(problems({ model: 'm', top_logprobs: 21 }), /top_logprobs is 0 to 20/);
    assert.match(problems({ model: 'm', top_p: 1.5 }), /top_p must be between 0 and 1/);
    assert.match(problems({ model: 'm', seed: 1.5 }), /seed must be a whole number/);
    assert.match(
      problems({ model: 'm', tool_choice: 'always' }),
      /tool_choice must be "none", "auto", "required" or \{"function": "<name>"\}/,
    );
    assert.equal(problems({ model: 'm', tool_choice: { function: 'f' }, stop: 'x', user: 'u', logprobs: false }), '');
  });

  it('the target model takes the experiment’s model_parameters', () => {
    const c = experimentConfigSchema.parse({ ...config, model_parameters: { seed: 7, top_p: 0.5 } });
    assert.deepEqual(modelConfigs(c)[0], { seed: 7, top_p: 0.5, model: 'm' });
  });
});

describe('sampling "random"', () => {
  const conversations = Array.from({ length: 60 }, (_, i) => ({ ...weather, id: `c${i}` }));
  const random = experimentConfigSchema.parse({
    name: 'x',
    model: 'a',
    models: [{ model: 'b' }, { model: 'c', id: 'c-hot' }],
    num_samples: 3,
    sampling: 'random',
    conversation_ids: conversations.map((c) => c.id),
  });

  it('one item per conversation and sample, each on a configuration drawn the same way for the same experiment id', () => {
    const first = newItems(random, conversations, '20261203-abc');
    const again = newItems(random, conversations, '20261203-abc');
    assert.equal(first.length, 60 * 3);
    assert.deepEqual(
      first.map((i) => i.model_config),
      again.map((i) => i.model_config),
    );
    const other = newItems(random, conversations, '20261203-xyz');
    assert.notDeepEqual(
      first.map((i) => i.model_config),
      other.map((i) => i.model_config),
    );
    const counts = new Map<string, number>();
    for (const i of first) counts.set(i.model_config, (counts.get(i.model_config) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ['a', 'b', 'c-hot']);
    for (const n of counts.values()) assert.ok(n > 30 && n < 90, `roughly a third each: ${[...counts.values()].join(', ')}`);
    assert.deepEqual(
      first.slice(0, 3).map((i) => [i.conversation_id, i.sample_index]),
      [
        ['c0', 0],
        ['c0', 1],
        ['c0', 2],
      ],
    );
  });

  it('"every" (or no sampling) keeps every configuration for every conversation', () => {
    const every = newItems({ ...random, sampling: 'every' }, conversations.slice(0, 2), 'id');
    assert.equal(every.length, 2 * 3 * 3);
    assert.equal(drawConfiguration('id', 'c0', 0, 1), 0);
  });
});

describe('judge usage apart from the target', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockOpenAI({
      script: () => ({ kind: 'ok', content: '{"annotations": []}', usage: { prompt_tokens: 1000, completion_tokens: 50 } }),
    });
  });
  after(() => server.close());

  it('a judge call adds its tokens and cost to the report; an unknown price is null, not 0', async () => {
    const priced = createJudgeDetector({
      model: { model: 'judge', baseURL: server.url, input_price_per_1m: 2, output_price_per_1m: 8 },
      apiKey: null,
      timeoutMs: 5000,
      maxRetries: 0,
    });
    const report: DetectionReport = { notes: [], hidden: 0 };
    const input = { conversation: weather, messageIndex: 1, message: weather.messages[1]!, report };
    await priced.detect(input);
    await priced.detect(input);
    assert.deepEqual(report.judge, { input_tokens: 2000, output_tokens: 100, cost_usd: (2000 * 2 + 100 * 8) / 1e6 });

    const unpriced = createJudgeDetector({ model: { model: 'judge', baseURL: server.url }, apiKey: null, timeoutMs: 5000, maxRetries: 0 });
    const report2: DetectionReport = { notes: [], hidden: 0 };
    await unpriced.detect({ ...input, report: report2 });
    assert.deepEqual(report2.judge, { input_tokens: 1000, output_tokens: 50, cost_usd: null });
  });

  it('metrics count the judge apart and total the run; unknown prices make the totals null', () => {
    const done = (over: Partial<ExperimentItem>): ExperimentItem => ({ ...pendingItem('1', 'c1', 'm', 0), status: 'completed', ...over });
    const items = [
      done({
        input_tokens: 100,
        output_tokens: 10,
        cost_usd: 0.01,
        judge_input_tokens: 1000,
        judge_output_tokens: 50,
        judge_cost_usd: 0.002,
      }),
      done({
        input_tokens: 200,
        output_tokens: 20,
        cost_usd: 0.02,
        judge_input_tokens: 3000,
        judge_output_tokens: 70,
        judge_cost_usd: 0.004,
      }),
    ];
    const m = computeMetrics(items);
    assert.equal(m.total_input_tokens, 300, 'the target’s tokens stay the target’s');
    assert.equal(m.judge_input_tokens, 4000);
    assert.equal(m.judge_output_tokens, 120);
    assert.ok(Math.abs(m.judge_cost_usd! - 0.006) < 1e-12);
    assert.ok(Math.abs(m.total_estimated_cost! - 0.036) < 1e-12);
    assert.ok(Math.abs(m.total_estimated_cost_avg! - 0.018) < 1e-12);

    const unknownJudge = computeMetrics([items[0]!, { ...items[1]!, judge_cost_usd: null }]);
    assert.equal(unknownJudge.judge_cost_usd, null);
    assert.equal(unknownJudge.total_estimated_cost, null);

    const passThrough = computeMetrics(
      items.map((i) => ({ ...i, cost_usd: null })),
      { passThrough: true },
    );
    assert.ok(Math.abs(passThrough.total_estimated_cost! - 0.006) < 1e-12, 'pass-through spends only on the judge');
    const noJudge = computeMetrics(items.map(({ judge_input_tokens: _a, judge_output_tokens: _b, judge_cost_usd: _c, ...i }) => i));
    assert.equal(noJudge.judge_cost_usd, null);
    assert.equal(noJudge.judge_input_tokens, 0);
    assert.ok(Math.abs(noJudge.total_estimated_cost! - 0.03) < 1e-12);
  });
});

describe('raw exchange under the response cap', () => {
  it('over the cap, the raw exchange and logprobs are left out (with the reason) before the responses', () => {
    const item: ExperimentItem = {
      ...pendingItem('1', 'c1', 'm', 0),
      status: 'completed',
      response_messages: [{ message_index: 1, message: { role: 'assistant', content: 'x'.repeat(500) } }],
      raw: { request: { messages: 'y'.repeat(400) }, response: { z: 'z'.repeat(400) } },
      logprobs: [{ token: 'x', logprob: -1 }],
    };
    const kept = withinResponseCap(item, 1000);
    assert.equal(kept.status, 'completed');
    assert.equal(kept.response_messages.length, 1);
    assert.equal(kept.logprobs, undefined);
    assert.equal(kept.raw?.request, null);
    assert.match(kept.raw!.omitted!, /more than the 0\.0 MiB an item stores/);
    assert.equal(withinResponseCap(item, 10_000), item, 'under the cap: unchanged');
  });
});
