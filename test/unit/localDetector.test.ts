// The local detector on tool calls: schema checks, grounding of argument values, and the exact
// offsets of every annotation in the raw arguments string.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message, ToolDefinition } from '../../common/schema';
import { detectLocal, localDetector } from '../../server/core/detectors/local/index';

const weatherTool: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather and forecast for a city.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
        days: { type: 'integer', description: 'Forecast length in days', default: 3 },
        style: { type: 'string', description: "Report style, e.g. 'compact'" },
      },
      required: ['city'],
    },
  },
};

const routeTool: ToolDefinition = {
  type: 'function',
  function: {
    name: 'plan_route',
    parameters: {
      type: 'dict',
      properties: {
        origin: {
          type: 'dict',
          properties: { city: { type: 'string' }, country: { type: 'string' } },
          required: ['city'],
          // closed: a nested object's listed properties are only the whole list when it says so
          additionalProperties: false,
        },
        stops: { type: 'array', items: { type: 'string' } },
        budget: { type: 'float' },
        travellers: { type: 'integer' },
      },
      required: ['origin'],
    },
  },
};

function conversation(messages: Message[], tools: ToolDefinition[] = [weatherTool, routeTool]): Conversation {
  return { id: 'c1', file: 'fixture.jsonl', line: 0, position: 0, sourcePath: [], messages, tools };
}

function callMessage(name: string, args: string, content: string | null = null): Message {
  return { role: 'assistant', content, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: args } }] };
}

/** Detect on the last message of a user turn followed by one tool call. */
function detectCall(user: string, name: string, args: string, earlier: Message[] = []): Annotation[] {
  const messages = [...earlier, { role: 'user', content: user }, callMessage(name, args)];
  const conv = conversation(messages);
  return detectLocal({ conversation: conv, messageIndex: messages.length - 1, message: messages[messages.length - 1]! });
}

function only(anns: Annotation[]): Annotation {
  assert.equal(anns.length, 1, `expected one annotation, got ${JSON.stringify(anns, null, 1)}`);
  return anns[0]!;
}

test('a call whose values the user stated literally has no annotation', () => {
  assert.deepEqual(detectCall('Weather in Tel Aviv for 5 days please', 'get_weather', '{"city":"Tel Aviv","days":5}'), []);
});

test('"Tel Aviv, Israel" extends the user\'s "Tel Aviv" and is grounded', () => {
  assert.deepEqual(detectCall('What is the weather in Tel Aviv?', 'get_weather', '{"city":"Tel Aviv, Israel"}'), []);
});

test('a different letter case is still grounded', () => {
  assert.deepEqual(detectCall('weather in tel aviv', 'get_weather', '{"city":"TEL AVIV"}'), []);
});

test('an enum member the user never said is grounded by the schema', () => {
  assert.deepEqual(detectCall('Weather in Oslo?', 'get_weather', '{"city":"Oslo","unit":"fahrenheit"}'), []);
});

test('the schema default is grounded', () => {
  assert.deepEqual(detectCall('Weather in Oslo?', 'get_weather', '{"city":"Oslo","days":3}'), []);
});

test('a value quoted in the parameter description is grounded', () => {
  assert.deepEqual(detectCall('Weather in Oslo?', 'get_weather', '{"city":"Oslo","style":"compact"}'), []);
});

test('a value from an earlier tool result is grounded', () => {
  const earlier: Message[] = [
    { role: 'user', content: 'Where is our office?' },
    { role: 'tool', tool_call_id: 'x', content: '{"office":{"city":"Reykjavik","floor":4}}' },
  ];
  assert.deepEqual(detectCall('And the weather there?', 'get_weather', '{"city":"Reykjavik"}', earlier), []);
});

test('a value only an earlier tool call used is not evidence', () => {
  const earlier: Message[] = [{ role: 'user', content: 'hi' }, callMessage('get_weather', '{"city":"Lisbon"}')];
  const a = only(detectCall('and tomorrow?', 'get_weather', '{"city":"Lisbon"}', earlier));
  assert.equal(a.label, 'ungrounded_parameter_value');
});

test('an ungrounded string value is marked on the characters inside its quotes', () => {
  const args = '{"city": "Paris", "days": 5}';
  const a = only(detectCall('Weather in Tel Aviv for 5 days', 'get_weather', args));
  assert.equal(a.label, 'ungrounded_parameter_value');
  assert.equal(a.start_offset, 10);
  assert.equal(a.end_offset, 15);
  assert.equal(a.text, 'Paris');
  assert.equal(a.tool_name, 'get_weather');
  assert.equal(a.parameter_name, 'city');
  assert.equal(a.message_index, 1);
  assert.equal(a.message_part_index, 0);
  assert.equal(a.detector, 'local');
  assert.equal(a.explanation, '"Paris" does not appear in the user\'s messages or the tool schema.');
});

test('offsets of an escaped string value cover the escaped text as written', () => {
  const args = '{"city":"Caf\\u00e9 \\"Noir\\"\\n"}';
  const a = only(detectCall('Weather in Oslo', 'get_weather', args));
  assert.equal(a.start_offset, 9);
  assert.equal(a.end_offset, 29);
  assert.equal(a.text, 'Caf\\u00e9 \\"Noir\\"\\n');
  assert.equal(a.text, args.slice(a.start_offset, a.end_offset));
  assert.match(a.explanation, /^"Café \\"Noir\\"" does not appear/);
});

test('an ungrounded number is marked on its token', () => {
  const args = '{"city":"Oslo","days":12}';
  const a = only(detectCall('Weather in Oslo for 5 days', 'get_weather', args));
  assert.equal(a.label, 'ungrounded_parameter_value');
  assert.equal(a.parameter_name, 'days');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [22, 24, '12']);
});

test('numbers written differently are grounded: 1,000 / 5% / five / 2.0', () => {
  assert.deepEqual(detectCall('Budget is $1,000 for a trip from Rome', 'plan_route', '{"origin":{"city":"Rome"},"budget":1000}'), []);
  assert.deepEqual(detectCall('Keep 5% of 2.5 for a trip from Rome', 'plan_route', '{"origin":{"city":"Rome"},"budget":0.05}'), []);
  assert.deepEqual(detectCall('five of us are leaving from Rome', 'plan_route', '{"origin":{"city":"Rome"},"travellers":5}'), []);
  assert.deepEqual(detectCall('2 of us are leaving from Rome', 'plan_route', '{"origin":{"city":"Rome"},"travellers":2.0}'), []);
});

test('a date in another format is grounded, a different date is not', () => {
  const dated: ToolDefinition = {
    type: 'function',
    function: { name: 'book', parameters: { type: 'object', properties: { date: { type: 'string' } } } },
  };
  const run = (user: string, args: string): Annotation[] => {
    const messages: Message[] = [{ role: 'user', content: user }, callMessage('book', args)];
    return detectLocal({ conversation: conversation(messages, [dated]), messageIndex: 1, message: messages[1]! });
  };
  assert.deepEqual(run('Book it for March 3, 2024', '{"date":"2024-03-03"}'), []);
  assert.deepEqual(run('Book it for 3rd of March 2024', '{"date":"03/03/2024"}'), []);
  const a = only(run('Book it for March 3, 2024', '{"date":"2024-03-04"}'));
  assert.equal(a.text, '2024-03-04');
});

test('unknown tool: named as called, no parameter, the whole arguments string', () => {
  const args = '{"city":"Oslo"}';
  const a = only(detectCall('Weather in Oslo', 'get_forecast', args));
  assert.equal(a.label, 'unknown_tool');
  assert.equal(a.tool_name, 'get_forecast');
  assert.equal(a.parameter_name, null);
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [0, args.length, args]);
});

test('unknown tool with empty arguments gets the empty span 0..0', () => {
  const a = only(detectCall('hi', 'ping', ''));
  assert.deepEqual([a.label, a.start_offset, a.end_offset, a.text], ['unknown_tool', 0, 0, '']);
});

test('a provider-sanitised tool name ("math_factorial" for "math.factorial") is known', () => {
  const tool: ToolDefinition = {
    type: 'function',
    function: { name: 'math.factorial', parameters: { type: 'dict', properties: { number: { type: 'integer' } }, required: ['number'] } },
  };
  const messages: Message[] = [{ role: 'user', content: 'factorial of 5' }, callMessage('math_factorial', '{"number":5}')];
  assert.deepEqual(detectLocal({ conversation: conversation(messages, [tool]), messageIndex: 1, message: messages[1]! }), []);
});

test('arguments that are not valid JSON are an annotation, not an exception', () => {
  const args = '{"city": "Oslo",}';
  const a = only(detectCall('Weather in Oslo', 'get_weather', args));
  assert.equal(a.label, 'invalid_arguments_json');
  assert.equal(a.parameter_name, null);
  assert.deepEqual([a.start_offset, a.end_offset], [0, args.length]);
  assert.match(a.explanation, /not valid JSON/);
});

test('arguments that are JSON but not an object are invalid', () => {
  assert.equal(only(detectCall('Weather in Oslo', 'get_weather', '["Oslo"]')).label, 'invalid_arguments_json');
});

test('unknown parameter: marked on its key', () => {
  const args = '{"city":"Oslo","verbose":true}';
  const a = only(detectCall('Weather in Oslo', 'get_weather', args));
  assert.equal(a.label, 'unknown_parameter');
  assert.equal(a.parameter_name, 'verbose');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [16, 23, 'verbose']);
});

test('invalid value: a string where the schema wants an integer', () => {
  const args = '{"city":"Oslo","days":"a week"}';
  const a = only(detectCall('Weather in Oslo for a week', 'get_weather', args));
  assert.equal(a.label, 'invalid_parameter_value');
  assert.equal(a.parameter_name, 'days');
  assert.equal(a.text, 'a week');
});

test('invalid value: not one of the enum members', () => {
  const a = only(detectCall('Weather in Oslo in kelvin', 'get_weather', '{"city":"Oslo","unit":"kelvin"}'));
  assert.equal(a.label, 'invalid_parameter_value');
  assert.equal(a.parameter_name, 'unit');
  assert.match(a.explanation, /"kelvin" is not one of the values "unit" allows: "celsius", "fahrenheit"/);
});

test('BFCL type names: float accepts 2.5, integer does not', () => {
  assert.deepEqual(detectCall('From Rome with 2.5 budget', 'plan_route', '{"origin":{"city":"Rome"},"budget":2.5}'), []);
  const a = only(detectCall('From Rome, 2.5 of us', 'plan_route', '{"origin":{"city":"Rome"},"travellers":2.5}'));
  assert.equal(a.label, 'invalid_parameter_value');
  assert.equal(a.parameter_name, 'travellers');
});

test('missing required parameter: named, over the whole arguments string', () => {
  const args = '{"days":3}';
  const a = only(detectCall('Weather for 3 days', 'get_weather', args));
  assert.equal(a.label, 'missing_required_parameter');
  assert.equal(a.parameter_name, 'city');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [0, args.length, args]);
});

test('nested parameters are named by dotted path and marked on the leaf', () => {
  const args = '{"origin":{"city":"Paris","country":"France"}}';
  const a = only(detectCall('Plan a route from somewhere in France', 'plan_route', args));
  assert.equal(a.parameter_name, 'origin.city');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [19, 24, 'Paris']);
});

test('nested required and unknown keys are found', () => {
  const anns = detectCall('Route from France', 'plan_route', '{"origin":{"country":"France","zip":"75001"}}');
  assert.deepEqual(anns.map((a) => [a.label, a.parameter_name]).sort(), [
    ['missing_required_parameter', 'origin.city'],
    ['unknown_parameter', 'origin.zip'],
  ]);
});

test('each array element is checked; the annotation names the array', () => {
  const args = '{"origin":{"city":"San Francisco"},"stops":["Santa Barbara","Fresno"]}';
  const a = only(detectCall('Drive from San Francisco with a stop at Santa Barbara', 'plan_route', args));
  assert.equal(a.parameter_name, 'stops');
  assert.equal(a.text, 'Fresno');
  assert.equal(args.slice(a.start_offset, a.end_offset), 'Fresno');
});

test('made-up specifics inside composed text are marked where they are', () => {
  const mail: ToolDefinition = {
    type: 'function',
    function: { name: 'send_email', parameters: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } } } },
  };
  const args = JSON.stringify({
    to: 'dana@example.org',
    body: 'Hi Dana, your table for four is booked. Call us at +1 415 555 0134 if plans change.',
  });
  const messages: Message[] = [
    { role: 'user', content: 'Email dana@example.org that her table for four is booked.' },
    callMessage('send_email', args),
  ];
  const a = only(detectLocal({ conversation: conversation(messages, [mail]), messageIndex: 1, message: messages[1]! }));
  assert.equal(a.parameter_name, 'body');
  assert.equal(a.text, '+1 415 555 0134');
  assert.equal(args.slice(a.start_offset, a.end_offset), '+1 415 555 0134');
});

test('annotations of the second tool call point at message part content + 1', () => {
  const messages: Message[] = [
    { role: 'user', content: 'Weather in Oslo' },
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } },
      ],
    },
  ];
  const a = only(detectLocal({ conversation: conversation(messages), messageIndex: 1, message: messages[1]! }));
  assert.equal(a.message_part_index, 2);
  assert.equal(a.text, 'Bergen');
});

test('messages that are not responses (user, tool) yield nothing', () => {
  const messages: Message[] = [{ role: 'user', content: 'My order cost $9,999 on 2020-01-01' }];
  assert.deepEqual(detectLocal({ conversation: conversation(messages), messageIndex: 0, message: messages[0]! }), []);
});

test('localDetector is named "local", synchronous, and confidences are in [0, 1]', () => {
  assert.equal(localDetector.name, 'local');
  const messages: Message[] = [
    { role: 'user', content: 'hi' },
    callMessage('nope', '{"a":1}'),
    callMessage('get_weather', '{"city":"X",}'),
  ];
  const result = localDetector.detect({ conversation: conversation(messages), messageIndex: 1, message: messages[1]! });
  assert.ok(Array.isArray(result));
  for (const a of result) assert.ok(a.confidence >= 0 && a.confidence <= 1 && a.detector === 'local');
});

test('dates the context names relatively ("tomorrow", "last month") ground absolute values', () => {
  const event: ToolDefinition = {
    type: 'function',
    function: {
      name: 'create_event',
      parameters: { type: 'object', properties: { start: { type: 'string' }, month: { type: 'string' } } },
    },
  };
  const run = (user: string, args: string): Annotation[] => {
    const messages: Message[] = [
      { role: 'system', content: 'Today is 2025-06-01 (Sunday).' },
      { role: 'user', content: user },
      callMessage('create_event', args),
    ];
    return detectLocal({ conversation: conversation(messages, [event]), messageIndex: 2, message: messages[2]! });
  };
  assert.deepEqual(run('Set it for tomorrow at 3pm', '{"start":"2025-06-02T15:00:00"}'), []);
  assert.deepEqual(run('Set it for next Friday', '{"start":"2025-06-06"}'), []);
  assert.deepEqual(run('Report for last month', '{"start":"2025-05-01"}'), []);
  const a = only(run('Set it for tomorrow at 3pm', '{"start":"2025-06-02T16:00:00"}'));
  assert.equal(a.text, '2025-06-02T16:00:00');
  assert.match(a.explanation, /^"16:00" \(in "2025-06-02T16:00:00"\)/);
});

test('a longer value that mostly restates the user may add a word; not a number', () => {
  const search: ToolDefinition = {
    type: 'function',
    function: { name: 'web_search', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  };
  const run = (args: string): Annotation[] => {
    const messages: Message[] = [{ role: 'user', content: 'Who won the 2022 World Cup final?' }, callMessage('web_search', args)];
    return detectLocal({ conversation: conversation(messages, [search]), messageIndex: 1, message: messages[1]! });
  };
  assert.deepEqual(run('{"query":"2022 World Cup final winner"}'), []);
  assert.equal(only(run('{"query":"2018 World Cup final winner"}')).parameter_name, 'query');
});
