// A local OpenAI-compatible HTTP server for tests and benchmarks (node:http, 127.0.0.1, random
// port). `/v1/chat/completions` answers like a model would: text, tool calls, JSON conforming to
// a requested json_schema response_format, usage with completion_tokens_details.reasoning_tokens,
// and SSE streaming when asked. The same answers come in the providers' own shapes, not streamed:
// OpenAI Responses (`/v1/responses`), Anthropic Messages (`/v1/messages`), Gemini GenerateContent
// (`/v1beta/models/{model}:generateContent`), AWS Bedrock Converse (`/model/{modelId}/converse`). Every request can be scripted: latency, errors with headers
// (429 + Retry-After), hangs, malformed JSON, dropped connections, any body.
//
// Standalone: node --import tsx test/support/mockOpenAIServer.ts --port 8787 [--latency 200]
//             [--host 127.0.0.1] [--api-key KEY]        (--port 0: a free port; the first line
//             printed is "mock OpenAI server listening on <url>")
// Out of band: GET /__mock/stats → {count, inFlight, maxConcurrent, firstArrival, lastArrival,
//             lastFinish}; POST /__mock/reset.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';

export interface RecordedRequest {
  /** 0-based arrival order. */
  n: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The JSON body, or null when there was none / it was not JSON. */
  body: unknown;
  rawBody: string;
  /** Date.now() at arrival (after the body was read). */
  receivedAt: number;
}

export interface MockToolCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

export type Behaviour =
  /** A normal answer. Without content/tool_calls: a conforming JSON object when a json_schema
   * response_format was asked for, else a short text. */
  | {
      kind: 'ok';
      latencyMs?: number;
      content?: string | null;
      tool_calls?: MockToolCall[];
      refusal?: string;
      usage?: Partial<MockUsage>;
      /** Omit `usage` from the answer entirely. */
      noUsage?: boolean;
      finish_reason?: string;
      /** Streaming: delay between chunks. */
      chunkDelayMs?: number;
    }
  /** An HTTP error: `body` is sent as JSON (default: an OpenAI-style error object). */
  | { kind: 'error'; status: number; latencyMs?: number; body?: unknown; headers?: Record<string, string>; message?: string }
  /** Never answers (the socket stays open until the client gives up). */
  | { kind: 'hang' }
  /** Sends 200 + headers, then never sends the body. */
  | { kind: 'hangAfterHeaders' }
  /** 200, content-type application/json, body that is not JSON. */
  | { kind: 'malformed'; latencyMs?: number; body?: string }
  /** Closes the connection without answering. */
  | { kind: 'drop'; latencyMs?: number }
  /** Anything: status, headers, body as given. */
  | { kind: 'raw'; latencyMs?: number; status?: number; headers?: Record<string, string>; body: string };

export type Script = (req: RecordedRequest, n: number) => Behaviour | undefined | Promise<Behaviour | undefined>;

export interface MockStats {
  /** Chat-completion requests received. */
  count: number;
  /** Requests being answered right now. */
  inFlight: number;
  /** Highest inFlight seen. */
  maxConcurrent: number;
  /** Arrival times (Date.now()) of chat-completion requests. */
  arrivals: number[];
  /** Usage tokens (prompt + completion) answered, with the arrival time of their request. */
  tokens: { at: number; tokens: number }[];
  /** Most requests that arrived within any window of `windowMs` (default 60 s). */
  maxInWindow(windowMs?: number): number;
  /** Most usage tokens answered for requests that arrived within any window of `windowMs`. */
  maxTokensInWindow(windowMs?: number): number;
  /** Requests that arrived in the last `windowMs` (default 60 s). */
  perMinute(windowMs?: number): number;
}

export interface MockServer {
  /** Base URL ending in /v1. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Chat-completion requests only (the others are /v1/models …). */
  chatRequests(): RecordedRequest[];
  stats: MockStats;
  /** Forget requests and stats. */
  reset(): void;
  close(): Promise<void>;
}

export interface MockOptions {
  script?: Script;
  /** Latency of unscripted answers. Default 0. */
  latencyMs?: number;
  port?: number;
  host?: string;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401 that echoes the key
   * they sent (as some real servers do) — for tests that the key never reaches an error. */
  apiKey?: string;
  model?: string;
}

// ---- answers ------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value conforming to a (subset of) JSON schema: the answer of a well-behaved model. */
export function exampleForSchema(schema: unknown, key = 'value', depth = 0): Json {
  if (!isRecord(schema) || depth > 12) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if ('const' in schema) return schema.const as Json;
  const anyOf = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(anyOf) && anyOf.length > 0) {
    const nonNull = anyOf.find((s) => !(isRecord(s) && s.type === 'null')) ?? anyOf[0];
    return exampleForSchema(nonNull, key, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const props = isRecord(schema.properties) ? schema.properties : {};
      for (const [k, v] of Object.entries(props)) out[k] = exampleForSchema(v, k, depth + 1);
      return out;
    }
    case 'array':
      return [exampleForSchema(schema.items, key, depth + 1)];
    case 'string':
      return `example ${key}`;
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return isRecord(schema.properties) ? exampleForSchema({ ...schema, type: 'object' }, key, depth + 1) : null;
  }
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (isRecord(m) && m.role === 'user') {
      if (typeof m.content === 'string') return m.content;
      if (Array.isArray(m.content)) return m.content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join(' ');
    }
  }
  return '';
}

export function defaultContent(body: Record<string, unknown>): string {
  const rf = body.response_format;
  if (isRecord(rf) && rf.type === 'json_schema' && isRecord(rf.json_schema)) {
    return JSON.stringify(exampleForSchema(rf.json_schema.schema));
  }
  if (isRecord(rf) && rf.type === 'json_object') return '{"answer": "mock"}';
  const q = lastUserText(body).replace(/\s+/g, ' ').slice(0, 80);
  return q ? `Mock answer to: ${q}` : 'Mock answer.';
}

/**
 * Logprobs of a text as a model would give them: one token per word (with its leading space);
 * a token holding a digit is unlikely (logprob −2.5, p ≈ 0.08), any other likely (−0.05). With
 * `top_logprobs` n, the token itself and n−1 made-up alternatives.
 */
export function mockLogprobs(text: string, topLogprobs?: unknown) {
  const n = typeof topLogprobs === 'number' ? topLogprobs : 0;
  return (text.match(/\s*\S+|\s+/g) ?? []).map((token) => {
    const logprob = /\d/.test(token) ? -2.5 : -0.05;
    const alternatives = Array.from({ length: n }, (_, i) => (i === 0 ? { token, logprob } : { token: `alt${i}`, logprob: logprob - i }));
    return { token, logprob, bytes: null, top_logprobs: alternatives };
  });
}

function usageFor(body: Record<string, unknown>, completionText: string, b: Extract<Behaviour, { kind: 'ok' }>): MockUsage {
  const reasoningAsked = body.reasoning_effort !== undefined || body.reasoning !== undefined || body.thinking !== undefined;
  const reasoning = b.usage?.reasoning_tokens ?? (reasoningAsked ? 8 : 0);
  return {
    prompt_tokens: b.usage?.prompt_tokens ?? Math.ceil(JSON.stringify(body.messages ?? body.input ?? body.contents ?? []).length / 4),
    completion_tokens: b.usage?.completion_tokens ?? Math.max(1, Math.ceil(completionText.length / 4)) + reasoning,
    reasoning_tokens: reasoning,
  };
}

function usageJson(u: MockUsage) {
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    completion_tokens_details: { reasoning_tokens: u.reasoning_tokens },
  };
}

interface NativeAnswer {
  n: number;
  created: number;
  model: string;
  content: string | null;
  calls: { id: string; function: { name: string; arguments: string } }[];
  usage: MockUsage;
  noUsage: boolean;
}

/** The answer in the shape of the API the path belongs to; null for Chat Completions. */
function nativeAnswer(urlPath: string, a: NativeAnswer): Record<string, unknown> | null {
  if (/\/responses\/?$/.test(urlPath)) return responsesAnswer(a);
  if (/\/v1\/messages\/?$/.test(urlPath)) return anthropicAnswer(a);
  if (/:generateContent$/.test(urlPath)) return geminiAnswer(a);
  if (/\/model\/[^/]+\/converse$/.test(urlPath)) return bedrockConverseAnswer(a);
  return null;
}

/** AWS Bedrock Converse (POST /model/{modelId}/converse): `toolUse` blocks or a text block. */
function bedrockConverseAnswer(a: NativeAnswer) {
  const content =
    a.calls.length > 0
      ? a.calls.map((c) => ({ toolUse: { toolUseId: c.id, name: c.function.name, input: parseArgs(c.function.arguments) } }))
      : [{ text: a.content ?? '' }];
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: a.calls.length > 0 ? 'tool_use' : 'end_turn',
    usage: {
      inputTokens: a.usage.prompt_tokens,
      outputTokens: a.usage.completion_tokens,
      totalTokens: a.usage.prompt_tokens + a.usage.completion_tokens,
    },
    metrics: { latencyMs: 0 },
  };
}

const parseArgs = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
};

/** Anthropic Messages API (POST /v1/messages): `tool_use` blocks (id, name, input) or a text block. */
function anthropicAnswer(a: NativeAnswer) {
  const content =
    a.calls.length > 0
      ? a.calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.function.name, input: parseArgs(c.function.arguments) }))
      : [{ type: 'text', text: a.content ?? '' }];
  return {
    id: `msg_mock_${a.n}`,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content,
    stop_reason: a.calls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: a.noUsage
      ? { input_tokens: 0, output_tokens: 0 }
      : { input_tokens: a.usage.prompt_tokens, output_tokens: a.usage.completion_tokens },
  };
}

/** Gemini GenerateContent (POST …/models/{model}:generateContent): a candidate whose parts are
 * `functionCall`s (name, args — Gemini gives no call id) or text. */
function geminiAnswer(a: NativeAnswer) {
  const parts =
    a.calls.length > 0
      ? a.calls.map((c) => ({ functionCall: { name: c.function.name, args: parseArgs(c.function.arguments) } }))
      : [{ text: a.content ?? '' }];
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    ...(a.noUsage
      ? {}
      : {
          usageMetadata: {
            promptTokenCount: a.usage.prompt_tokens,
            candidatesTokenCount: a.usage.completion_tokens,
            totalTokenCount: a.usage.prompt_tokens + a.usage.completion_tokens,
          },
        }),
    modelVersion: a.model,
    responseId: `mock-${a.n}`,
  };
}

/** The same answer as an OpenAI Responses API object (POST /v1/responses, not streamed): a
 * `function_call` output item per call (its `call_id` is the call's id) or one `message` item. */
function responsesAnswer(a: NativeAnswer) {
  const output =
    a.calls.length > 0
      ? a.calls.map((c, i) => ({
          type: 'function_call',
          id: `fc_mock_${a.n}_${i}`,
          call_id: c.id,
          name: c.function.name,
          arguments: c.function.arguments,
          status: 'completed',
        }))
      : [
          {
            type: 'message',
            id: `msg_mock_${a.n}`,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: a.content ?? '', annotations: [] }],
          },
        ];
  return {
    id: `resp_mock_${a.n}`,
    object: 'response',
    created_at: a.created,
    status: 'completed',
    model: a.model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    ...(a.noUsage
      ? {}
      : {
          usage: {
            input_tokens: a.usage.prompt_tokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: a.usage.completion_tokens,
            output_tokens_details: { reasoning_tokens: a.usage.reasoning_tokens },
            total_tokens: a.usage.prompt_tokens + a.usage.completion_tokens,
          },
        }),
  };
}

// ---- a scripted tool-calling conversation ----------------------------------------------------

export interface ToolConversationSpec {
  /** The call the model makes when the request offers tools and holds no tool result yet. */
  call: MockToolCall & { id: string };
  /** The answer once the request holds a tool result. */
  final: string;
  /** The answer to a request without tools. */
  plain: string;
}

/** Whether a Chat Completions request already carries a tool result (role tool, or legacy function). */
export function hasToolResult(body: unknown): boolean {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  if (messages.some((m: unknown) => isRecord(m) && (m.role === 'tool' || m.role === 'function'))) return true;
  // Anthropic Messages: a tool_result content block.
  const blocks = messages.flatMap((m: unknown) => (isRecord(m) && Array.isArray(m.content) ? (m.content as unknown[]) : []));
  if (blocks.some((c) => isRecord(c) && (c.type === 'tool_result' || isRecord(c.toolResult)))) return true; // Bedrock: toolResult
  // Gemini GenerateContent: a functionResponse part.
  const contents = isRecord(body) && Array.isArray(body.contents) ? body.contents : [];
  const parts = contents.flatMap((c: unknown) => (isRecord(c) && Array.isArray(c.parts) ? (c.parts as unknown[]) : []));
  if (parts.some((p) => isRecord(p) && (isRecord(p.functionResponse) || isRecord(p.function_response)))) return true;
  // Responses API: a function_call_output input item.
  const input = isRecord(body) && Array.isArray(body.input) ? body.input : [];
  return input.some((i: unknown) => isRecord(i) && i.type === 'function_call_output');
}

/** A script that plays one tool-calling conversation the same way every time: tools offered and
 * no result yet → the tool call; a tool result present → the final answer; no tools → the plain
 * answer. Deterministic, so traces recorded against it can be compared with fixed expectations. */
export function toolConversationScript(spec: ToolConversationSpec): Script {
  return (req) => {
    const body = isRecord(req.body) ? req.body : {};
    if (hasToolResult(body)) return { kind: 'ok', content: spec.final };
    const toolConfig = isRecord(body.toolConfig) ? body.toolConfig : {}; // Bedrock Converse
    const offersTools =
      (Array.isArray(body.tools) && body.tools.length > 0) || (Array.isArray(toolConfig.tools) && toolConfig.tools.length > 0);
    if (offersTools) return { kind: 'ok', content: null, tool_calls: [spec.call] };
    return { kind: 'ok', content: spec.plain };
  };
}

// ---- the server -----------------------------------------------------------------------------

function maxInWindow(times: { at: number; w: number }[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    sum += sorted[hi]!.w;
    while (sorted[hi]!.at - sorted[lo]!.at >= windowMs) sum -= sorted[lo++]!.w;
    best = Math.max(best, sum);
  }
  return best;
}

export async function startMockOpenAI(opts: MockOptions = {}): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sockets = new Set<Socket>();
  const model = opts.model ?? 'mock-model';
  let chatCount = 0;
  let lastFinish: number | null = null;

  const stats: MockStats = {
    count: 0,
    inFlight: 0,
    maxConcurrent: 0,
    arrivals: [],
    tokens: [],
    maxInWindow: (windowMs = 60_000) =>
      maxInWindow(
        stats.arrivals.map((at) => ({ at, w: 1 })),
        windowMs,
      ),
    maxTokensInWindow: (windowMs = 60_000) =>
      maxInWindow(
        stats.tokens.map((t) => ({ at: t.at, w: t.tokens })),
        windowMs,
      ),
    perMinute: (windowMs = 60_000) => {
      const from = Date.now() - windowMs;
      return stats.arrivals.filter((t) => t > from).length;
    },
  };

  const later = (ms: number, res: http.ServerResponse, fn: () => void) => {
    if (!ms || ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      if (!res.destroyed && !res.writableEnded) fn();
    }, ms);
    timers.add(t);
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  async function answerChat(rec: RecordedRequest, res: http.ServerResponse, n: number) {
    const body = isRecord(rec.body) ? rec.body : {};
    const scripted = opts.script ? await opts.script(rec, n) : undefined;
    const b: Behaviour = scripted ?? { kind: 'ok', latencyMs: opts.latencyMs };
    const arrivedAt = rec.receivedAt;
    switch (b.kind) {
      case 'hang':
        return; // the socket stays open; res 'close' ends the in-flight count
      case 'hangAfterHeaders':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      case 'drop':
        later(b.latencyMs ?? 0, res, () => res.socket?.destroy());
        return;
      case 'malformed':
        later(b.latencyMs ?? 0, res, () => {
          const text = b.body ?? '{"id": "chatcmpl-mock", "choices": [{"message": ';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        });
        return;
      case 'raw':
        later(b.latencyMs ?? 0, res, () => {
          res.writeHead(b.status ?? 200, { 'content-length': Buffer.byteLength(b.body), ...(b.headers ?? {}) });
          res.end(b.body);
        });
        return;
      case 'error':
        later(b.latencyMs ?? 0, res, () => {
          const errBody = b.body ?? {
            error: {
              message: b.message ?? `mock error ${b.status}`,
              type: b.status === 429 ? 'rate_limit_exceeded' : 'server_error',
              code: null,
            },
          };
          sendJson(res, b.status, errBody, b.headers);
        });
        return;
      case 'ok': {
        const calls = (b.tool_calls ?? []).map((c, i) => ({
          id: c.id ?? `call_mock_${n}_${i}`,
          type: 'function',
          function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
        }));
        const content = b.content !== undefined ? b.content : calls.length > 0 || b.refusal ? null : defaultContent(body);
        const usage = usageFor(body, (content ?? '') + calls.map((c) => c.function.arguments).join(''), b);
        stats.tokens.push({ at: arrivedAt, tokens: usage.prompt_tokens + usage.completion_tokens });
        const finish = b.finish_reason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
        const id = `chatcmpl-mock-${n}`;
        const created = Math.floor(Date.now() / 1000);
        const bodyModel = typeof body.model === 'string' ? body.model : model;
        const native = nativeAnswer(rec.path, { n, created, model: bodyModel, content, calls, usage, noUsage: b.noUsage === true });
        if (native !== null) {
          later(b.latencyMs ?? 0, res, () => sendJson(res, 200, native));
          return;
        }
        if (body.stream === true) {
          later(b.latencyMs ?? 0, res, () =>
            streamAnswer(res, { id, created, model: bodyModel, content, calls, refusal: b.refusal ?? null, finish, usage, body, b }),
          );
          return;
        }
        later(b.latencyMs ?? 0, res, () =>
          sendJson(res, 200, {
            id,
            object: 'chat.completion',
            created,
            model: bodyModel,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content, refusal: b.refusal ?? null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
                finish_reason: finish,
                logprobs: body.logprobs === true && content ? { content: mockLogprobs(content, body.top_logprobs), refusal: null } : null,
              },
            ],
            ...(b.noUsage ? {} : { usage: usageJson(usage) }),
          }),
        );
        return;
      }
    }
  }

  function streamAnswer(
    res: http.ServerResponse,
    a: {
      id: string;
      created: number;
      model: string;
      content: string | null;
      calls: { id: string; type: string; function: { name: string; arguments: string } }[];
      refusal: string | null;
      finish: string;
      usage: MockUsage;
      body: Record<string, unknown>;
      b: Extract<Behaviour, { kind: 'ok' }>;
    },
  ) {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: a.created, model: a.model, choices, ...extra })}\n\n`;
    const events: string[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
    if (a.content) {
      const size = Math.max(1, Math.ceil(a.content.length / 3));
      for (let i = 0; i < a.content.length; i += size) {
        const piece = a.content.slice(i, i + size);
        const logprobs = a.body.logprobs === true ? { logprobs: { content: mockLogprobs(piece, a.body.top_logprobs) } } : {};
        events.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null, ...logprobs }]));
      }
    }
    if (a.refusal) events.push(chunk([{ index: 0, delta: { refusal: a.refusal }, finish_reason: null }]));
    a.calls.forEach((c, i) => {
      events.push(
        chunk([
          {
            index: 0,
            delta: { tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] },
            finish_reason: null,
          },
        ]),
      );
      const half = Math.ceil(c.function.arguments.length / 2);
      for (const piece of [c.function.arguments.slice(0, half), c.function.arguments.slice(half)]) {
        if (piece)
          events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: piece } }] }, finish_reason: null }]));
      }
    });
    events.push(chunk([{ index: 0, delta: {}, finish_reason: a.finish }]));
    const so = a.body.stream_options;
    if (isRecord(so) && so.include_usage === true && !a.b.noUsage) events.push(chunk([], { usage: usageJson(a.usage) }));
    events.push('data: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const delay = a.b.chunkDelayMs ?? 0;
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= events.length) {
        res.end();
        return;
      }
      res.write(events[i++]);
      if (delay > 0) later(delay, res, next);
      else next();
    };
    next();
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = rawBody ? JSON.parse(rawBody) : null;
      } catch {
        body = null;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
      const urlPath = (req.url ?? '/').split('?')[0]!;
      const rec: RecordedRequest = {
        n: requests.length,
        method: req.method ?? 'GET',
        path: urlPath,
        headers,
        body,
        rawBody,
        receivedAt: Date.now(),
      };
      requests.push(rec);

      if (opts.apiKey !== undefined && headers.authorization !== `Bearer ${opts.apiKey}`) {
        const sent = (headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        sendJson(res, 401, {
          error: {
            message: `Incorrect API key provided: ${sent}. You can find your API key at the mock server.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        });
        return;
      }
      // Out-of-band control for a server in another process (benchmarks, editor tests).
      if (urlPath === '/__mock/stats') {
        const { count, inFlight, maxConcurrent, arrivals } = stats;
        sendJson(res, 200, {
          count,
          inFlight,
          maxConcurrent,
          firstArrival: arrivals[0] ?? null,
          lastArrival: arrivals.at(-1) ?? null,
          lastFinish,
        });
        return;
      }
      if (urlPath === '/__mock/reset' && req.method === 'POST') {
        api.reset();
        sendJson(res, 200, { ok: true });
        return;
      }
      if (req.method === 'GET' && /\/v1\/models\/?$/.test(urlPath)) {
        sendJson(res, 200, { object: 'list', data: [{ id: opts.model ?? 'mock-model', object: 'model', created: 0, owned_by: 'mock' }] });
        return;
      }
      if (
        req.method !== 'POST' ||
        !(
          /\/v1\/(chat\/completions|responses|messages)\/?$/.test(urlPath) ||
          /:generateContent$/.test(urlPath) ||
          /\/model\/[^/]+\/converse$/.test(urlPath)
        )
      ) {
        sendJson(res, 404, { error: { message: `no route for ${req.method} ${urlPath}`, type: 'invalid_request_error' } });
        return;
      }
      if (!isRecord(body)) {
        sendJson(res, 400, { error: { message: 'the body must be a JSON object', type: 'invalid_request_error' } });
        return;
      }
      const n = chatCount++;
      stats.count++;
      stats.arrivals.push(rec.receivedAt);
      stats.inFlight++;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.inFlight);
      let counted = true;
      const done = () => {
        if (counted) {
          counted = false;
          stats.inFlight--;
          lastFinish = Date.now();
        }
      };
      res.on('finish', done);
      res.on('close', done);
      answerChat(rec, res, n).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `mock script failed: ${String(e)}`, type: 'server_error' } });
        else res.destroy();
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';

  const api: MockServer = {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && /\/chat\/completions\/?$/.test(r.path)),
    stats,
    reset() {
      requests.length = 0;
      chatCount = 0;
      stats.count = 0;
      stats.maxConcurrent = stats.inFlight;
      stats.arrivals.length = 0;
      stats.tokens.length = 0;
      lastFinish = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return api;
}

// ---- standalone ---------------------------------------------------------------------------------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const isMain =
  (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) ||
  (typeof __filename !== 'undefined' && path.resolve(process.argv[1] ?? '') === __filename);
if (isMain) {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? 8787);
  const latencyMs = Number(argValue(args, '--latency') ?? 0);
  startMockOpenAI({ port, latencyMs, host: argValue(args, '--host'), apiKey: argValue(args, '--api-key') })
    .then((srv) => {
      process.stdout.write(`mock OpenAI server listening on ${srv.url}\n`);
      const stop = () => {
        srv.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      process.stderr.write(`mock OpenAI server failed to start: ${String(e)}\n`);
      process.exit(1);
    });
}
