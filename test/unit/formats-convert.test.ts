// `convertFiles`: what the readers understood, as OpenAI chat-format lines — tools absent when the
// trace records none (unknown), the source named, each file's coverage, one refusal line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertFiles, coverageLines } from '../../server/core/formats/convert';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-convert-'));
const write = (name: string, value: string | unknown[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : value.map((v) => JSON.stringify(v)).join('\n'));
  return file;
};
const span = (id: string, attributes: Record<string, string>) => ({
  traceId: 't',
  spanId: id,
  name: 'chat',
  attributes: { 'gen_ai.operation.name': 'chat', ...attributes },
});
const messages = JSON.stringify([
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Weather in Paris?' },
]);
const answer = JSON.stringify([{ role: 'assistant', content: 'Sunny.' }]);

test('one chat-format line per conversation: tools absent when none are recorded, present when they are; source named', () => {
  const without = write('without.jsonl', [span('a', { 'gen_ai.input.messages': messages, 'gen_ai.output.messages': answer })]);
  const withTools = write('with.jsonl', [
    span('b', {
      'gen_ai.input.messages': messages,
      'gen_ai.output.messages': answer,
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }]),
    }),
  ]);
  const r = convertFiles([without, withTools], { displayName: (f) => path.basename(f) });
  assert.equal(r.lines.length, 2);
  const [a, b] = r.lines;
  assert.equal('tools' in a!, false, 'unknown definitions are not written as an empty list');
  assert.deepEqual(
    b!.tools?.map((t) => t.function.name),
    ['get_weather'],
  );
  assert.deepEqual(a!.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: 'Sunny.' },
  ]);
  assert.deepEqual(a!.metadata.source, { file: 'without.jsonl', format: 'otel-genai', line: 1, trace_id: 't', span_ids: ['a'] });
  assert.deepEqual(coverageLines(r.files[0]!), ['without.jsonl: 1 conversation (otel-genai); 1 of 1 LLM call read']);
});

test('a file that gives nothing is refused in one line, naming why', () => {
  const empty = write('empty.json', '  \n');
  const unread = write('unread.jsonl', [
    span('c', { 'gen_ai.input.messages': messages, 'gen_ai.output.messages': JSON.stringify([{ nothing: 1 }]) }),
  ]);
  const r = convertFiles([empty, unread, path.join(dir, 'missing.json')], { displayName: (f) => path.basename(f) });
  assert.equal(r.lines.length, 0);
  assert.deepEqual(
    r.files.map((f) => f.refused),
    [
      'empty.json is empty',
      'unread.jsonl: no conversation could be read from its 1 LLM call (its response could not be read)',
      'missing.json: no such file',
    ],
  );
  assert.deepEqual(
    r.files[1]!.coverage.unread.map((u) => u.spanId),
    ['c'],
  );
});
