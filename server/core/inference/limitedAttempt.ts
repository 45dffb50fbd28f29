// One attempt of a model request under the rate limiter and its own timeout. The permit is taken
// before the attempt and settled with the tokens it used (none when it failed); the caller's
// abort and the attempt's timer are joined in one signal. The OpenAI-compatible client and the
// editor's language models share it, so both count tokens and time out the same way.
import type { RateLimiter } from './rateLimiter';

export interface AttemptControl {
  /** Aborted when the caller aborts or the attempt's time is up. */
  signal: AbortSignal;
  /** Whether the attempt's timer (not the caller) aborted it. */
  timedOut(): boolean;
  /** performance.now() when the attempt started (after the permit). */
  started: number;
}

export async function limitedAttempt<T>(
  opts: { limiter?: RateLimiter; timeoutMs: number },
  estimatedTokens: number,
  signal: AbortSignal,
  run: (attempt: AttemptControl) => Promise<T>,
  tokensUsed: (value: T) => number | null,
): Promise<T> {
  const permit = opts.limiter && !opts.limiter.unlimited ? await opts.limiter.acquire(estimatedTokens, signal) : null;
  const ctl = new AbortController();
  let timedOut = false;
  const onAbort = () => ctl.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, opts.timeoutMs);
  try {
    const value = await run({ signal: ctl.signal, timedOut: () => timedOut, started: performance.now() });
    permit?.settle(tokensUsed(value));
    return value;
  } catch (e) {
    permit?.settle(null);
    throw e;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
