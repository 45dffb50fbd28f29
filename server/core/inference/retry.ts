// Retries for model calls: exponential backoff with full jitter, Retry-After honoured, abortable.
// Pure module: no vscode, no LSP. The openai SDK is created with maxRetries: 0, so these are the
// only retries that happen.
//
// Policy (what is retried):
//   429                      → retried, after `retry-after-ms` / `Retry-After` (seconds or HTTP date)
//                              when the server sends one, else after the backoff
//   408, 409, 5xx            → retried (Retry-After honoured when present)
//   connection errors        → retried (refused, reset, socket closed mid-body)
//   timeouts                 → retried (our per-attempt timer covers headers AND body)
//   400, 401, 403, 404, 422… → never retried
//   malformed responses      → never retried (invalid JSON, a body that is not a chat completion)
//   cancellation             → never retried; the wait between attempts stops at once
// `x-should-retry: false` from the server turns a retryable status into a final one.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { redactSecret } from './redact';

export type FailureKind =
  'http' | 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'malformed_response' | 'aborted' | 'unknown';

/**
 * The one error type that leaves the inference and judge modules. Its message is meant for the
 * item's `failure_reason`: it says what happened and never contains the API key.
 */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  readonly kind: FailureKind;
  /** HTTP status when the server answered, else null. */
  readonly status: number | null;
  readonly retryable: boolean;
  /** What the server asked us to wait (Retry-After), in ms; null when it did not say. */
  readonly retryAfterMs: number | null;
  /** Attempts made before giving up (set by withRetry). */
  attempts: number;

  constructor(
    message: string,
    kind: FailureKind,
    opts: { status?: number | null; retryable?: boolean; retryAfterMs?: number | null; attempts?: number } = {},
  ) {
    super(message);
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.attempts = opts.attempts ?? 1;
  }
}

export function abortedError(message = 'cancelled'): InferenceError {
  return new InferenceError(message, 'aborted');
}

// ---- secrets --------------------------------------------------------------------------------

// Applied to every message an InferenceError is built from, because servers echo keys back
// (e.g. "Incorrect API key provided: sk-…"), always on the whole text before it is cut.
export { redactSecret } from './redact';

function truncate(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

// ---- Retry-After ----------------------------------------------------------------------------

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | null | undefined;

function header(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name);
  }
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI's, milliseconds) first,
 * then `Retry-After` as delta-seconds or an HTTP date. Null when absent or unparsable.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | null {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v)) return Math.max(0, v);
  }
  const ra = header(headers, 'retry-after');
  if (ra !== null && ra.trim() !== '') {
    const trimmed = ra.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return null;
}

// ---- backoff --------------------------------------------------------------------------------

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff ceiling; doubles per retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling of the backoff. Default 20 s. */
  maxDelayMs?: number;
  /** Longest Retry-After we honour as asked; longer ones are waited for this long. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Injected for tests. Default Math.random. */
  random?: () => number;
}

/** Full jitter: uniform in [0, min(maxDelay, base · 2^retryIndex)). */
export function backoffDelay(retryIndex: number, policy: Omit<RetryPolicy, 'maxRetries'> = {}): number {
  const base = policy.baseDelayMs ?? 500;
  const max = policy.maxDelayMs ?? 20_000;
  const random = policy.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(retryIndex, 30));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry number `retryIndex` (0-based). With a Retry-After we wait what the server
 * asked, plus up to 10% jitter (never less than asked, so clients that were told the same time do
 * not come back in lockstep); without one, the full-jitter backoff.
 */
export function retryDelay(err: InferenceError, retryIndex: number, policy: Omit<RetryPolicy, 'maxRetries'> = {}): number {
  if (err.retryAfterMs !== null) {
    const asked = Math.min(err.retryAfterMs, policy.maxRetryAfterMs ?? 60_000);
    const random = policy.random ?? Math.random;
    return Math.ceil(asked + random() * Math.min(asked * 0.1, 1_000));
  }
  return backoffDelay(retryIndex, policy);
}

/** Resolves after `ms`, or rejects with an aborted InferenceError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// ---- classification -------------------------------------------------------------------------

/** Thrown by our own response parsing when the body is JSON but not a chat completion. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

export interface ClassifyContext {
  apiKey?: string | null;
  /** Our per-attempt timer fired. */
  timedOut?: boolean;
  /** The caller's signal aborted (cancellation). */
  aborted?: boolean;
  timeoutMs?: number;
}

function connectionDetail(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur instanceof Error && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${cur.message} (${code})` : cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return [...new Set(parts.filter((p) => p && p !== 'Connection error.'))].join(': ') || 'connection error';
}

const CONNECTION_CODES = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_/;

function looksLikeConnectionError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur instanceof Error && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.test(code)) return true;
    if (/^(terminated|fetch failed|other side closed|socket hang up)$/i.test(cur.message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function serverMessage(e: APIError): string {
  const body = e.error as unknown;
  if (body && typeof body === 'object') {
    const m = (body as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
    try {
      return JSON.stringify(body);
    } catch {
      /* fall through */
    }
  }
  return e.message.replace(/^\d{3}\s+/, '') || 'no body';
}

/**
 * Turns anything a model call can throw (SDK errors, fetch errors, our parse errors) into an
 * InferenceError with a redacted, human-readable message and a retry decision.
 */
export function classifyError(e: unknown, ctx: ClassifyContext = {}): InferenceError {
  const key = ctx.apiKey ?? null;
  const make = (message: string, kind: FailureKind, opts: ConstructorParameters<typeof InferenceError>[2] = {}) =>
    new InferenceError(truncate(redactSecret(message, key), 600), kind, opts);

  if (e instanceof InferenceError) {
    return e.message === redactSecret(e.message, key) ? e : make(e.message, e.kind, e);
  }
  if (ctx.aborted) return abortedError();
  if (ctx.timedOut || e instanceof APIConnectionTimeoutError) {
    const after = ctx.timeoutMs !== undefined ? ` after ${ctx.timeoutMs} ms` : '';
    return make(`request timed out${after}`, 'timeout', { retryable: true });
  }
  if (e instanceof APIUserAbortError) return abortedError();
  if (e instanceof APIConnectionError) {
    return make(`connection error: ${connectionDetail(e)}`, 'connection', { retryable: true });
  }
  if (e instanceof APIError) {
    const status = e.status;
    const headers = e.headers;
    // Redacted before it is cut (a key echoed near the cut would otherwise survive minus its end).
    const msg = truncate(redactSecret(serverMessage(e), key));
    if (status === undefined) {
      // An error event inside a stream: the server failed mid-answer.
      return make(`server error during streaming: ${msg}`, 'server_error', { retryable: true });
    }
    const shouldRetry = header(headers, 'x-should-retry');
    const retryAfterMs = parseRetryAfter(headers);
    const never = status === 400 || status === 401 || status === 403 || status === 404;
    let retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    if (shouldRetry === 'false') retryable = false;
    if (shouldRetry === 'true' && !never) retryable = true;
    if (never) retryable = false;
    const kind: FailureKind = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'http';
    const what = status === 429 ? 'rate limited' : status >= 500 ? 'server error' : 'request rejected';
    return make(`HTTP ${status} (${what}): ${msg}`, kind, { status, retryable, retryAfterMs });
  }
  if (e instanceof SyntaxError) {
    return make(`malformed response: the body is not valid JSON (${e.message})`, 'malformed_response');
  }
  if (e instanceof MalformedResponseError) {
    return make(`malformed response: ${e.message}`, 'malformed_response');
  }
  if (e instanceof Error && e.name === 'AbortError') return abortedError();
  if (looksLikeConnectionError(e)) {
    return make(`connection error: ${connectionDetail(e)}`, 'connection', { retryable: true });
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return make(`unexpected error: ${message}`, 'unknown');
}

// ---- the loop -------------------------------------------------------------------------------

export interface RetryEvent {
  /** 1-based number of the attempt that failed. */
  attempt: number;
  delayMs: number;
  error: InferenceError;
}

export interface WithRetryOptions extends RetryPolicy {
  signal?: AbortSignal;
  /** Maps a thrown value to an InferenceError. Default: classifyError(e). */
  classify?: (e: unknown) => InferenceError;
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Runs `attempt(n)` (n = 0, 1, …) until it succeeds, fails with a non-retryable error, or
 * `maxRetries` retries are spent. Throws an InferenceError whose message ends with the number
 * of attempts when more than one was made. Cancelling stops a pending wait immediately.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, opts: WithRetryOptions): Promise<T> {
  const { signal } = opts;
  const classify = opts.classify ?? ((e: unknown) => classifyError(e));
  const maxRetries = Math.max(0, Math.floor(opts.maxRetries));
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw abortedError();
    try {
      return await attempt(n);
    } catch (thrown) {
      if (signal?.aborted) throw abortedError();
      const err = classify(thrown);
      if (err.kind === 'aborted') throw err;
      if (!err.retryable || n >= maxRetries) {
        const attempts = n + 1;
        const suffix = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
        const final = new InferenceError(`${err.message}${suffix}`, err.kind, {
          status: err.status,
          retryable: err.retryable,
          retryAfterMs: err.retryAfterMs,
          attempts,
        });
        throw final;
      }
      const delayMs = retryDelay(err, n, opts);
      opts.onRetry?.({ attempt: n + 1, delayMs, error: err });
      await abortableSleep(delayMs, signal);
    }
  }
}
