// Real inference: re-run the traced response of a conversation on a target model through any
// OpenAI-compatible endpoint. Pure module (no vscode, no LSP): the runner calls the function
// createInferenceSource returns once per item.
//
// Request building — decisions:
//  * Context = the messages before `responseIndex`, cleaned to what chat-completions accepts
//    (role, content, name, tool_calls, tool_call_id; trace-only fields are dropped). Tool calls
//    without an id get `call_<message>_<n>`, and tool results without tool_call_id are paired
//    with the earliest unanswered call, so that strict servers accept traces that lack ids.
//  * system_prompt_override replaces the content of the first system/developer message (its
//    role is kept); with none, a system message is added first.
//  * The trace's tools are passed on as function tools.
//  * reasoning_config {effort} → `reasoning_effort` (OpenAI's chat-completions field, also
//    accepted by vLLM, OpenRouter, LiteLLM, Ollama…). {budget_tokens} → BOTH
//    `thinking: {type:'enabled', budget_tokens}` (Anthropic's OpenAI-compatibility layer,
//    LiteLLM) and `reasoning: {max_tokens}` (OpenRouter): there is no standard field, lenient
//    servers ignore the one they do not know, and OpenAI itself has no token budget (it answers
//    400 to unknown fields, which is the right outcome: the config cannot be honoured there).
//  * With a reasoning_config, the model's max_tokens is sent as `max_completion_tokens` (OpenAI
//    reasoning models reject `max_tokens`); without one as `max_tokens`, which every server knows.
//  * output_schema → response_format json_schema (strict unless a free-form `object` field makes
//    strict mode impossible, see outputSchema.ts); the reply is validated with a lenient variant
//    (optional fields may be missing). A reply made of tool calls only is not validated.
//  * Streaming is opt-in (`streaming: true`): it measures time to first token and asks for usage
//    with stream_options.include_usage. Off by default because not every server streams usage;
//    then time_to_first_token_ms is null.
//  * latency_ms is the successful attempt (request sent → last byte), without rate-limit waits
//    and failed attempts; `attempts` says how many were made.
//  * cost_usd = (input · input_price_per_1m + output · output_price_per_1m) / 1e6, null when a
//    price or a token count is unknown.
import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import {
  type Annotation,
  type Conversation,
  type ExperimentConfig,
  type Message,
  type ModelConfig,
  type OutputField,
  type RawExchange,
  type TokenLogprob,
  messageParts,
} from '../../../common/schema';
import { type ChatRequestBody, createChatCaller } from './chatClient';
import { type EndpointOptions, type ResponseUsage, applySystemPromptOverride, usageOf } from './contract';
import { locateJsonPath } from '../json/locate';
import { pathText } from '../json/pathText';
import { type StructuredIssue, outputResponseFormat, validateStructuredOutput } from './outputSchema';
import { InferenceError } from './retry';
import { type BatchLane, viaLane } from './batch/batchLane';

export interface GeneratedResponse extends ResponseUsage {
  /** The assistant message: content and/or tool_calls (and `refusal` when the model refused). */
  message: Message;
  latency_ms: number;
  /** Set when the experiment has an output_schema (absent for tool-call-only replies). */
  structured?: { ok: true; value: unknown } | { ok: false; error: string; issues?: StructuredIssue[] };
  /** HTTP attempts made (1 = no retry). Optional, so that fakes and pass-through need not set it. */
  attempts?: number;
  /** The request and response bodies (key redacted). Optional, so that fakes need not set it. */
  raw?: RawExchange;
  /** Token logprobs of the text content, when asked for. */
  logprobs?: TokenLogprob[] | null;
  /** The answer came from this Batch API batch (latency_ms then means nothing and is stored as unknown). */
  batch?: { id: string; discount: number };
}

export interface InferenceRequest {
  conversation: Conversation;
  /** Index of the traced response; the context is the messages before it. */
  responseIndex: number;
  config: ExperimentConfig;
  signal: AbortSignal;
  /** A run on the Batch API: the item's lane, asked before the endpoint (batch/batchLane.ts). */
  batch?: BatchLane;
}

/** The endpoint options (one type for every caller: see contract.ts). */
export type InferenceSourceOptions = EndpointOptions;

// ---- request building -----------------------------------------------------------------------

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

function textParts(content: Message['content']): string | ChatCompletionContentPartText[] {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.filter((p) => typeof p.text === 'string').map((p) => ({ type: 'text' as const, text: p.text ?? '' }));
  }
  return '';
}

function userParts(content: Message['content']): string | ChatCompletionContentPart[] {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p): ChatCompletionContentPart => {
      if (p.type === 'text') return { type: 'text', text: p.text ?? '' };
      // image_url, input_audio, file: passed on as the trace recorded them.
      return p as unknown as ChatCompletionContentPart;
    });
  }
  return '';
}

/** Trace messages → chat-completions messages (see the decisions at the top of the file). */
export function toWireMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  let unanswered: string[] = [];
  messages.forEach((m, mi) => {
    const name = typeof m.name === 'string' && m.name ? { name: m.name } : {};
    switch (m.role) {
      case 'system':
      case 'developer':
        out.push({ role: m.role, content: textParts(m.content), ...name });
        break;
      case 'user':
        out.push({ role: 'user', content: userParts(m.content), ...name });
        break;
      case 'assistant': {
        const calls: ChatCompletionMessageFunctionToolCall[] = (m.tool_calls ?? []).map((c, ci) => ({
          id: c.id || `call_${mi}_${ci}`,
          type: 'function',
          function: { name: c.function.name, arguments: c.function.arguments },
        }));
        unanswered = calls.map((c) => c.id);
        const content = m.content === null || m.content === undefined ? null : textParts(m.content);
        out.push({
          role: 'assistant',
          content: calls.length > 0 && content === '' ? null : content,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          ...name,
        });
        break;
      }
      case 'tool': {
        let id = m.tool_call_id;
        if (id) unanswered = unanswered.filter((u) => u !== id);
        else id = unanswered.shift() ?? `call_${mi}`;
        out.push({ role: 'tool', tool_call_id: id, content: textParts(m.content) });
        break;
      }
      case 'function':
        out.push({ role: 'function', name: typeof m.name === 'string' ? m.name : 'function', content: textOf(m.content) });
        break;
      default:
        // A role chat-completions does not know: sent as recorded, the server will say.
        out.push({ role: m.role, content: textOf(m.content), ...name } as unknown as ChatCompletionMessageParam);
    }
  });
  return out;
}

export function toWireTools(conversation: Conversation): ChatCompletionFunctionTool[] {
  return conversation.tools.map((t) => ({
    type: 'function',
    function: {
      name: t.function.name,
      ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      ...(t.function.parameters !== undefined ? { parameters: t.function.parameters } : {}),
    },
  }));
}

/** The context with the system prompt override applied. */
export function contextMessages(conversation: Conversation, responseIndex: number, override: string | null | undefined): Message[] {
  if (!Number.isInteger(responseIndex) || responseIndex < 0 || responseIndex > conversation.messages.length) {
    throw new InferenceError(
      `response index ${responseIndex} is outside the conversation (${conversation.messages.length} messages)`,
      'unknown',
    );
  }
  return applySystemPromptOverride(conversation.messages.slice(0, responseIndex), override).messages;
}

/** The chat-completions body for one item. Exported for tests and for the CLI's dry runs. */
export function buildInferenceRequest(args: {
  model: ModelConfig;
  conversation: Conversation;
  responseIndex: number;
  config: Pick<ExperimentConfig, 'system_prompt_override' | 'reasoning_config' | 'output_schema'>;
}): { body: ChatRequestBody; outputFields: OutputField[] | null } {
  const { model, conversation, config } = args;
  const messages = toWireMessages(contextMessages(conversation, args.responseIndex, config.system_prompt_override));
  if (messages.length === 0) {
    throw new InferenceError('there is no context before the traced response to send to the model', 'unknown');
  }
  const body: ChatRequestBody = { model: model.model, messages };
  const tools = toWireTools(conversation);
  if (tools.length > 0) body.tools = tools;
  if (model.temperature !== undefined) body.temperature = model.temperature;
  const rc = config.reasoning_config;
  if (model.max_tokens !== undefined) {
    if (rc) body.max_completion_tokens = model.max_tokens;
    else body.max_tokens = model.max_tokens;
  }
  if (rc && 'effort' in rc) body.reasoning_effort = rc.effort;
  if (rc && 'budget_tokens' in rc) {
    body.thinking = { type: 'enabled', budget_tokens: rc.budget_tokens };
    body.reasoning = { max_tokens: rc.budget_tokens };
  }
  const fields = config.output_schema && config.output_schema.length > 0 ? config.output_schema : null;
  if (fields) body.response_format = outputResponseFormat(fields);
  Object.assign(body, requestParameters(model, tools));
  return { body, outputFields: fields };
}

/**
 * The configuration's sampling and output parameters as chat-completions fields. Decisions:
 * `top_logprobs` implies `logprobs: true` (OpenAI refuses one without the other); `tool_choice`
 * "none" or "auto" is left out when the conversation defines no tools (it would mean nothing, and
 * strict servers refuse tool_choice without tools), while "required" or a named function without
 * that tool fails the item with the reason rather than send a request that cannot be honoured.
 */
export function requestParameters(
  model: ModelConfig,
  tools: readonly ChatCompletionFunctionTool[],
): Pick<ChatRequestBody, 'top_p' | 'seed' | 'stop' | 'logprobs' | 'top_logprobs' | 'user' | 'tool_choice'> {
  const out: ReturnType<typeof requestParameters> = {};
  if (model.top_p !== undefined) out.top_p = model.top_p;
  if (model.seed !== undefined) out.seed = model.seed;
  if (model.stop !== undefined) out.stop = model.stop;
  if (model.logprobs !== undefined) out.logprobs = model.logprobs;
  if (model.top_logprobs !== undefined) {
    out.logprobs = true;
    out.top_logprobs = model.top_logprobs;
  }
  if (model.user !== undefined) out.user = model.user;
  const choice = model.tool_choice;
  if (choice === undefined) return out;
  const names = tools.map((t) => t.function.name);
  if (typeof choice === 'string') {
    if (choice === 'required' && names.length === 0)
      throw new InferenceError('tool_choice "required" needs tools, and the conversation defines none', 'unknown');
    if (names.length > 0) out.tool_choice = choice;
    return out;
  }
  if (!names.includes(choice.function))
    throw new InferenceError(
      `tool_choice names the function "${choice.function}", which the conversation does not define${names.length ? ` (it defines ${names.join(', ')})` : ''}`,
      'unknown',
    );
  out.tool_choice = { type: 'function', function: { name: choice.function } };
  return out;
}

/** `discount`: the share of the price saved (a Batch API answer: config.batch.discount). */
export function computeCost(model: ModelConfig, input: number | null, output: number | null, discount = 0): number | null {
  if (model.input_price_per_1m === undefined || model.output_price_per_1m === undefined) return null;
  if (input === null || output === null) return null;
  return ((input * model.input_price_per_1m + output * model.output_price_per_1m) / 1_000_000) * (1 - discount);
}

// ---- the source -----------------------------------------------------------------------------

export function createInferenceSource(opts: InferenceSourceOptions): (req: InferenceRequest) => Promise<GeneratedResponse> {
  const call = createChatCaller(opts);
  return async (req) => {
    const { body, outputFields } = buildInferenceRequest({
      model: opts.model,
      conversation: req.conversation,
      responseIndex: req.responseIndex,
      config: req.config,
    });
    // Sources without a response format (the editor's models) check the answer with this and repair it once.
    const validate = outputFields
      ? (content: string | null) => {
          const v = validateStructuredOutput(content, outputFields);
          return v.ok ? null : v.error;
        }
      : undefined;
    const r = await viaLane(req.batch, { part: 'target', endpoint: opts, body }, () =>
      call(body, req.signal, validate ? { validate } : undefined),
    );
    const out: GeneratedResponse = {
      ...usageOf({ ...r, cost_usd: computeCost(opts.model, r.input_tokens, r.output_tokens, r.batch?.discount) }),
      message: r.message,
      latency_ms: r.latency_ms,
      attempts: r.attempts,
      raw: r.raw,
      logprobs: r.logprobs,
      ...(r.batch ? { batch: r.batch } : {}),
    };
    if (outputFields) {
      const content = typeof r.message.content === 'string' ? r.message.content : null;
      const toolCallsOnly = (r.message.tool_calls?.length ?? 0) > 0 && (content === null || content === '');
      if (r.refusal && !content) {
        out.structured = { ok: false, error: `the model refused: ${r.refusal}`, issues: [{ path: [], message: `refused: ${r.refusal}` }] };
      } else if (!toolCallsOnly) {
        out.structured = validateStructuredOutput(content, outputFields);
      }
    }
    return out;
  };
}

// ---- schema violations as annotations ---------------------------------------------------------

export interface SchemaViolationInput {
  message: Message;
  messageIndex: number;
  structured: { ok: false; error: string; issues?: StructuredIssue[] };
  /** Default 'schema'. */
  detector?: string;
}

/**
 * One `schema_violation` annotation per located problem, with offsets into the content part:
 * the value of the offending field; for a missing field, the object that lacks it; for content
 * that is not JSON (or a refusal), the whole content. Problems on the same span are joined.
 * A message without a content part gets one annotation at part 0, offsets 0–0.
 */
export function schemaViolationAnnotations(input: SchemaViolationInput): Annotation[] {
  const { message, messageIndex, structured } = input;
  const detector = input.detector ?? 'schema';
  const parts = messageParts(message);
  const partIndex = parts.findIndex((p) => p.kind === 'content');
  const text = partIndex >= 0 ? parts[partIndex]!.text : '';
  const base = {
    label: 'schema_violation',
    message_index: messageIndex,
    message_part_index: Math.max(0, partIndex),
    tool_name: null,
    parameter_name: null,
    detector,
    confidence: 1,
  };
  const issues = structured.issues && structured.issues.length > 0 ? structured.issues : [{ path: [], message: structured.error }];
  const bySpan = new Map<string, { start: number; end: number; explanations: string[] }>();
  for (const issue of issues) {
    let start: number;
    let end: number;
    const span = issue.path.length > 0 ? locateJsonPath(text, issue.path) : null;
    if (span) {
      start = span.start;
      end = span.end;
    } else {
      // Not JSON, or the whole document: trim the surrounding whitespace.
      const lead = text.length - text.trimStart().length;
      const trail = text.length - text.trimEnd().length;
      start = Math.min(lead, text.length);
      end = Math.max(start, text.length - trail);
    }
    const key = `${start}:${end}`;
    const explanation = issue.path.length > 0 ? `${pathText(issue.path, '(root)')}: ${issue.message}` : issue.message;
    const entry = bySpan.get(key) ?? { start, end, explanations: [] };
    if (!entry.explanations.includes(explanation)) entry.explanations.push(explanation);
    bySpan.set(key, entry);
  }
  return [...bySpan.values()].map((e) => ({
    ...base,
    text: text.slice(e.start, e.end),
    start_offset: e.start,
    end_offset: e.end,
    explanation: `The structured response does not conform to the output schema: ${e.explanations.join('; ')}.`,
  }));
}

/** The first of schemaViolationAnnotations (one annotation, for callers that want just one). */
export function schemaViolationAnnotation(input: SchemaViolationInput): Annotation {
  return schemaViolationAnnotations(input)[0]!;
}
