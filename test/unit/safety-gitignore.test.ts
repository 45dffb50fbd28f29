// Issue 14, item 17: `--out .` at a repository root must not write a `*` .gitignore there (it
// would hide every file of the repository from git). The store's .gitignore goes into the store
// folder only when that folder is the store's own; otherwise into `experiments/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../server/cli';

async function runInto(out: string, trace: string): Promise<void> {
  const sink = new PassThrough().resume();
  const io = { out: sink, err: sink } as unknown as { out: typeof process.stdout; err: typeof process.stderr };
  assert.equal(await main(['run', trace, '--pass-through', '--out', out], io), 0);
}

function traceIn(dir: string): string {
  const trace = path.join(dir, 't.jsonl');
  fs.writeFileSync(
    trace,
    JSON.stringify({
      id: 'a',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    }) + '\n',
  );
  return trace;
}

test('--out at a repository root writes no .gitignore there; experiments/ is ignored instead', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-repo-'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.writeFileSync(path.join(repo, 'README.md'), '# mine\n');
  await runInto(repo, traceIn(repo));
  assert.equal(fs.existsSync(path.join(repo, '.gitignore')), false, 'no .gitignore at the repository root');
  assert.match(fs.readFileSync(path.join(repo, 'experiments', '.gitignore'), 'utf8'), /^\*$/m);
});

test('a dedicated store folder (new, or named .hallucination-lab) keeps its own .gitignore', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ws-'));
  const trace = traceIn(ws);
  await runInto(path.join(ws, 'results'), trace);
  assert.match(fs.readFileSync(path.join(ws, 'results', '.gitignore'), 'utf8'), /^\*$/m);
  // A second run into it: still the store's own folder.
  await runInto(path.join(ws, 'results'), trace);
  assert.equal(fs.existsSync(path.join(ws, 'results', 'experiments', '.gitignore')), false);
  fs.mkdirSync(path.join(ws, '.hallucination-lab'));
  fs.writeFileSync(path.join(ws, '.hallucination-lab', 'notes.txt'), 'x');
  await runInto(path.join(ws, '.hallucination-lab'), trace);
  assert.ok(fs.existsSync(path.join(ws, '.hallucination-lab', '.gitignore')));
});
