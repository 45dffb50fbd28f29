// An identifier an earlier call's result would have supplied, when the trace does not record that
// result, is unverifiable — left out, with a note — not made up. Only after a call of an earlier
// message that nothing answers, only for identifiers and codes, only where the parameter asks for
// what that call returns; values that break the schema stay flagged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message, ToolDefinition } from '../../common/schema';
import type { DetectionReport } from '../../server/core/detectors/detector';
import { detectLocal } from '../../server/core/detectors/local/index';
import { UNANSWERED_CALL_NOTE } from '../../server/core/detectors/local/unansweredCalls';

function tool(name: string, description: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): ToolDefinition {
  return { type: 'function', function: { name, description, parameters: { type: 'object', properties }, ...extra } };
}
const tools: ToolDefinition[] = [
  tool('get_user_id', 'Get user ID from user name.', { user: { type: 'string', description: 'User name of the user.' } }),
  tool('get_weather', 'Current weather of a city.', { city: { type: 'string', description: 'The city.' } }),
  tool('send_message', 'Send a message to a user.', {
    receiver_id: { type: 'string', description: 'User ID of the user to send the message to.' },
    message: { type: 'string', description: 'Message to be sent.' },
    priority: { type: 'string', enum: ['low', 'high'] },
    copies: { type: 'integer', description: 'How many copies of the user ID record to send.' },
  }),
];

function call(id: string, name: string, args: Record<string, unknown>): Message {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] };
}
function judge(messages: Message[], withTools: ToolDefinition[] = tools): { anns: Annotation[]; report: DetectionReport } {
  const conversation: Conversation = { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools: withTools };
  const report: DetectionReport = { notes: [], hidden: 0 };
  const i = messages.length - 1;
  return { anns: detectLocal({ conversation, messageIndex: i, message: messages[i]!, report }), report };
}
const ask: Message = { role: 'user', content: 'Find the user id of Bob and send him "hello".' };
const lookup = call('c1', 'get_user_id', { user: 'Bob' });

test('an id the unanswered earlier call would have returned is unverifiable, with a note', () => {
  const { anns, report } = judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello' })]);
  assert.deepEqual(anns, []);
  assert.ok(report.notes.includes(UNANSWERED_CALL_NOTE));
});

test('once the result is recorded, the id must be in it', () => {
  const result: Message = { role: 'tool', tool_call_id: 'c1', content: '{"user_id": "USR001"}' };
  const { anns, report } = judge([ask, lookup, result, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello' })]);
  assert.deepEqual(
    anns.map((a) => [a.label, a.parameter_name]),
    [['ungrounded_parameter_value', 'receiver_id']],
  );
  assert.equal(report.notes.includes(UNANSWERED_CALL_NOTE), false);
});

test('calls of one message run in parallel: none can use another one’s result', () => {
  const both: Message = {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'get_user_id', arguments: '{"user":"Bob"}' } },
      { id: 'c2', type: 'function', function: { name: 'send_message', arguments: '{"receiver_id":"USR002","message":"hello"}' } },
    ],
  };
  assert.equal(judge([ask, both]).anns.length, 1);
});

test('a call whose output is not what the parameter asks for leaves the id flagged', () => {
  const weather = call('c1', 'get_weather', { city: 'Paris' });
  assert.equal(judge([ask, weather, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello' })]).anns.length, 1);
});

test('plain words and computed numbers are not what a result is copied as: still flagged', () => {
  assert.equal(judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'Charlie', message: 'hello' })]).anns.length, 1);
  // a common word in capitals is a word, not a code; a code is not
  assert.equal(judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'OPEN', message: 'hello' })]).anns.length, 1);
  assert.deepEqual(judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'QXR', message: 'hello' })]).anns, []);
  assert.equal(judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello', copies: 37 })]).anns.length, 1);
});

test('a value that breaks the schema stays flagged after an unanswered call', () => {
  const { anns } = judge([ask, lookup, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello', priority: 'P1' })]);
  assert.deepEqual(
    anns.map((a) => [a.label, a.parameter_name]),
    [['invalid_parameter_value', 'priority']],
  );
});

test('a declared output schema (MCP outputSchema) says what the earlier call returns', () => {
  const geo = [
    tool(
      'locate',
      'Look a city up.',
      { city: { type: 'string' } },
      { outputSchema: { type: 'object', properties: { zipcode: { type: 'string' } } } },
    ),
    tool('estimate_distance', 'Distance between two places.', {
      from_zip: { type: 'string', description: 'The zipcode of the first city.' },
      to_zip: { type: 'string', description: 'The zipcode of the second city.' },
    }),
  ];
  const user: Message = { role: 'user', content: 'How far is Rivermist from Stonebrook?' };
  const msgs = [user, call('c1', 'locate', { city: 'Rivermist' }), call('c2', 'locate', { city: 'Stonebrook' })];
  assert.deepEqual(judge([...msgs, call('c3', 'estimate_distance', { from_zip: '83214', to_zip: '74532' })], geo).anns, []);
  // without the calls, the same zip codes are made up
  assert.equal(judge([user, call('c3', 'estimate_distance', { from_zip: '83214', to_zip: '74532' })], geo).anns.length, 2);
});

test('a result that names no call answers the calls before it: the id must then be in it', () => {
  const anonymous: Message = { role: 'tool', content: '{"user_id": "USR001"}' };
  assert.equal(judge([ask, lookup, anonymous, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello' })]).anns.length, 1);
  const byName: Message = { role: 'get_user_id', content: '{"user_id": "USR001"}' };
  assert.equal(judge([ask, lookup, byName, call('c2', 'send_message', { receiver_id: 'USR002', message: 'hello' })]).anns.length, 1);
});
