// Polling a batch until it ends, with backoff: the first wait is the configured interval, each
// next one half as long again, capped at 5 minutes (or the interval, if longer), each jittered by
// ±20 % so that many runs started together do not poll in step. A poll that fails for a reason
// worth retrying (a dropped connection, a 5xx, a 429) after the client's own retries is waited out
// and tried again: a batch runs for hours, and an outage must not lose it. Cancelling stops the
// wait at once.
import { abortableSleep, InferenceError } from '../retry';
import { type BatchClient, type BatchState, TERMINAL_STATUSES } from './batchClient';

export const MAX_POLL_WAIT_MS = 300_000;

export function pollDelay(pollIndex: number, initialMs: number, random: () => number = Math.random): number {
  const cap = Math.max(initialMs, MAX_POLL_WAIT_MS);
  const base = Math.min(cap, initialMs * 1.5 ** Math.min(pollIndex, 60));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface PollOptions {
  initialMs: number;
  signal: AbortSignal;
  /** Each state seen (progress). */
  onState?: (state: BatchState) => void;
  /** A poll failed and will be tried again. */
  onPollError?: (error: InferenceError) => void;
  random?: () => number;
}

/** The batch's state once it is completed, failed, expired or cancelled. */
export async function pollUntilDone(client: BatchClient, batchId: string, opts: PollOptions): Promise<BatchState> {
  for (let n = 0; ; n++) {
    try {
      const state = await client.retrieve(batchId, opts.signal);
      opts.onState?.(state);
      if (TERMINAL_STATUSES.includes(state.status)) return state;
    } catch (e) {
      if (!(e instanceof InferenceError) || !e.retryable || opts.signal.aborted) throw e;
      opts.onPollError?.(e);
    }
    await abortableSleep(pollDelay(n, opts.initialMs, opts.random), opts.signal);
  }
}

/** `attempt()` until it succeeds or fails for a reason not worth retrying; waits as polling does between tries. */
export async function patiently<T>(
  attempt: () => Promise<T>,
  initialMs: number,
  signal: AbortSignal,
  onError: (error: InferenceError) => void,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof InferenceError) || !e.retryable || signal.aborted) throw e;
      onError(e);
    }
    await abortableSleep(pollDelay(n, initialMs), signal);
  }
}
