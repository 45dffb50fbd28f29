// Every observability format → conversations with tool schemas, tool calls, tool results
// (a failing tool included), model, usage and latency, and a source map that puts markers on
// the exact characters of the original file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageParts, partOriginKey, type Annotation, type Conversation } from '../../common/schema';
import { annotationRange, fileText, originOf } from '../../server/core/markers';
import { parseTraceText, type ParsedTraceFile } from '../../server/core/traceParser';
import { timeMs } from '../../server/core/formats/types';
import { ARGS_SEARCH, CAPITAL_A, ERROR_BOOK, FINAL, RESULT_WEATHER, SYSTEM, USER } from '../fixtures/formats/generate';

const dir = path.join(__dirname, '..', 'fixtures', 'formats');
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const parse = (name: string, text = read(name)): ParsedTraceFile => parseTraceText(path.join(dir, name), text, name);

function annotation(c: Conversation, messageIndex: number, partIndex: number, needle: string, occurrence = 0): Annotation {
  const part = messageParts(c.messages[messageIndex]!)[partIndex]!;
  let start = -1;
  for (let i = 0; i <= occurrence; i++) start = part.text.indexOf(needle, start + 1);
  assert.ok(start >= 0, `"${needle}" not in part ${messageIndex}:${partIndex}: ${part.text}`);
  return {
    label: 'x',
    text: needle,
    explanation: '',
    message_index: messageIndex,
    message_part_index: partIndex,
    start_offset: start,
    end_offset: start + needle.length,
    tool_name: null,
    parameter_name: null,
    detector: 'test',
    confidence: 1,
  };
}
/** What the marker of `needle` in that part covers in the file. */
function marked(text: string, c: Conversation, messageIndex: number, partIndex: number, needle: string): string | null {
  const r = annotationRange(fileText(text), c, annotation(c, messageIndex, partIndex, needle));
  return r ? text.slice(r.start, r.end) : null;
}

/** Every part with an origin maps back to exactly its text; returns the parts without one. */
function checkSourceMap(text: string, conversations: Conversation[]): string[] {
  const ft = fileText(text);
  const synthesized: string[] = [];
  for (const c of conversations)
    c.messages.forEach((m, mi) =>
      messageParts(m).forEach((part, pi) => {
        if (!originOf(c, { message_index: mi, message_part_index: pi })) {
          synthesized.push(`${c.id} ${mi}:${pi} ${m.role}`);
          return;
        }
        if (part.text.length === 0) return;
        const whole: Annotation = {
          label: 'x',
          text: part.text,
          explanation: '',
          message_index: mi,
          message_part_index: pi,
          start_offset: 0,
          end_offset: part.text.length,
          tool_name: null,
          parameter_name: null,
          detector: 't',
          confidence: 1,
        };
        const r = annotationRange(ft, c, whole);
        assert.ok(
          r,
          `${c.id} part ${mi}:${pi} (${m.role}) has an origin that does not resolve: ${JSON.stringify(c.partOrigins?.[partOriginKey(mi, pi)])}`,
        );
        assert.ok(r.start >= 0 && r.end <= text.length && r.start <= r.end);
      }),
    );
  return synthesized;
}

const roles = (c: Conversation) =>
  c.messages.map((m) => m.role + (m.tool_calls ? `[${m.tool_calls.map((t) => t.function.name).join(',')}]` : '')).join(' ');
const AGENT_ROLES = [
  'system user assistant[get_weather,book_hotel]',
  'system user assistant[get_weather,book_hotel] tool tool assistant[search_hotels]',
  'system user assistant[get_weather,book_hotel] tool tool assistant[search_hotels] tool assistant',
];

function checkAgentTrace(r: ParsedTraceFile, ids: string[], format: string, file: string): Conversation[] {
  assert.equal(r.isTrace, true);
  assert.deepEqual(
    r.problems.filter((p) => p.severity !== 'info'),
    [],
    JSON.stringify(r.problems),
  );
  const agent = ids.map((id) => r.conversations.find((c) => c.id === id)!);
  assert.ok(agent.every(Boolean), `ids ${r.conversations.map((c) => c.id).join(', ')}`);
  assert.deepEqual(agent.map(roles), AGENT_ROLES);
  const last = agent[2]!;
  assert.equal(last.format, format);
  assert.equal(last.messages[0]!.content, SYSTEM);
  assert.equal(last.messages[1]!.content, USER);
  assert.equal(last.messages[7]!.content, FINAL);
  assert.equal(last.messages[5]!.tool_calls![0]!.function.name, 'search_hotels');
  assert.deepEqual(JSON.parse(last.messages[5]!.tool_calls![0]!.function.arguments), ARGS_SEARCH);
  const weather = last.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_w1')!;
  assert.deepEqual(JSON.parse(weather.content as string), RESULT_WEATHER);
  const failed = last.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_b1')!;
  assert.match(failed.content as string, new RegExp(ERROR_BOOK));
  assert.deepEqual(
    last.tools.map((t) => t.function.name),
    ['get_weather', 'book_hotel', 'search_hotels'],
  );
  assert.deepEqual(last.tools[1]!.function.parameters!.required, ['hotel', 'check_in', 'nights']);
  assert.equal(last.usage?.prompt_tokens, 601);
  assert.equal(last.usage?.completion_tokens, 49);
  assert.equal(last.metadata?.latency_ms, 3500);
  assert.equal(agent[0]!.metadata?.latency_ms, 2200);
  assert.equal(last.metadata?.format, format);
  assert.equal(last.metadata?.response_message_index, 7);
  assert.ok(last.model?.startsWith('gpt-4o'));
  assert.ok(agent.every((c) => c.file === path.join(dir, file)));
  return agent;
}

test('OpenTelemetry GenAI, OTLP JSON: one conversation per chat span, older event form too, markers through two levels of escaping', () => {
  const text = read('otel-genai.otlp.json');
  const r = parse('otel-genai.otlp.json', text);
  const [first, , last] = checkAgentTrace(
    r,
    ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60005', 'a1b2c3d4e5f60007'],
    'otel-genai',
    'otel-genai.otlp.json',
  );
  assert.equal(last!.metadata?.provider, 'openai');
  assert.equal(last!.metadata?.trace_id, '5b8efff798038103d269b633813fc60c');
  assert.deepEqual(last!.metadata?.finish_reasons, ['stop']);
  assert.equal(first!.metadata?.finish_reason, 'tool_calls');
  // The conversation's line is its chat span's.
  assert.match(text.split('\n')[last!.line + 2]!, /"spanId": "a1b2c3d4e5f60007"/);
  // Older convention: messages as span events; a single LLM call: the trace id is the conversation id.
  const capital = r.conversations.find((c) => c.id === '0af7651916cd43dd8448eb211c80319c')!;
  assert.deepEqual(
    capital.messages.map((m) => [m.role, m.content]),
    [
      ['user', 'What is the capital of Portugal?'],
      ['assistant', CAPITAL_A],
    ],
  );
  assert.deepEqual(capital.usage, { prompt_tokens: 14, completion_tokens: 12, total_tokens: 26 });
  assert.equal(capital.metadata?.provider, 'az.ai.inference');
  // The answer lives in a JSON string (gen_ai.output.messages) inside a JSON string (stringValue).
  assert.equal(marked(text, last!, 7, 0, '17 °C'), '17 °C');
  assert.equal(marked(text, last!, 7, 0, '"light rain"'), '\\\\\\"light rain\\\\\\"');
  assert.equal(marked(text, last!, 7, 0, 'Lisbon.\nHotel'), 'Lisbon.\\\\nHotel');
  // Tool-call arguments recorded as an object inside the JSON string: markers on the value.
  const args = last!.messages[5]!.tool_calls![0]!.function.arguments;
  assert.equal(args, '{"city":"Lisbon","check_in":"2025-03-14","nights":5}');
  assert.equal(marked(text, last!, 5, 0, '"nights":5'), '\\"nights\\":5');
  assert.equal(marked(text, capital, 1, 0, '545,000'), '545,000');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('OpenTelemetry GenAI, flat attribute maps (JSONL): history rebuilt from earlier spans and tool spans, the failing tool as an error result', () => {
  const text = read('otel-genai-flat.jsonl');
  const r = parse('otel-genai-flat.jsonl', text);
  const [, , last] = checkAgentTrace(
    r,
    ['f1a7c3d4e5f60002', 'f1a7c3d4e5f60005', 'f1a7c3d4e5f60007'],
    'otel-genai',
    'otel-genai-flat.jsonl',
  );
  const failed = last!.messages[4]!;
  assert.equal(failed.is_error, true);
  assert.equal(failed.content, ERROR_BOOK);
  assert.equal(failed.name, 'book_hotel');
  // Texts taken from four different spans (lines) of the file.
  assert.ok((last!.anchors?.length ?? 0) >= 4);
  assert.equal(marked(text, last!, 4, 0, 'no rooms'), 'no rooms');
  assert.equal(marked(text, last!, 6, 0, 'Casa do Rio'), 'Casa do Rio');
  assert.equal(marked(text, last!, 7, 0, '"light rain"'), '\\\\\\"light rain\\\\\\"');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('OpenInference (Phoenix spans, flat attributes): indexed messages, tools from json_schema, tool spans', () => {
  const text = read('openinference.jsonl');
  const r = parse('openinference.jsonl', text);
  const [, , last] = checkAgentTrace(
    r,
    ['1a2b3c4d5e6f7081', '1a2b3c4d5e6f7084', '1a2b3c4d5e6f7086'],
    'openinference',
    'openinference.jsonl',
  );
  assert.deepEqual(last!.metadata?.invocation_parameters, { model: 'gpt-4o', temperature: 0.2, tool_choice: 'auto' });
  assert.equal(marked(text, last!, 7, 0, '"light rain"'), '\\"light rain\\"');
  assert.equal(marked(text, last!, 5, 0, '"nights":5'), '\\"nights\\":5');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('Langfuse trace export: generations, TOOL observations (one at level ERROR), lines of the observations', () => {
  const text = read('langfuse.json');
  const r = parse('langfuse.json', text);
  const [, , last] = checkAgentTrace(r, ['lf-gen-1', 'lf-gen-2', 'lf-gen-3'], 'langfuse', 'langfuse.json');
  assert.match(text.split('\n')[last!.line + 1]!, /"id": "lf-gen-3"/);
  assert.ok(Math.abs((last!.metadata?.cost_usd as number) - (601 * 2.5e-6 + 49 * 1e-5)) < 1e-12);
  assert.equal(last!.metadata?.trace_name, 'travel-agent');
  const capital = r.conversations.find((c) => c.id === 'lf-trace-capital')!;
  assert.deepEqual(
    capital.messages.map((m) => m.role),
    ['user', 'assistant'],
  );
  assert.equal(marked(text, last!, 7, 0, '"light rain"'), '\\"light rain\\"');
  assert.equal(marked(text, last!, 5, 0, '"nights":5'), '\\"nights\\":5');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('LangSmith runs: LangChain-serialized messages, tool calls with object args, usage_metadata, ls_* metadata', () => {
  const text = read('langsmith.jsonl');
  const r = parse('langsmith.jsonl', text);
  const [, second, last] = checkAgentTrace(
    r,
    ['2a1b0c9d-0000-4000-8000-000000000001', '2a1b0c9d-0000-4000-8000-000000000004', '2a1b0c9d-0000-4000-8000-000000000006'],
    'langsmith',
    'langsmith.jsonl',
  );
  assert.equal(last!.metadata?.provider, 'openai');
  assert.equal(second!.messages[4]!.is_error, true);
  // Args recorded as an object (LangChain tool_calls[].args): the marker is on the raw JSON.
  assert.equal(second!.messages[5]!.tool_calls![0]!.function.arguments, '{"city":"Lisbon","check_in":"2025-03-14","nights":5}');
  assert.equal(marked(text, second!, 5, 0, '"nights":5'), '"nights":5');
  assert.equal(marked(text, last!, 7, 0, '"light rain"'), '\\"light rain\\"');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('Opik traces and spans: llm spans with choices, tool spans with error_info', () => {
  const text = read('opik.json');
  const r = parse('opik.json', text);
  const [, , last] = checkAgentTrace(
    r,
    ['0195a3b2-7c4d-7e8f-9a0b-000000000001', '0195a3b2-7c4d-7e8f-9a0b-000000000004', '0195a3b2-7c4d-7e8f-9a0b-000000000006'],
    'opik',
    'opik.json',
  );
  assert.equal(last!.metadata?.provider, 'openai');
  assert.equal(marked(text, last!, 7, 0, '17 °C'), '17 °C');
  assert.deepEqual(checkSourceMap(text, r.conversations), []);
});

test('OpenAI-format files read as before (implicit origins, anchors of the conversation objects)', () => {
  for (const sample of ['support-agent.jsonl', 'rag-answers.json', 'booking-flow.jsonl']) {
    const file = path.join(__dirname, '..', '..', 'samples', sample);
    const text = fs.readFileSync(file, 'utf8');
    const r = parseTraceText(file, text, sample);
    assert.equal(r.format, 'openai');
    assert.ok(r.conversations.length > 0);
    for (const c of r.conversations) {
      assert.equal(c.partOrigins, undefined);
      assert.equal(c.anchors?.length, 1);
    }
    assert.deepEqual(checkSourceMap(text, r.conversations), []);
  }
});

test('a synthesized text gets no origin and no marker; the report still has it', () => {
  // An OpenInference LLM span whose input is only a template variable map: the user text is
  // rebuilt from the trace's root input; the tool call args are an object in a JSON string.
  const spans = [
    {
      name: 'root',
      context: { trace_id: 't1', span_id: 'r' },
      parent_id: null,
      attributes: { 'openinference.span.kind': 'CHAIN', 'input.value': 'Weather in Oslo?' },
    },
    {
      name: 'llm',
      context: { trace_id: 't1', span_id: 'l' },
      parent_id: 'r',
      attributes: {
        'openinference.span.kind': 'LLM',
        'output.value': '{"role": "assistant", "content": [{"type": "text", "text": "Sunny, 21 °C."}, {"type": "image"}]}',
        'output.mime_type': 'application/json',
      },
    },
  ];
  const text = spans.map((s) => JSON.stringify(s)).join('\n');
  const r = parseTraceText('/w/oi.jsonl', text, 'oi.jsonl');
  const c = r.conversations[0]!;
  assert.deepEqual(
    c.messages.map((m) => [m.role, m.content]),
    [
      ['user', 'Weather in Oslo?'],
      ['assistant', 'Sunny, 21 °C.'],
    ],
  );
  assert.equal(marked(text, c, 1, 0, '21 °C'), '21 °C');
  assert.equal(marked(text, c, 0, 0, 'Oslo'), 'Oslo');
  // Tool-call arguments given as an AnyValue kvlist cannot be sliced: synthesized, no marker.
  const otlp = {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'aa',
                spanId: 'bb',
                name: 'chat',
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  {
                    key: 'gen_ai.input.messages',
                    value: { stringValue: '[{"role":"user","parts":[{"type":"text","content":"Book Oslo"}]}]' },
                  },
                  {
                    key: 'gen_ai.output.messages',
                    value: {
                      arrayValue: {
                        values: [
                          {
                            kvlistValue: {
                              values: [
                                { key: 'role', value: { stringValue: 'assistant' } },
                                {
                                  key: 'parts',
                                  value: {
                                    arrayValue: {
                                      values: [
                                        {
                                          kvlistValue: {
                                            values: [
                                              { key: 'type', value: { stringValue: 'text' } },
                                              { key: 'content', value: { stringValue: 'Booking Oslo now.' } },
                                            ],
                                          },
                                        },
                                        {
                                          kvlistValue: {
                                            values: [
                                              { key: 'type', value: { stringValue: 'tool_call' } },
                                              { key: 'name', value: { stringValue: 'book' } },
                                              {
                                                key: 'arguments',
                                                value: { kvlistValue: { values: [{ key: 'city', value: { stringValue: 'Oslo' } }] } },
                                              },
                                            ],
                                          },
                                        },
                                      ],
                                    },
                                  },
                                },
                              ],
                            },
                          },
                        ],
                      },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const t2 = JSON.stringify(otlp, null, 1);
  const c2 = parseTraceText('/w/kv.json', t2, 'kv.json').conversations[0]!;
  assert.equal(c2.messages[1]!.content, 'Booking Oslo now.');
  assert.equal(c2.messages[1]!.tool_calls![0]!.function.arguments, '{"city":"Oslo"}');
  assert.equal(marked(t2, c2, 1, 0, 'Oslo'), 'Oslo'); // text: through the kvlist, still located
  assert.equal(marked(t2, c2, 1, 1, 'Oslo'), null); // args: re-serialized, no marker
  assert.deepEqual(checkSourceMap(t2, [c2]), ['aa 1:1 assistant']);
});

test('times as the exporters write them: ISO with or without zone, Python str, epoch s/ms/µs/ns', () => {
  const t = Date.parse('2025-03-10T09:00:00.123Z');
  for (const v of [
    '2025-03-10T09:00:00.123Z',
    '2025-03-10T10:00:00.123+01:00',
    '2025-03-10T09:00:00.123',
    '2025-03-10 09:00:00.123456',
    '2025-03-10T09:00:00.123456Z',
    String(t * 1e6),
    t,
    t * 1000,
    t / 1000,
  ])
    assert.equal(timeMs(v), t, String(v));
  assert.equal(timeMs('yesterday'), null);
  assert.equal(timeMs(''), null);
  assert.equal(timeMs(null), null);
});
