// The exchange's crash safety at its narrowest point: the batch was created but the process
// stopped before its id was stored. The next run finds it by its input file and polls it; the
// provider never sees a second create. Also the poll backoff and the result-line reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchExchange } from '../../server/core/inference/batch/batchExchange';
import { BatchDeferred, viaLane } from '../../server/core/inference/batch/batchLane';
import type { ChatCallResult } from '../../server/core/inference/chatClient';
import { BATCH_LOG_FILE, BatchLog } from '../../server/core/inference/batch/batchLog';
import { pollDelay } from '../../server/core/inference/batch/batchPolling';
import { parseResultLine } from '../../server/core/inference/batch/resultLines';
import { chatEndpointPath } from '../../server/core/inference/batch/requestFile';
import type { EndpointOptions } from '../../server/core/inference/contract';
import { startMockBatchServer } from '../support/mockBatchServer';

const config = { enabled: true, min_requests: 2, discount: 0.5, poll_interval_ms: 10 };
const body = (i: number) => ({ model: 'm', messages: [{ role: 'user' as const, content: `question ${i}` }] });

async function askAll(exchange: BatchExchange, endpoint: EndpointOptions, n: number) {
  const answers = [];
  for (let i = 1; i <= n; i++) {
    try {
      answers.push(await exchange.laneFor(`000${i}`).call({ part: 'target', endpoint, body: body(i) }));
    } catch (e) {
      assert.ok(e instanceof BatchDeferred, String(e));
      answers.push('deferred');
    }
  }
  return answers;
}

test('created but not stored: the next run finds the batch by its input file and polls it, no second create', async () => {
  let holding = true;
  const server = await startMockBatchServer({ hold: () => holding });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-batchx-'));
  const endpoint: EndpointOptions = {
    model: { model: 'm', baseURL: server.url },
    apiKey: 'sk-x-0123456789',
    timeoutMs: 5_000,
    maxRetries: 0,
  };
  const quiet = { warn: () => {}, note: () => {} };
  try {
    const first = new BatchExchange({ config, log: new BatchLog(dir), ...quiet });
    assert.deepEqual(await askAll(first, endpoint, 3), ['deferred', 'deferred', 'deferred']);
    const stop = new AbortController();
    const settling = first.settle(stop.signal).catch(() => false);
    const logFile = path.join(dir, BATCH_LOG_FILE);
    while (!fs.readFileSync(logFile, 'utf8').includes('"created"')) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await settling;
    assert.equal(server.creates(), 1);
    // The process stopped between the create's answer and storing the batch id.
    const kept = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l && !l.includes('"created"'));
    fs.writeFileSync(logFile, kept.join('\n') + '\n');

    holding = false;
    const second = new BatchExchange({ config, log: new BatchLog(dir), ...quiet });
    assert.deepEqual(await askAll(second, endpoint, 3), ['deferred', 'deferred', 'deferred'], 'they wait for the open batch');
    assert.equal(await second.settle(new AbortController().signal), true);
    assert.equal(server.creates(), 1, 'found by its input file, not created again');
    const answers = await askAll(second, endpoint, 3);
    assert.ok(answers.every((a) => typeof a === 'object' && a !== null && /question/.test(String(a.message.content))));
    assert.ok(server.log.includes('GET /v1/batches'), 'the batches were listed');
  } finally {
    await server.close();
  }
});

test('poll waits grow by half each time, capped at 5 minutes, jittered ±20 %', () => {
  assert.equal(
    pollDelay(0, 30_000, () => 0.5),
    30_000,
  );
  assert.equal(
    pollDelay(1, 30_000, () => 0.5),
    45_000,
  );
  assert.equal(
    pollDelay(40, 30_000, () => 0.5),
    300_000,
  );
  assert.equal(
    pollDelay(40, 30_000, () => 0),
    240_000,
  );
  assert.equal(
    pollDelay(40, 30_000, () => 1),
    360_000,
  );
  assert.equal(
    pollDelay(3, 900_000, () => 0.5),
    900_000,
    'an interval longer than the cap is its own cap',
  );
});

test('result lines: 200 with its body, another status with its message, an error object, and what is not a line', () => {
  const ok = parseResultLine(
    JSON.stringify({ custom_id: '0001/target', response: { status_code: 200, body: { choices: [] } }, error: null }),
    'b',
    null,
  );
  assert.deepEqual(ok, { customId: '0001/target', outcome: { ok: true, body: { choices: [] } } });
  const refused = parseResultLine(
    JSON.stringify({
      custom_id: '0002/target',
      response: { status_code: 401, body: { error: { message: 'bad key sk-secret-0123456789' } } },
    }),
    'b',
    'sk-secret-0123456789',
  );
  assert.ok('outcome' in refused && !refused.outcome.ok);
  assert.match(refused.outcome.ok ? '' : refused.outcome.reason, /^batch b: HTTP 401: bad key /);
  assert.doesNotMatch(refused.outcome.ok ? '' : refused.outcome.reason, /sk-secret/);
  const expired = parseResultLine(
    JSON.stringify({ custom_id: 'x', response: null, error: { code: 'batch_expired', message: 'late' } }),
    'b',
    null,
  );
  assert.deepEqual(expired, { customId: 'x', outcome: { ok: false, reason: 'batch b: batch_expired: late', code: 'batch_expired' } });
  assert.deepEqual(parseResultLine('{not json', 'b', null), { problem: 'a line is not JSON' });
  assert.ok('problem' in parseResultLine('{"id": 1}', 'b', null));
});

test('Azure OpenAI names the endpoint without /v1; OpenAI and compatible servers with it', () => {
  assert.equal(chatEndpointPath(undefined), '/v1/chat/completions');
  assert.equal(chatEndpointPath('https://api.openai.com/v1'), '/v1/chat/completions');
  assert.equal(chatEndpointPath('https://my-resource.openai.azure.com/openai/v1'), '/chat/completions');
});

test('an editor language model never takes the batch lane: the extension runs each of its requests', async () => {
  const direct = { message: { role: 'assistant' as const, content: 'direct' }, attempts: 1 } as unknown as ChatCallResult;
  let asked = 0;
  const lane = {
    call: async () => {
      asked++;
      throw new BatchDeferred('x');
    },
  };
  const request = (source: 'openai' | 'vscode-lm') => ({
    part: 'target',
    endpoint: { model: { model: 'm', source }, apiKey: null, timeoutMs: 1_000, maxRetries: 0 } as EndpointOptions,
    body: body(1),
  });
  assert.equal(await viaLane(lane, request('vscode-lm'), async () => direct), direct);
  assert.equal(asked, 0);
  await assert.rejects(
    viaLane(lane, request('openai'), async () => direct),
    BatchDeferred,
  );
  assert.equal(asked, 1);
});
