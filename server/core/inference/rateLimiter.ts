// Client-side rate limiting: requests-per-minute and tokens-per-minute budgets over a sliding
// window. A sliding log (not a token bucket) so that the guarantee is the one providers state:
// in ANY window of `windowMs`, at most `requestsPerMinute` requests and `tokensPerMinute` tokens
// (the estimate made before the call, replaced by the usage the server reported once it
// answered). Waiters are served first-in first-out.
//
// The server counts a request when it ARRIVES, which is somewhere between our grant and the
// answer (connection set-up, a slow event loop…). So a request occupies the budget from its
// grant until `windowMs` after settle() — the answer — was called, however long it is in
// flight: the server then never sees more than the budget in any window, at the price of
// ~latency/window less throughput (2–3 % with one-minute windows and second-long calls).
// A permit that is never settled (a caller's bug) is released `maxInFlightMs` after its grant.
import { abortedError } from './retry';

export interface RateLimiterOptions {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  /** The window the budgets apply to. Default 60 000 ms; tests use shorter ones. */
  windowMs?: number;
  /** Clock, injectable for tests. Default Date.now. */
  now?: () => number;
  /** An unsettled permit stops counting this long after its window would have ended. Default 10 min. */
  maxInFlightMs?: number;
}

export interface RateLimitPermit {
  /** Tokens charged until settle() replaces them. */
  readonly estimatedTokens: number;
  /** Clock time the request was let through. */
  readonly grantedAt: number;
  /**
   * Replace the estimate with the real usage (prompt + completion tokens). `null` keeps the
   * estimate (the call failed or the server did not report usage). Either way the request
   * counts in the window until `windowMs` after this call. Idempotent.
   */
  settle(actualTokens: number | null | undefined): void;
}

interface Entry {
  /** When the entry leaves the window: settle time + windowMs (in flight: grant + windowMs + maxInFlightMs). */
  expires: number;
  tokens: number;
}

interface Waiter {
  tokens: number;
  resolve: (permit: RateLimitPermit) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class RateLimiter {
  readonly requestsPerMinute: number | null;
  readonly tokensPerMinute: number | null;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxInFlightMs: number;
  private entries: Entry[] = [];
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: RateLimiterOptions = {}) {
    this.requestsPerMinute = opts.requestsPerMinute && opts.requestsPerMinute > 0 ? opts.requestsPerMinute : null;
    this.tokensPerMinute = opts.tokensPerMinute && opts.tokensPerMinute > 0 ? opts.tokensPerMinute : null;
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.maxInFlightMs = opts.maxInFlightMs ?? 600_000;
  }

  /** True when neither budget is set: acquire() then never waits. */
  get unlimited(): boolean {
    return this.requestsPerMinute === null && this.tokensPerMinute === null;
  }

  /** Requests waiting for budget. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Requests and tokens charged in the current window. */
  usage(): { requests: number; tokens: number } {
    this.prune(this.now());
    return { requests: this.entries.length, tokens: this.entries.reduce((s, e) => s + e.tokens, 0) };
  }

  /**
   * Waits until a request of `estimatedTokens` fits both budgets, then charges it. Rejects with
   * an aborted InferenceError as soon as `signal` aborts (and gives its place up).
   */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateLimitPermit> {
    const tokens = Math.max(0, Math.ceil(Number.isFinite(estimatedTokens) ? estimatedTokens : 0));
    if (signal?.aborted) return Promise.reject(abortedError());
    if (this.unlimited) return Promise.resolve({ estimatedTokens: tokens, grantedAt: this.now(), settle: () => {} });
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortedError());
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  private prune(now: number): void {
    if (this.entries.some((e) => e.expires <= now)) this.entries = this.entries.filter((e) => e.expires > now);
  }

  /** 0 when `tokens` fits now, else how long until enough of the window has expired. */
  private waitFor(tokens: number, now: number): number {
    const rpm = this.requestsPerMinute;
    const tpm = this.tokensPerMinute;
    const need = tpm === null ? 0 : Math.min(tokens, tpm); // bigger than the budget: goes alone
    const used = this.entries.reduce((s, e) => s + e.tokens, 0);
    const rpmFull = rpm !== null && this.entries.length >= rpm;
    const tpmFull = tpm !== null && used + need > tpm;
    if (!rpmFull && !tpmFull) return 0;
    const byExpiry = [...this.entries].sort((a, b) => a.expires - b.expires);
    let wait = 0;
    if (rpmFull) wait = Math.max(wait, byExpiry[byExpiry.length - rpm]!.expires - now);
    if (tpmFull) {
      let left = used;
      for (const e of byExpiry) {
        left -= e.tokens;
        if (left + need <= tpm!) {
          wait = Math.max(wait, e.expires - now);
          break;
        }
      }
    }
    return Math.max(1, Math.ceil(wait) + 1);
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length > 0) {
      const now = this.now();
      this.prune(now);
      const head = this.queue[0]!;
      const wait = this.waitFor(head.tokens, now);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if (head.signal && head.onAbort) head.signal.removeEventListener('abort', head.onAbort);
      // In flight: counts until settled (see the top of the file).
      const entry: Entry = { expires: now + this.windowMs + this.maxInFlightMs, tokens: head.tokens };
      this.entries.push(entry);
      let settled = false;
      head.resolve({
        estimatedTokens: head.tokens,
        grantedAt: now,
        settle: (actual) => {
          if (settled) return;
          settled = true;
          entry.expires = this.now() + this.windowMs;
          if (actual !== null && actual !== undefined && Number.isFinite(actual)) entry.tokens = Math.max(0, Math.ceil(actual));
          // A smaller real usage can free budget for whoever waits; a later expiry may delay.
          if (this.queue.length > 0) this.pump();
        },
      });
    }
  }
}
