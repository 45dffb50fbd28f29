// The local detector on answer text: specifics (numbers, amounts, dates, times, URLs, e-mail
// addresses, phone numbers, names) absent from the context, with exact offsets into the content.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

const orderResult = JSON.stringify({
  order_id: 'A-10293',
  status: 'shipped',
  carrier: 'UPS',
  total: '$1,200.00',
  shipped_at: '2024-03-05',
  eta: 'March 9',
  discount: 0.15,
  warehouse: 'Denver, CO',
  contact: 'help@acme.example.com',
  tracking_url: 'https://www.acme.example.com/track/A-10293/',
  distance_km: 3.14159,
});

/** A support conversation whose last message is the answer under test. */
function answer(content: Message['content'], extra: Message[] = []): Annotation[] {
  const messages: Message[] = [
    { role: 'system', content: 'You are the support assistant of Acme Outdoor Gear.' },
    { role: 'user', content: 'Where is my order A-10293?' },
    { role: 'tool', tool_call_id: 't1', content: orderResult },
    ...extra,
    { role: 'assistant', content },
  ];
  const conversation: Conversation = { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools: [] };
  const messageIndex = messages.length - 1;
  return detectLocal({ conversation, messageIndex, message: messages[messageIndex]! });
}

function only(anns: Annotation[]): Annotation {
  assert.equal(anns.length, 1, `expected one annotation, got ${JSON.stringify(anns, null, 1)}`);
  return anns[0]!;
}

test('an answer restating the context has no annotation', () => {
  assert.deepEqual(answer('Your order A-10293 shipped via UPS on 2024-03-05 from Denver and should arrive on March 9.'), []);
});

test('a made-up amount is fabricated_number with exact offsets', () => {
  const text = 'Your total was $1,350 including shipping.';
  const a = only(answer(text));
  assert.equal(a.label, 'fabricated_number');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [15, 21, '$1,350']);
  assert.equal(a.message_part_index, 0);
  assert.equal(a.tool_name, null);
  assert.equal(a.parameter_name, null);
  assert.equal(a.explanation, 'The amount "$1,350" does not appear in the user\'s messages, the system prompt or tool results.');
});

test('an amount written another way is grounded: "$1,200.00" grounds "1200 dollars"', () => {
  assert.deepEqual(answer('You paid 1200 dollars.'), []);
});

test('a fraction grounds the percentage: 0.15 → "15%"', () => {
  assert.deepEqual(answer('A 15% discount was applied.'), []);
});

test('a rounded restatement is grounded: 3.14159 km → "3.14 km", "about 3 km" is not a finding', () => {
  assert.deepEqual(answer('The warehouse is 3.14 km away, about 3 km.'), []);
});

test('a different number is fabricated even when close', () => {
  const a = only(answer('The warehouse is 3.5 km away.'));
  assert.equal(a.text, '3.5');
});

test('list markers and small counts are not findings', () => {
  assert.deepEqual(answer('Next steps:\n1. Wait for the courier.\n2. Sign for 2 boxes.'), []);
});

test('a date in another format is grounded: "2024-03-05" grounds "5 March 2024"', () => {
  assert.deepEqual(answer('It left our warehouse on 5 March 2024.'), []);
});

test('a made-up date is fabricated_date', () => {
  const text = 'It should arrive by March 12.';
  const a = only(answer(text));
  assert.equal(a.label, 'fabricated_date');
  assert.equal(a.text, 'March 12');
  assert.equal(text.slice(a.start_offset, a.end_offset), 'March 12');
});

test('a made-up time is fabricated_date', () => {
  const a = only(answer('The courier comes at 10:30 AM.'));
  assert.deepEqual([a.label, a.text], ['fabricated_date', '10:30 AM']);
});

test('a URL present in the context with different scheme/www/slash is grounded', () => {
  assert.deepEqual(answer('Track it at acme.example.com/track/A-10293.'), []);
});

test("a made-up URL is fabricated_url, without the sentence's final period", () => {
  const text = 'See https://acme.example.com/returns/policy.';
  const a = only(answer(text));
  assert.equal(a.label, 'fabricated_url');
  assert.equal(a.text, 'https://acme.example.com/returns/policy');
  assert.equal(a.start_offset, 4);
});

test('e-mail addresses: known one grounded, made-up one fabricated_url', () => {
  assert.deepEqual(answer('Write to help@acme.example.com.'), []);
  const a = only(answer('Write to refunds@acme.example.com.'));
  assert.deepEqual([a.label, a.text], ['fabricated_url', 'refunds@acme.example.com']);
});

test('a made-up phone number is fabricated_number', () => {
  const a = only(answer('Call us at (555) 123-4567.'));
  assert.deepEqual([a.label, a.text], ['fabricated_number', '(555) 123-4567']);
});

test('a made-up multi-word name is fabricated_entity', () => {
  const text = 'Our manager Jane Whitfield will call you.';
  const a = only(answer(text));
  assert.equal(a.label, 'fabricated_entity');
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [12, 26, 'Jane Whitfield']);
});

test('names in the system prompt or tool results are grounded, in any case', () => {
  assert.deepEqual(answer('Thanks for shopping with ACME OUTDOOR GEAR; UPS has it.'), []);
});

test('sentence-initial ordinary words and headings are not names', () => {
  assert.deepEqual(answer('## Shipping Update For You\nGood News: it shipped. Thanks Again for waiting.'), []);
});

test('a lone capitalised word is a name only after "in", "at", "from"…', () => {
  assert.deepEqual(answer('Please check your Inbox.'), []);
  const a = only(answer('It ships from Rotterdam.'));
  assert.equal(a.text, 'Rotterdam');
});

test('each distinct made-up specific is reported once', () => {
  const anns = answer('Call 555-123-4567. Again: 555-123-4567.');
  assert.equal(anns.length, 1);
});

test('offsets point into the right content part', () => {
  const anns = answer([
    { type: 'text', text: 'Shipped on 2024-03-05.' },
    { type: 'text', text: 'Refund of $45.10 issued.' },
  ]);
  const a = only(anns);
  assert.equal(a.message_part_index, 1);
  assert.deepEqual([a.start_offset, a.end_offset, a.text], [10, 16, '$45.10']);
});

test('earlier assistant text counts as context', () => {
  const extra: Message[] = [
    { role: 'assistant', content: 'A $20 credit is on your account.' },
    { role: 'user', content: 'How much?' },
  ];
  assert.deepEqual(answer('The credit is $20.', extra), []);
});

test('a made-up reference code is fabricated_number; one from a tool result is not', () => {
  assert.deepEqual(answer('Your order A-10293 is on its way.'), []);
  const a = only(answer('I opened case #DS-48213 for you.'));
  assert.deepEqual([a.label, a.text, a.start_offset], ['fabricated_number', '#DS-48213', 14]);
});

test('code blocks and inline code are not claims', () => {
  assert.deepEqual(
    answer('Run `curl -s localhost:8080/v2 | jq .total` or:\n```py\nprint(round(1249.5 * 1.17, 2))  # Jane Whitfield\n```'),
    [],
  );
});

test('a US number with a leading 1 is one phone number, not three numbers', () => {
  const a = only(answer('Call 1-800-555-0142 any time.'));
  assert.deepEqual([a.label, a.text], ['fabricated_number', '1-800-555-0142']);
});

test('an answer may report the arguments of an earlier call', () => {
  const extra: Message[] = [
    { role: 'user', content: 'Book 3 nights please.' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'b', type: 'function', function: { name: 'book', arguments: '{"nights":3,"confirmation":"QX-77120"}' } }],
    },
    { role: 'tool', tool_call_id: 'b', content: 'ok' },
  ];
  assert.deepEqual(answer('Done: confirmation QX-77120 for 3 nights.', extra), []);
});
