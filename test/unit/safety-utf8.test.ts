// Issue 14, item 17: invalid UTF-8 in a trace file is read as U+FFFD; the index says so with the
// file and line (a warning problem) instead of replacing it silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceIndex } from '../../server/core/traceIndex';
import { Utf8Check } from '../../server/core/formats/utf8Check';

const line = (id: string, content: string) =>
  JSON.stringify({
    id,
    messages: [
      { role: 'user', content },
      { role: 'assistant', content: 'a' },
    ],
  });

test('a file with invalid UTF-8 on line 3 is indexed with a warning naming t.jsonl:3', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-utf8-'));
  const file = path.join(dir, 't.jsonl');
  const bad = Buffer.from(line('c', 'XX'), 'utf8');
  bad[bad.indexOf('XX')] = 0xff; // a byte UTF-8 never uses
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`${line('a', 'é')}\n${line('b', '日本')}\n`), bad, Buffer.from('\n')]));
  const index = new TraceIndex((f) => path.basename(f));
  await index.load(file);
  assert.equal(index.count(file), 3, 'the conversations are still read');
  const problems = index.summaries().flatMap((s) => s.problems);
  const warned = problems.filter((p) => /not valid UTF-8/.test(p.message));
  assert.equal(warned.length, 1, JSON.stringify(problems));
  assert.equal(warned[0]!.severity, 'warning');
  assert.equal(warned[0]!.line, 2);
  assert.match(warned[0]!.message, /^t\.jsonl:3 /);
});

test('valid multi-byte characters cut between chunks are not reported; each bad line is', () => {
  const text = Buffer.from('aé\n日本語\n🙂\n', 'utf8');
  for (let size = 1; size <= 4; size++) {
    const check = new Utf8Check();
    for (let i = 0; i < text.length; i += size) check.push(text.subarray(i, i + size));
    check.end();
    assert.equal(check.count, 0, `chunks of ${size}`);
  }
  const check = new Utf8Check();
  check.push(Buffer.from([0x61, 0x0a, 0xc3])); // line 1 ends with the start of a 2-byte character…
  check.push(Buffer.from([0x28, 0x0a, 0x62, 0x0a, 0xe6, 0x97])); // …that is not continued; line 3 ends cut short
  check.end();
  assert.deepEqual(check.lines, [1, 3]);
});
