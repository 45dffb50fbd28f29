// Whole files in the shapes real producers write that were refused or read as empty before:
// OTel JS ReadableSpan dumps (HrTime), bare attribute maps, AI SDK `ai.*` spans, OTLP log records
// beside their spans, Langfuse observations keeping span attributes in metadata — and the
// coverage each file reports (an LLM call that cannot be read is named, never an empty
// conversation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../server/core/traceParser';
import type { Conversation } from '../../common/schema';

const SYSTEM = 'You are the travel desk.';
const USER = 'Weather in Lisbon on 2025-06-12?';
const ARGS = '{"city":"Lisbon","date":"2025-06-12"}';
const RESULT = '{"condition":"sunny","high_c":27}';
const FINAL = 'Sunny, 27 °C; humidity near 62%.';
const TOOL_DEF = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, date: { type: 'string' } }, required: ['city'] },
  },
};

const parse = (name: string, value: unknown) =>
  parseTraceText(`/w/${name}`, typeof value === 'string' ? value : JSON.stringify(value, null, 1), name);
const shape = (c: Conversation) =>
  c.messages.map(
    (m) =>
      `${m.role}${m.tool_call_id ? `#${m.tool_call_id}` : ''}:${typeof m.content === 'string' ? m.content : ''}${(m.tool_calls ?? []).map((t) => `[${t.function.name}#${t.id}${t.function.arguments}]`).join('')}`,
  );
const TOOL_CONVERSATION = [
  `system:${SYSTEM}`,
  `user:${USER}`,
  `assistant:[get_weather#call_1${ARGS}]`,
  `tool#call_1:${RESULT}`,
  `assistant:${FINAL}`,
];

test('OTel JS ReadableSpan dumps: spanContext ids, HrTime [seconds, nanoseconds], parentSpanContext', () => {
  const span = (id: string, start: number, extra: Record<string, unknown>) => ({
    name: 'chat gpt-4o-mini',
    kind: 2,
    spanContext: { traceId: 'aa11', spanId: id, traceFlags: 1 },
    parentSpanContext: { traceId: 'aa11', spanId: 'root' },
    startTime: [1796304469, start],
    endTime: [1796304469, start + 57_000_000],
    status: { code: 0 },
    events: [],
    resource: { attributes: { 'service.name': 'desk' } },
    ...extra,
  });
  const root = {
    name: 'agent',
    spanContext: { traceId: 'aa11', spanId: 'root' },
    startTime: [1796304469, 0],
    endTime: [1796304470, 0],
    attributes: {},
  };
  const r = parse('spans.json', [
    root,
    span('s2', 200_000_000, {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: USER }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: JSON.parse(ARGS) }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: RESULT }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: FINAL }], finish_reason: 'stop' }]),
        'gen_ai.tool.definitions': JSON.stringify([TOOL_DEF]),
      },
    }),
  ]);
  assert.equal(r.problems.filter((p) => /time/.test(p.message)).length, 0, JSON.stringify(r.problems));
  assert.equal(r.conversations.length, 1);
  const c = r.conversations[0]!;
  assert.deepEqual(shape(c), TOOL_CONVERSATION);
  assert.equal(c.metadata?.latency_ms, 57);
  assert.deepEqual(
    c.tools.map((t) => t.function.name),
    ['get_weather'],
  );
  assert.equal(c.toolsKnown, undefined);
  assert.deepEqual(c.executedTools, ['get_weather']);
});

test("a bare attribute map (one span's attributes as a JSON object) is a trace: OTel GenAI and flattened OpenInference", () => {
  const genai = parse('span-attributes.json', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.input.messages': JSON.stringify([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: USER },
    ]),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: FINAL }]),
  });
  assert.equal(genai.isTrace, true);
  assert.deepEqual(genai.problems, [], 'a bare map has no ids by nature: nothing to warn about');
  assert.deepEqual(genai.conversations.map(shape), [[`system:${SYSTEM}`, `user:${USER}`, `assistant:${FINAL}`]]);
  assert.equal(genai.conversations[0]!.toolsKnown, false, 'no definitions recorded: unknown, not "none"');
  const oi = parse('oi-attributes.json', {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-mini',
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': SYSTEM,
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.content': USER,
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': ARGS,
    'llm.tools.0.tool.json_schema': JSON.stringify(TOOL_DEF),
  });
  assert.deepEqual(oi.conversations.map(shape), [[`system:${SYSTEM}`, `user:${USER}`, `assistant:[get_weather#call_1${ARGS}]`]]);
  assert.deepEqual(
    oi.conversations[0]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );
});

test('AI SDK spans: ai.prompt.messages, ai.prompt.tools, ai.response.toolCalls / text, ai.toolCall spans', () => {
  const common = { traceId: 't1', parentSpanId: 'gen' };
  const prompt = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: [{ type: 'text', text: USER }] },
  ];
  const spans = [
    {
      ...common,
      spanId: 'gen',
      parentSpanId: undefined,
      name: 'ai.generateText',
      startTimeUnixNano: '1796304469000000000',
      attributes: {
        'ai.operationId': 'ai.generateText',
        'ai.prompt': JSON.stringify({ system: SYSTEM, prompt: USER }),
        'ai.response.text': FINAL,
      },
    },
    {
      ...common,
      spanId: 'd1',
      name: 'ai.generateText.doGenerate',
      startTimeUnixNano: '1796304469100000000',
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o-mini',
        'ai.prompt.messages': JSON.stringify(prompt),
        'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'get_weather', inputSchema: TOOL_DEF.function.parameters })],
        'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'call_1', toolName: 'get_weather', input: ARGS }]),
        'gen_ai.system': 'openai.chat',
      },
    },
    {
      ...common,
      spanId: 'tc',
      name: 'ai.toolCall',
      startTimeUnixNano: '1796304469200000000',
      attributes: {
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'get_weather',
        'ai.toolCall.id': 'call_1',
        'ai.toolCall.args': ARGS,
        'ai.toolCall.result': RESULT,
      },
    },
    {
      ...common,
      spanId: 'd2',
      name: 'ai.generateText.doGenerate',
      startTimeUnixNano: '1796304469300000000',
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.prompt.messages': JSON.stringify([
          ...prompt,
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: JSON.parse(ARGS) }] },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'text', value: RESULT } }],
          },
        ]),
        'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'get_weather', inputSchema: TOOL_DEF.function.parameters })],
        'ai.response.text': FINAL,
      },
    },
  ];
  const r = parse('ai-sdk.jsonl', spans.map((s) => JSON.stringify(s)).join('\n'));
  assert.equal(r.conversations.length, 2);
  assert.deepEqual(shape(r.conversations[1]!), TOOL_CONVERSATION);
  assert.deepEqual(
    r.conversations[0]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );
  assert.deepEqual(r.coverage, { llmCalls: 2, read: 2, unread: [] });
});

test('OTLP log records in the same file as their spans give those spans their messages (openai instrumentation)', () => {
  const any = (v: unknown): unknown =>
    typeof v === 'string'
      ? { stringValue: v }
      : Array.isArray(v)
        ? { arrayValue: { values: v.map(any) } }
        : typeof v === 'object' && v !== null
          ? { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: any(value) })) } }
          : { intValue: v };
  const log = (event: string, body: unknown, spanId: string, t: number) => ({
    timeUnixNano: String(1796304469000000000 + t),
    traceId: 'tt',
    spanId,
    body: any(body),
    attributes: [{ key: 'event.name', value: { stringValue: event } }],
  });
  const span = (spanId: string, t: number) => ({
    traceId: 'tt',
    spanId,
    name: 'chat gpt-4o-mini',
    startTimeUnixNano: String(1796304469000000000 + t),
    endTimeUnixNano: String(1796304469000000000 + t + 1000),
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }],
  });
  const file = {
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-openai' }, spans: [span('s1', 0), span('s2', 10_000)] }],
      },
    ],
    resourceLogs: [
      {
        resource: { attributes: [] },
        scopeLogs: [
          {
            logRecords: [
              log('gen_ai.system.message', { content: SYSTEM }, 's1', 1),
              log('gen_ai.user.message', { content: USER }, 's1', 2),
              log(
                'gen_ai.choice',
                {
                  index: 0,
                  finish_reason: 'tool_calls',
                  message: { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }] },
                },
                's1',
                3,
              ),
              log('gen_ai.system.message', { content: SYSTEM }, 's2', 10_001),
              log('gen_ai.user.message', { content: USER }, 's2', 10_002),
              log(
                'gen_ai.assistant.message',
                { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }] },
                's2',
                10_003,
              ),
              log('gen_ai.tool.message', { id: 'call_1', content: RESULT }, 's2', 10_004),
              log('gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: FINAL } }, 's2', 10_005),
            ],
          },
        ],
      },
    ],
  };
  const r = parse('otlp.json', file);
  assert.deepEqual(
    r.conversations.map((c) => c.id),
    ['s1', 's2'],
  );
  assert.deepEqual(shape(r.conversations[1]!), TOOL_CONVERSATION);
  // The same records as a logs-only export still make the two calls.
  const logsOnly = parse('logs.json', { resourceLogs: file.resourceLogs });
  assert.deepEqual(logsOnly.conversations.map(shape)[1], TOOL_CONVERSATION);
});

test('Langfuse: definitions kept in metadata attributes and appended by a LangChain handler as tool messages', () => {
  const r = parse('langfuse.json', {
    id: 'tr1',
    name: 'desk',
    observations: [
      {
        id: 'g1',
        traceId: 'tr1',
        type: 'GENERATION',
        startTime: '2025-06-01T10:00:00.000Z',
        input: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: USER },
          { role: 'tool', content: TOOL_DEF },
        ],
        output: { role: 'assistant', content: FINAL },
        metadata: { attributes: { 'gen_ai.system_instructions': SYSTEM } },
      },
      {
        id: 'g2',
        traceId: 'tr1',
        type: 'GENERATION',
        startTime: '2025-06-01T10:00:01.000Z',
        input: [{ role: 'user', content: USER }],
        output: { role: 'assistant', content: FINAL },
        metadata: { attributes: { 'gen_ai.tool.definitions': JSON.stringify([TOOL_DEF]) } },
      },
    ],
  });
  assert.deepEqual(
    r.conversations.map(shape)[0],
    [`system:${SYSTEM}`, `user:${USER}`, `assistant:${FINAL}`],
    'the definition is not a tool result',
  );
  for (const c of r.conversations)
    assert.deepEqual(
      c.tools.map((t) => t.function.name),
      ['get_weather'],
    );
});

test('coverage: an LLM call whose response or input cannot be read is left out and named, never an empty conversation', () => {
  const lines = [
    {
      traceId: 'a',
      spanId: 'ok',
      name: 'chat',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: USER }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: FINAL }]),
      },
    },
    {
      traceId: 'a',
      spanId: 'bad',
      name: 'chat',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: USER }]),
        'gen_ai.output.messages': JSON.stringify([{ unknown: 1 }]),
      },
    },
    {
      traceId: 'b',
      spanId: 'noinput',
      name: 'chat',
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: FINAL }]) },
    },
  ];
  const r = parse('mixed.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.deepEqual(
    r.conversations.map((c) => c.metadata?.span_id),
    ['ok'],
  );
  assert.equal(r.coverage?.llmCalls, 3);
  assert.equal(r.coverage?.read, 1);
  assert.deepEqual(
    r.coverage?.unread.map((u) => [u.spanId, u.line, u.reason]),
    [
      ['bad', 1, 'its response could not be read'],
      ['noinput', 2, 'its input (the messages the model was given) was not recorded'],
    ],
  );
  assert.ok(r.conversations.every((c) => c.messages.length > 1));
});

test('frameworks that record the provider request whole (Google ADK) or events in one attribute (Pydantic AI), Strands block events, Traceloop tool entities', () => {
  const adk = [
    {
      traceId: 'adk',
      spanId: 'l1',
      name: 'call_llm',
      startTimeUnixNano: '1796304469000000000',
      attributes: {
        'gen_ai.system': 'gcp.vertex.agent',
        'gen_ai.request.model': 'gemini-2.0-flash',
        'gcp.vertex.agent.llm_request': JSON.stringify({
          model: 'gemini-2.0-flash',
          config: {
            system_instruction: SYSTEM,
            tools: [{ function_declarations: [{ name: 'get_weather', parameters: TOOL_DEF.function.parameters }] }],
          },
          contents: [
            { role: 'user', parts: [{ text: USER }] },
            { role: 'model', parts: [{ function_call: { id: 'call_1', name: 'get_weather', args: JSON.parse(ARGS) } }] },
            { role: 'user', parts: [{ function_response: { id: 'call_1', name: 'get_weather', response: JSON.parse(RESULT) } }] },
          ],
        }),
        'gcp.vertex.agent.llm_response': JSON.stringify({ content: { role: 'model', parts: [{ text: FINAL }] } }),
      },
    },
    {
      traceId: 'adk',
      spanId: 't1',
      name: 'execute_tool get_weather',
      startTimeUnixNano: '1796304468900000000',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
        'gcp.vertex.agent.tool_call_args': ARGS,
        'gcp.vertex.agent.tool_response': RESULT,
      },
    },
  ];
  const r = parse('adk.jsonl', adk.map((s) => JSON.stringify(s)).join('\n'));
  assert.deepEqual(r.conversations.map(shape), [TOOL_CONVERSATION]);
  assert.deepEqual(
    r.conversations[0]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );

  const pydantic = parse(
    'pydantic.jsonl',
    JSON.stringify({
      traceId: 'p',
      spanId: 'p1',
      name: 'chat gpt-4o',
      attributes: {
        'gen_ai.operation.name': 'chat',
        events: JSON.stringify([
          { 'event.name': 'gen_ai.system.message', role: 'system', content: SYSTEM },
          { 'event.name': 'gen_ai.user.message', role: 'user', content: USER },
          {
            'event.name': 'gen_ai.assistant.message',
            role: 'assistant',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
          },
          { 'event.name': 'gen_ai.tool.message', role: 'tool', id: 'call_1', content: RESULT, name: 'get_weather' },
          { 'event.name': 'gen_ai.choice', index: 0, message: { role: 'assistant', content: FINAL } },
        ]),
      },
    }),
  );
  assert.deepEqual(pydantic.conversations.map(shape), [TOOL_CONVERSATION]);

  const ev = (name: string, attributes: Record<string, string>) => ({ name, attributes });
  const strands = parse(
    'strands.jsonl',
    JSON.stringify({
      traceId: 's',
      spanId: 's1',
      name: 'chat',
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'strands-agents' },
      events: [
        ev('gen_ai.system.message', { content: JSON.stringify([{ text: SYSTEM }]) }),
        ev('gen_ai.user.message', { content: JSON.stringify([{ text: USER }]) }),
        ev('gen_ai.assistant.message', {
          content: JSON.stringify([{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: JSON.parse(ARGS) } }]),
        }),
        ev('gen_ai.tool.message', {
          content: JSON.stringify([{ toolResult: { toolUseId: 'call_1', content: [{ text: RESULT }], status: 'success' } }]),
          id: 'call_1',
        }),
        ev('gen_ai.choice', { message: JSON.stringify([{ text: FINAL }]), finish_reason: 'end_turn' }),
      ],
    }),
  );
  assert.deepEqual(strands.conversations.map(shape), [TOOL_CONVERSATION]);

  const traceloop = parse(
    'traceloop.jsonl',
    [
      {
        traceId: 'tl',
        spanId: 'c1',
        name: 'openai.chat',
        startTimeUnixNano: '1796304469000000000',
        attributes: {
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': USER,
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.tool_calls.0.id': 'call_1',
          'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
          'gen_ai.completion.0.tool_calls.0.arguments': ARGS,
        },
      },
      {
        traceId: 'tl',
        spanId: 't1',
        name: 'get_weather.tool',
        startTimeUnixNano: '1796304469100000000',
        attributes: {
          'traceloop.span.kind': 'tool',
          'traceloop.entity.name': 'get_weather',
          'traceloop.entity.input': ARGS,
          'traceloop.entity.output': RESULT,
        },
      },
      {
        traceId: 'tl',
        spanId: 'c2',
        name: 'openai.chat',
        startTimeUnixNano: '1796304469200000000',
        attributes: { 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': FINAL },
      },
    ]
      .map((s) => JSON.stringify(s))
      .join('\n'),
  );
  // The second call recorded no input: it is rebuilt, with the tool span's result for the call.
  assert.deepEqual(shape(traceloop.conversations[1]!), [
    `user:${USER}`,
    `assistant:[get_weather#call_1${ARGS}]`,
    `tool#call_1:${RESULT}`,
    `assistant:${FINAL}`,
  ]);
  assert.deepEqual(traceloop.conversations[1]!.executedTools, ['get_weather']);
});

test('Phoenix dataframe rows (attributes.* columns) and MLflow trace JSON ({info, data: {spans}})', () => {
  const phoenix = parse('phoenix.json', [
    {
      name: 'ChatCompletion',
      span_kind: 'LLM',
      parent_id: null,
      start_time: '2025-06-01T10:00:00.000Z',
      end_time: '2025-06-01T10:00:01.000Z',
      'context.span_id': 'p1',
      'context.trace_id': 'pt',
      'attributes.llm.input_messages': [
        { 'message.role': 'system', 'message.content': SYSTEM },
        { 'message.role': 'user', 'message.content': USER },
      ],
      'attributes.llm.output_messages': [{ 'message.role': 'assistant', 'message.content': FINAL }],
      'attributes.llm.tools': [{ 'tool.json_schema': JSON.stringify(TOOL_DEF) }],
      'attributes.tool.name': null,
    },
  ]);
  assert.deepEqual(phoenix.conversations.map(shape), [[`system:${SYSTEM}`, `user:${USER}`, `assistant:${FINAL}`]]);
  assert.deepEqual(
    phoenix.conversations[0]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );

  const attrs = (type: string, inputs: unknown, outputs: unknown) => ({
    'mlflow.spanType': JSON.stringify(type),
    'mlflow.spanInputs': JSON.stringify(inputs),
    'mlflow.spanOutputs': JSON.stringify(outputs),
  });
  const span = (id: string, parent: string | null, name: string, t: number, attributes: Record<string, string>) => ({
    name,
    context: { span_id: id, trace_id: 'mt' },
    parent_id: parent,
    start_time: 1796304469000000000 + t,
    end_time: 1796304469000000000 + t + 1000,
    status_code: 'OK',
    attributes,
    events: [],
  });
  const mlflow = parse('mlflow-trace.json', {
    info: { request_id: 'tr-1' },
    data: {
      spans: [
        span('a', null, 'agent', 0, attrs('AGENT', { question: USER }, FINAL)),
        span(
          'c1',
          'a',
          'Completions',
          10,
          attrs(
            'CHAT_MODEL',
            {
              model: 'gpt-4o',
              messages: [
                { role: 'system', content: SYSTEM },
                { role: 'user', content: USER },
              ],
              tools: [TOOL_DEF],
            },
            {
              choices: [
                {
                  index: 0,
                  message: {
                    role: 'assistant',
                    content: null,
                    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
                  },
                },
              ],
            },
          ),
        ),
        span('t1', 'a', 'get_weather', 20, attrs('TOOL', JSON.parse(ARGS), JSON.parse(RESULT))),
        span(
          'c2',
          'a',
          'Completions',
          30,
          attrs(
            'CHAT_MODEL',
            {
              model: 'gpt-4o',
              messages: [
                { role: 'system', content: SYSTEM },
                { role: 'user', content: USER },
                {
                  role: 'assistant',
                  content: null,
                  tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
                },
                { role: 'tool', tool_call_id: 'call_1', content: RESULT },
              ],
              tools: [TOOL_DEF],
            },
            { choices: [{ index: 0, message: { role: 'assistant', content: FINAL } }] },
          ),
        ),
      ],
    },
  });
  assert.equal(mlflow.conversations.length, 2);
  assert.deepEqual(shape(mlflow.conversations[1]!), TOOL_CONVERSATION);
  assert.deepEqual(
    mlflow.conversations[1]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );
});

test('grounding context: system instructions recorded on the agent span, a tool result recorded as events of the tool span', () => {
  const lines = [
    {
      traceId: 'g',
      spanId: 'agent',
      name: 'invoke_agent desk',
      startTimeUnixNano: '1796304469000000000',
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM }]),
      },
    },
    {
      traceId: 'g',
      spanId: 'c1',
      parentSpanId: 'agent',
      name: 'chat',
      startTimeUnixNano: '1796304469100000000',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: USER }] }]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: JSON.parse(ARGS) }] },
        ]),
      },
    },
    {
      traceId: 'g',
      spanId: 't1',
      parentSpanId: 'agent',
      name: 'execute_tool get_weather',
      startTimeUnixNano: '1796304469200000000',
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_1' },
      events: [
        { name: 'gen_ai.tool.message', attributes: { role: 'tool', content: ARGS, id: 'call_1' } },
        { name: 'gen_ai.choice', attributes: { message: RESULT, id: 'call_1' } },
      ],
    },
    // The second call recorded only the new turn: the history is rebuilt and the tool span's result joins it.
    {
      traceId: 'g',
      spanId: 'c2',
      parentSpanId: 'agent',
      name: 'chat',
      startTimeUnixNano: '1796304469300000000',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: FINAL }] }]),
      },
    },
  ];
  const r = parse('agent.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.deepEqual(r.conversations.map(shape)[1], TOOL_CONVERSATION);
});

test("an earlier turn recorded without its tool calls (LangSmith wrapGemini) gets them back from the trace's own earlier response", () => {
  const run = (id: string, t: string, inputs: unknown, outputs: unknown) => ({
    id,
    trace_id: 'r',
    parent_run_id: 'r',
    run_type: 'llm',
    name: 'gemini',
    start_time: t,
    end_time: t,
    inputs,
    outputs,
  });
  const config = {
    systemInstruction: SYSTEM,
    tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: TOOL_DEF.function.parameters }] }],
  };
  const lines = [
    {
      id: 'r',
      trace_id: 'r',
      run_type: 'chain',
      name: 'agent',
      start_time: '2025-06-01T10:00:00Z',
      inputs: { input: USER },
      outputs: { output: FINAL },
    },
    run(
      'l1',
      '2025-06-01T10:00:01Z',
      { messages: [{ role: 'user', content: USER }], config },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
      },
    ),
    run(
      'l2',
      '2025-06-01T10:00:02Z',
      {
        messages: [
          { role: 'user', content: USER },
          { role: 'model', content: '' },
          {
            role: 'user',
            content: [{ type: 'function_response', function_response: { name: 'get_weather', response: JSON.parse(RESULT) } }],
          },
        ],
        config,
      },
      { role: 'assistant', content: FINAL },
    ),
  ];
  const r = parse('langsmith.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.deepEqual(shape(r.conversations[1]!), TOOL_CONVERSATION);
  assert.deepEqual(
    r.conversations[1]!.tools.map((t) => t.function.name),
    ['get_weather'],
  );
});

test('a request recorded by reference (the app appended the answer before the span was sent) is cut at the response, whose streamed calls get their ids back', () => {
  const later = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: USER },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: RESULT },
  ];
  const gen = (id: string, t: string, output: unknown) => ({
    traceId: 'lf',
    spanId: id,
    name: 'OpenAI.chat',
    startTimeUnixNano: t,
    attributes: {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.input': JSON.stringify({ messages: later }),
      'langfuse.observation.output': JSON.stringify(output),
    },
  });
  const r = parse(
    'stream.jsonl',
    [
      gen('g1', '1796304469000000000', { tool_calls: [{ function: { name: 'get_weather', arguments: ARGS } }] }),
      gen('g2', '1796304469200000000', FINAL),
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  assert.deepEqual(shape(r.conversations[0]!), TOOL_CONVERSATION.slice(0, 3));
  assert.deepEqual(shape(r.conversations[1]!), TOOL_CONVERSATION);
});

test('a span written twice (an exporter retrying a request it got no answer to) is read once', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const text = readFileSync(join(__dirname, '../fixtures/producers/ai-sdk.tools.otlp.jsonl'), 'utf8').trimEnd();
  const once = parse('once.jsonl', text + '\n');
  const twice = parse('twice.jsonl', `${text}\n${text}\n`);
  assert.ok(once.conversations.length > 0);
  assert.deepEqual(twice.conversations.map(shape), once.conversations.map(shape));
});
