// The experiment service under the attacks and accidents of issue 14: token counts a trace gets
// wrong (5), conversations with no response (7), credentials in a base URL (9), a resume after
// another process finished the work (4), a stale run lock whose pid was reused and a deleted
// experiment.json (16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentLockedError, ExperimentStore } from '../../server/core/experiments/experimentStore';
import { processStart } from '../../server/core/experiments/runLock';
import type { ResponseSource } from '../../server/core/experiments/responses';
import { TraceIndex } from '../../server/core/traceIndex';

const noDetector: Detector = { name: 'none', detect: () => [] };

function setup(lines: object[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-attacks-'));
  const index = new TraceIndex();
  index.update(path.join(dir, 't.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const warnings: string[] = [];
  const make = (inference?: ResponseSource) =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 't',
      concurrency: () => 2,
      detectorsFor: () => [noDetector],
      ...(inference ? { inferenceFor: () => inference } : {}),
      warn: (m) => warnings.push(m),
    });
  return { dir, store, make, warnings };
}

const plain = (id: string) => ({
  id,
  messages: [
    { role: 'user', content: `q ${id}` },
    { role: 'assistant', content: 'an answer' },
  ],
});

async function created(svc: ExperimentService, input: unknown): Promise<string> {
  const r = svc.create(input);
  assert.ok(r.ok, JSON.stringify(r));
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  return id;
}

test('negative and fractional token counts are fixed on the way in, with a warning; the item survives a reload', async () => {
  const { make, warnings } = setup([{ ...plain('a'), usage: { prompt_tokens: -5, completion_tokens: 2.6 } }]);
  const first = make();
  const id = await created(first, { name: 'u', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  const item = first.items(id)[0]!;
  assert.equal(item.status, 'completed');
  assert.equal(item.input_tokens, null);
  assert.equal(item.output_tokens, 3);
  assert.ok(
    warnings.some((w) => /input_tokens -5 .*stored as unknown/.test(w)),
    warnings.join('\n'),
  );
  assert.ok(warnings.some((w) => /output_tokens 2\.6 .*stored as 3/.test(w)));
  first.dispose();
  const second = make();
  assert.equal(second.items(id)[0]!.status, 'completed', 'not dropped on reload, so not run again');
});

test('a conversation with no response is skipped with a reason, never scored hallucination-free', async () => {
  const { make } = setup([
    { id: 'none', messages: [{ role: 'user', content: 'anyone?' }] },
    {
      id: 'null',
      messages: [
        { role: 'user', content: 'hello?' },
        { role: 'assistant', content: null },
      ],
    },
    plain('ok'),
  ]);
  const svc = make();
  const id = await created(svc, { name: 'n', model: 'traced', pass_through: true, conversation_ids: ['none', 'null', 'ok'] });
  const res = svc.resource(id);
  const by = (c: string) => res.items.find((i) => i.conversation_id === c)!;
  assert.equal(by('none').status, 'failed');
  assert.match(by('none').failure_reason ?? '', /^skipped: .*no assistant message/);
  assert.equal(by('null').status, 'failed');
  assert.match(by('null').failure_reason ?? '', /^skipped: .*no content and no tool calls/);
  assert.equal(by('ok').status, 'completed');
  assert.equal(res.metrics.hallucination_free_count, 1);
});

test('skips have their own count in the status summary: not failed, and the run counts as done', async () => {
  const { make } = setup([{ id: 'none', messages: [{ role: 'user', content: 'anyone?' }] }, plain('ok')]);
  const svc = make();
  const id = await created(svc, { name: 's', model: 'traced', pass_through: true, conversation_ids: ['none', 'ok'] });
  const { status_summary } = svc.resource(id);
  assert.deepEqual(status_summary, { pending: 0, in_progress: 0, inference_completed: 0, completed: 1, failed: 0, skipped: 1, total: 2 });
  const listed = svc.list().find((e) => e.id === id)!;
  assert.deepEqual(listed.status_summary, status_summary, 'the listed (stored) summary says the same');
});

test('credentials in a base URL are not stored or shown; the run still uses them', async () => {
  const seen: string[] = [];
  const source: ResponseSource = async ({ modelConfig }) => {
    seen.push(modelConfig.baseURL ?? '');
    throw new Error(`connection refused by ${modelConfig.baseURL}`);
  };
  const { make, store } = setup([plain('a')]);
  const svc = make(source);
  const url = 'https://alice:hunter2@llm.example.com/v1?token=tok123';
  const id = await created(svc, {
    name: 'c',
    model: 'm',
    pass_through: false,
    conversation_ids: ['a'],
    models: [{ id: 'second', model: 'm2', baseURL: url }],
  });
  assert.ok(seen.includes(url), 'the run used the URL as given');
  const stored =
    fs.readFileSync(path.join(store.dir(id), 'experiment.json'), 'utf8') + fs.readFileSync(path.join(store.dir(id), 'items.jsonl'), 'utf8');
  for (const secret of ['hunter2', 'alice', 'tok123']) {
    assert.ok(!stored.includes(secret), `${secret} is not in the store`);
    assert.ok(!JSON.stringify(svc.configOf(id)).includes(secret), `${secret} is not in the configuration shown`);
    assert.ok(!JSON.stringify(svc.resource(id)).includes(secret), `${secret} is not in the resource`);
  }
  assert.equal(svc.configOf(id).models?.[0]?.baseURL, 'https://llm.example.com/v1');
});

test('resume reads the store under the run lock first: items another process finished are not run again', async () => {
  let calls = 0;
  const failing: ResponseSource = async () => {
    calls++;
    throw new Error('endpoint down');
  };
  const working: ResponseSource = async () => {
    calls++;
    return {
      responses: [{ message_index: 1, message: { role: 'assistant', content: 'fine' } }],
      input_tokens: 1,
      output_tokens: 1,
      reasoning_tokens: null,
      latency_ms: 1,
      time_to_first_token_ms: null,
      finish_reason: 'stop',
      cost_usd: null,
    };
  };
  const { make } = setup(['a', 'b', 'c'].map(plain));
  const editor = make(failing);
  const id = await created(editor, { name: 'r', model: 'm', pass_through: false, conversation_ids: ['a', 'b', 'c'] });
  assert.deepEqual(
    editor.items(id).map((i) => i.status),
    ['failed', 'failed', 'failed'],
  );
  // The CLI resumes the failed items and finishes them.
  const cli = make(working);
  cli.resume(id, true);
  await cli.whenIdle(id);
  cli.dispose();
  const before = calls;
  // The editor, still holding its stale copy, resumes too.
  editor.resume(id, true);
  await editor.whenIdle(id);
  assert.equal(calls, before, 'no item was asked again');
  assert.deepEqual(
    editor.items(id).map((i) => i.status),
    ['completed', 'completed', 'completed'],
  );
});

test('a run lock whose pid now belongs to another process is taken over; a live one says how to clear it', async (t) => {
  const { make, store } = setup([plain('a')]);
  const svc = make();
  const id = await created(svc, { name: 'l', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  const lock = path.join(store.dir(id), 'run.lock');
  // Held by a live process (our parent) without a start time: refused, and the message says how to clear it.
  fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), started_at: '2026-01-01T00:00:00.000Z' }));
  assert.throws(
    () => svc.resume(id, false),
    (e: unknown) => e instanceof ExperimentLockedError && /pid \d+ since 2026-01-01.*delete .*run\.lock/.test((e as Error).message),
  );
  if (processStart(process.ppid) === null) return t.skip('process start times cannot be read here (not Linux)');
  // The same pid, but the lock was written by a process that started at another time: stale.
  fs.writeFileSync(
    lock,
    JSON.stringify({ pid: process.ppid, host: os.hostname(), started_at: '2026-01-01T00:00:00.000Z', process_start: '1' }),
  );
  svc.resume(id, false);
  await svc.whenIdle(id);
  assert.ok(!fs.existsSync(lock));
  // Our own lock records our start time, so that the next reader can tell.
  store.lockRun(id);
  assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).process_start, processStart(process.pid));
  store.unlockRun(id);
});

test('an experiment whose experiment.json was deleted is reported, not silently dropped', async () => {
  const { make, store, warnings } = setup([plain('a')]);
  const first = make();
  const id = await created(first, { name: 'gone', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  first.dispose();
  fs.rmSync(path.join(store.dir(id), 'experiment.json'));
  const second = make();
  assert.deepEqual(second.list(), []);
  assert.ok(
    warnings.some((w) => w.includes(id) && /experiment\.json is missing/.test(w) && /delete the folder/.test(w)),
    warnings.join('\n'),
  );
});
