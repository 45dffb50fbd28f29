// Failure paths of real inference against the mock server: 429 + Retry-After, 5xx, hangs,
// malformed bodies, dropped connections, cancellation, and the API key never in an error.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Conversation, ExperimentConfig } from '../../common/schema';
import { createInferenceSource, type InferenceSourceOptions } from '../../server/core/inference/responseSource';
import { InferenceError } from '../../server/core/inference/retry';
import { type MockServer, type Script, startMockOpenAI } from '../support/mockOpenAIServer';

const conversation: Conversation = {
  id: 'c1',
  file: 't.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'user', content: 'Say hi' },
    { role: 'assistant', content: 'hi' },
  ],
  tools: [],
};
const config = {
  name: 'x',
  model: 'm',
  pass_through: false,
  conversation_ids: ['c1'],
  num_samples: 1,
  detectors: ['local'],
} as ExperimentConfig;
const KEY = 'sk-proj-SUPERSECRET-abcdef0123456789';

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function expectFailure(p: Promise<unknown>, check: (e: InferenceError) => void): Promise<void> {
  return p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => {
      assert.ok(e instanceof InferenceError, `an InferenceError, got ${String(e)}`);
      assert.ok(!e.message.includes(KEY), `the key leaked: ${e.message}`);
      assert.ok(!JSON.stringify(e).includes(KEY), 'the key leaked in a property');
      check(e);
    },
  );
}

describe('inference failures', () => {
  let server: MockServer;
  let script: Script | undefined;
  before(async () => {
    server = await startMockOpenAI({ script: (req, n) => script?.(req, n) });
  });
  after(() => server.close());

  const source = (extra: Partial<InferenceSourceOptions> = {}) =>
    createInferenceSource({
      model: { model: 'm', baseURL: server.url },
      apiKey: KEY,
      timeoutMs: 2000,
      maxRetries: 2,
      retryPolicy: { baseDelayMs: 10, maxDelayMs: 20 },
      ...extra,
    });
  const run = (s: ReturnType<typeof source>, signal = new AbortController().signal) =>
    s({ conversation, responseIndex: 1, config, signal });

  it('429 with retry-after-ms: waits what was asked, then succeeds', async () => {
    server.reset();
    script = (_r, n) => (n === 0 ? { kind: 'error', status: 429, headers: { 'retry-after-ms': '300' } } : undefined);
    const t0 = Date.now();
    const r = await run(source());
    const took = Date.now() - t0;
    assert.equal(r.attempts, 2);
    assert.equal(server.stats.count, 2);
    const gap = server.stats.arrivals[1]! - server.stats.arrivals[0]!;
    assert.ok(gap >= 300 && gap < 3000, `second attempt ${gap} ms after the first`);
    assert.ok(took < 5000);
  });

  it('429 with Retry-After in seconds is honoured too', async () => {
    server.reset();
    script = (_r, n) => (n === 0 ? { kind: 'error', status: 429, headers: { 'retry-after': '1' } } : undefined);
    await run(source());
    const gap = server.stats.arrivals[1]! - server.stats.arrivals[0]!;
    assert.ok(gap >= 1000 && gap < 4000, `waited ${gap} ms for Retry-After: 1`);
  });

  it('429 until the retries are spent: fails, saying so', async () => {
    server.reset();
    script = () => ({ kind: 'error', status: 429, headers: { 'retry-after-ms': '10' }, message: 'Rate limit reached' });
    await expectFailure(run(source()), (e) => {
      assert.equal(e.kind, 'rate_limited');
      assert.equal(e.attempts, 3);
      assert.match(e.message, /HTTP 429 \(rate limited\): Rate limit reached \(gave up after 3 attempts\)/);
    });
    assert.equal(server.stats.count, 3);
  });

  it('500 is retried, then succeeds', async () => {
    server.reset();
    script = (_r, n) => (n < 2 ? { kind: 'error', status: 500 } : { kind: 'ok', content: 'recovered' });
    const r = await run(source());
    assert.equal(r.message.content, 'recovered');
    assert.equal(r.attempts, 3);
  });

  it('400, 401, 403 and 404 are not retried', async () => {
    for (const status of [400, 401, 403, 404]) {
      server.reset();
      script = () => ({ kind: 'error', status, message: `nope ${status}` });
      await expectFailure(run(source()), (e) => {
        assert.equal(e.status, status);
        assert.equal(e.attempts, 1);
        assert.match(e.message, new RegExp(`HTTP ${status} \\(request rejected\\): nope ${status}$`));
      });
      assert.equal(server.stats.count, 1, `${status} sent once`);
    }
  });

  it('a hang times out, is retried, and fails with the reason', async () => {
    server.reset();
    script = () => ({ kind: 'hang' });
    const t0 = Date.now();
    await expectFailure(run(source({ timeoutMs: 200, maxRetries: 1 })), (e) => {
      assert.equal(e.kind, 'timeout');
      assert.equal(e.message, 'request timed out after 200 ms (gave up after 2 attempts)');
    });
    const took = Date.now() - t0;
    assert.ok(took >= 400 && took < 5000, `two 200 ms attempts took ${took} ms`);
    assert.equal(server.stats.count, 2);
  });

  it('a hang after the headers (body never sent) times out too', async () => {
    server.reset();
    script = (_r, n) => (n === 0 ? { kind: 'hangAfterHeaders' } : { kind: 'ok', content: 'second try' });
    const r = await run(source({ timeoutMs: 200 }));
    assert.equal(r.message.content, 'second try');
    assert.equal(r.attempts, 2);
  });

  it('a streaming answer that stalls times out', async () => {
    server.reset();
    script = () => ({ kind: 'ok', content: 'slow slow slow', chunkDelayMs: 400 });
    await expectFailure(run(source({ timeoutMs: 300, maxRetries: 0, streaming: true })), (e) => {
      assert.equal(e.kind, 'timeout');
    });
  });

  it('malformed JSON fails with the reason and is not retried', async () => {
    server.reset();
    script = () => ({ kind: 'malformed' });
    await expectFailure(run(source()), (e) => {
      assert.equal(e.kind, 'malformed_response');
      assert.match(e.message, /^malformed response: the body is not valid JSON/);
    });
    assert.equal(server.stats.count, 1);
  });

  it('JSON that is not a chat completion fails with the reason', async () => {
    script = () => ({ kind: 'raw', headers: { 'content-type': 'application/json' }, body: '{"result": "hi"}' });
    await expectFailure(run(source()), (e) => {
      assert.equal(e.kind, 'malformed_response');
      assert.match(e.message, /not a chat completion \(choices/);
    });
    script = () => ({ kind: 'raw', headers: { 'content-type': 'text/html' }, body: '<html>proxy</html>' });
    await expectFailure(run(source()), (e) => assert.match(e.message, /the body is not JSON/));
  });

  it('a dropped connection is retried', async () => {
    server.reset();
    script = (_r, n) => (n === 0 ? { kind: 'drop' } : undefined);
    const r = await run(source());
    assert.equal(r.attempts, 2);
  });

  it('a refused connection fails as a connection error, without the key', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const s = createInferenceSource({
      model: { model: 'm', baseURL: `http://127.0.0.1:${port}/v1` },
      apiKey: KEY,
      timeoutMs: 2000,
      maxRetries: 1,
      retryPolicy: { baseDelayMs: 5, maxDelayMs: 5 },
    });
    await expectFailure(run(s), (e) => {
      assert.equal(e.kind, 'connection');
      assert.equal(e.attempts, 2);
      assert.match(e.message, /connection error/);
    });
  });

  it('a 401 that echoes the key never puts it in the error', async () => {
    const guarded = await startMockOpenAI({ apiKey: 'the-right-key' });
    try {
      const s = createInferenceSource({ model: { model: 'm', baseURL: guarded.url }, apiKey: KEY, timeoutMs: 2000, maxRetries: 3 });
      await expectFailure(run(s), (e) => {
        assert.equal(e.status, 401);
        assert.equal(e.attempts, 1);
        assert.match(e.message, /Incorrect API key provided: \[redacted\]/);
      });
      // The server did receive it (so the echo was real).
      assert.equal(guarded.requests[0]!.headers.authorization, `Bearer ${KEY}`);
    } finally {
      await guarded.close();
    }
  });

  it('a server error that quotes the Authorization header is redacted too', async () => {
    script = (req) => ({ kind: 'error', status: 400, message: `bad header: ${req.headers.authorization}` });
    await expectFailure(run(source()), (e) => assert.match(e.message, /bad header: Bearer \[redacted\]/));
  });

  it('cancel stops a hanging request within a second, without retrying', async () => {
    server.reset();
    script = () => ({ kind: 'hang' });
    const ctl = new AbortController();
    const p = run(source({ timeoutMs: 30_000, maxRetries: 5 }), ctl.signal);
    await until(() => server.stats.inFlight === 1);
    const t0 = Date.now();
    ctl.abort();
    await expectFailure(p, (e) => assert.equal(e.kind, 'aborted'));
    assert.ok(Date.now() - t0 < 1000, `stopped in ${Date.now() - t0} ms`);
    assert.equal(server.stats.count, 1);
  });

  it('cancel during a Retry-After wait stops at once', async () => {
    server.reset();
    script = () => ({ kind: 'error', status: 429, headers: { 'retry-after': '20' } });
    const ctl = new AbortController();
    const p = run(source(), ctl.signal);
    await until(() => server.stats.count === 1 && server.stats.inFlight === 0);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    ctl.abort();
    await expectFailure(p, (e) => assert.equal(e.kind, 'aborted'));
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(server.stats.count, 1);
  });

  it('cancel during a stream stops it', async () => {
    server.reset();
    script = () => ({ kind: 'ok', content: 'a long streamed answer', chunkDelayMs: 300 });
    const ctl = new AbortController();
    const p = run(source({ streaming: true, timeoutMs: 30_000 }), ctl.signal);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    ctl.abort();
    await expectFailure(p, (e) => assert.equal(e.kind, 'aborted'));
    assert.ok(Date.now() - t0 < 1000);
  });
});
