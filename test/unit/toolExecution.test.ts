// A tool result proves the tool ran — unless it is the framework saying the tool does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saysToolDoesNotExist } from '../../server/core/toolExecution';
import { detectLocal } from '../../server/core/detectors/local';
import { conversationSchema, type Conversation } from '../../common/schema';

test('the error results frameworks send for a tool they do not have say it does not exist', () => {
  for (const text of [
    '{"error": "unknown function cancel_shipment"}',
    'Error: cancel_shipment is not a valid tool, try one of [track_parcel, issue_refund].',
    'Tool cancel_shipment not found in agent Support',
    'Invalid tool cancel_shipment',
    'No such function: cancel_shipment',
  ])
    assert.equal(saysToolDoesNotExist(text, 'cancel_shipment'), true, text);
});

test("a real tool's output is not read as 'does not exist', even with such words in it", () => {
  assert.equal(saysToolDoesNotExist('{"status": "cancelled", "shipment": "JD01"}', 'cancel_shipment'), false);
  assert.equal(saysToolDoesNotExist('Order not found', 'cancel_shipment'), false, 'does not name the tool');
  assert.equal(saysToolDoesNotExist(`cancel_shipment: ${'x'.repeat(700)} unknown tool`, 'cancel_shipment'), false, 'a long output');
});

function conversation(result: string): Conversation {
  const raw = conversationSchema.parse({
    id: 'c',
    tools: [
      {
        type: 'function',
        function: { name: 'track_parcel', parameters: { type: 'object', properties: { tracking_number: { type: 'string' } } } },
      },
    ],
    messages: [
      { role: 'user', content: 'My parcel JD014600003828 has not moved.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'k', type: 'function', function: { name: 'cancel_shipment', arguments: '{"tracking_number": "JD014600003828"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'k', content: result },
    ],
  });
  return { ...raw, id: 'c', file: 'f.jsonl', sourcePath: [], line: 0, position: 0, tools: raw.tools ?? [] };
}

test('a call of an undefined tool is unknown_tool when its result says so, and not when the tool ran', () => {
  const labels = (c: Conversation) => detectLocal({ conversation: c, messageIndex: 1, message: c.messages[1]! }).map((a) => a.label);
  assert.ok(labels(conversation('{"error": "unknown function cancel_shipment"}')).includes('unknown_tool'));
  assert.ok(!labels(conversation('{"cancelled": true}')).includes('unknown_tool'));
});
