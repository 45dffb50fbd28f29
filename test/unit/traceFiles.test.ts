// Trace files kept in step with the disk and the editors, without a process: a real session on a
// temporary workspace, open documents faked by a map, and the events recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType } from 'vscode-languageserver/node';
import * as P from '../../common/protocol';
import { Session } from '../../server/session';
import { TraceFiles } from '../../server/traceFiles';

const line = (id: string, answer: string) =>
  JSON.stringify({
    id,
    messages: [
      { role: 'user', content: `question ${id}` },
      { role: 'assistant', content: answer },
    ],
  });

function setup() {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-trace-files-'));
  const root = path.join(parent, 'ws');
  fs.mkdirSync(path.join(root, 'traces'), { recursive: true });
  const session = new Session(P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }), {
    askKey: async () => null,
    experimentChanged: () => undefined,
    experimentDeleted: () => undefined,
    log: () => undefined,
    warn: () => undefined,
  });
  const open = new Map<string, string>();
  const events = { indexChanged: 0, published: [] as string[], cleared: [] as string[], warnings: [] as string[] };
  const traceFiles = new TraceFiles(
    session,
    { get: (uri) => (open.has(uri) ? { getText: () => open.get(uri)! } : undefined) },
    {
      cleared: (uri) => events.cleared.push(uri),
      indexChanged: () => events.indexChanged++,
      progress: () => undefined,
      publishFile: (file) => events.published.push(file),
      publishAll: () => undefined,
      warn: (m) => events.warnings.push(m),
    },
  );
  const ids = () =>
    session.index
      .conversationSummaries()
      .map((c) => c.id)
      .sort();
  const done = () => {
    traceFiles.dispose();
    session.dispose();
    fs.rmSync(parent, { recursive: true, force: true });
  };
  return { parent, root, session, open, events, traceFiles, ids, done };
}

test('a trace file replaced by a link to a file outside the workspace is refused at the next read, not read', () => {
  const t = setup();
  const file = path.join(t.root, 'traces', 'a.jsonl');
  fs.writeFileSync(file, `${line('inside', 'It is 18 °C.')}\n`);
  const secret = path.join(t.parent, 'secret.jsonl');
  fs.writeFileSync(secret, `${line('secret', 'the password is hunter2')}\n`);
  t.traceFiles.choose([file]);
  assert.deepEqual(t.ids(), ['inside']);

  fs.rmSync(file);
  fs.symlinkSync(secret, file);
  // Markers read the file: refused.
  assert.equal(t.traceFiles.source(file), null);
  // The watcher reports the change: the file is re-read — refused, with the reason shown.
  t.traceFiles.changedOnDisk([{ uri: pathToFileURL(file).toString(), type: FileChangeType.Changed }]);
  assert.deepEqual(t.ids(), [], 'nothing of the outside file is indexed');
  const [summary] = t.traceFiles.summaries();
  assert.equal(summary!.conversationCount, 0);
  assert.match(
    summary!.problems[0]!.message,
    /is outside the workspace folder .*: Hallucination Lab reads trace files only inside the workspace/,
  );
  assert.equal(summary!.problems[0]!.severity, 'error');
  assert.ok(t.events.warnings.some((w) => w.includes('outside the workspace')));
  assert.ok(!JSON.stringify(t.traceFiles.summaries()).includes('hunter2'));

  // Put back: read again.
  fs.rmSync(file);
  fs.writeFileSync(file, `${line('inside', 'It is 18 °C.')}\n`);
  t.traceFiles.changedOnDisk([{ uri: pathToFileURL(file).toString(), type: FileChangeType.Changed }]);
  assert.deepEqual(t.ids(), ['inside']);
  assert.equal(t.traceFiles.source(file)?.kind, 'text');
  t.done();
});

test('a directory on the path swapped for a link outside is refused too; a link to a file inside is read', () => {
  const t = setup();
  const sub = path.join(t.root, 'traces', 'sub');
  fs.mkdirSync(sub);
  const file = path.join(sub, 'a.jsonl');
  fs.writeFileSync(file, `${line('inside', 'x')}\n`);
  const linkInside = path.join(t.root, 'traces', 'link.jsonl');
  fs.symlinkSync(file, linkInside);
  t.traceFiles.choose([file, linkInside]);
  assert.equal(t.session.index.count(file), 1);
  assert.equal(t.session.index.count(linkInside), 1, 'a link that stays inside the workspace is fine');

  const elsewhere = path.join(t.parent, 'elsewhere');
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, 'a.jsonl'), `${line('secret', 'y')}\n`);
  fs.rmSync(sub, { recursive: true });
  fs.symlinkSync(elsewhere, sub);
  assert.equal(t.traceFiles.source(file), null);
  t.traceFiles.changedOnDisk([{ uri: pathToFileURL(file).toString(), type: FileChangeType.Changed }]);
  assert.equal(t.session.index.count(file), 0);
  assert.ok(!t.ids().includes('secret'));
  t.done();
});

test('an open document is read from the editor, re-indexed once its edits pause, and checked like the disk', async () => {
  const t = setup();
  const file = path.join(t.root, 'traces', 'a.jsonl');
  const uri = pathToFileURL(file).toString();
  fs.writeFileSync(file, `${line('disk', 'x')}\n`);
  t.traceFiles.choose([file]);
  t.open.set(uri, `${line('disk', 'x')}\n${line('typed', 'y')}\n`);
  const before = t.events.indexChanged;
  for (let i = 0; i < 5; i++) t.traceFiles.edited(uri);
  assert.deepEqual(t.ids(), ['disk'], 'not before the edits pause');
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(t.ids(), ['disk', 'typed']);
  assert.equal(t.events.indexChanged - before, 1, 'five edits, one re-index');
  assert.deepEqual(t.traceFiles.source(file), { kind: 'text', text: t.open.get(uri) });

  // The document still open, the file on disk becomes a link outside: the editor's copy is not used either.
  const secret = path.join(t.parent, 'secret.jsonl');
  fs.writeFileSync(secret, `${line('secret', 'z')}\n`);
  fs.rmSync(file);
  fs.symlinkSync(secret, file);
  t.open.set(uri, `${line('secret', 'z')}\n`);
  t.traceFiles.edited(uri);
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(t.ids(), []);
  assert.equal(t.traceFiles.source(file), null);

  // Closing the document: the disk holds the truth again (still refused).
  t.open.delete(uri);
  t.traceFiles.closed(uri);
  assert.deepEqual(t.ids(), []);
  t.done();
});

test('dropped files are forgotten and their diagnostics cleared; deleted ones are reported unreadable', () => {
  const t = setup();
  const a = path.join(t.root, 'traces', 'a.jsonl');
  const b = path.join(t.root, 'traces', 'b.jsonl');
  fs.writeFileSync(a, `${line('a1', 'x')}\n`);
  fs.writeFileSync(b, `${line('b1', 'x')}\n`);
  t.traceFiles.choose([a, b, path.join(t.parent, 'outside.jsonl')]);
  assert.deepEqual(t.ids(), ['a1', 'b1']);
  assert.equal(t.traceFiles.summaries().length, 3, 'the refused file is listed with its reason');
  t.traceFiles.choose([a]);
  assert.deepEqual(t.events.cleared, [pathToFileURL(b).toString()]);
  assert.deepEqual(t.ids(), ['a1']);
  fs.rmSync(a);
  t.traceFiles.changedOnDisk([{ uri: pathToFileURL(a).toString(), type: FileChangeType.Deleted }]);
  assert.deepEqual(t.ids(), []);
  assert.match(t.traceFiles.problemsOf(a)[0]!.message, /a\.jsonl cannot be read: ENOENT/);
  assert.deepEqual(t.events.published.slice(-1), [a]);
  t.done();
});
