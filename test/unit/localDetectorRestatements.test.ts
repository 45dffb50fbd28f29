// Values that restate the context without copying it: dates and times written another way or
// computed from a stated date, scripts without spaces, templates from the parameter's
// description, corrected typos, abbreviations, one arithmetic step. Each test states the rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message, ToolDefinition } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

const tool: ToolDefinition = {
  type: 'function',
  function: {
    name: 'act',
    parameters: {
      type: 'object',
      properties: {
        date: { type: 'string' },
        when: { type: 'string' },
        place: { type: 'string' },
        team: { type: 'string' },
        count: { type: 'number' },
        url: { type: 'string', description: 'The profile page, https://example.com/users/{username}/profile' },
      },
    },
  },
};

function detect(context: string | Message[], args: Record<string, unknown>): Annotation[] {
  const before: Message[] = typeof context === 'string' ? [{ role: 'user', content: context }] : context;
  const messages: Message[] = [
    ...before,
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'act', arguments: JSON.stringify(args) } }],
    },
  ];
  const conversation: Conversation = { id: 'c', file: 'f', line: 0, position: 0, sourcePath: [], messages, tools: [tool] };
  return detectLocal({ conversation, messageIndex: messages.length - 1, message: messages.at(-1)! });
}
const flagged = (anns: Annotation[]): string[] => anns.map((a) => a.parameter_name ?? '');

test('a date written as compact digits is a date', () => {
  assert.deepEqual(detect('Book it for 20240315 please', { date: '2024-03-15' }), []);
});

test('"Mon, D, YYYY" is a date', () => {
  assert.deepEqual(detect('The event is on Mar, 15, 2024', { date: '2024-03-15' }), []);
});

test('a month and year stand for its first day', () => {
  assert.deepEqual(detect('Concerts in April 2022', { date: '2022-04-01' }), []);
  assert.deepEqual(flagged(detect('Concerts in April 2022', { date: '2022-04-09' })), ['date']);
});

test('a date followed by a time: both must be grounded', () => {
  assert.deepEqual(detect('Meet on June 5, 2023 at 3pm', { when: 'June 5, 2023 at 3pm' }), []);
  assert.deepEqual(detect('Meet on June 5, 2023 at 3pm', { when: '2023-06-05 15:00' }), []);
  assert.deepEqual(flagged(detect('Meet on June 5, 2023 at 3pm', { when: '2023-06-05 17:00' })), ['when']);
});

test('"N in the afternoon" is N pm', () => {
  assert.deepEqual(detect('Call me at 3 in the afternoon', { when: '15:00' }), []);
});

test('a date range in one value: each end grounded', () => {
  assert.deepEqual(detect('From 2024-05-01 to 2024-05-03', { when: '2024-05-01 to 2024-05-03' }), []);
  assert.deepEqual(flagged(detect('From 2024-05-01 to 2024-05-03', { when: '2024-05-01 to 2024-05-09' })), ['when']);
});

test('a date a stated number of days or weeks from a stated date', () => {
  assert.deepEqual(detect('3 nights starting from 1st June 2022', { date: '2022-06-04' }), []);
  assert.deepEqual(detect('two weeks after 2024-05-03', { date: '2024-05-17' }), []);
  assert.deepEqual(flagged(detect('3 nights starting from 1st June 2022', { date: '2022-06-19' })), ['date']);
});

test('weekday arithmetic from the date the conversation states', () => {
  const context: Message[] = [
    { role: 'system', content: 'Today is 2025-06-04 (Wednesday).' },
    { role: 'user', content: 'Book it for next Monday' },
  ];
  assert.deepEqual(detect(context, { date: '2025-06-09' }), []);
});

test('scripts without spaces: a verbatim substring of the user text is grounded', () => {
  assert.deepEqual(detect('请问北京的当前天气状况如何？', { place: '北京' }), []);
  assert.deepEqual(detect('อากาศที่กรุงเทพวันนี้เป็นอย่างไร', { place: 'กรุงเทพ' }), []);
  assert.deepEqual(flagged(detect('请问北京的当前天气状况如何？', { place: '上海' })), ['place']);
});

test("a value filled into the template of the parameter's description", () => {
  assert.deepEqual(detect('Open the profile of user dana_levi', { url: 'https://example.com/users/dana_levi/profile' }), []);
  assert.deepEqual(flagged(detect('Open the profile of user dana_levi', { url: 'https://example.com/users/omer_k/profile' })), ['url']);
});

test('a long word one letter away from a context word is a corrected typo', () => {
  assert.deepEqual(detect('Weather in Mississipi', { place: 'Mississippi' }), []);
  assert.deepEqual(detect('Weather in Philadelpia', { place: 'Philadelphia' }), []);
});

test('initials of consecutive context words, or the first letters of a longer word, written in capitals', () => {
  assert.deepEqual(detect('How did the Golden State Warriors do?', { team: 'GSW' }), []);
  assert.deepEqual(detect('Games in December', { when: 'Dec' }), []);
  assert.deepEqual(flagged(detect('How did the Golden State Warriors do?', { team: 'LAL' })), ['team']);
});

test('one arithmetic step on two numbers the context gives', () => {
  assert.deepEqual(detect('5 moles at 2800 joules per mole', { count: 14000 }), []);
  assert.deepEqual(detect('I am 5 feet 11 inches tall', { count: 71 }), []);
  assert.deepEqual(flagged(detect('5 moles at 2800 joules per mole', { count: 15123 })), ['count']);
});

test('a city named in another script is that city; a qualifier may follow', () => {
  assert.deepEqual(detect('请问北京的当前天气状况如何？', { place: 'Beijing, China' }), []);
  assert.deepEqual(flagged(detect('请问北京的当前天气状况如何？', { place: 'Shanghai, China' })), ['place']);
});

test("a listed company's ticker is that company", () => {
  assert.deepEqual(detect('How did Microsoft stock do?', { team: 'MSFT' }), []);
  assert.deepEqual(flagged(detect('How did Microsoft stock do?', { team: 'AAPL' })), ['team']);
});

test("code and command lines: the language's own words are syntax, what they operate on must be grounded", () => {
  assert.deepEqual(detect('filter the fruits that start with the letter b', { team: 'startswith(b)' }), []);
  assert.deepEqual(detect('integrate sin(x) from 0 to 2', { team: 'lambda x: sin(x)' }), []);
  assert.deepEqual(flagged(detect('integrate sin(x) from 0 to 2', { team: 'lambda x: cos(x) * tanh(y)' })), ['team']);
});

test('the state or country of a place the context names', () => {
  assert.deepEqual(detect('Crime rate in San Francisco in 2020', { place: 'California' }), []);
  assert.deepEqual(detect('Crime rate in San Francisco in 2020', { place: 'CA' }), []);
  assert.deepEqual(flagged(detect('Crime rate in San Francisco in 2020', { place: 'Texas' })), ['place']);
});

test('feet and inches written 5\'11" are also inches; a season written short is its years', () => {
  assert.deepEqual(detect('I am 5\'11" tall', { count: 71 }), []);
  assert.deepEqual(detect('Compare the 2018-2019 and 2019-2020 seasons', { when: '18-19' }), []);
  assert.deepEqual(flagged(detect('Compare the 2018-2019 and 2019-2020 seasons', { when: '16-17' })), ['when']);
});

test('an identifier in camelCase is its words run together', () => {
  assert.deepEqual(detect('the builder that gets the concurrency', { team: 'getConcurrency' }), []);
  assert.deepEqual(flagged(detect('the builder that gets the concurrency', { team: 'getTimeout' })), ['team']);
});
