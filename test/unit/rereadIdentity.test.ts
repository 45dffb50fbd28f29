// A large (lazily indexed) trace file re-reads conversations from disk when asked: a file swapped
// for a link to one outside the workspace — same size, same time, same id at the same place —
// must give nothing, never the other file's bytes (issue 14, item 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceIndex } from '../../server/core/traceIndex';

const line = (answer: string) =>
  JSON.stringify({
    id: 'c1',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: answer },
    ],
  });

test('a lazily indexed file swapped for a same-size, same-time link elsewhere is not re-read', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-reread-'));
  const file = path.join(parent, 'ws', 'a.jsonl');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, `${line('the answer is 42!')}\n`);
  const when = new Date('2026-01-01T00:00:00Z'); // whole seconds: the swap can match it exactly
  fs.utimesSync(file, when, when);
  const index = new TraceIndex();
  await index.load(file, { lazyAboveBytes: 0 });
  assert.deepEqual(
    index.conversationSummaries().map((c) => c.id),
    ['c1'],
  ); // (not read yet: nothing cached)

  const secret = path.join(parent, 'secret.jsonl');
  fs.writeFileSync(secret, `${line('password=hunter2!')}\n`);
  fs.utimesSync(secret, when, when);
  assert.equal(fs.statSync(secret).size, fs.statSync(file).size);
  assert.equal(fs.statSync(secret).mtimeMs, fs.statSync(file).mtimeMs);
  fs.rmSync(file);
  fs.symlinkSync(secret, file);

  const c = index.get('c1');
  assert.ok(!JSON.stringify(c ?? null).includes('hunter2'), JSON.stringify(c));
  assert.equal(c, undefined, 'the file changed: nothing until it is indexed again');
  fs.rmSync(parent, { recursive: true, force: true });
});
