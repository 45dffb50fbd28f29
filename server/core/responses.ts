// Where an item's responses come from: copied from the trace (pass-through) or generated.
import type { Conversation, ExperimentConfig, Message, ModelConfig } from '../../common/schema';
import { tracedResponseIndex } from './traceParser';

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
  annotations?: import('../../common/schema').Annotation[];
}

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
  const responses = conversation.messages
    .map((message, message_index) => ({ message_index, message }))
    .filter((r) => r.message.role === 'assistant');
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
