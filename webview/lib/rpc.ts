// The webview side of the message protocol: `request()` posts a request with a fresh id and
// resolves with the host's response of the same id; `onNotification()` subscribes to host
// notifications. Transport-agnostic (post + subscribe are injected) so it is testable in Node.
import type {
  AnyWebviewProtocol,
  NotificationKeys,
  NotificationParams,
  RequestEnvelope,
  RequestKeys,
  RequestParams,
  RequestResult,
} from '../../common/webviewProtocol';
import type { MethodTable } from '../../common/webviewMethods';

export interface Transport {
  post(message: unknown): void;
  /** Calls `listener` with each message from the host; returns an unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void;
}

export class RpcError extends Error {
  constructor(
    message: string,
    readonly method: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface RpcClient<T extends AnyWebviewProtocol> {
  request<K extends RequestKeys<T>>(key: K, params: RequestParams<T[K]>): Promise<RequestResult<T[K]>>;
  onNotification<K extends NotificationKeys<T>>(key: K, handler: (params: NotificationParams<T[K]>) => void): () => void;
  /** Rejects all pending requests and stops listening. */
  dispose(): void;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * `protocol`: the protocol itself, or its zod-free method table (common/webviewMethods.ts, with the
 * protocol as type argument) — the client uses each key's kind and method name only.
 */
export function createRpcClient<T extends AnyWebviewProtocol>(
  protocol: T | MethodTable<T>,
  transport: Transport,
  options: { timeoutMs?: number } = {},
): RpcClient<T> {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const handlers = new Map<string, Set<(params: unknown) => void>>();

  const unsubscribe = transport.subscribe((message) => {
    if (!isRecord(message)) return;
    if (message.type === 'response' && typeof message.id === 'number') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (entry.timer) clearTimeout(entry.timer);
      if (message.ok === true) entry.resolve(message.result);
      else {
        const error = isRecord(message.error) && typeof message.error.message === 'string' ? message.error.message : 'Request failed';
        entry.reject(new RpcError(error, entry.method));
      }
    } else if (message.type === 'notification' && typeof message.method === 'string') {
      for (const handler of handlers.get(message.method) ?? []) handler(message.params);
    }
  });

  return {
    request(key, params) {
      const spec = (protocol as MethodTable<T>)[key];
      if (!spec || spec.kind !== 'request') return Promise.reject(new Error(`not a request: ${String(key)}`));
      const id = nextId++;
      const envelope: RequestEnvelope = { type: 'request', id, method: spec.method, params };
      return new Promise((resolve, reject) => {
        const timer =
          options.timeoutMs !== undefined
            ? setTimeout(() => {
                pending.delete(id);
                reject(new RpcError(`${spec.method} timed out`, spec.method));
              }, options.timeoutMs)
            : undefined;
        pending.set(id, { method: spec.method, resolve: resolve as (v: unknown) => void, reject, timer });
        transport.post(envelope);
      });
    },
    onNotification(key, handler) {
      const spec = (protocol as MethodTable<T>)[key];
      if (!spec || spec.kind !== 'notification') throw new Error(`not a notification: ${String(key)}`);
      let set = handlers.get(spec.method);
      if (!set) handlers.set(spec.method, (set = new Set()));
      const h = handler as (params: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    dispose() {
      unsubscribe();
      for (const [, entry] of pending) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.reject(new RpcError('disposed', entry.method));
      }
      pending.clear();
      handlers.clear();
    },
  };
}
