import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, ExperimentConfig } from '../../common/schema';
import { createInferenceSource } from '../../server/core/inference/responseSource';
import { InferenceError } from '../../server/core/inference/retry';
import { runPool } from '../../server/core/inference/workPool';
import { type MockServer, startMockOpenAI } from '../support/mockOpenAIServer';

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      },
      { once: true },
    );
  });

describe('runPool', () => {
  it('runs every item, never more than `concurrency` at once, starting in order', async () => {
    let active = 0;
    let peak = 0;
    const startedOrder: number[] = [];
    const res = await runPool(
      Array.from({ length: 40 }, (_, i) => i),
      5,
      async (i) => {
        startedOrder.push(i);
        active++;
        peak = Math.max(peak, active);
        await sleep(2 + (i % 4));
        active--;
      },
      new AbortController().signal,
    );
    assert.equal(peak, 5);
    assert.deepEqual(
      startedOrder,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.deepEqual({ ...res, failed: res.failed.length }, { started: 40, completed: 40, failed: 0, aborted: false });
  });

  it('collects failures and goes on with the other items', async () => {
    const res = await runPool(
      [1, 2, 3, 4],
      2,
      async (i) => {
        if (i % 2 === 0) throw new Error(`bad ${i}`);
      },
      new AbortController().signal,
    );
    assert.equal(res.completed, 2);
    assert.deepEqual(
      res.failed.map((f) => f.item),
      [2, 4],
    );
  });

  it('a worker that throws synchronously is a failure, not a crash', async () => {
    const res = await runPool(
      [1],
      1,
      (() => {
        throw new Error('sync');
      }) as unknown as (i: number) => Promise<void>,
      new AbortController().signal,
    );
    assert.equal(res.failed.length, 1);
  });

  it('on abort: starts nothing new at once and aborts the in-flight workers', async () => {
    const ctl = new AbortController();
    const started: number[] = [];
    let sawAbort = 0;
    const t0 = Date.now();
    const p = runPool(
      Array.from({ length: 100 }, (_, i) => i),
      4,
      async (i, signal) => {
        started.push(i);
        try {
          await sleep(10_000, signal);
        } catch {
          sawAbort++;
          throw new Error('aborted');
        }
      },
      ctl.signal,
    );
    await sleep(20);
    ctl.abort();
    const res = await p;
    const took = Date.now() - t0;
    assert.ok(took < 1000, `stopped in ${took} ms`);
    assert.equal(started.length, 4, 'only the first batch ever started');
    assert.equal(sawAbort, 4, 'every in-flight worker saw its signal abort');
    assert.equal(res.aborted, true);
    assert.equal(res.started, 4);
  });

  it('an already aborted signal starts nothing', async () => {
    const ctl = new AbortController();
    ctl.abort();
    let calls = 0;
    const res = await runPool(
      [1, 2],
      2,
      async () => {
        calls++;
      },
      ctl.signal,
    );
    assert.equal(calls, 0);
    assert.equal(res.aborted, true);
  });

  it('empty input and odd concurrency values', async () => {
    assert.equal((await runPool([], 3, async () => {}, new AbortController().signal)).started, 0);
    let peak = 0;
    let active = 0;
    await runPool(
      [1, 2, 3],
      0,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(1);
        active--;
      },
      new AbortController().signal,
    );
    assert.equal(peak, 1, 'concurrency below 1 means 1');
  });
});

describe('runPool + inference against the mock server', () => {
  let server: MockServer;
  const conversation: Conversation = {
    id: 'c',
    file: 'f.jsonl',
    line: 0,
    position: 0,
    sourcePath: [],
    messages: [
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4' },
    ],
    tools: [],
  };
  const config = {
    name: 'x',
    model: 'm',
    pass_through: false,
    conversation_ids: ['c'],
    num_samples: 1,
    detectors: ['local'],
  } as ExperimentConfig;

  before(async () => {
    server = await startMockOpenAI({ latencyMs: 100 });
  });
  after(() => server.close());

  it('the server never sees more than `concurrency` requests at once', async () => {
    server.reset();
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const res = await runPool(
      Array.from({ length: 30 }, (_, i) => i),
      6,
      async (_i, signal) => {
        await source({ conversation, responseIndex: 1, config, signal });
      },
      new AbortController().signal,
    );
    assert.equal(res.completed, 30);
    assert.equal(server.stats.count, 30);
    assert.ok(server.stats.maxConcurrent <= 6, `server saw ${server.stats.maxConcurrent} at once`);
    assert.ok(server.stats.maxConcurrent >= 4, `and the pool kept it busy (${server.stats.maxConcurrent})`);
  });

  it('cancelling stops the run within a second, with requests hanging on the server', async () => {
    await server.close();
    server = await startMockOpenAI({ script: () => ({ kind: 'hang' }) });
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: 'k', timeoutMs: 60_000, maxRetries: 3 });
    const ctl = new AbortController();
    const errors: unknown[] = [];
    const p = runPool(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (_i, signal) => {
        try {
          await source({ conversation, responseIndex: 1, config, signal });
        } catch (e) {
          errors.push(e);
          throw e;
        }
      },
      ctl.signal,
    );
    await until(() => server.stats.inFlight === 4);
    const t0 = Date.now();
    ctl.abort();
    const res = await p;
    assert.ok(Date.now() - t0 < 1000, `stopped in ${Date.now() - t0} ms`);
    assert.equal(res.started, 4);
    assert.ok(errors.every((e) => e instanceof InferenceError && e.kind === 'aborted'));
    await until(() => server.stats.inFlight === 0, 2000); // the aborted requests were closed
    assert.equal(server.stats.count, 4, 'no retry after cancel');
  });
});
