// The Batch API path end to end against the stand-in: each way a batch can end leaves every item
// completed or failed with its reason; bodies are the direct path's; costs at the batch price.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildInferenceRequest } from '../../server/core/inference/responseSource';
import type { ExperimentService } from '../../server/core/experiments/experimentService';
import { type BatchScript, startMockBatchServer } from '../support/mockBatchServer';
import { batchSetup } from '../support/batchFixture';

const batch = (extra: Record<string, unknown> = {}) => ({ enabled: true, min_requests: 5, poll_interval_ms: 10, ...extra });

async function runWith(script: BatchScript, config: Record<string, unknown>, conversations = 25) {
  const server = await startMockBatchServer(script);
  const fx = batchSetup(server, conversations);
  const svc = fx.make();
  const created = svc.create({ name: 'b', model: 'target-model', conversation_ids: fx.ids, batch: batch(), ...config });
  assert.ok(created.ok, JSON.stringify(!created.ok && created.errors));
  await svc.whenIdle(created.experiment.id);
  return { server, fx, svc, id: created.experiment.id, items: svc.items(created.experiment.id) };
}

function logEvents(dir: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(path.join(dir, 'batches.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('target inference through one batch: bodies as the direct path sends them, results matched by custom_id, batch price', async () => {
  const { server, fx, svc, id, items } = await runWith({}, {});
  try {
    assert.equal(server.creates(), 1);
    assert.equal(server.chats(), 0, 'nothing was sent directly');
    assert.ok(
      items.every((i) => i.status === 'completed'),
      JSON.stringify(items.map((i) => [i.status, i.failure_reason])),
    );
    const batchRecord = [...server.batches.values()][0]!;
    assert.equal(batchRecord.endpoint, '/v1/chat/completions');
    const input = server.files
      .get(batchRecord.input_file_id)!
      .content.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(input.length, 25);
    const first = input[0]!;
    assert.equal(first.custom_id, '0001/target');
    assert.equal(first.method, 'POST');
    assert.equal(first.url, '/v1/chat/completions');
    const config = svc.configOf(id);
    const conversation = svc.conversation(id, 'c001')!;
    const model = fx.settings.models[0]!;
    assert.deepEqual(first.body, buildInferenceRequest({ model, conversation, responseIndex: 1, config }).body);
    const item = items.find((i) => i.id === '0001')!;
    assert.match(String(item.response_messages[0]!.message.content), /Mock answer to: How many rooms does hotel 1 have/);
    assert.equal(item.latency_ms, null, 'a batch answer has no latency of its own');
    const full = (item.input_tokens! * 2 + item.output_tokens! * 8) / 1e6;
    assert.ok(Math.abs(item.cost_usd! - full / 2) < 1e-12, `cost ${item.cost_usd} is half of ${full}`);
    const events = logEvents(fx.store.dir(id)).map((e) => e.event);
    assert.deepEqual(events, ['prepared', 'uploaded', 'created', 'ended', 'applied']);
    assert.ok(fx.logs.some((l) => /batch batch_mock_1 created: 25 request\(s\) to target-model/.test(l)));
    const walked = fx.logs.map((l) => /batch batch_mock_1: (\w+)/.exec(l)?.[1]).filter(Boolean);
    assert.deepEqual(walked, ['validating', 'in_progress', 'finalizing', 'completed'], 'each status seen once, in order');
  } finally {
    await server.close();
  }
});

test('inference then the judge: two batches, the judge tokens counted apart at the batch price', async () => {
  const { server, items } = await runWith({}, { detectors: ['local', 'judge'] }, 10);
  try {
    assert.equal(server.creates(), 2);
    const [target, judge] = [...server.batches.values()];
    const judgeLines = server.files.get(judge!.input_file_id)!.content.trim().split('\n');
    assert.equal(judgeLines.length, 10);
    assert.match(judgeLines[0]!, /"custom_id":"0001\/judge\/1"/);
    assert.match(server.files.get(target!.input_file_id)!.content, /"model":"target-model"/);
    assert.ok(
      items.every((i) => i.status === 'completed'),
      JSON.stringify(items.map((i) => i.failure_reason)),
    );
    const i1 = items[0]!;
    assert.ok(i1.judge_input_tokens! > 0);
    assert.ok(Math.abs(i1.judge_cost_usd! - ((i1.judge_input_tokens! * 1 + i1.judge_output_tokens! * 4) / 1e6) * 0.5) < 1e-12);
  } finally {
    await server.close();
  }
});

test('a judge pass over traced responses is one batch of judge requests', async () => {
  const { server, items } = await runWith({}, { model: 'traced', pass_through: true, detectors: ['judge'] }, 8);
  try {
    assert.equal(server.creates(), 1);
    assert.ok(items.every((i) => i.status === 'completed'));
    assert.ok(items.every((i) => i.judge_input_tokens !== null && i.judge_input_tokens! > 0));
  } finally {
    await server.close();
  }
});

test('a failed batch fails every item with the batch errors', async () => {
  const { server, items, fx, id } = await runWith({ ending: () => 'failed' }, {}, 6);
  try {
    assert.ok(items.every((i) => i.status === 'failed'));
    assert.match(items[0]!.failure_reason!, /batch batch_mock_1 failed: line 1: invalid_request: mock: the input file was refused/);
    assert.ok(logEvents(fx.store.dir(id)).some((e) => e.event === 'ended' && e.status === 'failed'));
  } finally {
    await server.close();
  }
});

test('an expired batch: what it ran is completed, the rest failed "batch expired"', async () => {
  const { server, items } = await runWith({ ending: () => 'expired', doneBeforeEnd: () => 4 }, {}, 10);
  try {
    assert.equal(items.filter((i) => i.status === 'completed').length, 4);
    const failed = items.filter((i) => i.status === 'failed');
    assert.equal(failed.length, 6);
    assert.ok(
      failed.every((i) => /batch_expired/.test(i.failure_reason!)),
      failed[0]?.failure_reason ?? '',
    );
  } finally {
    await server.close();
  }
});

test('a batch cancelled elsewhere: the finished items completed, the rest failed "cancelled"', async () => {
  const { server, items } = await runWith({ ending: () => 'cancelled', doneBeforeEnd: () => 3 }, {}, 8);
  try {
    assert.equal(items.filter((i) => i.status === 'completed').length, 3);
    const failed = items.filter((i) => i.status === 'failed');
    assert.equal(failed.length, 5);
    assert.ok(failed.every((i) => /cancelled/.test(i.failure_reason!)));
  } finally {
    await server.close();
  }
});

test('an error file, a non-200 line and an unknown custom_id: each item completed or failed with its reason', async () => {
  const { server, items, fx } = await runWith(
    {
      statusFor: (id) => (id === '0002/target' ? 400 : undefined),
      lineErrorFor: (id) => (id === '0003/target' ? { code: 'server_error', message: 'mock: the model crashed' } : undefined),
      unknownCustomId: true,
    },
    {},
    6,
  );
  try {
    const byId = new Map(items.map((i) => [i.id, i]));
    assert.equal(byId.get('0001')!.status, 'completed');
    assert.equal(byId.get('0002')!.status, 'failed');
    assert.match(byId.get('0002')!.failure_reason!, /HTTP 400: mock refusal 400/);
    assert.match(byId.get('0003')!.failure_reason!, /server_error: mock: the model crashed/);
    assert.equal(items.filter((i) => i.status === 'completed').length, 4);
    assert.ok(
      fx.logs.some((l) => /1 result line\(s\) name a custom_id the batch did not hold \(no-such-item\/target\); ignored/.test(l)),
      fx.logs.join('\n'),
    );
  } finally {
    await server.close();
  }
});

test('fewer requests than batch.min_requests are sent directly at the full price', async () => {
  const server = await startMockBatchServer();
  const fx = batchSetup(server, 3);
  const svc: ExperimentService = fx.make();
  try {
    const created = svc.create({ name: 'b', model: 'target-model', conversation_ids: fx.ids, batch: batch({ min_requests: 10 }) });
    assert.ok(created.ok);
    await svc.whenIdle(created.experiment.id);
    const items = svc.items(created.experiment.id);
    assert.equal(server.creates(), 0);
    assert.equal(server.chats(), 3);
    assert.ok(items.every((i) => i.status === 'completed' && i.latency_ms !== null));
    const i = items[0]!;
    assert.ok(Math.abs(i.cost_usd! - (i.input_tokens! * 2 + i.output_tokens! * 8) / 1e6) < 1e-12, 'full price');
  } finally {
    await server.close();
  }
});

test('an outage while reading the results is waited out: the items complete, nothing is failed', async () => {
  const { server, items, fx } = await runWith({ failDownloads: 2 }, {}, 6);
  try {
    assert.ok(
      items.every((i) => i.status === 'completed'),
      JSON.stringify(items.map((i) => i.failure_reason)),
    );
    assert.ok(
      fx.logs.some((l) => /reading its results failed \(downloading file file-mock-2: HTTP 503/.test(l)),
      fx.logs.join('\n'),
    );
    assert.equal(server.creates(), 1);
  } finally {
    await server.close();
  }
});
