// The language server on the Batch API: a server killed while its batch runs comes back (the editor
// restarted) and goes on polling the same batch by itself — no second create, every item completed,
// the report's progress notified as items are matched. Against the Batch API stand-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { type MockBatchServer, startMockBatchServer } from '../support/mockBatchServer';
import { batchConversations } from '../support/batchFixture';
import { startServer, until, type TestServer } from '../support/lspClient';
import { createExperiment, lastSummary, request, tmpWorkspace, waitIdle } from './safetyFixtures';

let batches: MockBatchServer;
let holding = true;
const servers: TestServer[] = [];

before(async () => {
  batches = await startMockBatchServer({ hold: () => holding });
});
after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await batches.close();
});

test('a server restarted while its batch runs resumes polling it by itself and never submits twice', async () => {
  const root = tmpWorkspace('hl-batch-server-');
  const trace = path.join(root, 'traces', 't.jsonl');
  fs.writeFileSync(trace, batchConversations(12));
  const settings = P.settingsSchema.parse({ models: [{ model: 'target-model', baseURL: batches.url }], maxRetries: 0 });
  const keys = { apiKeys: { OPENAI_API_KEY: 'sk-batch-server-0123456789' } };
  const first = await startServer(root, { settings }, keys);
  servers.push(first);
  await request(first, P.SetTraceFiles, { files: [trace] });
  const ids = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
  const exp = await createExperiment(first, {
    name: 'batched',
    model: 'target-model',
    conversation_ids: ids,
    batch: { enabled: true, min_requests: 5, poll_interval_ms: 20 },
  });
  const log = path.join(root, '.hallucination-lab', 'experiments', exp.id, 'batches.jsonl');
  await until('the batch to be created and stored', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('"created"'));
  assert.equal(batches.creates(), 1);
  await first.kill();

  holding = false;
  const second = await startServer(root, { settings }, keys);
  servers.push(second);
  // No request: the restarted server resumes the experiment that waits for a batch.
  await until('the resumed run to be notified', () => lastSummary(second, exp.id)?.running === true, 15_000);
  const resource = await waitIdle(second, exp.id);
  assert.ok(
    resource.items.every((i) => i.status === 'completed'),
    JSON.stringify(resource.items.map((i) => i.failure_reason)),
  );
  assert.equal(batches.creates(), 1, 'the same batch was polled, not submitted again');
  assert.ok(second.logs.some((l) => /resumed polling the batches of 1 experiment/.test(l.message)));
  const events = fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { event: string }).event);
  assert.deepEqual(events, ['prepared', 'uploaded', 'created', 'ended', 'applied']);
});

test('closing the editor (a graceful shutdown) leaves the batch running at the provider; the next start polls it', async () => {
  holding = true;
  const [creates, cancels] = [batches.creates(), batches.cancels()];
  const root = tmpWorkspace('hl-batch-shutdown-');
  const trace = path.join(root, 'traces', 't.jsonl');
  fs.writeFileSync(trace, batchConversations(6));
  const settings = P.settingsSchema.parse({ models: [{ model: 'target-model', baseURL: batches.url }], maxRetries: 0 });
  const keys = { apiKeys: { OPENAI_API_KEY: 'sk-batch-server-0123456789' } };
  const first = await startServer(root, { settings }, keys);
  servers.push(first);
  await request(first, P.SetTraceFiles, { files: [trace] });
  const exp = await createExperiment(first, {
    name: 'batched',
    model: 'target-model',
    conversation_ids: Array.from({ length: 6 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`),
    batch: { enabled: true, min_requests: 5, poll_interval_ms: 20 },
  });
  const log = path.join(root, '.hallucination-lab', 'experiments', exp.id, 'batches.jsonl');
  await until('the batch to be created and stored', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('"created"'));
  await first.stop();
  assert.equal(batches.cancels(), cancels, 'shutting down is not cancelling');
  assert.doesNotMatch(fs.readFileSync(log, 'utf8'), /cancel_requested/);

  holding = false;
  const second = await startServer(root, { settings }, keys);
  servers.push(second);
  await until('the resumed run to be notified', () => lastSummary(second, exp.id)?.running === true, 15_000);
  const resource = await waitIdle(second, exp.id);
  assert.ok(resource.items.every((i) => i.status === 'completed'));
  assert.equal(batches.creates(), creates + 1);
});
