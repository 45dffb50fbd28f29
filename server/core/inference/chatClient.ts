// One chat-completion call against any OpenAI-compatible endpoint, with our retries, our
// per-attempt timeout, the rate limiter and zod parsing of whatever comes back. Shared by the
// inference source (target model) and the LLM judge.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { Message, RawExchange, TokenLogprob } from '../../../common/schema';
import type { EndpointOptions, ResponseUsage } from './contract';
import { redactKey, redactSecret } from './redact';
import { InferenceError, MalformedResponseError, abortedError, classifyError, withRetry } from './retry';
import { boundedFetch, MAX_RESPONSE_BODY_BYTES } from './boundedFetch';
import { EDITOR_MODELS_CLI_REFUSAL, isEditorModel } from '../../../common/editorModels';
import { type ChatCallExtras, createEditorModelCaller } from './editorModelCaller';
import { limitedAttempt } from './limitedAttempt';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Body fields some OpenAI-compatible servers accept and the SDK's types do not declare. */
export interface ExtraBodyFields {
  /** Anthropic's OpenAI compatibility layer, LiteLLM and several routers. */
  thinking?: { type: 'enabled'; budget_tokens: number };
  /** OpenRouter (and routers copying it). */
  reasoning?: { max_tokens: number };
}
export type ChatRequestBody = ChatCompletionCreateParamsNonStreaming & ExtraBodyFields;

/** The endpoint options every caller passes (one type: see contract.ts). */
export type ChatCallerOptions = EndpointOptions;

/** One chat completion: the message and its usage (cost is the caller's: it knows the prices). */
export interface ChatCallResult extends Omit<ResponseUsage, 'cost_usd' | 'latency_ms'> {
  message: Message;
  refusal: string | null;
  /** Duration of the successful attempt: request sent → last byte. */
  latency_ms: number;
  attempts: number;
  /** The body sent and the body received, key redacted (no headers: they are never read here). */
  raw: RawExchange;
  /** Per token of the text content, when the request asked for logprobs and the server gave them. */
  logprobs: TokenLogprob[] | null;
  /**
   * Set when the answer came from the provider's Batch API (inference/batch/): the batch, and the
   * share of the price it saved. `latency_ms` then means nothing (0) and is stored as unknown.
   */
  batch?: { id: string; discount: number };
}

// ---- what comes back, parsed with zod (servers vary; nothing is trusted) ---------------------

const usageWire = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});
type UsageWire = z.infer<typeof usageWire>;

const tokenLogprobWire = z.object({
  token: z.string(),
  logprob: z.number(),
  top_logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })).nullish(),
});
const logprobsWire = z.object({ content: z.array(tokenLogprobWire).nullish() }).nullish();

const argumentsWire = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

const toolCallWire = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: argumentsWire }),
});

export const chatCompletionWire = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          role: z.string().nullish(),
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallWire).nullish(),
        }),
        finish_reason: z.string().nullish(),
        logprobs: logprobsWire,
      }),
    )
    .min(1),
  usage: usageWire.nullish(),
});

export const chatCompletionChunkWire = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative().nullish(),
                  id: z.string().nullish(),
                  type: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        logprobs: logprobsWire,
      }),
    )
    .nullish(),
  usage: usageWire.nullish(),
});

function describeZod(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function argumentsString(a: z.infer<typeof argumentsWire>): string {
  if (a === null || a === undefined) return '';
  return typeof a === 'string' ? a : JSON.stringify(a);
}

function usageNumbers(u: UsageWire | null | undefined) {
  const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    input_tokens: num(u?.prompt_tokens),
    output_tokens: num(u?.completion_tokens),
    reasoning_tokens: num(u?.completion_tokens_details?.reasoning_tokens),
  };
}

/**
 * A server or a model may echo the key in a successful answer too: it is removed (as sent and in
 * its base64 forms) before the answer is stored or judged.
 */
function redactAnswer(result: { message: Message; refusal: string | null }, apiKey: string | null): void {
  if (!apiKey) return;
  const m = result.message;
  if (typeof m.content === 'string') m.content = redactKey(m.content, apiKey);
  if (typeof m.refusal === 'string') m.refusal = redactKey(m.refusal, apiKey);
  if (result.refusal !== null) result.refusal = redactKey(result.refusal, apiKey);
  for (const c of m.tool_calls ?? []) c.function.arguments = redactKey(c.function.arguments, apiKey);
}

function tokenLogprobs(content: z.infer<typeof logprobsWire>): TokenLogprob[] {
  return (content?.content ?? []).map((t) => ({
    token: t.token,
    logprob: t.logprob,
    ...(t.top_logprobs ? { top_logprobs: t.top_logprobs.map((a) => ({ token: a.token, logprob: a.logprob })) } : {}),
  }));
}

/**
 * The exchange as it may be stored: the bodies only (headers are never part of it), with the key,
 * bearer tokens, sk- keys and URL credentials redacted wherever a server or a model echoed them.
 */
export function redactedExchange(request: unknown, response: unknown, apiKey: string | null): RawExchange {
  const clean = (v: unknown): unknown => {
    if (v === undefined) return null;
    const text = redactSecret(JSON.stringify(v), apiKey);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // a redaction inside an escape sequence: kept as the redacted text
    }
  };
  return { request: clean(request), response: clean(response) };
}

/**
 * A non-streamed chat completion as the caller gets it: parsed with zod (throws
 * MalformedResponseError when it is not one), the answer and the exchange redacted. Shared by the
 * direct path and the Batch API's result lines (inference/batch/), so both read a body the same way.
 */
export function parseChatCompletion(
  body: ChatRequestBody,
  raw: unknown,
  apiKey: string | null,
  latency_ms: number,
): Omit<ChatCallResult, 'attempts'> {
  const parsed = chatCompletionWire.safeParse(raw);
  if (!parsed.success) {
    throw new MalformedResponseError(
      typeof raw === 'string' ? 'the body is not JSON' : `the body is not a chat completion (${describeZod(parsed.error)})`,
    );
  }
  const choice = parsed.data.choices[0]!;
  const toolCalls = (choice.message.tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    type: c.type ?? 'function',
    function: { name: c.function.name, arguments: argumentsString(c.function.arguments) },
  }));
  const message: Message = { role: 'assistant', content: choice.message.content ?? null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (choice.message.refusal) message.refusal = choice.message.refusal;
  const result = {
    message,
    ...usageNumbers(parsed.data.usage),
    finish_reason: choice.finish_reason ?? null,
    refusal: choice.message.refusal ?? null,
    latency_ms,
    time_to_first_token_ms: null,
    raw: redactedExchange(body, raw, apiKey),
    logprobs: choice.logprobs?.content ? tokenLogprobs(choice.logprobs) : null,
  };
  redactAnswer(result, apiKey);
  return result;
}

/** Rough token count of a request before it is sent: ~4 characters per token, plus max output. */
export function estimateRequestTokens(body: ChatRequestBody): number {
  const chars =
    JSON.stringify(body.messages).length +
    (body.tools ? JSON.stringify(body.tools).length : 0) +
    (body.response_format ? JSON.stringify(body.response_format).length : 0);
  const output = body.max_completion_tokens ?? body.max_tokens ?? 256;
  return Math.ceil(chars / 4) + output;
}

/** An SDK client that never retries itself, logs nothing, and takes no key, base URL, organisation or project from OPENAI_* variables. */
export function createOpenAIClient(
  opts: Pick<ChatCallerOptions, 'model' | 'apiKey' | 'fetch' | 'timeoutMs'>,
  maxBodyBytes = MAX_RESPONSE_BODY_BYTES,
): OpenAI {
  return new OpenAI({
    baseURL: opts.model.baseURL ?? DEFAULT_BASE_URL,
    // The SDK refuses to start without a key; local servers need none, so a placeholder is used
    // and the Authorization header is then removed.
    apiKey: opts.apiKey ?? 'no-key',
    organization: null,
    project: null,
    // Every body read is capped (boundedFetch.ts): an endless answer cannot grow memory without bound.
    fetch: boundedFetch(opts.fetch ?? globalThis.fetch, maxBodyBytes),
    maxRetries: 0,
    timeout: opts.timeoutMs,
    logLevel: 'off',
    ...(opts.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });
}

/**
 * Returns `call(body, signal)`: one chat completion with retries. Throws InferenceError (message
 * safe to show: no API key) when it fails for good or is cancelled.
 */
export function createChatCaller(
  opts: ChatCallerOptions,
): (body: ChatRequestBody, signal: AbortSignal, extras?: ChatCallExtras) => Promise<ChatCallResult> {
  if (isEditorModel(opts.model)) {
    // The editor's language models: the extension runs each request (editorModelCaller.ts).
    if (!opts.editorModels) throw new InferenceError(EDITOR_MODELS_CLI_REFUSAL, 'unknown');
    return createEditorModelCaller({ ...opts, ...opts.editorModels });
  }
  const client = createOpenAIClient(opts);
  const apiKey = opts.apiKey;

  async function attemptOnce(body: ChatRequestBody, signal: AbortSignal, attempts: number): Promise<ChatCallResult> {
    return limitedAttempt(
      opts,
      estimateRequestTokens(body),
      signal,
      async (attempt) => {
        try {
          const result = opts.streaming
            ? await streamOnce(body, attempt.signal, attempt.started, attempt.timedOut)
            : await completeOnce(body, attempt.signal, attempt.started);
          if (signal.aborted) throw abortedError();
          redactAnswer(result, apiKey);
          return { ...result, attempts };
        } catch (e) {
          throw classifyError(e, { apiKey, timedOut: attempt.timedOut(), aborted: signal.aborted, timeoutMs: opts.timeoutMs });
        }
      },
      (r) => (r.input_tokens !== null || r.output_tokens !== null ? (r.input_tokens ?? 0) + (r.output_tokens ?? 0) : null),
    );
  }

  async function completeOnce(body: ChatRequestBody, signal: AbortSignal, started: number): Promise<Omit<ChatCallResult, 'attempts'>> {
    const raw: unknown = await client.chat.completions.create(body, { signal, timeout: opts.timeoutMs, maxRetries: 0 });
    return parseChatCompletion(body, raw, apiKey, Math.round(performance.now() - started));
  }

  async function streamOnce(
    body: ChatRequestBody,
    signal: AbortSignal,
    started: number,
    timedOut: () => boolean,
  ): Promise<Omit<ChatCallResult, 'attempts'>> {
    const streamBody: ChatCompletionCreateParamsStreaming & ExtraBodyFields = {
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    };
    const stream = await client.chat.completions.create(streamBody, { signal, timeout: opts.timeoutMs, maxRetries: 0 });
    let content: string | null = null;
    let refusal: string | null = null;
    let finish: string | null = null;
    let usage: UsageWire | null = null;
    let ttft: number | null = null;
    let sawChunk = false;
    let logprobs: TokenLogprob[] | null = null;
    const chunks: unknown[] = [];
    const calls: { id: string | null; type: string | null; name: string; args: string }[] = [];
    for await (const raw of stream as AsyncIterable<unknown>) {
      const parsed = chatCompletionChunkWire.safeParse(raw);
      if (!parsed.success) throw new MalformedResponseError(`a stream chunk is not a chat completion chunk (${describeZod(parsed.error)})`);
      sawChunk = true;
      chunks.push(raw);
      if (parsed.data.usage) usage = parsed.data.usage;
      for (const choice of parsed.data.choices ?? []) {
        const d = choice.delta;
        const firstToken = Boolean(d?.content || d?.tool_calls?.length || d?.reasoning_content || d?.refusal);
        if (firstToken && ttft === null) ttft = Math.round(performance.now() - started);
        if (typeof d?.content === 'string') content = (content ?? '') + d.content;
        if (typeof d?.refusal === 'string') refusal = (refusal ?? '') + d.refusal;
        for (const tc of d?.tool_calls ?? []) {
          const idx = tc.index ?? calls.length - 1;
          while (calls.length <= idx) calls.push({ id: null, type: null, name: '', args: '' });
          const call = calls[Math.max(0, idx)]!;
          if (tc.id) call.id = tc.id;
          if (tc.type) call.type = tc.type;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.args += tc.function.arguments;
        }
        if (choice.finish_reason) finish = choice.finish_reason;
        if (choice.logprobs?.content) (logprobs ??= []).push(...tokenLogprobs(choice.logprobs));
      }
    }
    // The SDK ends the iteration quietly when the request is aborted: say why here.
    if (timedOut()) throw new DOMException('timed out', 'AbortError');
    if (signal.aborted) throw abortedError();
    if (!sawChunk || finish === null) {
      // The connection closed before the answer was complete.
      const e = new Error('terminated');
      throw Object.assign(e, {
        cause: Object.assign(new Error('the stream ended before the answer was complete'), { code: 'UND_ERR_SOCKET' }),
      });
    }
    const latency_ms = Math.round(performance.now() - started);
    const message: Message = { role: 'assistant', content };
    if (calls.length > 0) {
      message.tool_calls = calls.map((c, i) => ({
        id: c.id ?? `call_${i}`,
        type: c.type ?? 'function',
        function: { name: c.name, arguments: c.args },
      }));
    }
    if (refusal) message.refusal = refusal;
    return {
      message,
      ...usageNumbers(usage),
      finish_reason: finish,
      refusal,
      latency_ms,
      time_to_first_token_ms: ttft,
      raw: redactedExchange(streamBody, chunks, apiKey),
      logprobs,
    };
  }

  return (body, signal) =>
    withRetry((n) => attemptOnce(body, signal, n + 1), {
      maxRetries: opts.maxRetries,
      signal,
      ...opts.retryPolicy,
      classify: (e) => classifyError(e, { apiKey, timeoutMs: opts.timeoutMs }),
    });
}
