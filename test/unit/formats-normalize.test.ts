// The message normaliser, one provider shape per test: each recorded request/response reads as
// the same conversation (system prompt, user question, tool call with name, arguments and id,
// tool result for that id, final answer) and its tool definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lv } from '../../server/core/formats/located';
import { findToolDefinitions, readOutput, readRequest } from '../../server/core/formats/normalize';
import type { IRMessage } from '../../server/core/formats/types';

/** A compact rendering: `role:text`, calls as `[name#id(args)]`, results as `tool#id:text`. */
function show(messages: readonly IRMessage[]): string {
  return messages
    .map((m) => {
      const calls = m.toolCalls.map((c) => `[${c.name}#${c.id ?? '-'}(${c.args.text.replace(/\s/g, '')})]`).join('');
      const id = m.role === 'tool' ? `#${m.toolCallId ?? '-'}` : '';
      return `${m.role}${id}:${m.parts.map((p) => p.text).join('+')}${calls}`;
    })
    .join(' | ');
}
const read = (v: unknown) => readRequest(lv(v, null));
const answer = (v: unknown) => show(readOutput(lv(v, null)));
const toolNames = (v: unknown) =>
  (findToolDefinitions([lv(v, null)]) ?? []).map(
    (t) => `${t.function.name}:${Object.keys((t.function.parameters?.properties as object) ?? {}).join(',')}`,
  );

const EXPECTED = 'system:Be brief. | user:Weather in Paris? | assistant:[get_weather#c1({"city":"Paris"})] | tool#c1:18C';
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

test('OpenAI Chat Completions: tool_calls, tool role, content-part arrays, legacy function_call and function role', () => {
  const r = read({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '18C' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_SCHEMA } }],
  });
  assert.equal(show(r.messages), EXPECTED);
  assert.deepEqual(
    r.tools?.map((t) => t.function.name),
    ['get_weather'],
  );
  const legacy = read([
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { role: 'function', name: 'get_weather', content: '18C' },
  ]);
  assert.equal(show(legacy.messages), 'user:Weather in Paris? | assistant:[get_weather#-({"city":"Paris"})] | tool#-:18C');
  assert.equal(legacy.messages[2]!.name, 'get_weather');
  assert.equal(
    answer({ choices: [{ index: 0, message: { role: 'assistant', content: 'It is 18C.' }, finish_reason: 'stop' }] }),
    'assistant:It is 18C.',
  );
});

test('OpenAI Responses: instructions, input items, function_call known by call_id, function_call_output, reasoning, output items', () => {
  const r = read({
    model: 'gpt-4.1',
    instructions: 'Be brief.',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need the tool.' }] },
      { type: 'function_call', id: 'fc_item_1', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'c1', output: '18C' },
    ],
    tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER_SCHEMA }, { type: 'web_search_preview' }],
  });
  assert.equal(show(r.messages), EXPECTED);
  assert.equal(r.messages[2]!.reasoning?.[0]?.text, 'Need the tool.');
  assert.deepEqual(
    r.tools?.map((t) => t.function.name),
    ['get_weather'],
  );
  assert.equal(
    answer({
      object: 'response',
      output: [
        { type: 'reasoning', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is 18C.' }] },
        { type: 'function_call', id: 'fc_2', call_id: 'c2', name: 'log', arguments: '{}' },
      ],
    }),
    'assistant:It is 18C.[log#c2({})]',
  );
});

test('Anthropic Messages: top-level system (string or blocks), tool_use, tool_result inside a user turn, thinking', () => {
  for (const system of ['Be brief.', [{ type: 'text', text: 'Be brief.' }]]) {
    const r = read({
      model: 'claude-sonnet-4',
      system,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'x' },
            { type: 'tool_use', id: 'c1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: [{ type: 'text', text: '18C' }] }] },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: WEATHER_SCHEMA }],
    });
    assert.equal(show(r.messages), EXPECTED);
    assert.equal(r.messages[2]!.reasoning?.[0]?.text, 'Use the tool.');
    assert.deepEqual(
      r.tools?.map((t) => t.function.parameters),
      [WEATHER_SCHEMA],
    );
  }
  assert.equal(
    answer({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'It is 18C.' }], stop_reason: 'end_turn' }),
    'assistant:It is 18C.',
  );
});

test('Gemini GenerateContent: contents/parts in camelCase and snake_case, systemInstruction, function declarations, candidates', () => {
  const camel = read({
    contents: [
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { result: '18C' } } }] },
    ],
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: WEATHER_SCHEMA }] }],
  });
  assert.equal(show(camel.messages), EXPECTED.replace('tool#c1:18C', 'tool#c1:{"result":"18C"}'));
  assert.deepEqual(
    camel.tools?.map((t) => t.function.name),
    ['get_weather'],
  );
  // The Python SDK: snake_case, calls without ids, system instruction and tools in `config`.
  const snake = read({
    contents: [
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ function_call: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'tool', parts: [{ function_response: { name: 'get_weather', response: { output: '18C' } } }] },
    ],
    config: {
      system_instruction: 'Be brief.',
      tools: [{ function_declarations: [{ name: 'get_weather', parameters_json_schema: WEATHER_SCHEMA }] }],
    },
  });
  assert.equal(
    show(snake.messages),
    'system:Be brief. | user:Weather in Paris? | assistant:[get_weather#-({"city":"Paris"})] | tool#-:{"output":"18C"}',
  );
  assert.equal(snake.messages[3]!.name, 'get_weather');
  assert.deepEqual(
    snake.tools?.map((t) => t.function.parameters),
    [WEATHER_SCHEMA],
  );
  assert.equal(
    answer({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'thinking', thought: true }, { text: 'It is 18C.' }] }, finishReason: 'STOP' },
      ],
    }),
    'assistant:It is 18C.',
  );
});

test('AWS Bedrock Converse: system blocks, toolUse, toolResult with text and json, toolConfig, output.message', () => {
  const r = read({
    modelId: 'anthropic.claude-3',
    system: [{ text: 'Be brief.' }],
    messages: [
      { role: 'user', content: [{ text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'c1', name: 'get_weather', input: { city: 'Paris' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'c1', content: [{ text: '18C' }], status: 'success' } }] },
    ],
    toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: WEATHER_SCHEMA } } }] },
  });
  assert.equal(show(r.messages), EXPECTED);
  assert.deepEqual(
    r.tools?.map((t) => t.function.parameters),
    [WEATHER_SCHEMA],
  );
  assert.equal(
    answer({ output: { message: { role: 'assistant', content: [{ text: 'It is 18C.' }] } }, stopReason: 'end_turn' }),
    'assistant:It is 18C.',
  );
});

test('AI SDK ModelMessage: tool-call with input (v5) or args (v4), tool-result with output or result', () => {
  const r = read([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', output: { type: 'text', value: '18C' } }] },
  ]);
  assert.equal(show(r.messages), EXPECTED);
  const v4 = read([
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', args: { city: 'Paris' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', result: '18C' }] },
  ]);
  assert.equal(show(v4.messages), 'user:Weather in Paris? | assistant:[get_weather#c1({"city":"Paris"})] | tool#c1:18C');
});

test("LangChain: serialized constructor form, dict form, stored {type, data} form; handlers' trailing tool-definition messages are definitions", () => {
  const serialized = read([
    [
      { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'SystemMessage'], kwargs: { content: 'Be brief.' } },
      { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'Weather in Paris?' } },
      {
        lc: 1,
        type: 'constructor',
        id: ['langchain_core', 'messages', 'AIMessage'],
        kwargs: { content: '', tool_calls: [{ name: 'get_weather', args: { city: 'Paris' }, id: 'c1', type: 'tool_call' }] },
      },
      { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'ToolMessage'], kwargs: { content: '18C', tool_call_id: 'c1' } },
    ],
  ]);
  assert.equal(show(serialized.messages), EXPECTED);
  const dict = read([
    { type: 'system', content: 'Be brief.' },
    { type: 'human', content: 'Weather in Paris?' },
    { type: 'ai', content: '', tool_calls: [{ name: 'get_weather', args: { city: 'Paris' }, id: 'c1' }] },
    { type: 'tool', data: { content: '18C', tool_call_id: 'c1' } },
  ]);
  assert.equal(show(dict.messages), EXPECTED);
  // Langfuse's LangChain handler appends the definitions as `tool` messages.
  const withDefs = read([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'tool', content: { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: WEATHER_SCHEMA } } },
  ]);
  assert.equal(show(withDefs.messages), 'system:Be brief. | user:Weather in Paris?');
  assert.deepEqual(
    withDefs.tools?.map((t) => t.function.name),
    ['get_weather'],
  );
});

test('OTel GenAI parts: text, tool_call, tool_call_response, reasoning; several output messages are one response', () => {
  const r = read([
    { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'Use the tool.' },
        { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } },
      ],
    },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '18C' }] },
  ]);
  assert.equal(show(r.messages), EXPECTED);
  const output = [
    { role: 'assistant', parts: [{ type: 'text', content: 'It is 18C.' }], finish_reason: 'stop' },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c2', name: 'log', arguments: {} }], finish_reason: 'tool_call' },
  ];
  assert.equal(answer(output), 'assistant:It is 18C.[log#c2({})]');
});

test("a tool result whose role is the tool's own name is that tool's result", () => {
  const r = read([
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    },
    { role: 'get_weather', content: '18C' },
  ]);
  assert.equal(show(r.messages), 'user:Weather in Paris? | assistant:[get_weather#c1({"city":"Paris"})] | tool#c1:18C');
});

test('tool definitions in every recorded shape', () => {
  assert.deepEqual(toolNames([{ type: 'function', function: { name: 'a', parameters: WEATHER_SCHEMA } }]), ['a:city']);
  assert.deepEqual(toolNames([{ type: 'function', name: 'b', inputSchema: WEATHER_SCHEMA }]), ['b:city']); // AI SDK
  assert.deepEqual(toolNames([JSON.stringify({ type: 'function', name: 'c', parameters: WEATHER_SCHEMA })]), ['c:city']); // ai.prompt.tools
  assert.deepEqual(toolNames(JSON.stringify([{ type: 'function', function: { name: 'd', parameters: WEATHER_SCHEMA } }])), ['d:city']); // gen_ai.tool.definitions
  assert.deepEqual(
    toolNames([{ tool: { json_schema: JSON.stringify({ type: 'function', function: { name: 'e', parameters: WEATHER_SCHEMA } }) } }]),
    ['e:city'],
  ); // OpenInference
  assert.deepEqual(toolNames([{ function_declarations: [{ name: 'f', parameters: WEATHER_SCHEMA }] }]), ['f:city']);
  assert.deepEqual(toolNames({ tools: [{ toolSpec: { name: 'g', inputSchema: { json: WEATHER_SCHEMA } } }] }), ['g:city']);
  assert.deepEqual(toolNames([{ name: 'h', input_schema: WEATHER_SCHEMA }]), ['h:city']);
  assert.deepEqual(toolNames({ i: { description: 'x', parameters: { jsonSchema: WEATHER_SCHEMA } } }), ['i:city']); // AI SDK v4 tools map
  assert.equal(findToolDefinitions([lv(undefined, null)]), null, 'nothing recorded: unknown, not empty');
  assert.deepEqual(findToolDefinitions([lv([], null)]), [], 'an empty list recorded: known to be none');
});
