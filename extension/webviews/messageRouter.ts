// The host side of the webview protocol: validates each request from the page against its
// zod schema, runs the handler and answers with the same id (result or error); sends
// notifications. Written against a minimal webview shape so it is testable without VS Code.
import {
  requestEnvelopeSchema,
  type AnyWebviewProtocol,
  type NotificationKeys,
  type NotificationParams,
  type ParsedRequestParams,
  type RequestKeys,
  type RequestResult,
  type ResponseEnvelope,
} from '../../common/webviewProtocol';
import { formatZodError } from '../../common/schema';

export interface MessagePort {
  onDidReceiveMessage(listener: (message: unknown) => void): { dispose(): void };
  postMessage(message: unknown): PromiseLike<boolean>;
}

export type RequestHandlers<T extends AnyWebviewProtocol> = {
  [K in RequestKeys<T>]: (params: ParsedRequestParams<T[K]>) => Promise<RequestResult<T[K]>> | RequestResult<T[K]>;
};

export interface RouterOptions {
  /** Where handler failures are logged (the page gets the message only). */
  log?: (message: string, error?: unknown) => void;
}

/** Serves the protocol's requests on `port`; returns a disposable that stops listening. */
export function serveRequests<T extends AnyWebviewProtocol>(
  port: MessagePort,
  protocol: T,
  handlers: RequestHandlers<T>,
  options: RouterOptions = {},
): { dispose(): void } {
  const byMethod = new Map<
    string,
    { key: string; params: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } } }
  >();
  for (const [key, spec] of Object.entries(protocol)) if (spec.kind === 'request') byMethod.set(spec.method, { key, params: spec.params });

  const reply = (message: ResponseEnvelope) => {
    void Promise.resolve(port.postMessage(message)).catch(() => undefined);
  };

  return port.onDidReceiveMessage(async (raw) => {
    const envelope = requestEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      options.log?.('webview sent a malformed message', raw);
      return;
    }
    const { id, method, params } = envelope.data;
    const entry = byMethod.get(method);
    if (!entry) {
      reply({ type: 'response', id, ok: false, error: { message: `Unknown request: ${method}` } });
      return;
    }
    const parsed = entry.params.safeParse(params ?? {});
    if (!parsed.success) {
      const error = parsed.error as Parameters<typeof formatZodError>[0];
      reply({ type: 'response', id, ok: false, error: { message: `Invalid ${method} params: ${formatZodError(error)}` } });
      return;
    }
    try {
      const handler = (handlers as Record<string, (p: unknown) => unknown>)[entry.key]!;
      const result = await handler(parsed.data);
      reply({ type: 'response', id, ok: true, result });
    } catch (error) {
      options.log?.(`${method} failed`, error);
      reply({ type: 'response', id, ok: false, error: { message: error instanceof Error ? error.message : String(error) } });
    }
  });
}

/** Sends a notification to the page; false when the page is gone or hidden. */
export async function notify<T extends AnyWebviewProtocol, K extends NotificationKeys<T>>(
  port: MessagePort,
  protocol: T,
  key: K,
  params: NotificationParams<T[K]>,
): Promise<boolean> {
  const spec = protocol[key as string]!;
  try {
    return await port.postMessage({ type: 'notification', method: spec.method, params });
  } catch {
    return false;
  }
}

/**
 * Runs `task` at most once per `intervalMs`: a trigger during a run or the cool-down is
 * remembered and runs once afterwards (so the last change is never lost).
 */
export function throttle(task: () => Promise<void>, intervalMs: number): { trigger(): void; dispose(): void } {
  let busy = false;
  let pending = false;
  let disposed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    busy = true;
    pending = false;
    try {
      await task();
    } catch {
      /* the task reports its own errors */
    }
    timer = setTimeout(() => {
      busy = false;
      timer = undefined;
      if (pending && !disposed) void run();
    }, intervalMs);
  };
  return {
    trigger() {
      if (disposed) return;
      if (busy) pending = true;
      else void run();
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
