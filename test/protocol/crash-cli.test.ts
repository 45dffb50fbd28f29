// Crash safety of the CLI: `hallucination-lab run` killed with SIGKILL mid-run, a torn last line
// as the kill could leave it; `show` reports the torn line and shows every completed item;
// `resume --base-url` finishes the rest, asking the model once for each item that had not
// been answered, and the metrics equal those of an uninterrupted run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentResourceSchema, type ExperimentResource } from '../../common/schema';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';
import { until } from '../support/lspClient';
import {
  clockFreeMetrics,
  cliJs,
  conversationOf,
  countBy,
  itemOutcome,
  qConversation,
  runCli,
  scriptedAnswer,
  tmpWorkspace,
  writeJsonl,
} from './safetyFixtures';

const N = 12;
const KEY = 'sk-cli-crash-test-key-5d1e';
let mock: MockServer;
let root: string;
let trace: string;

before(async () => {
  mock = await startMockOpenAI({
    apiKey: KEY,
    script: (req) => {
      const c = conversationOf(req);
      return c ? { ...scriptedAnswer(c), latencyMs: 350 } : undefined;
    },
  });
  root = tmpWorkspace('hl-cli-crash-');
  trace = writeJsonl(
    path.join(root, 'traces', 'questions.jsonl'),
    Array.from({ length: N }, (_, i) => qConversation(i)),
  );
});
after(async () => mock.close());

const parse = (stdout: string) => experimentResourceSchema.parse(JSON.parse(stdout));

test('SIGKILL of the CLI mid-run: show keeps every completed item, resume runs each of the others exactly once', async () => {
  const out = path.join(root, 'store');
  const args = (name: string, store: string) => [
    'run',
    trace,
    '--model',
    'm',
    '--base-url',
    mock.url,
    '--concurrency',
    '3',
    '--name',
    name,
    '--out',
    store,
  ];
  const child = spawn(process.execPath, [cliJs, ...args('killed', out)], { env: { ...process.env, OPENAI_API_KEY: KEY } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  // The progress line says how many completed; kill once a few have, while others run.
  const reported = await until(
    'a few completed items',
    () => {
      const last =
        stderr
          .split('\r')
          .filter((l) => /done \(/.test(l))
          .at(-1) ?? '';
      const m = /\((\d+) completed, \d+ failed, (\d+) running\)/.exec(last);
      return m && Number(m[1]) >= 4 && Number(m[2]) > 0 ? Number(m[1]) : null;
    },
    20_000,
  );
  child.kill('SIGKILL');
  await exited;
  const id = fs.readdirSync(path.join(out, 'experiments'))[0]!;
  const items = path.join(out, 'experiments', id, 'items.jsonl');
  fs.appendFileSync(items, '{"id":"0003","conversation_id":"q002","status":"comp');
  const requestsBefore = countBy(mock.chatRequests(), conversationOf);

  const shown = await runCli(['show', id, '--json', '--out', out]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(
    shown.stderr,
    new RegExp(`experiment ${id} \\(killed\\): items\\.jsonl:\\d+: incomplete last line \\(interrupted write\\) dropped`),
  );
  const before = parse(shown.stdout);
  assert.ok(
    before.status_summary.completed >= reported,
    `${before.status_summary.completed} completed, ${reported} reported before the kill`,
  );
  assert.equal(before.status_summary.in_progress, 0);
  assert.ok(before.status_summary.pending > 0);
  assert.equal(before.completed_at, null);
  const answered = new Set(
    before.items.filter((i) => i.status === 'completed' || i.status === 'inference_completed').map((i) => i.conversation_id),
  );

  const resumed = await runCli(['resume', id, '--json', '--out', out, '--base-url', mock.url], { OPENAI_API_KEY: KEY });
  assert.equal(resumed.code, 0, resumed.stderr);
  const done = parse(resumed.stdout);
  assert.deepEqual(done.status_summary, {
    pending: 0,
    in_progress: 0,
    inference_completed: 0,
    completed: N,
    failed: 0,
    skipped: 0,
    total: N,
  });
  assert.equal(new Set(done.items.map((i) => i.id)).size, N);
  const requestsAfter = countBy(mock.chatRequests(), conversationOf);
  for (let i = 0; i < N; i++) {
    const c = qConversation(i).id;
    assert.equal((requestsAfter.get(c) ?? 0) - (requestsBefore.get(c) ?? 0), answered.has(c) ? 0 : 1, c);
  }
  for (const item of before.items.filter((i) => i.status === 'completed'))
    assert.deepEqual(itemOutcome(done.items.find((i) => i.id === item.id)!), itemOutcome(item));
  assert.ok(fs.readFileSync(items, 'utf8').endsWith('}\n'), 'the torn line was cut off before appending');
  assert.ok(!fs.existsSync(path.join(out, 'experiments', id, 'run.lock')), 'the run lock is released');

  const again = await runCli(['show', id, '--json', '--out', out]);
  assert.equal(again.stderr, '', 'nothing left to report');

  // The uninterrupted run on the same scripted answers.
  const ref = await runCli([...args('reference', path.join(root, 'reference')), '--json'], { OPENAI_API_KEY: KEY });
  assert.equal(ref.code, 0, ref.stderr);
  const reference: ExperimentResource = parse(ref.stdout);
  assert.deepEqual(clockFreeMetrics(done.metrics), clockFreeMetrics(reference.metrics));
  const outcomes = (r: ExperimentResource) => r.items.map(itemOutcome).sort((a, b) => a.conversation_id.localeCompare(b.conversation_id));
  assert.deepEqual(outcomes(done), outcomes(reference));
});

test('a run another live process holds cannot be resumed twice', async () => {
  const out = path.join(root, 'locked');
  const first = await runCli(['run', trace, '--conversations', 'q000', '--model', 'm', '--base-url', mock.url, '--json', '--out', out], {
    OPENAI_API_KEY: KEY,
  });
  assert.equal(first.code, 0, first.stderr);
  const id = parse(first.stdout).id;
  // A lock held by a live process (this test process) on this machine.
  fs.writeFileSync(path.join(out, 'experiments', id, 'run.lock'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
  const r = await runCli(['resume', id, '--failed', '--out', out, '--base-url', mock.url], { OPENAI_API_KEY: KEY });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`experiment ${id} is being run by another process \\(pid ${process.pid}\\)`));
  // A lock left by a process that is gone is taken over.
  fs.writeFileSync(path.join(out, 'experiments', id, 'run.lock'), JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname() }));
  const r2 = await runCli(['resume', id, '--out', out, '--base-url', mock.url, '--json'], { OPENAI_API_KEY: KEY });
  assert.equal(r2.code, 0, r2.stderr);
});
