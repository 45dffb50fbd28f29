import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  InferenceError,
  MalformedResponseError,
  abortableSleep,
  backoffDelay,
  classifyError,
  parseRetryAfter,
  redactSecret,
  retryDelay,
  withRetry,
} from '../../server/core/inference/retry';

function httpError(status: number, headers: Record<string, string> = {}, message = `boom ${status}`): APIError {
  return APIError.generate(status, { error: { message } }, undefined, new Headers(headers));
}

describe('parseRetryAfter', () => {
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '0.5' })), 500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now), 3000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now), 0, 'a past date means now');
  });
  it('accepts plain header records, and is null when absent or garbage', () => {
    assert.equal(parseRetryAfter({ 'Retry-After': '3' }), 3000);
    assert.equal(parseRetryAfter(new Headers()), null);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' })), null);
    assert.equal(parseRetryAfter(undefined), null);
  });
});

describe('backoff', () => {
  it('full jitter: uniform below min(max, base·2^n)', () => {
    assert.equal(backoffDelay(0, { baseDelayMs: 100, random: () => 0.999 }), 99);
    assert.equal(backoffDelay(3, { baseDelayMs: 100, random: () => 0.5 }), 400);
    assert.equal(backoffDelay(20, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 }), 500);
    assert.equal(backoffDelay(5, { random: () => 0 }), 0);
  });
  it('a Retry-After is waited at least as long as asked, with at most 10% (≤1 s) on top', () => {
    const e = new InferenceError('x', 'rate_limited', { retryable: true, retryAfterMs: 1000 });
    assert.equal(retryDelay(e, 0, { random: () => 0 }), 1000);
    assert.equal(retryDelay(e, 0, { random: () => 1 }), 1100);
    const long = new InferenceError('x', 'rate_limited', { retryable: true, retryAfterMs: 3_600_000 });
    assert.ok(retryDelay(long, 0, { random: () => 0, maxRetryAfterMs: 5000 }) === 5000, 'capped');
  });
});

describe('classifyError', () => {
  it('retries 429, 408, 409 and 5xx; never 400, 401, 403, 404, 422', () => {
    for (const s of [429, 408, 409, 500, 502, 503]) assert.equal(classifyError(httpError(s)).retryable, true, String(s));
    for (const s of [400, 401, 403, 404, 422]) assert.equal(classifyError(httpError(s)).retryable, false, String(s));
  });
  it('honours x-should-retry, except for the never-retried statuses', () => {
    assert.equal(classifyError(httpError(500, { 'x-should-retry': 'false' })).retryable, false);
    assert.equal(classifyError(httpError(418, { 'x-should-retry': 'true' })).retryable, true);
    assert.equal(classifyError(httpError(401, { 'x-should-retry': 'true' })).retryable, false);
  });
  it('carries Retry-After and says what happened', () => {
    const e = classifyError(httpError(429, { 'retry-after-ms': '120' }, 'slow down'));
    assert.equal(e.kind, 'rate_limited');
    assert.equal(e.status, 429);
    assert.equal(e.retryAfterMs, 120);
    assert.match(e.message, /^HTTP 429 \(rate limited\): slow down$/);
  });
  it('timeouts, connection errors, malformed bodies, aborts', () => {
    assert.equal(classifyError(new APIConnectionTimeoutError()).kind, 'timeout');
    assert.equal(classifyError(new Error('x'), { timedOut: true, timeoutMs: 50 }).message, 'request timed out after 50 ms');
    const conn = classifyError(
      new APIConnectionError({ cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }),
    );
    assert.equal(conn.kind, 'connection');
    assert.equal(conn.retryable, true);
    assert.match(conn.message, /ECONNREFUSED/);
    const bodyCut = classifyError(
      Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }),
    );
    assert.equal(bodyCut.kind, 'connection');
    const syntax = classifyError(new SyntaxError('Unexpected end of JSON input'));
    assert.equal(syntax.kind, 'malformed_response');
    assert.equal(syntax.retryable, false);
    assert.equal(classifyError(new MalformedResponseError('no choices')).kind, 'malformed_response');
    assert.equal(classifyError(new APIUserAbortError()).kind, 'aborted');
    assert.equal(classifyError(new Error('x'), { aborted: true }).kind, 'aborted');
    assert.equal(classifyError(new RangeError('bug')).retryable, false);
  });
  it('never lets the API key through', () => {
    const key = 'sk-test-SECRET-0123456789';
    const e = classifyError(httpError(401, {}, `Incorrect API key provided: ${key}`), { apiKey: key });
    assert.ok(!e.message.includes(key), e.message);
    assert.match(e.message, /\[redacted\]/);
    const custom = 'my-local-key-abc';
    assert.ok(!classifyError(new Error(`header Authorization: Bearer ${custom}`), { apiKey: custom }).message.includes(custom));
    assert.equal(redactSecret('Bearer abc.def', null), 'Bearer [redacted]');
    assert.equal(redactSecret('key sk-abcdefghijk used', null), 'key sk-[redacted] used');
  });
});

describe('withRetry', () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 5 };

  it('retries retryable failures up to maxRetries, then fails with the count', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw httpError(503);
        },
        { maxRetries: 3, ...fast },
      ),
      (e: unknown) => e instanceof InferenceError && e.attempts === 4 && /gave up after 4 attempts/.test(e.message) && e.status === 503,
    );
    assert.equal(calls, 4);
  });
  it('returns as soon as an attempt succeeds', async () => {
    let calls = 0;
    const v = await withRetry(
      async (n) => {
        calls++;
        if (n < 2) throw httpError(500);
        return 'ok';
      },
      { maxRetries: 5, ...fast },
    );
    assert.equal(v, 'ok');
    assert.equal(calls, 3);
  });
  it('does not retry 400/401/403/404', async () => {
    for (const status of [400, 401, 403, 404]) {
      let calls = 0;
      await assert.rejects(
        withRetry(
          async () => {
            calls++;
            throw httpError(status);
          },
          { maxRetries: 5, ...fast },
        ),
        (e: unknown) => e instanceof InferenceError && e.attempts === 1 && !/gave up/.test(e.message),
      );
      assert.equal(calls, 1, String(status));
    }
  });
  it('reports each retry with its delay', async () => {
    const seen: number[] = [];
    await assert.rejects(
      withRetry(
        async () => {
          throw httpError(429, { 'retry-after-ms': '20' });
        },
        { maxRetries: 2, random: () => 0, onRetry: (r) => seen.push(r.delayMs) },
      ),
    );
    assert.deepEqual(seen, [20, 20]);
  });
  it('cancelling stops a pending wait immediately', async () => {
    const ctl = new AbortController();
    const started = Date.now();
    const p = withRetry(
      async () => {
        throw httpError(429, { 'retry-after': '30' });
      },
      { maxRetries: 3, signal: ctl.signal },
    );
    setTimeout(() => ctl.abort(), 30);
    await assert.rejects(p, (e: unknown) => e instanceof InferenceError && e.kind === 'aborted');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
  it('an already aborted signal makes no attempt', async () => {
    const ctl = new AbortController();
    ctl.abort();
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
        },
        { maxRetries: 1, signal: ctl.signal },
      ),
    );
    assert.equal(calls, 0);
  });
  it('abortableSleep resolves, or rejects on abort', async () => {
    await abortableSleep(5);
    const ctl = new AbortController();
    const p = abortableSleep(10_000, ctl.signal);
    ctl.abort();
    await assert.rejects(p, (e: unknown) => e instanceof InferenceError && e.kind === 'aborted');
  });
});
