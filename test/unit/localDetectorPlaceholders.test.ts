// A placeholder path claims no location ("/path/to/images": the images folder, wherever it is),
// and a named constant the parameter's own description offers stands for its value in code
// dialects ("ResultSet.CONCUR_READ_ONLY" for an integer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, ToolDefinition } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

function detect(user: string, args: Record<string, unknown>, properties: Record<string, unknown>): Annotation[] {
  const tools: ToolDefinition[] = [
    { type: 'function', function: { name: 'run', description: 'Run it.', parameters: { type: 'object', properties } } },
  ];
  const messages = [
    { role: 'user' as const, content: user },
    {
      role: 'assistant' as const,
      content: null,
      tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'run', arguments: JSON.stringify(args) } }],
    },
  ];
  const conversation = { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools };
  return detectLocal({ conversation, messageIndex: 1, message: messages[1]! });
}
const folder = { folder: { type: 'string', description: 'Where to look.' } };

test('a placeholder path claims no location; what it names must still be grounded', () => {
  assert.deepEqual(detect('Resize the images for the site.', { folder: '/path/to/images' }, folder), []);
  assert.deepEqual(detect('Resize the images for the site.', { folder: 'C:\\path\\to\\images' }, folder), []);
  assert.equal(detect('Resize the images for the site.', { folder: '/path/to/invoices' }, folder).length, 1);
  assert.equal(detect('Resize the images for the site.', { folder: '/srv/images' }, folder).length, 1);
});

test("a named constant the parameter's own description offers stands for its value", () => {
  const mode = { mode: { type: 'integer', description: 'One of ResultSet.CONCUR_READ_ONLY or ResultSet.CONCUR_UPDATABLE.' } };
  assert.deepEqual(detect('Open it read only.', { mode: 'ResultSet.CONCUR_READ_ONLY' }, mode), []);
  const anns = detect('Open it read only.', { mode: 'ResultSet.CONCUR_WRITE_MANY' }, mode);
  assert.deepEqual(
    anns.map((a) => a.label),
    ['invalid_parameter_value'],
  );
});
