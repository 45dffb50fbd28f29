import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, Conversation } from '../../common/schema';
import { annotationRange, decodedToRawMany, fileText } from '../../server/core/markers';
import { findValueRange } from '../../server/core/jsonSource';
import { parseTraceText } from '../../server/core/traceParser';

/** Raw offset (from the opening quote) of every decoded offset 0..length of a JSON string literal. */
function decodedToRawOffsets(literal: string): number[] {
  const length = (JSON.parse(literal) as string).length;
  return decodedToRawMany(literal, { start: 0, end: literal.length }, Array.from({ length: length + 1 }, (_, i) => i));
}

function annotation(over: Partial<Annotation>): Annotation {
  return {
    label: 'fabricated_number', text: '', explanation: '', message_index: 1, message_part_index: 0, start_offset: 0, end_offset: 0,
    tool_name: null, parameter_name: null, detector: 'local', confidence: 1, ...over,
  };
}

/** Annotates `text` (first occurrence) in the decoded part and returns what the file range covers. */
function markedSource(source: string, conv: Conversation, messageIndex: number, part: number, decoded: string, needle: string): string | null {
  const start = decoded.indexOf(needle);
  assert.ok(start >= 0, `needle ${needle} not in decoded text`);
  const r = annotationRange(fileText(source), conv, annotation({ message_index: messageIndex, message_part_index: part, start_offset: start, end_offset: start + needle.length, text: needle }));
  return r ? source.slice(r.start, r.end) : null;
}

test('decoded offsets map through \\n, \\", \\\\ and \\u escapes', () => {
  const literal = JSON.stringify('a\nb"c\\dé😀x');
  const map = decodedToRawOffsets(literal);
  const decoded = JSON.parse(literal) as string;
  assert.equal(map.length, decoded.length + 1);
  const x = decoded.indexOf('x');
  assert.equal(literal[map[x]!], 'x');
  const ascii = '"caf\\u00e9 \\ud83d\\ude00!"';
  const m2 = decodedToRawOffsets(ascii);
  const d2 = JSON.parse(ascii) as string;
  assert.equal(ascii.slice(m2[d2.indexOf('!')]!, m2[d2.indexOf('!')]! + 1), '!');
  assert.equal(ascii.slice(m2[3]!, m2[4]!), '\\u00e9');
});

test('findValueRange follows object keys and array indices, last duplicate key wins', () => {
  const src = '{"a": [1, {"b": "x"}, "y"], "a2": 3, "c": 1, "c": "last"}';
  const r = findValueRange(src, ['a', 1, 'b'])!;
  assert.equal(src.slice(r.start, r.end), '"x"');
  const c = findValueRange(src, ['c'])!;
  assert.equal(src.slice(c.start, c.end), '"last"');
  assert.equal(findValueRange(src, ['a', 5]), null);
  assert.equal(findValueRange(src, ['zz']), null);
});

test('a marker on answer text after a \\n escape covers exactly the annotated characters', () => {
  const conv = { id: 'c1', messages: [{ role: 'user', content: 'Price?' }, { role: 'assistant', content: 'Line one\nThe price is "42" euros' }] };
  const source = `{"id":"other","messages":[]}\n${JSON.stringify(conv)}\n`;
  const parsed = parseTraceText('t.jsonl', source);
  const c = parsed.conversations.find((x) => x.id === 'c1')!;
  assert.equal(markedSource(source, c, 1, 0, conv.messages[1]!.content, '42'), '42');
  assert.equal(markedSource(source, c, 1, 0, conv.messages[1]!.content, '"42" euros'), '\\"42\\" euros');
});

test('a marker on a tool-call argument value covers the value inside the escaped arguments string', () => {
  const args = JSON.stringify({ city: 'Lyon', days: 3 });
  const conv = { id: 'w', messages: [{ role: 'user', content: 'Weather in Paris' }, { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'weather', arguments: args } }] }] };
  const source = JSON.stringify([conv], null, 2);
  const c = parseTraceText('t.json', source).conversations[0]!;
  assert.equal(markedSource(source, c, 1, 0, args, 'Lyon'), 'Lyon');
  assert.equal(markedSource(source, c, 1, 0, args, '"city": "Lyon"'.replace(': ', ':')), '\\"city\\":\\"Lyon\\"');
});

test('content given as parts: the part index selects the text part', () => {
  const conv = { id: 'p', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [{ type: 'text', text: 'first 1' }, { type: 'image_url' }, { type: 'text', text: 'second 22' }] }] };
  const source = JSON.stringify(conv);
  const c = parseTraceText('p.json', source).conversations[0]!;
  assert.equal(markedSource(source, c, 1, 1, 'second 22', '22'), '22');
});

test('no marker where the file no longer holds the annotated text', () => {
  const conv = { id: 'c', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'It costs 42' }] };
  const edited = JSON.stringify({ ...conv, messages: [conv.messages[0], { role: 'assistant', content: 'It costs 43' }] });
  const c = parseTraceText('e.jsonl', edited).conversations[0]!;
  const r = annotationRange(fileText(edited), c, annotation({ start_offset: 9, end_offset: 11, text: '42' }));
  assert.equal(r, null);
});

test('a response-level annotation (empty span) covers the whole string value', () => {
  const source = JSON.stringify({ id: 'c', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'abc' }] });
  const c = parseTraceText('r.jsonl', source).conversations[0]!;
  const r = annotationRange(fileText(source), c, annotation({ start_offset: 0, end_offset: 0, text: '' }))!;
  assert.equal(source.slice(r.start, r.end), '"abc"');
});
