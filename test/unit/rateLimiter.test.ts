import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, ExperimentConfig } from '../../common/schema';
import { createInferenceSource } from '../../server/core/inference/responseSource';
import { RateLimiter } from '../../server/core/inference/rateLimiter';
import { InferenceError } from '../../server/core/inference/retry';
import { runPool } from '../../server/core/inference/workPool';
import { type MockServer, startMockOpenAI } from '../support/mockOpenAIServer';

/** Most events within any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('RateLimiter (unit)', () => {
  it('never starts more than requestsPerMinute in any window', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 5, windowMs: 300 });
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 15 }, async () => {
        const permit = await limiter.acquire(1);
        times.push(permit.grantedAt);
        permit.settle(1);
      }),
    );
    assert.ok(maxInWindow(times, 300) <= 5, `max in window: ${maxInWindow(times, 300)}`);
    const took = Date.now() - started;
    assert.ok(took >= 590, `15 requests at 5/300ms need ≥ 600 ms, took ${took}`);
    assert.ok(took < 5000, `but not much more: ${took}`);
  });

  it('tokens per minute: the estimate is charged, then corrected by usage', async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 100, windowMs: 5000 });
    const a = await limiter.acquire(60);
    const t0 = Date.now();
    const pending = limiter.acquire(60); // 60 + 60 > 100: must wait
    let got = false;
    void pending.then(() => {
      got = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got, false, 'waits while the budget is spent');
    a.settle(10); // the real usage was smaller: 10 + 60 ≤ 100
    const b = await pending;
    assert.ok(Date.now() - t0 < 2500, 'the correction freed the budget long before the 5 s window');
    assert.deepEqual(limiter.usage(), { requests: 2, tokens: 70 });
    b.settle(null); // unknown usage keeps the estimate
    assert.equal(limiter.usage().tokens, 70);
  });

  it('a correction upwards delays the next request', async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 100, windowMs: 300 });
    const a = await limiter.acquire(10);
    a.settle(95);
    const t0 = Date.now();
    (await limiter.acquire(10)).settle(10);
    assert.ok(Date.now() - t0 >= 250, `waited ${Date.now() - t0} ms for the window to pass`);
  });

  it('a request larger than the whole budget runs alone', async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 50, windowMs: 200 });
    const p = await limiter.acquire(500);
    p.settle(500);
    const t0 = Date.now();
    await limiter.acquire(10);
    assert.ok(Date.now() - t0 >= 150);
  });

  it('serves waiters first-in first-out', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1, windowMs: 40 });
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        limiter.acquire(1).then((p) => {
          order.push(i);
          p.settle(1);
        }),
      ),
    );
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('an aborted wait rejects at once and gives its place up', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1, windowMs: 300 });
    (await limiter.acquire(1)).settle(1);
    const ctl = new AbortController();
    const waiting = limiter.acquire(1, ctl.signal);
    const next = limiter.acquire(1);
    const t0 = Date.now();
    ctl.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof InferenceError && e.kind === 'aborted');
    assert.ok(Date.now() - t0 < 500);
    await next;
    assert.equal(limiter.waiting, 0);
    await assert.rejects(limiter.acquire(1, ctl.signal), 'an aborted signal rejects immediately');
  });

  it('a request in flight keeps its place in the window until it is settled', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1, windowMs: 50 });
    const first = await limiter.acquire(1);
    let second = false;
    const p = limiter.acquire(1).then((x) => {
      second = true;
      return x;
    });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(second, false, 'three windows later, still waiting for the first answer');
    const t0 = Date.now();
    first.settle(1);
    (await p).settle(1);
    assert.ok(Date.now() - t0 >= 45, 'then one more window after the answer');
  });

  it('an unsettled permit is released after maxInFlightMs', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1, windowMs: 20, maxInFlightMs: 30 });
    await limiter.acquire(1); // never settled
    const t0 = Date.now();
    (await limiter.acquire(1)).settle(1);
    assert.ok(Date.now() - t0 >= 45);
  });

  it('without budgets it never waits', async () => {
    const limiter = new RateLimiter({});
    assert.equal(limiter.unlimited, true);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 1000 }, () => limiter.acquire(1_000_000)));
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('RateLimiter against the mock server', () => {
  let server: MockServer;
  const conversation: Conversation = {
    id: 'c',
    file: 'f.jsonl',
    line: 0,
    position: 0,
    sourcePath: [],
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
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
    server = await startMockOpenAI({
      latencyMs: 20,
      script: () => ({ kind: 'ok', latencyMs: 20, usage: { prompt_tokens: 6, completion_tokens: 4, reasoning_tokens: 0 } }),
    });
  });
  after(() => server.close());

  it('requests per minute are never exceeded as the server counts them', async () => {
    server.reset();
    const windowMs = 400;
    const limiter = new RateLimiter({ requestsPerMinute: 4, windowMs });
    const source = createInferenceSource({
      model: { model: 'm', baseURL: server.url },
      apiKey: 'k',
      timeoutMs: 5000,
      maxRetries: 0,
      limiter,
    });
    const ctl = new AbortController();
    const res = await runPool(
      Array.from({ length: 12 }, (_, i) => i),
      8,
      async (_i, signal) => {
        await source({ conversation, responseIndex: 1, config, signal });
      },
      ctl.signal,
    );
    assert.equal(res.completed, 12);
    assert.equal(server.stats.count, 12);
    // Exact window: a request counts from its grant until a window after its answer, and the
    // server's arrival time lies in between.
    assert.ok(server.stats.maxInWindow(windowMs) <= 4, `server saw ${server.stats.maxInWindow(windowMs)} in a window`);
  });

  it('tokens per minute are never exceeded as the server counts them', async () => {
    server.reset();
    const windowMs = 400;
    // Each call really costs 10 tokens; the estimate before the call is larger (≈ 30).
    const limiter = new RateLimiter({ tokensPerMinute: 40, windowMs });
    const source = createInferenceSource({
      model: { model: 'm', baseURL: server.url, max_tokens: 20 },
      apiKey: 'k',
      timeoutMs: 5000,
      maxRetries: 0,
      limiter,
    });
    const ctl = new AbortController();
    const t0 = Date.now();
    await runPool(
      Array.from({ length: 12 }, (_, i) => i),
      8,
      async (_i, signal) => {
        await source({ conversation, responseIndex: 1, config, signal });
      },
      ctl.signal,
    );
    assert.equal(server.stats.count, 12);
    assert.ok(
      server.stats.maxTokensInWindow(windowMs) <= 40,
      `server counted ${server.stats.maxTokensInWindow(windowMs)} tokens in a window`,
    );
    assert.ok(Date.now() - t0 >= windowMs, 'the budget made it wait');
  });
});
