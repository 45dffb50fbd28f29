// Bounded-concurrency work pool. Items start in order; at most `concurrency` workers run at once.
// On abort: nothing new starts (checked synchronously, so within the same tick), and every
// in-flight worker sees its signal abort. runPool resolves once the started workers have settled,
// so that the caller knows nothing is still running when it returns.

export interface PoolResult<T> {
  /** Workers started. */
  started: number;
  /** Workers that resolved. */
  completed: number;
  /** Workers that threw (the pool goes on with the other items). */
  failed: { item: T; error: unknown }[];
  /** The signal aborted before every item had been started and finished. */
  aborted: boolean;
}

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<PoolResult<T>> {
  const limit = Math.max(1, Math.floor(Number.isFinite(concurrency) ? concurrency : 1));
  const result: PoolResult<T> = { started: 0, completed: 0, failed: [], aborted: false };
  if (signal.aborted) {
    result.aborted = items.length > 0;
    return result;
  }
  // One controller for the in-flight workers, aborted from the caller's signal.
  const inner = new AbortController();
  let wake: (() => void) | null = null;
  const forward = () => {
    inner.abort(signal.reason);
    wake?.();
  };
  signal.addEventListener('abort', forward, { once: true });

  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      let active = 0;
      const finishedAll = () => active === 0 && (signal.aborted || next >= items.length);
      const launch = () => {
        while (!signal.aborted && active < limit && next < items.length) {
          const item = items[next++] as T;
          active++;
          result.started++;
          let run: Promise<void>;
          try {
            run = Promise.resolve(worker(item, inner.signal));
          } catch (e) {
            run = Promise.reject(e);
          }
          run
            .then(
              () => {
                result.completed++;
              },
              (error: unknown) => {
                result.failed.push({ item, error });
              },
            )
            .finally(() => {
              active--;
              if (finishedAll()) resolve();
              else launch();
            });
        }
        if (finishedAll()) resolve();
      };
      wake = () => {
        if (finishedAll()) resolve();
      };
      launch();
    });
  } finally {
    signal.removeEventListener('abort', forward);
  }
  result.aborted = signal.aborted && result.completed + result.failed.length < items.length;
  return result;
}
