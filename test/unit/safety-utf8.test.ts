// Issue 14, item 17: invalid UTF-8 in a trace file is read as U+FFFD; the index says so with the
// file and line (a warning problem) instead of replacing it silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { TraceIndex } from '../../server/core/traceIndex';
import { convertFiles } from '../../server/core/formats/convert';
import { checkUtf8, Utf8Check } from '../../server/core/formats/utf8Check';
import { Session } from '../../server/session';
import { TraceFiles } from '../../server/traceFiles';

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

// ---- every path, not only streamed files -------------------------------------------------------

/** A workspace with the session and TraceFiles the server uses; open documents faked by a map. */
function workspace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-utf8-ws-'));
  const session = new Session(P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }), {
    askKey: async () => null,
    experimentChanged: () => undefined,
    experimentDeleted: () => undefined,
    log: () => undefined,
    warn: () => undefined,
  });
  const open = new Map<string, string>();
  const traceFiles = new TraceFiles(
    session,
    { get: (uri) => (open.has(uri) ? { getText: () => open.get(uri)! } : undefined) },
    {
      cleared: () => undefined,
      indexChanged: () => undefined,
      progress: () => undefined,
      publishFile: () => undefined,
      publishAll: () => undefined,
      warn: () => undefined,
    },
  );
  const warnings = () =>
    session.index
      .summaries()
      .flatMap((s) => s.problems)
      .filter((p) => /UTF-8/.test(p.message));
  const done = () => {
    traceFiles.dispose();
    session.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { root, session, open, traceFiles, warnings, done };
}

/** Three lines; on the third, the byte 0xFF (never UTF-8) where `XX` was: file offset `badAt`. */
function badBytes() {
  const head = Buffer.from(`${line('a', 'é')}\n${line('b', '日本')}\n`);
  const bad = Buffer.from(line('c', 'XX'), 'utf8');
  const inLine = bad.indexOf('XX');
  bad[inLine] = 0xff;
  return { bytes: Buffer.concat([head, bad, Buffer.from('\n')]), badAt: head.length + inLine };
}

test('a small file (indexed whole, not streamed) with a bad byte is warned with its line and the byte offset', () => {
  const t = workspace();
  try {
    const file = path.join(t.root, 'small.jsonl');
    const { bytes, badAt } = badBytes();
    fs.writeFileSync(file, bytes);
    t.traceFiles.choose([file]);
    assert.equal(t.session.index.count(file), 3, 'the conversations are still read');
    const warned = t.warnings();
    assert.equal(warned.length, 1, JSON.stringify(warned));
    assert.equal(warned[0]!.severity, 'warning');
    assert.equal(warned[0]!.line, 2);
    assert.match(warned[0]!.message, /^small\.jsonl:3 holds bytes that are not valid UTF-8 \(the first at byte offset (\d+)\)/);
    assert.equal(Number(/byte offset (\d+)/.exec(warned[0]!.message)![1]), badAt);
  } finally {
    t.done();
  }
});

test('an open document is warned from its bytes on disk (the editor decoded them already); saved clean, the warning goes', async () => {
  const t = workspace();
  try {
    const file = path.join(t.root, 'open.jsonl');
    const { bytes, badAt } = badBytes();
    fs.writeFileSync(file, bytes);
    const uri = pathToFileURL(file).toString();
    t.open.set(uri, bytes.toString('utf8')); // what the editor holds: U+FFFD where 0xFF was
    t.traceFiles.choose([file]);
    const warned = t.warnings();
    assert.equal(warned.length, 1, JSON.stringify(warned));
    assert.equal(warned[0]!.line, 2);
    assert.match(warned[0]!.message, new RegExp(`^open\\.jsonl:3 .*byte offset ${badAt}\\)`));
    // Saved by the editor: the replacement characters are now valid UTF-8 on disk.
    fs.writeFileSync(file, bytes.toString('utf8'));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    t.traceFiles.edited(uri);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(t.warnings(), []);
  } finally {
    t.done();
  }
});

test('convert (the CLI) warns too', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-utf8-convert-'));
  const file = path.join(dir, 'c.jsonl');
  fs.writeFileSync(file, badBytes().bytes);
  const { files } = convertFiles([file], { displayName: (f) => path.basename(f) });
  assert.ok(
    files[0]!.problems.some((p) => /^c\.jsonl:3 holds bytes that are not valid UTF-8/.test(p.message)),
    JSON.stringify(files[0]!.problems),
  );
});

test('the first bad byte is found inside a line, after valid multi-byte characters, across chunks', () => {
  const bytes = Buffer.concat([Buffer.from('ok\n日本'), Buffer.from([0xe6, 0x97]), Buffer.from('x\n')]);
  for (let size = 1; size <= bytes.length; size++) {
    const check = new Utf8Check();
    for (let i = 0; i < bytes.length; i += size) check.push(bytes.subarray(i, i + size));
    check.end();
    assert.deepEqual(check.report(), { lines: [1], offsets: [3 + 6], count: 1 }, `chunks of ${size}`);
  }
  assert.deepEqual(checkUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xef, 0xbf, 0x41])), { lines: [1], offsets: [5], count: 1 });
  assert.equal(checkUtf8(Buffer.from('valid 🙂\n')), null);
});
