// Schema semantics real APIs use, checked before any type or enum rule; grounding scoped to the
// called tool; unknown_tool only when the definitions are known; the minimum confidence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message, ToolDefinition } from '../../common/schema';
import { withMinConfidence, type DetectionReport } from '../../server/core/detectors/detector';
import { detectLocal, localDetector } from '../../server/core/detectors/local/index';

const search: ToolDefinition = {
  type: 'function',
  function: {
    name: 'find_restaurants',
    description: 'Find restaurants in a city.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        price: { type: 'string', enum: ['cheap', 'moderate', 'pricey'], default: 'dontcare' },
        party_size: { type: 'integer', default: 'any' },
        cuisines: { type: 'array', items: { type: 'string' }, enum: ['italian', 'thai', 'greek'] },
        outdoor: { type: 'string', enum: ['True', 'False'] },
        note: { type: 'string', default: null },
        limit: { type: 'integer' },
        filters: { type: 'object', properties: { open_now: { type: 'boolean' } } },
        strict: { type: 'object', properties: { max_km: { type: 'number' } }, additionalProperties: false },
      },
      required: ['city'],
    },
  },
};
const weather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a place.',
    parameters: {
      type: 'object',
      properties: { place: { type: 'string', description: 'A place such as Reykjavik or Nairobi' } },
      required: ['place'],
    },
  },
};

function conversation(messages: Message[], tools: ToolDefinition[]): Conversation {
  return { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools };
}
function call(name: string, args: string, id = 'call_1'): Message {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] };
}
function detect(
  user: string,
  name: string,
  args: string,
  tools: ToolDefinition[] = [search, weather],
  after: Message[] = [],
  report?: DetectionReport,
): Annotation[] {
  const messages = [{ role: 'user', content: user }, call(name, args), ...after];
  return detectLocal({
    conversation: conversation(messages, tools),
    messageIndex: 1,
    message: messages[1]!,
    ...(report ? { report } : {}),
  });
}
const labels = (anns: Annotation[]): string[] => anns.map((a) => `${a.label}:${a.parameter_name ?? ''}`).sort();

test('null on a parameter that is not required means "left out"', () => {
  assert.deepEqual(detect('Restaurants in Lyon', 'find_restaurants', '{"city":"Lyon","limit":null,"note":null}'), []);
});

test('null on a required parameter is still a wrong type', () => {
  assert.deepEqual(labels(detect('Restaurants in Lyon', 'find_restaurants', '{"city":null}')), ['invalid_parameter_value:city']);
});

test("the parameter's own declared default is accepted even outside its enum or type", () => {
  assert.deepEqual(detect('Restaurants in Lyon', 'find_restaurants', '{"city":"Lyon","price":"dontcare","party_size":"any"}'), []);
});

test('an enum declared on an array constrains its items', () => {
  assert.deepEqual(detect('Italian or Thai in Lyon', 'find_restaurants', '{"city":"Lyon","cuisines":["italian","thai"]}'), []);
  const bad = detect('Italian in Lyon', 'find_restaurants', '{"city":"Lyon","cuisines":["italian","korean"]}');
  assert.deepEqual(labels(bad), ['invalid_parameter_value:cuisines']);
  assert.equal(bad[0]!.text, 'korean');
});

test('a JSON boolean stands for a string enum member "True" / "False"', () => {
  assert.deepEqual(detect('Outdoor seating in Lyon', 'find_restaurants', '{"city":"Lyon","outdoor":true}'), []);
});

test('an enum member written in another letter case is that member', () => {
  assert.deepEqual(detect('Something cheap in Lyon', 'find_restaurants', '{"city":"Lyon","price":"Cheap"}'), []);
});

test('a nested object is open unless it says additionalProperties: false', () => {
  assert.deepEqual(
    detect('Open now in Lyon, with parking', 'find_restaurants', '{"city":"Lyon","filters":{"open_now":true,"parking":true}}'),
    [],
  );
  assert.deepEqual(labels(detect('Lyon within 5 km', 'find_restaurants', '{"city":"Lyon","strict":{"max_km":5,"parking":true}}')), [
    'unknown_parameter:strict.parking',
  ]);
});

test("a value is grounded in the called tool's own schema, not in another tool's", () => {
  // "Reykjavik" is only in get_weather's description: no support for find_restaurants' city
  assert.deepEqual(labels(detect('Find me a restaurant', 'find_restaurants', '{"city":"Reykjavik"}')), ['ungrounded_parameter_value:city']);
  // ... but get_weather's own description supports it
  assert.deepEqual(detect('What is the weather like?', 'get_weather', '{"place":"Reykjavik"}'), []);
});

test('with no tool definitions known: no unknown_tool, no schema checks, an info note, values still grounded', () => {
  const report: DetectionReport = { notes: [], hidden: 0 };
  const anns = detect('Weather in Lyon', 'lookup', '{"city":"Lyon","days":17}', [], [], report);
  assert.deepEqual(labels(anns), ['ungrounded_parameter_value:days']);
  assert.equal(report.notes.length, 1);
  assert.match(report.notes[0]!, /no tool definitions/);
});

test('a tool that ran is never unknown: a result answers its call id', () => {
  const result: Message = { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' };
  assert.deepEqual(detect('Weather in Lyon', 'lookup_weather', '{"city":"Lyon"}', [search], [result]), []);
  assert.deepEqual(labels(detect('Weather in Lyon', 'lookup_weather', '{"city":"Lyon"}', [search])), ['unknown_tool:']);
});

test("a message whose role is the tool's name is that tool's result: it ran, and it grounds later values", () => {
  const ran: Message = { role: 'lookup_weather', content: 'Lyon: 21 degrees, wind 14 km/h' };
  assert.deepEqual(detect('Weather in Lyon', 'lookup_weather', '{"city":"Lyon"}', [search], [ran]), []);
  const messages: Message[] = [
    { role: 'user', content: 'Weather in Lyon?' },
    call('lookup_weather', '{"city":"Lyon"}'),
    ran,
    { role: 'assistant', content: 'It is 21 degrees with wind at 14 km/h.' },
  ];
  assert.deepEqual(detectLocal({ conversation: conversation(messages, [search]), messageIndex: 3, message: messages[3]! }), []);
});

test('minConfidence hides annotations below it and counts them in the report', () => {
  const messages: Message[] = [
    { role: 'user', content: 'Restaurants in Lyon' },
    call('find_restaurants', '{"city":"Lyon","limit":7,"party":2}'),
  ];
  const input = { conversation: conversation(messages, [search]), messageIndex: 1, message: messages[1]! };
  const all = detectLocal(input);
  assert.ok(all.length >= 2);
  const threshold = Math.max(...all.map((a) => a.confidence));
  const report: DetectionReport = { notes: [], hidden: 0 };
  const kept = withMinConfidence(localDetector, threshold).detect({ ...input, report }) as Annotation[];
  assert.ok(kept.every((a) => a.confidence >= threshold));
  assert.equal(kept.length + report.hidden, all.length);
  assert.ok(report.hidden > 0);
});

test('an enum member written with its number in words or digits, or a leading "1", is that member', () => {
  const spans: ToolDefinition = {
    type: 'function',
    function: {
      name: 'stats',
      parameters: { type: 'object', properties: { time_frame: { type: 'string', enum: ['six_months', 'year', 'five_years'] } } },
    },
  };
  assert.deepEqual(detect('Rainfall over the last 5 years', 'stats', '{"time_frame":"5 years"}', [spans]), []);
  assert.deepEqual(detect('Rainfall over the last year', 'stats', '{"time_frame":"1 year"}', [spans]), []);
  assert.deepEqual(labels(detect('Rainfall over the last decade', 'stats', '{"time_frame":"10 years"}', [spans])), [
    'invalid_parameter_value:time_frame',
  ]);
});

test('an enum member of several words may be written as its initials', () => {
  const recipes: ToolDefinition = {
    type: 'function',
    function: {
      name: 'recipes',
      parameters: {
        type: 'object',
        properties: { diet: { type: 'array', items: { type: 'string', enum: ['Gluten Free', 'Dairy Free', 'Vegan'] } } },
      },
    },
  };
  assert.deepEqual(detect('Gluten-free cookies', 'recipes', '{"diet":["GF"]}', [recipes]), []);
  assert.deepEqual(labels(detect('Gluten-free cookies', 'recipes', '{"diet":["KF"]}', [recipes])), ['invalid_parameter_value:diet']);
});

test('another name of an enum member is that member ("ft" for "feet")', () => {
  const area: ToolDefinition = {
    type: 'function',
    function: { name: 'area', parameters: { type: 'object', properties: { unit: { type: 'string', enum: ['meter', 'feet'] } } } },
  };
  assert.deepEqual(detect('Area of the room in feet', 'area', '{"unit":"ft"}', [area]), []);
  assert.deepEqual(labels(detect('Area of the room in feet', 'area', '{"unit":"yd"}', [area])), ['invalid_parameter_value:unit']);
});
