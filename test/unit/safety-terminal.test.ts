// Issue 14, item 17: ids, names and reasons from traces and stores are printed by the CLI with
// their control characters shown escaped (never obeyed by the terminal), in run, list, show,
// the progress line, and --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../server/cli';
import { shown, shownJson, shownLines } from '../../server/terminalText';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (d: Buffer) => (text.out += d.toString('utf8')));
  err.on('data', (d: Buffer) => (text.err += d.toString('utf8')));
  return { io: { out, err } as unknown as { out: typeof process.stdout; err: typeof process.stderr }, text };
}

// ESC (OSC title, CSI clear), BEL, the one-character CSI U+009B, and a bidi override.
const EVIL_ID = 'a\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e';
const EVIL_NAME = 'n\u001b[8mhidden\u0007x';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

test('run, list, show and --json print escapes in ids and names escaped', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-term-'));
  const trace = path.join(dir, 't.jsonl');
  fs.writeFileSync(
    trace,
    JSON.stringify({
      id: EVIL_ID,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    }) + '\n',
  );
  const store = path.join(dir, 'store');
  const run = capture();
  assert.equal(await main(['run', trace, '--pass-through', '--name', EVIL_NAME, '--out', store], run.io), 0, run.text.err);
  for (const [what, text] of Object.entries(run.text)) assert.doesNotMatch(text.replace(/\r(?=\S)/g, ''), RAW, `run ${what}`);
  assert.match(run.text.out, /a\\u001b\]0;owned\\u0007\\u001b\[2J\\u009b31m\\u202e/);
  assert.match(run.text.err, /n\\u001b\[8mhidden\\u0007x/);

  const list = capture();
  assert.equal(await main(['list', '--out', store], list.io), 0);
  assert.doesNotMatch(list.text.out, RAW);
  assert.match(list.text.out, /n\\u001b\[8mhidden\\u0007x/);
  const id = list.text.out.split(' ')[0]!;

  const show = capture();
  assert.equal(await main(['show', id, '--out', store], show.io), 0);
  assert.doesNotMatch(show.text.out, RAW);

  const json = capture();
  assert.equal(await main(['show', id, '--out', store, '--json'], json.io), 0);
  assert.doesNotMatch(json.text.out, RAW);
  const parsed = JSON.parse(json.text.out) as { name: string; items: Array<{ conversation_id: string }> };
  assert.equal(parsed.name, EVIL_NAME, 'the JSON still means the same text');
  assert.equal(parsed.items[0]!.conversation_id, EVIL_ID);

  const missing = capture();
  await assert.rejects(main(['show', 'x\u001b[2J', '--out', store], missing.io), (e: Error) => !RAW.test(e.message));
});

test('the escaping functions', () => {
  assert.equal(shown('a\u001b[1mb\nc'), 'a\\u001b[1mb\\u000ac');
  assert.equal(shownLines('a\u001b[1mb\nc'), 'a\\u001b[1mb\nc');
  assert.equal(shownJson(JSON.stringify('\u009b\u2067x')), '"\\u009b\\u2067x"');
  assert.equal(JSON.parse(shownJson(JSON.stringify('\u009b\u2067x'))), '\u009b\u2067x');
});
