// Crash safety of the language server: SIGKILL in the middle of an inference run (a real
// process, a real kill, the mock endpoint answering per conversation), a torn last line as the
// kill could leave it, then a new process: every completed item is there, the ones in progress
// are pending again, and Resume finishes the rest without asking the model twice for any item.
// The metrics equal those of a run that was never interrupted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';
import { startServer, until, type TestServer } from '../support/lspClient';
import {
  clockFreeMetrics,
  conversationOf,
  countBy,
  createExperiment,
  itemOutcome,
  lastSummary,
  qConversation,
  request,
  scriptedAnswer,
  tmpWorkspace,
  waitIdle,
  writeJsonl,
} from './safetyFixtures';

const N = 12;
let mock: MockServer;
let root: string;
let trace: string;
const servers: TestServer[] = [];

before(async () => {
  mock = await startMockOpenAI({
    script: (req) => {
      const c = conversationOf(req);
      return c ? { ...scriptedAnswer(c), latencyMs: 350 } : undefined;
    },
  });
  root = tmpWorkspace('hl-crash-');
  trace = writeJsonl(
    path.join(root, 'traces', 'questions.jsonl'),
    Array.from({ length: N }, (_, i) => qConversation(i)),
  );
});
after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await mock.close();
});

const settings = () =>
  P.settingsSchema.parse({
    models: [{ model: 'm', baseURL: mock.url, input_price_per_1m: 1, output_price_per_1m: 2 }],
    concurrency: 3,
    requestTimeoutMs: 10_000,
  });

async function start(): Promise<TestServer> {
  const s = await startServer(root, { settings: settings() });
  servers.push(s);
  await request(s, P.SetTraceFiles, { files: [trace] });
  return s;
}

const config = (name: string) => ({
  name,
  model: 'm',
  pass_through: false,
  conversation_ids: Array.from({ length: N }, (_, i) => qConversation(i).id),
});

test('SIGKILL mid-run: completed items survive, running ones are pending, resume runs each of the others exactly once', async () => {
  // 1. Start a run and kill the server while items are in flight.
  const first = await start();
  const exp = await createExperiment(first, config('interrupted'));
  const atKill = await until(
    'some items completed and others in flight',
    () => {
      const s = lastSummary(first, exp.id);
      return s && s.status_summary.completed >= 4 && s.status_summary.in_progress > 0 ? s : null;
    },
    20_000,
  );
  await first.kill();
  const reportedCompleted = atKill.items.filter((i) => i.status === 'completed').map((i) => i.id);

  // 2. As a kill during a write would leave it: a torn last line.
  const items = path.join(root, '.hallucination-lab', 'experiments', exp.id, 'items.jsonl');
  fs.appendFileSync(items, '{"id":"0012","conversation_id":"q011","status":"comp');
  const requestsBefore = countBy(mock.chatRequests(), conversationOf);

  // 3. A new process shows what had completed; nothing is in progress any more.
  const second = await start();
  const listed = (await request(second, P.ListExperiments, {})).experiments.find((e) => e.id === exp.id)!;
  assert.equal(listed.running, false);
  assert.equal(listed.status_summary.in_progress, 0);
  const afterRestart = await request(second, P.GetExperiment, { id: exp.id });
  const byId = new Map(afterRestart.items.map((i) => [i.id, i]));
  for (const id of reportedCompleted) assert.equal(byId.get(id)?.status, 'completed', `item ${id} completed before the kill`);
  assert.equal(afterRestart.items.length, N);
  assert.ok(afterRestart.status_summary.pending > 0, JSON.stringify(afterRestart.status_summary));
  assert.ok(
    afterRestart.items.every((i) => ['pending', 'completed', 'inference_completed'].includes(i.status)),
    JSON.stringify(afterRestart.status_summary),
  );
  const warning = await until('the torn line to be reported', () => second.logs.find((l) => /incomplete last line/.test(l.message)));
  assert.equal(warning.type, 2, 'reported as a warning');
  assert.match(
    warning.message,
    new RegExp(`experiment ${exp.id}.*items\\.jsonl:\\d+: incomplete last line \\(interrupted write\\) dropped`),
  );
  // The model answered these already: they must not be asked again.
  const answered = new Set(
    afterRestart.items.filter((i) => i.status === 'completed' || i.status === 'inference_completed').map((i) => i.conversation_id),
  );

  // 4. Resume finishes the rest.
  await request(second, P.ResumeExperiment, { id: exp.id });
  const done = await waitIdle(second, exp.id);
  assert.deepEqual(done.status_summary, {
    pending: 0,
    in_progress: 0,
    inference_completed: 0,
    completed: N,
    failed: 0,
    skipped: 0,
    total: N,
  });
  assert.ok(done.completed_at);
  assert.equal(new Set(done.items.map((i) => i.id)).size, N, 'no item twice');
  const requestsAfter = countBy(mock.chatRequests(), conversationOf);
  for (let i = 0; i < N; i++) {
    const c = qConversation(i).id;
    const resumed = (requestsAfter.get(c) ?? 0) - (requestsBefore.get(c) ?? 0);
    assert.equal(resumed, answered.has(c) ? 0 : 1, `${c}: ${resumed} request(s) after the restart`);
    // At most one request before the kill (no retries here), and one that the kill lost.
    assert.ok((requestsBefore.get(c) ?? 0) <= 1, `${c} asked ${requestsBefore.get(c)} times before the kill`);
  }
  for (const id of reportedCompleted) assert.deepEqual(itemOutcome(done.items.find((i) => i.id === id)!), itemOutcome(byId.get(id)!));
  const lost = [...requestsBefore.keys()].filter((c) => !answered.has(c));
  console.log(
    `server kill: ${answered.size} items kept, ${lost.length} request(s) in flight lost and re-run, ${N - requestsBefore.size} never started`,
  );
  await second.stop();

  // 5. The store is whole again: the torn line was cut off before the first append after it.
  const third = await start();
  const reloaded = await request(third, P.GetExperiment, { id: exp.id });
  assert.deepEqual(reloaded.status_summary, done.status_summary);
  assert.ok(fs.readFileSync(items, 'utf8').endsWith('}\n'));
  assert.ok(!third.logs.some((l) => l.message.includes(exp.id)), third.logs.map((l) => l.message).join('\n'));

  // 6. The same experiment never interrupted: the same items and metrics (latencies aside).
  const reference = await createExperiment(third, config('uninterrupted'));
  const ref = await waitIdle(third, reference.id);
  assert.deepEqual(clockFreeMetrics(reloaded.metrics), clockFreeMetrics(ref.metrics));
  assert.ok(ref.metrics.total_hallucinations > 0 && ref.metrics.cost_per_1k !== null);
  const outcomes = (r: P.ExperimentResource) => r.items.map(itemOutcome).sort((a, b) => a.conversation_id.localeCompare(b.conversation_id));
  assert.deepEqual(outcomes(reloaded), outcomes(ref));
});
