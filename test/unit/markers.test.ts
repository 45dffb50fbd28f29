import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, Conversation } from '../../common/schema';
import { annotationRange, fileText } from '../../server/core/markers';
import { parseTraceText } from '../../server/core/traceParser';

function annotation(over: Partial<Annotation>): Annotation {
  return {
    label: 'fabricated_number',
    text: '',
    explanation: '',
    message_index: 1,
    message_part_index: 0,
    start_offset: 0,
    end_offset: 0,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 1,
    ...over,
  };
}

/** Annotates `text` (first occurrence) in the decoded part and returns what the file range covers. */
function markedSource(
  source: string,
  conv: Conversation,
  messageIndex: number,
  part: number,
  decoded: string,
  needle: string,
): string | null {
  const start = decoded.indexOf(needle);
  assert.ok(start >= 0, `needle ${needle} not in decoded text`);
  const r = annotationRange(
    fileText(source),
    conv,
    annotation({
      message_index: messageIndex,
      message_part_index: part,
      start_offset: start,
      end_offset: start + needle.length,
      text: needle,
    }),
  );
  return r ? source.slice(r.start, r.end) : null;
}

test('a marker on answer text after a \\n escape covers exactly the annotated characters', () => {
  const conv = {
    id: 'c1',
    messages: [
      { role: 'user', content: 'Price?' },
      { role: 'assistant', content: 'Line one\nThe price is "42" euros' },
    ],
  };
  const source = `{"id":"other","messages":[]}\n${JSON.stringify(conv)}\n`;
  const parsed = parseTraceText('t.jsonl', source);
  const c = parsed.conversations.find((x) => x.id === 'c1')!;
  assert.equal(markedSource(source, c, 1, 0, conv.messages[1]!.content, '42'), '42');
  assert.equal(markedSource(source, c, 1, 0, conv.messages[1]!.content, '"42" euros'), '\\"42\\" euros');
});

test('a marker on a tool-call argument value covers the value inside the escaped arguments string', () => {
  const args = JSON.stringify({ city: 'Lyon', days: 3 });
  const conv = {
    id: 'w',
    messages: [
      { role: 'user', content: 'Weather in Paris' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'weather', arguments: args } }] },
    ],
  };
  const source = JSON.stringify([conv], null, 2);
  const c = parseTraceText('t.json', source).conversations[0]!;
  assert.equal(markedSource(source, c, 1, 0, args, 'Lyon'), 'Lyon');
  assert.equal(markedSource(source, c, 1, 0, args, '"city": "Lyon"'.replace(': ', ':')), '\\"city\\":\\"Lyon\\"');
});

test('content given as parts: the part index selects the text part', () => {
  const conv = {
    id: 'p',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'text', text: 'first 1' }, { type: 'image_url' }, { type: 'text', text: 'second 22' }] },
    ],
  };
  const source = JSON.stringify(conv);
  const c = parseTraceText('p.json', source).conversations[0]!;
  assert.equal(markedSource(source, c, 1, 1, 'second 22', '22'), '22');
});

test('no marker where the file no longer holds the annotated text', () => {
  const conv = {
    id: 'c',
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'It costs 42' },
    ],
  };
  const edited = JSON.stringify({ ...conv, messages: [conv.messages[0], { role: 'assistant', content: 'It costs 43' }] });
  const c = parseTraceText('e.jsonl', edited).conversations[0]!;
  const r = annotationRange(fileText(edited), c, annotation({ start_offset: 9, end_offset: 11, text: '42' }));
  assert.equal(r, null);
});

test('a response-level annotation (empty span) covers the whole string value', () => {
  const source = JSON.stringify({
    id: 'c',
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'abc' },
    ],
  });
  const c = parseTraceText('r.jsonl', source).conversations[0]!;
  const r = annotationRange(fileText(source), c, annotation({ start_offset: 0, end_offset: 0, text: '' }))!;
  assert.equal(source.slice(r.start, r.end), '"abc"');
});
