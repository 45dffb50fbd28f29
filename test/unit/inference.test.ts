import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { type Conversation, type ExperimentConfig, type OutputField, messageParts } from '../../common/schema';
import { estimateRequestTokens } from '../../server/core/inference/chatClient';
import {
  outputResponseFormat,
  outputSchemaToZod,
  toWireJsonSchema,
  validateStructuredOutput,
} from '../../server/core/inference/outputSchema';
import {
  buildInferenceRequest,
  computeCost,
  createInferenceSource,
  schemaViolationAnnotation,
  schemaViolationAnnotations,
  toWireMessages,
} from '../../server/core/inference/responseSource';
import { type MockServer, type Script, startMockOpenAI } from '../support/mockOpenAIServer';

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

const agent: Conversation = {
  id: 'conv-1',
  file: 'traces.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'system', content: 'You are a weather bot.' },
    { role: 'user', content: 'Weather in Paris?', timestamp: '2025-01-01' },
    { role: 'assistant', content: null, tool_calls: [{ function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', content: '{"temp_c": 18}' },
    { role: 'assistant', content: 'It is 18 °C in Paris.' },
  ],
  tools,
};

const noSystem: Conversation = {
  id: 'conv-2',
  file: 'traces.jsonl',
  line: 1,
  position: 1,
  sourcePath: [],
  messages: [
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi!' },
  ],
  tools: [],
};

function config(extra: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: 'exp',
    model: 'target',
    pass_through: false,
    conversation_ids: ['conv-1'],
    num_samples: 1,
    detectors: ['local'],
    ...extra,
  };
}

const fields: OutputField[] = [
  { name: 'answer', type: 'string', is_list: false, is_optional: false },
  { name: 'confidence', type: 'number', is_list: false, is_optional: true },
  { name: 'sources', type: 'string', is_list: true, is_optional: false },
  { name: 'count', type: 'integer', is_list: false, is_optional: false },
  { name: 'final', type: 'boolean', is_list: false, is_optional: false },
];

describe('request building', () => {
  it('sends the messages before the traced response, cleaned, with the tools', () => {
    const { body, outputFields } = buildInferenceRequest({
      model: { model: 'gpt-x' },
      conversation: agent,
      responseIndex: 4,
      config: config(),
    });
    assert.equal(outputFields, null);
    assert.equal(body.model, 'gpt-x');
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_2_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_2_0', content: '{"temp_c": 18}' },
    ]);
    assert.deepEqual(body.tools, [{ type: 'function', function: tools[0]!.function }]);
    assert.equal(body.response_format, undefined);
    assert.equal(body.reasoning_effort, undefined);
  });

  it('system_prompt_override replaces the system message, or is added first', () => {
    const replaced = buildInferenceRequest({
      model: { model: 'm' },
      conversation: agent,
      responseIndex: 2,
      config: config({ system_prompt_override: 'Be terse.' }),
    }).body;
    assert.deepEqual(replaced.messages.slice(0, 2), [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    assert.equal(replaced.messages.length, 2);
    const added = buildInferenceRequest({
      model: { model: 'm' },
      conversation: noSystem,
      responseIndex: 1,
      config: config({ system_prompt_override: 'Be kind.' }),
    }).body;
    assert.deepEqual(added.messages, [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hello' },
    ]);
    const dev = buildInferenceRequest({
      model: { model: 'm' },
      conversation: { ...noSystem, messages: [{ role: 'developer', content: 'old' }, ...noSystem.messages] },
      responseIndex: 2,
      config: config({ system_prompt_override: 'new' }),
    }).body;
    assert.deepEqual(dev.messages[0], { role: 'developer', content: 'new' }, 'a developer message is the system prompt too');
    assert.equal(agent.messages[0]!.content, 'You are a weather bot.', 'the trace is not modified');
  });

  it('reasoning_config: effort → reasoning_effort; budget → thinking + reasoning.max_tokens', () => {
    const effort = buildInferenceRequest({
      model: { model: 'm', max_tokens: 500 },
      conversation: noSystem,
      responseIndex: 1,
      config: config({ reasoning_config: { effort: 'high' } }),
    }).body;
    assert.equal(effort.reasoning_effort, 'high');
    assert.equal(effort.max_completion_tokens, 500, 'reasoning models take max_completion_tokens');
    assert.equal(effort.max_tokens, undefined);
    const budget = buildInferenceRequest({
      model: { model: 'm' },
      conversation: noSystem,
      responseIndex: 1,
      config: config({ reasoning_config: { budget_tokens: 2048 } }),
    }).body;
    assert.deepEqual(budget.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.deepEqual(budget.reasoning, { max_tokens: 2048 });
    assert.equal(budget.reasoning_effort, undefined);
    const plain = buildInferenceRequest({
      model: { model: 'm', max_tokens: 64, temperature: 0.2 },
      conversation: noSystem,
      responseIndex: 1,
      config: config(),
    }).body;
    assert.equal(plain.max_tokens, 64);
    assert.equal(plain.temperature, 0.2);
  });

  it('output_schema → response_format json_schema, strict', () => {
    const { body, outputFields } = buildInferenceRequest({
      model: { model: 'm' },
      conversation: noSystem,
      responseIndex: 1,
      config: config({ output_schema: fields }),
    });
    assert.deepEqual(outputFields, fields);
    assert.deepEqual(body.response_format, {
      type: 'json_schema',
      json_schema: {
        name: 'structured_output',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            answer: { type: 'string' },
            confidence: { type: ['number', 'null'] },
            sources: { type: 'array', items: { type: 'string' } },
            count: { type: 'integer' },
            final: { type: 'boolean' },
          },
          required: ['answer', 'confidence', 'sources', 'count', 'final'],
          additionalProperties: false,
        },
      },
    });
  });

  it('a free-form object field makes strict mode impossible', () => {
    const rf = outputResponseFormat([{ name: 'meta', type: 'object', is_list: false, is_optional: false }]);
    assert.equal(rf.json_schema.strict, false);
    assert.deepEqual(rf.json_schema.schema.properties, { meta: { type: 'object', additionalProperties: true } });
  });

  it('tool results without ids are paired with the open calls; content parts are kept', () => {
    const wire = toWireMessages([
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'a', arguments: '{}' } }, { id: 'x', function: { name: 'b', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'x', content: 'B' },
      { role: 'tool', content: 'A' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:,' } },
        ],
      },
    ]);
    assert.equal((wire[0] as { content: unknown }).content, null);
    assert.deepEqual(wire.slice(1, 3), [
      { role: 'tool', tool_call_id: 'x', content: 'B' },
      { role: 'tool', tool_call_id: 'call_0_0', content: 'A' },
    ]);
    assert.deepEqual(wire[3], {
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'data:,' } },
      ],
    });
  });

  it('refuses a response index outside the conversation, or an empty context', () => {
    assert.throws(
      () => buildInferenceRequest({ model: { model: 'm' }, conversation: noSystem, responseIndex: 9, config: config() }),
      /outside the conversation/,
    );
    assert.throws(
      () => buildInferenceRequest({ model: { model: 'm' }, conversation: noSystem, responseIndex: 0, config: config() }),
      /no context/,
    );
  });

  it('estimates tokens from the characters and the output budget', () => {
    const { body } = buildInferenceRequest({
      model: { model: 'm', max_tokens: 100 },
      conversation: noSystem,
      responseIndex: 1,
      config: config(),
    });
    assert.equal(estimateRequestTokens(body), Math.ceil(JSON.stringify(body.messages).length / 4) + 100);
  });
});

describe('output schema', () => {
  it('outputSchemaToZod: types, lists, optional fields nullable (strict) or nullish (lenient)', () => {
    const strict = outputSchemaToZod(fields);
    assert.ok(strict.safeParse({ answer: 'a', confidence: null, sources: [], count: 2, final: true }).success);
    assert.ok(!strict.safeParse({ answer: 'a', sources: [], count: 2, final: true }).success, 'strict: the key must be there');
    assert.ok(!strict.safeParse({ answer: 'a', confidence: 1, sources: [], count: 2.5, final: true }).success, 'integer');
    assert.ok(!strict.safeParse({ answer: 'a', confidence: 1, sources: [], count: 2, final: true, extra: 1 }).success, 'no extra keys');
    const lenient = outputSchemaToZod(fields, { lenient: true });
    assert.ok(lenient.safeParse({ answer: 'a', sources: ['s'], count: 2, final: false }).success);
  });

  it('toWireJsonSchema drops $schema and the safe-integer bounds', () => {
    const { schema, strict } = toWireJsonSchema(z.strictObject({ n: z.int() }));
    assert.equal(strict, true);
    assert.deepEqual(schema, { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false });
  });

  it('validateStructuredOutput: valid, invalid JSON, wrong types, missing and extra fields', () => {
    assert.deepEqual(validateStructuredOutput('{"answer":"x","sources":[],"count":1,"final":true}', fields), {
      ok: true,
      value: { answer: 'x', sources: [], count: 1, final: true },
    });
    const notJson = validateStructuredOutput('Sure! {"answer": "x"}', fields);
    assert.equal(notJson.ok, false);
    assert.match(notJson.ok ? '' : notJson.error, /not valid JSON/);
    const wrong = validateStructuredOutput('{"answer": 3, "sources": [], "count": 1, "final": true, "extra": 1}', fields);
    assert.equal(wrong.ok, false);
    if (!wrong.ok) {
      assert.deepEqual(
        wrong.issues?.map((i) => i.path),
        [['answer'], ['extra']],
      );
      assert.match(wrong.error, /answer: .*expected string/i);
    }
    const empty = validateStructuredOutput(null, fields);
    assert.equal(empty.ok, false);
  });
});

describe('schema violation annotations', () => {
  it('point at the offending value, the object missing a field, or the whole content', () => {
    const content = '{"answer": 42, "sources": [], "count": 1, "final": true}';
    const message = { role: 'assistant', content };
    const structured = validateStructuredOutput(content, fields);
    assert.equal(structured.ok, false);
    if (structured.ok) return;
    const anns = schemaViolationAnnotations({ message, messageIndex: 4, structured });
    assert.equal(anns.length, 1);
    const a = anns[0]!;
    assert.equal(a.label, 'schema_violation');
    assert.equal(a.message_index, 4);
    assert.equal(a.message_part_index, 0);
    assert.equal(content.slice(a.start_offset, a.end_offset), '42');
    assert.equal(a.text, '42');
    assert.match(a.explanation, /answer: .*expected string/i);
    assert.equal(a.detector, 'schema');
    assert.equal(a.confidence, 1);

    const missing = '{"answer": "x", "count": 1, "final": true}';
    const m = validateStructuredOutput(missing, fields);
    assert.ok(!m.ok);
    const mAnn = schemaViolationAnnotation({
      message: { role: 'assistant', content: missing },
      messageIndex: 1,
      structured: m as { ok: false; error: string },
    });
    assert.equal(mAnn.text, missing, 'the object that lacks the field');
    assert.match(mAnn.explanation, /sources/);

    const prose = '  Here you go: answer is x  ';
    const p = validateStructuredOutput(prose, fields);
    assert.ok(!p.ok);
    const pAnn = schemaViolationAnnotation({
      message: { role: 'assistant', content: prose },
      messageIndex: 1,
      structured: p as { ok: false; error: string },
    });
    assert.equal(pAnn.text, 'Here you go: answer is x');
    assert.equal(pAnn.start_offset, 2);
  });

  it('a message without content gets one response-level annotation', () => {
    const a = schemaViolationAnnotation({
      message: { role: 'assistant', content: null },
      messageIndex: 3,
      structured: { ok: false, error: 'empty' },
    });
    assert.deepEqual([a.message_part_index, a.start_offset, a.end_offset, a.text], [0, 0, 0, '']);
  });
});

describe('inference against the mock server', () => {
  let server: MockServer;
  let script: Script | undefined;
  before(async () => {
    server = await startMockOpenAI({ script: (req, n) => script?.(req, n) });
  });
  after(() => server.close());
  const signal = () => new AbortController().signal;

  it('answers text, with usage, reasoning tokens, latency and cost', async () => {
    server.reset();
    script = () => ({ kind: 'ok', content: 'It is 21 °C.', usage: { prompt_tokens: 1000, completion_tokens: 500, reasoning_tokens: 200 } });
    const source = createInferenceSource({
      model: { model: 'target', baseURL: server.url, input_price_per_1m: 2, output_price_per_1m: 8 },
      apiKey: 'sk-test-key-123456',
      timeoutMs: 5000,
      maxRetries: 0,
    });
    const r = await source({
      conversation: agent,
      responseIndex: 4,
      config: config({ reasoning_config: { effort: 'low' } }),
      signal: signal(),
    });
    assert.deepEqual(r.message, { role: 'assistant', content: 'It is 21 °C.' });
    assert.equal(r.input_tokens, 1000);
    assert.equal(r.output_tokens, 500);
    assert.equal(r.reasoning_tokens, 200);
    assert.equal(r.finish_reason, 'stop');
    assert.equal(r.cost_usd, (1000 * 2 + 500 * 8) / 1e6);
    assert.equal(r.time_to_first_token_ms, null, 'not streaming');
    assert.ok(r.latency_ms >= 0);
    assert.equal(r.attempts, 1);
    assert.equal(r.structured, undefined);
    const req = server.chatRequests()[0]!;
    assert.equal(req.headers.authorization, 'Bearer sk-test-key-123456');
    const body = req.body as Record<string, unknown>;
    assert.equal(body.reasoning_effort, 'low');
    assert.equal((body.tools as unknown[]).length, 1);
    assert.equal((body.messages as unknown[]).length, 4);
  });

  it('cost is null without a price table, tokens null without usage', async () => {
    script = () => ({ kind: 'ok', content: 'x', noUsage: true });
    const source = createInferenceSource({
      model: { model: 'm', baseURL: server.url, input_price_per_1m: 1 },
      apiKey: null,
      timeoutMs: 5000,
      maxRetries: 0,
    });
    const r = await source({ conversation: noSystem, responseIndex: 1, config: config(), signal: signal() });
    assert.deepEqual([r.input_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd], [null, null, null, null]);
    assert.equal(computeCost({ model: 'm', input_price_per_1m: 1 }, 10, 10), null, 'output price unknown');
    assert.equal(computeCost({ model: 'm', input_price_per_1m: 1, output_price_per_1m: 1 }, 10, null), null);
  });

  it('without an API key no Authorization header is sent', async () => {
    server.reset();
    script = undefined;
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: null, timeoutMs: 5000, maxRetries: 0 });
    await source({ conversation: noSystem, responseIndex: 1, config: config(), signal: signal() });
    assert.equal(server.chatRequests()[0]!.headers.authorization, undefined);
  });

  it('answers tool calls (arguments given as a string or an object)', async () => {
    script = () => ({
      kind: 'ok',
      tool_calls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris, France"}' },
        { name: 'get_weather', arguments: { city: 'Lyon' } },
      ],
    });
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const r = await source({ conversation: agent, responseIndex: 2, config: config(), signal: signal() });
    assert.equal(r.message.content, null);
    const calls = r.message.tool_calls ?? [];
    assert.deepEqual(calls[0], {
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris, France"}' },
    });
    assert.match(calls[1]!.id ?? '', /^call_mock_\d+_1$/);
    assert.deepEqual(calls[1]!.function, { name: 'get_weather', arguments: '{"city":"Lyon"}' });
    assert.equal(r.finish_reason, 'tool_calls');
    assert.equal(messageParts(r.message).length, 2);
  });

  it('structured output: a conforming reply validates', async () => {
    server.reset();
    script = undefined; // the mock answers an object built from the schema
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const r = await source({ conversation: noSystem, responseIndex: 1, config: config({ output_schema: fields }), signal: signal() });
    assert.deepEqual(r.structured, {
      ok: true,
      value: { answer: 'example answer', confidence: 1.5, sources: ['example sources'], count: 1, final: true },
    });
    const rf = (server.chatRequests()[0]!.body as { response_format: { type: string; json_schema: { strict: boolean } } }).response_format;
    assert.equal(rf.type, 'json_schema');
    assert.equal(rf.json_schema.strict, true);
  });

  it('structured output: a non-conforming reply is reported, and becomes an annotation', async () => {
    const content = '{"answer": "x", "confidence": "high", "sources": [], "count": 1, "final": true}';
    script = () => ({ kind: 'ok', content });
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const r = await source({ conversation: noSystem, responseIndex: 1, config: config({ output_schema: fields }), signal: signal() });
    assert.equal(r.structured?.ok, false);
    if (r.structured && !r.structured.ok) {
      const [a] = schemaViolationAnnotations({ message: r.message, messageIndex: 1, structured: r.structured });
      assert.equal(a!.text, 'high');
      assert.equal(content.slice(a!.start_offset, a!.end_offset), 'high');
    }
  });

  it('structured output: a refusal and a tool-call-only reply', async () => {
    script = () => ({ kind: 'ok', refusal: 'I cannot help with that.' });
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const refused = await source({ conversation: noSystem, responseIndex: 1, config: config({ output_schema: fields }), signal: signal() });
    assert.equal(refused.structured?.ok, false);
    assert.equal(refused.message.refusal, 'I cannot help with that.');
    script = () => ({ kind: 'ok', tool_calls: [{ name: 'get_weather', arguments: '{}' }] });
    const calls = await source({ conversation: agent, responseIndex: 2, config: config({ output_schema: fields }), signal: signal() });
    assert.equal(calls.structured, undefined, 'tool calls are not a structured answer');
  });

  it('streaming: same answer, time to first token measured, usage from the last chunk', async () => {
    server.reset();
    script = () => ({
      kind: 'ok',
      latencyMs: 60,
      chunkDelayMs: 40,
      content: 'Streaming works fine.',
      tool_calls: [{ id: 'call_s', name: 'get_weather', arguments: '{"city":"Rome"}' }],
      usage: { prompt_tokens: 10, completion_tokens: 7, reasoning_tokens: 3 },
    });
    const source = createInferenceSource({
      model: { model: 'm', baseURL: server.url },
      apiKey: 'k',
      timeoutMs: 5000,
      maxRetries: 0,
      streaming: true,
    });
    const r = await source({ conversation: agent, responseIndex: 2, config: config(), signal: signal() });
    assert.equal(r.message.content, 'Streaming works fine.');
    assert.deepEqual(r.message.tool_calls, [
      { id: 'call_s', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ]);
    assert.deepEqual([r.input_tokens, r.output_tokens, r.reasoning_tokens], [10, 7, 3]);
    assert.ok(r.time_to_first_token_ms !== null && r.time_to_first_token_ms >= 55, `ttft ${r.time_to_first_token_ms}`);
    assert.ok(r.latency_ms >= r.time_to_first_token_ms! + 150, `latency ${r.latency_ms} covers the chunks after the first`);
    const body = server.chatRequests()[0]!.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });
});
