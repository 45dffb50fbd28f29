// `run --batch` in the built CLI (dist/cli.js) against the Batch API stand-in: a process killed
// between creating its batch and the batch's end resumes polling it and never submits twice;
// Ctrl-C cancels the batch at the provider, and a resume sends what it had not run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentResourceSchema } from '../../common/schema';
import { type MockBatchServer, startMockBatchServer } from '../support/mockBatchServer';
import { batchConversations } from '../support/batchFixture';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
let server: MockBatchServer;
let holding = true;

before(async () => {
  server = await startMockBatchServer({ hold: () => holding });
});
after(async () => server.close());

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, OPENAI_API_KEY: 'sk-batch-test-0123456789' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d.toString()));
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))),
  );
  return { child, done };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function setup(count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-batch-cli-'));
  const traces = path.join(dir, 'traces.jsonl');
  fs.writeFileSync(traces, batchConversations(count));
  const out = path.join(dir, 'store');
  const experimentDir = () => {
    const base = path.join(out, 'experiments');
    const ids = fs.existsSync(base) ? fs.readdirSync(base) : [];
    return ids.length === 1 ? path.join(base, ids[0]!) : null;
  };
  const events = () => {
    const d = experimentDir();
    const file = d && path.join(d, 'batches.jsonl');
    if (!file || !fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { event: string }).event);
  };
  const common = ['--base-url', server.url, '--out', out, '--json'];
  return { traces, out, experimentDir, events, common };
}

test('killed after the batch was created: resume polls the same batch, never a second create, and completes every item', async () => {
  holding = true;
  const creates = server.creates();
  const s = setup(12);
  const run = start([
    'run',
    s.traces,
    '--model',
    'target-model',
    '--batch',
    '--batch-min-requests',
    '5',
    '--batch-poll-ms',
    '20',
    ...s.common,
  ]);
  await until('the batch to be created and stored', () => s.events().includes('created'));
  assert.equal(server.creates(), creates + 1);
  run.child.kill('SIGKILL');
  await run.done;
  holding = false;
  const id = path.basename(s.experimentDir()!);
  const resumed = await start(['resume', id, ...s.common]).done;
  assert.equal(resumed.code, 0, resumed.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(resumed.stdout));
  assert.equal(resource.items.length, 12);
  assert.ok(
    resource.items.every((i) => i.status === 'completed'),
    JSON.stringify(resource.items.map((i) => i.failure_reason)),
  );
  assert.equal(server.creates(), creates + 1, 'the resumed run polled the stored batch instead of making another');
  assert.deepEqual(s.events(), ['prepared', 'uploaded', 'created', 'ended', 'applied']);
});

test('Ctrl-C cancels the batch at the provider; resume sends what it had not run in a new batch', async () => {
  holding = true;
  const [creates, cancels] = [server.creates(), server.cancels()];
  const s = setup(8);
  const run = start([
    'run',
    s.traces,
    '--model',
    'target-model',
    '--batch',
    '--batch-min-requests',
    '5',
    '--batch-poll-ms',
    '20',
    ...s.common,
  ]);
  await until('the batch to be created', () => s.events().includes('created'));
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 1, 'items are left pending');
  assert.match(r.stderr, /Cancelling/);
  assert.equal(server.cancels(), cancels + 1);
  assert.ok(s.events().includes('cancel_requested'));
  holding = false;
  const id = path.basename(s.experimentDir()!);
  const resumed = await start(['resume', id, ...s.common]).done;
  assert.equal(resumed.code, 0, resumed.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(resumed.stdout));
  assert.ok(
    resource.items.every((i) => i.status === 'completed'),
    JSON.stringify(resource.items.map((i) => i.failure_reason)),
  );
  assert.equal(server.creates(), creates + 2, 'the cancelled batch, then one for what it had not run');
});

test('a tuning flag without --batch is refused', async () => {
  const s = setup(2);
  const r = await start(['run', s.traces, '--model', 'm', '--batch-min-requests', '5', ...s.common]).done;
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--batch-min-requests needs --batch/);
});
