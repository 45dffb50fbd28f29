// The one place that touches `acquireVsCodeApi` (callable once per page) and `window` messages.
import type { Transport } from './rpc';

export interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

let api: VsCodeApi<unknown> | undefined;

export function vscodeApi<S>(): VsCodeApi<S> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<S>;
}

export function windowTransport(): Transport {
  return {
    post: (message) => vscodeApi().postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => listener(event.data);
      window.addEventListener('message', onMessage);
      return () => window.removeEventListener('message', onMessage);
    },
  };
}

/** Debounced `setState`, so that typing does not serialise the draft on every key. */
export function persistentState<S>(delayMs = 150): { load(): S | undefined; save(state: S): void; flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: S | undefined;
  const write = () => {
    timer = undefined;
    if (latest !== undefined) vscodeApi<S>().setState(latest);
  };
  // A hidden webview is torn down (retainContextWhenHidden is off): write the last state first.
  const flushOnHide = () => {
    if (timer) {
      clearTimeout(timer);
      write();
    }
  };
  window.addEventListener('pagehide', flushOnHide);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flushOnHide());
  return {
    load: () => vscodeApi<S>().getState(),
    save(state) {
      latest = state;
      if (timer) clearTimeout(timer);
      timer = setTimeout(write, delayMs);
    },
    flush() {
      if (timer) clearTimeout(timer);
      write();
    },
  };
}
