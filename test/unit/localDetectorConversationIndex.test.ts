// The conversation's context is indexed once and extended message by message; every response
// is judged on exactly what came before it, whatever order the responses are judged in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message, ToolDefinition } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

const tools: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'refund',
      parameters: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } }, required: ['order_id'] },
    },
  },
];
const amount = (r: number): number => 1000 + r * 337;
function rounds(n: number): Message[] {
  const m: Message[] = [{ role: 'system', content: 'Support agent. Today is 2025-03-14.' }];
  for (let r = 0; r < n; r++) {
    m.push({ role: 'user', content: `Refund order O-${r} of $${amount(r)}, please.` });
    // each call repeats the order of round r and the amount of the NEXT round (said only later)
    m.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `c${r}`,
          type: 'function',
          function: { name: 'refund', arguments: JSON.stringify({ order_id: `O-${r}`, amount: amount(r + 1) }) },
        },
      ],
    });
    m.push({ role: 'tool', tool_call_id: `c${r}`, content: `{"refunded": ${amount(r)}}` });
  }
  return m;
}
const conv = (messages: Message[]): Conversation => ({ id: 'c', file: 'f', line: 0, position: 0, sourcePath: [], messages, tools });
const key = (anns: Annotation[]): string => JSON.stringify(anns.map((a) => [a.parameter_name, a.text]));

test('a value said only after the response is not context for it, in whatever order responses are judged', () => {
  const messages = rounds(6);
  const assistants = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
  // fresh conversations (copies): nothing shared
  const expected = assistants.map((i) =>
    key(detectLocal({ conversation: conv(structuredClone(messages)), messageIndex: i, message: messages[i]! })),
  );
  // one conversation, judged last response first, each on a new slice of the same messages
  const shared = [...assistants]
    .reverse()
    .map((i) => key(detectLocal({ conversation: conv(messages.slice(0, i)), messageIndex: i, message: messages[i]! })));
  assert.deepEqual(shared.reverse(), expected);
  // round 0's call uses round 1's amount (1337), said only later: ungrounded there
  assert.match(expected[0]!, /"amount","1337"/);
});

test('a message changed in place is a new conversation: its index is built again', () => {
  const messages = rounds(2);
  const i = 5;
  assert.match(key(detectLocal({ conversation: conv(messages), messageIndex: i, message: messages[i]! })), /"amount","1674"/);
  const edited = [...messages];
  edited[4] = { role: 'user', content: 'Refund order O-1 of $1674, please.' };
  assert.equal(key(detectLocal({ conversation: conv(edited), messageIndex: i, message: edited[i]! })), '[]');
});
