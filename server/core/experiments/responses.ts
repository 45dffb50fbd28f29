// Where an item's responses come from: copied from the trace (pass-through) or generated.
import type { Conversation, ExperimentConfig, Message, ModelConfig } from '../../../common/schema';
import { tracedResponseIndex } from '../traceParser';

export interface ProducedResponses {
  responses: Array<{ message_index: number; message: Message }>;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  latency_ms: number | null;
  time_to_first_token_ms: number | null;
  finish_reason: string | null;
  cost_usd: number | null;
  /** Extra annotations the source itself found (e.g. a structured output that does not conform). */
  annotations?: import('../../../common/schema').Annotation[];
  /** Limits applied, said in the log (never as annotations). */
  notes?: string[];
}

/** Assistant messages a pass-through item judges at most: the last ones (the traced response last). */
export const MAX_PASS_THROUGH_RESPONSES = 100;
/**
 * Detection work of a pass-through item, counted in context messages (each response is judged
 * on every message before it): the last responses are judged while their contexts add up to at
 * most this many messages (the traced response always is). A few seconds of local detection.
 */
export const MAX_PASS_THROUGH_CONTEXT_MESSAGES = 200_000;

export interface ResponseRequest {
  conversation: Conversation;
  config: ExperimentConfig;
  modelConfig: ModelConfig;
  sampleIndex: number;
  signal: AbortSignal;
}

export type ResponseSource = (request: ResponseRequest) => Promise<ProducedResponses>;

/** Pass-through: every assistant message of the trace, each judged on what came before it. */
export const passThroughSource: ResponseSource = async ({ conversation }) => {
  // A conversation converted from an agent trace is one LLM response: earlier turns belong to
  // (and are judged in) the conversations of the earlier responses.
  const first = conversation.metadata?.['response_message_index'];
  const from0 = typeof first === 'number' && Number.isInteger(first) && first >= 0 ? first : 0;
  const all = conversation.messages
    .map((message, message_index) => ({ message_index, message }))
    .filter((r) => r.message.role === 'assistant' && r.message_index >= from0);
  // Each response is judged on everything before it: with thousands of them the work grows with
  // the square of the conversation. The last ones are judged; the note says how many were not.
  let responses = all.slice(-MAX_PASS_THROUGH_RESPONSES);
  let work = 0;
  let from = responses.length;
  while (from > 0 && (from === responses.length || work + responses[from - 1]!.message_index <= MAX_PASS_THROUGH_CONTEXT_MESSAGES)) {
    work += responses[from - 1]!.message_index;
    from--;
  }
  responses = responses.slice(from);
  const notes =
    all.length > responses.length
      ? [`the conversation has ${all.length} assistant messages; pass-through judged the last ${responses.length} (messages ${responses[0]!.message_index}–${responses.at(-1)!.message_index})`]
      : [];
  const usage = conversation.usage;
  const latency = numberIn(conversation.metadata, ['latency_ms', 'latencyMs', 'duration_ms']);
  return {
    responses,
    input_tokens: usage?.prompt_tokens ?? null,
    output_tokens: usage?.completion_tokens ?? null,
    reasoning_tokens: null,
    latency_ms: latency,
    time_to_first_token_ms: null,
    finish_reason: typeof conversation.metadata?.['finish_reason'] === 'string' ? (conversation.metadata['finish_reason'] as string) : null,
    cost_usd: null,
    notes,
  };
};

function numberIn(obj: Record<string, unknown> | undefined, keys: string[]): number | null {
  for (const k of keys) {
    const v = obj?.[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return null;
}

/** The messages a model sees: those before the traced response, with the system prompt overridden. */
export function inferenceContext(conversation: Conversation, systemPromptOverride: string | undefined): Message[] {
  const end = tracedResponseIndex(conversation);
  const before = conversation.messages.slice(0, end < 0 ? conversation.messages.length : end);
  return applySystemPromptOverride(before, systemPromptOverride).messages;
}

/**
 * Replaces the first system (or developer) message's content, or adds a system message first.
 * `shift` is 1 when a message was added, so callers can map indices back to the trace.
 */
export function applySystemPromptOverride(messages: Message[], override: string | undefined): { messages: Message[]; shift: number } {
  if (override === undefined) return { messages, shift: 0 };
  const i = messages.findIndex((m) => m.role === 'system' || m.role === 'developer');
  if (i >= 0) return { messages: messages.map((m, j) => (j === i ? { ...m, content: override } : m)), shift: 0 };
  return { messages: [{ role: 'system', content: override }, ...messages], shift: 1 };
}
