import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRawConversation, parseTraceText, tracedResponseIndex } from '../../server/core/traceParser';
import { conversationSchema } from '../../common/schema';
import { TraceIndex } from '../../server/core/traceIndex';

const conv = (id?: string) =>
  JSON.stringify({
    ...(id ? { id } : {}),
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ],
  });

test('JSONL: one conversation per line, ids from the file or from path and position', () => {
  const r = parseTraceText('/w/a.jsonl', `${conv('x')}\n\n${conv()}\n`, 'a.jsonl');
  assert.deepEqual(
    r.conversations.map((c) => [c.id, c.line, c.position]),
    [
      ['x', 0, 0],
      ['a.jsonl#2', 2, 1],
    ],
  );
  assert.deepEqual(r.problems, []);
});

test('JSONL: a malformed line is an error on that line and the others are still indexed', () => {
  const r = parseTraceText('/w/a.jsonl', `${conv('a')}\n{"id": "b", "messages": [\n${conv('c')}\n`, 'a.jsonl');
  assert.deepEqual(
    r.conversations.map((c) => c.id),
    ['a', 'c'],
  );
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.line, 1);
  assert.equal(r.problems[0]!.severity, 'error');
  assert.match(r.problems[0]!.message, /a\.jsonl:2 is not valid JSON/);
});

test('a line that is JSON but not a conversation names the field at fault', () => {
  const r = parseTraceText('/w/a.jsonl', `{"id": "q", "messages": "nope"}\n`, 'a.jsonl');
  assert.equal(r.conversations.length, 0);
  assert.match(r.problems[0]!.message, /messages: /);
});

test('JSON: an array of conversations with their start lines, or a single conversation', () => {
  const arr = JSON.stringify([JSON.parse(conv('a')), JSON.parse(conv('b'))], null, 2);
  const r = parseTraceText('/w/t.json', arr);
  assert.deepEqual(
    r.conversations.map((c) => [c.id, c.sourcePath]),
    [
      ['a', [0]],
      ['b', [1]],
    ],
  );
  assert.equal(arr.split('\n')[r.conversations[1]!.line]!.trim(), '{');
  assert.equal(parseTraceText('/w/s.json', conv('s')).conversations[0]!.id, 's');
});

test('a .json that is not a trace is ignored with one message', () => {
  const r = parseTraceText('/w/package.json', '{"name": "x", "version": "1.0.0"}', 'package.json');
  assert.equal(r.isTrace, false);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /package\.json is not a trace file/);
});

test('empty files, unknown roles and missing content are named, not fatal', () => {
  assert.match(parseTraceText('/w/e.jsonl', '\n\n', 'e.jsonl').problems[0]!.message, /e\.jsonl is empty/);
  const r = parseTraceText(
    '/w/r.jsonl',
    JSON.stringify({ id: 'r', messages: [{ role: 'robot', content: 'x' }, { role: 'user' }, { role: 'assistant', content: 'ok' }] }),
    'r.jsonl',
  );
  assert.equal(r.conversations.length, 1);
  const messages = r.problems.map((p) => p.message).join('\n');
  assert.match(messages, /messages\[0\] has unknown role "robot"/);
  assert.match(messages, /messages\[1\] \(user\) has no "content"/);
});

test('the traced response is the last assistant message', () => {
  const r = parseTraceText(
    '/w/a.jsonl',
    JSON.stringify({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'tool', content: 'c', tool_call_id: 'x' },
      ],
    }),
  );
  assert.equal(tracedResponseIndex(r.conversations[0]!), 1);
});

test('the index keeps ids unique across files and says which one was renamed', () => {
  const index = new TraceIndex((f) => f.replace('/w/', ''));
  index.update('/w/a.jsonl', conv('same'));
  index.update('/w/b.jsonl', conv('same'));
  assert.equal(index.get('same')!.file, '/w/a.jsonl');
  assert.equal(index.get('b.jsonl#1')!.file, '/w/b.jsonl');
  const b = index.summaries().find((s) => s.file === '/w/b.jsonl')!;
  assert.match(b.problems[0]!.message, /also used by a\.jsonl:1/);
  index.remove('/w/a.jsonl');
  assert.equal(index.get('same')!.file, '/w/b.jsonl');
});

test('the fast conversation check agrees with the zod schema on valid and invalid shapes', () => {
  const base = {
    id: 'x',
    messages: [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
  };
  const variants: unknown[] = [
    base,
    { ...base, id: 3 },
    { ...base, id: null },
    { ...base, messages: 'x' },
    { ...base, messages: [{ role: 1 }] },
    { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url' }] }] },
    { ...base, messages: [{ role: 'user', content: [{ text: 'a' }] }] },
    { ...base, messages: [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: {} } }] }] },
    { ...base, tools: [{ function: { description: 'no name' } }] },
    { ...base, usage: { prompt_tokens: '3' } },
    { ...base, metadata: [] },
    { ...base, model: 4 },
    [],
    null,
  ];
  for (const v of variants) assert.equal(isRawConversation(v), conversationSchema.safeParse(v).success, JSON.stringify(v));
});
