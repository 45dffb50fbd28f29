import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, Conversation } from '../../common/schema';
import { findAnnotation, markableItems, markersAt, rangeContains } from '../../server/core/annotationLookup';

const annotation = (over: Partial<Annotation>): Annotation => ({
  label: 'fabricated_number',
  text: 'x',
  explanation: '',
  message_index: 1,
  message_part_index: 0,
  start_offset: 0,
  end_offset: 1,
  tool_name: null,
  parameter_name: null,
  detector: 'local',
  confidence: 1,
  ...over,
});

test('findAnnotation: by conversation, message, part and offsets; the end is optional', () => {
  const a = annotation({ start_offset: 4, end_offset: 6, text: 'ab' });
  const b = annotation({ start_offset: 4, end_offset: 9, text: 'abcde' });
  const c = annotation({ message_part_index: 1, start_offset: 4, end_offset: 6 });
  const items = [
    { conversation_id: 'other', annotations: [annotation({ start_offset: 4, end_offset: 6 })] },
    { conversation_id: 'c1', annotations: [a, b, c] },
  ];
  const key = { conversation_id: 'c1', message_index: 1, message_part_index: 0, start_offset: 4 };
  assert.equal(findAnnotation(items, { ...key, end_offset: 9 }), b);
  assert.equal(findAnnotation(items, key), a, 'without an end: the first at that start');
  assert.equal(findAnnotation(items, { ...key, message_part_index: 1 }), c);
  assert.equal(findAnnotation(items, { ...key, end_offset: 7 }), undefined);
  assert.equal(findAnnotation(items, { ...key, message_index: 2 }), undefined);
  assert.equal(findAnnotation(items, { ...key, conversation_id: 'nope' }), undefined);
});

test('markableItems: completed items with annotations whose conversation is in the file, reading only those', () => {
  const conv = (id: string, file: string) => ({ id, file }) as Conversation;
  const index = new Map([
    ['a', conv('a', '/f1')],
    ['b', conv('b', '/f2')],
    ['c', conv('c', '/f1')],
  ]);
  const read: string[] = [];
  const lookup = { fileOf: (id: string) => index.get(id)?.file, get: (id: string) => (read.push(id), index.get(id)) };
  const items = [
    { id: 1, conversation_id: 'a', status: 'completed' as const, annotations: [annotation({})] },
    { id: 2, conversation_id: 'b', status: 'completed' as const, annotations: [annotation({})] },
    { id: 3, conversation_id: 'c', status: 'failed' as const, annotations: [annotation({})] },
    { id: 4, conversation_id: 'c', status: 'completed' as const, annotations: [] },
    { id: 5, conversation_id: 'gone', status: 'completed' as const, annotations: [annotation({})] },
    { id: 6, conversation_id: 'c', status: 'completed' as const, annotations: [annotation({})] },
  ];
  const got = markableItems(items, '/f1', lookup);
  assert.deepEqual(
    got.map((m) => [m.item.id, m.conversation.id]),
    [
      [1, 'a'],
      [6, 'c'],
    ],
  );
  assert.deepEqual(read, ['a', 'c'], 'only the conversations of the file with annotations to mark are read');
});

test('rangeContains and markersAt: both ends included, across lines', () => {
  const r = { start: { line: 2, character: 5 }, end: { line: 4, character: 1 } };
  const at = (line: number, character: number) => rangeContains(r, { line, character });
  assert.equal(at(2, 5), true);
  assert.equal(at(2, 4), false);
  assert.equal(at(3, 0), true);
  assert.equal(at(3, 999), true);
  assert.equal(at(4, 1), true);
  assert.equal(at(4, 2), false);
  assert.equal(at(1, 9), false);
  assert.equal(at(5, 0), false);
  const one = { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 6 } }, n: 1 };
  const two = { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }, n: 2 };
  assert.deepEqual(
    markersAt([one, two], { line: 0, character: 5 }).map((m) => m.n),
    [1, 2],
  );
  assert.deepEqual(
    markersAt([one, two], { line: 0, character: 8 }).map((m) => m.n),
    [2],
  );
  assert.deepEqual(markersAt([one, two], { line: 1, character: 5 }), []);
});
