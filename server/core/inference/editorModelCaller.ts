// One chat call on an editor language model, through the extension (EditorModelTransport), with
// the same retries, per-attempt timeout, rate limiter, cancellation and token accounting as the
// OpenAI-compatible caller: createChatCaller hands a `source: 'vscode-lm'` model here and the
// inference source and the judge see the same ChatCallResult either way.
//
// Errors the extension reports (LanguageModelError codes) become an item failure naming the model:
// NoPermissions, Blocked, NotFound and a spent quota are final (retrying cannot change them); a
// rate limit and a lost connection to the extension are retried.
// Structured output: the API has no response format, so the answer is checked with the caller's
// validator (the existing one: the output schema's, the judge's parser) and, when it fails, the
// model is asked once to repair it (its answer and the problem sent back). The repair is counted
// in the tokens and the attempts; its answer is returned even if still invalid (the caller then
// records the violation as it does for any endpoint).
import type { EditorChatMessage, EditorChatResult, EditorModelTransport } from '../../../common/editorModels';
import type { Message } from '../../../common/schema';
import type { ChatCallResult, ChatRequestBody } from './chatClient';
import { estimateRequestTokens } from './chatClient';
import type { EndpointOptions } from './contract';
import { editorChatRequest } from './editorMessages';
import { limitedAttempt } from './limitedAttempt';
import { InferenceError, abortedError, withRetry } from './retry';

/** Says what is wrong with an answer's text (null when it is acceptable). */
export type ReplyValidator = (content: string | null) => string | null;

export interface ChatCallExtras {
  /** Structured output check for sources without a response format (the editor's models). */
  validate?: ReplyValidator;
}

export interface EditorCallerOptions extends EndpointOptions {
  transport: EditorModelTransport;
  /** True for runs the user started (the request may ask for consent), false for background work. */
  userStarted: boolean;
}

function modelName(opts: EndpointOptions): string {
  const m = opts.model;
  return `the editor model "${m.model}"${m.vendor ? ` (${[m.vendor, m.family].filter(Boolean).join('/')})` : ''}`;
}

/** An extension's failure as the item's failure: what happened, to which model, and what to do. */
export function editorFailure(result: Extract<EditorChatResult, { ok: false }>, model: string): InferenceError {
  const detail = result.message ? `: ${result.message}` : '';
  switch (result.code) {
    case 'NoPermissions':
      return new InferenceError(
        `${model} may not be used by Hallucination Lab${detail} (allow it when VS Code asks, or under Accounts → Manage Language Model Access)`,
        'http',
      );
    case 'Blocked':
      return new InferenceError(`${model} blocked the request${detail}`, 'http');
    case 'NotFound':
      return new InferenceError(`${model} is not available in this editor${detail} (is its extension installed and signed in?)`, 'http');
    case 'quota':
      return new InferenceError(`${model}: the quota is used up${detail}`, 'rate_limited');
    case 'rateLimited':
      return new InferenceError(`${model} is rate limited${detail}`, 'rate_limited', { retryable: true });
    case 'cancelled':
      return abortedError();
    case 'unavailable':
      return new InferenceError(`${model} cannot be reached${detail}`, 'connection', { retryable: true });
    case 'unknown':
      return new InferenceError(`${model} failed${detail}`, 'unknown');
  }
}

function answerMessage(result: Extract<EditorChatResult, { ok: true }>): Message {
  const message: Message = { role: 'assistant', content: result.text === '' && result.toolCalls.length > 0 ? null : result.text };
  if (result.toolCalls.length > 0)
    message.tool_calls = result.toolCalls.map((c) => ({
      id: c.callId,
      type: 'function',
      function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
    }));
  return message;
}

const sum = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

export function createEditorModelCaller(
  opts: EditorCallerOptions,
): (body: ChatRequestBody, signal: AbortSignal, extras?: ChatCallExtras) => Promise<ChatCallResult> {
  const name = modelName(opts);

  /** One exchange with the extension under the limiter and the per-attempt timeout. */
  async function exchange(body: ChatRequestBody, messages: EditorChatMessage[] | null, signal: AbortSignal) {
    const request = editorChatRequest(opts.model, body, { userStarted: opts.userStarted });
    if (messages) request.messages = messages;
    return limitedAttempt(
      opts,
      estimateRequestTokens(body),
      signal,
      async (attempt) => {
        let result: EditorChatResult;
        try {
          result = await opts.transport(request, attempt.signal);
        } catch (e) {
          if (signal.aborted) throw abortedError();
          if (attempt.timedOut()) throw new InferenceError(`request timed out after ${opts.timeoutMs} ms`, 'timeout', { retryable: true });
          throw new InferenceError(`${name} could not be asked: ${(e as Error).message ?? String(e)}`, 'connection', { retryable: true });
        }
        if (signal.aborted) throw abortedError();
        if (!result.ok) {
          if (attempt.timedOut() && result.code === 'cancelled')
            throw new InferenceError(`request timed out after ${opts.timeoutMs} ms`, 'timeout', { retryable: true });
          throw editorFailure(result, name);
        }
        return { request, result, latency_ms: Math.round(performance.now() - attempt.started) };
      },
      ({ result }) => (result.inputTokens !== null && result.outputTokens !== null ? result.inputTokens + result.outputTokens : null),
    );
  }

  const retried = <T>(fn: () => Promise<T>, signal: AbortSignal) =>
    withRetry(() => fn(), {
      maxRetries: opts.maxRetries,
      signal,
      ...opts.retryPolicy,
      classify: (e) => (e instanceof InferenceError ? e : new InferenceError(`${name} failed: ${String(e)}`, 'unknown')),
    });

  return async (body, signal, extras) => {
    let attempts = 0;
    const first = await retried(() => {
      attempts += 1;
      return exchange(body, null, signal);
    }, signal);
    let { result, latency_ms } = first;
    const exchanges: { request: unknown; response: unknown }[] = [{ request: first.request, response: first.result }];
    let input = result.inputTokens;
    let output = result.outputTokens;
    const problem = extras?.validate && result.toolCalls.length === 0 ? extras.validate(result.text) : null;
    if (problem !== null) {
      // One repair: the model sees its answer and what is wrong with it.
      const repairMessages: EditorChatMessage[] = [
        ...first.request.messages,
        { role: 'assistant', parts: [{ type: 'text', text: result.text }] },
        {
          role: 'user',
          parts: [{ type: 'text', text: `That answer is not valid: ${problem}\nAnswer again with the corrected JSON object only.` }],
        },
      ];
      const repair = await retried(() => {
        attempts += 1;
        return exchange(body, repairMessages, signal);
      }, signal);
      exchanges.push({ request: repair.request, response: repair.result });
      result = repair.result;
      latency_ms += repair.latency_ms;
      input = sum(input, result.inputTokens);
      output = sum(output, result.outputTokens);
    }
    return {
      message: answerMessage(result),
      refusal: null,
      input_tokens: input,
      output_tokens: output,
      reasoning_tokens: null,
      // The API reports no finish reason.
      finish_reason: null,
      time_to_first_token_ms: null,
      latency_ms,
      attempts,
      // What the extension was asked and answered (no key to redact: the editor holds the access).
      raw:
        exchanges.length === 1
          ? { request: exchanges[0]!.request, response: exchanges[0]!.response }
          : { request: exchanges.map((x) => x.request), response: exchanges.map((x) => x.response) },
      logprobs: null,
    };
  };
}
