// What every response source shares, typed once: how an endpoint is reached (EndpointOptions),
// what a response costs (ResponseUsage, the fields an item stores) and how the system prompt is
// overridden. The chat client, the inference source, the judge and the experiment runner all use
// these; none of them copies the fields.
import type { EditorModelTransport } from '../../../common/editorModels';
import type { ExperimentItem, Message, ModelConfig } from '../../../common/schema';
import type { RateLimiter } from './rateLimiter';
import type { RetryPolicy } from './retry';

/** How one OpenAI-compatible endpoint is called (target model and judge alike). */
export interface EndpointOptions {
  model: ModelConfig;
  apiKey: string | null;
  fetch?: typeof fetch;
  /** Per attempt, covering the whole exchange (headers and body, or the whole stream). */
  timeoutMs: number;
  maxRetries: number;
  limiter?: RateLimiter;
  /** Stream the answer (SSE) and measure the time to the first token. Default false. */
  streaming?: boolean;
  /** Backoff tuning (tests). */
  retryPolicy?: Omit<RetryPolicy, 'maxRetries'>;
  /**
   * How a `source: 'vscode-lm'` model is reached (the extension runs the request); absent in the
   * CLI. `userStarted`: the run was started by the user, so a request may ask for consent.
   */
  editorModels?: { transport: EditorModelTransport; userStarted: boolean };
}

export const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'latency_ms',
  'time_to_first_token_ms',
  'finish_reason',
  'cost_usd',
] as const;

/** What a response cost, as an item stores it. Null where the source does not know. */
export type ResponseUsage = Pick<ExperimentItem, (typeof USAGE_FIELDS)[number]>;

export const UNKNOWN_USAGE: ResponseUsage = {
  input_tokens: null,
  output_tokens: null,
  reasoning_tokens: null,
  latency_ms: null,
  time_to_first_token_ms: null,
  finish_reason: null,
  cost_usd: null,
};

/** The usage fields of anything that carries them (a generated response, produced responses). */
export function usageOf(from: ResponseUsage): ResponseUsage {
  const out = { ...UNKNOWN_USAGE };
  for (const k of USAGE_FIELDS) (out as Record<string, unknown>)[k] = from[k];
  return out;
}

const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'reasoning_tokens'] as const;
const AMOUNT_FIELDS = ['latency_ms', 'time_to_first_token_ms', 'cost_usd'] as const;

/**
 * Usage as it may be stored: counts that traces or servers report wrongly are fixed once, here,
 * on the way in (a stored item with a negative count would be refused on reload and run again on
 * every resume). A negative or non-finite value becomes null; a fractional token count is rounded.
 * Each change is said in `warnings`.
 */
export function normalizeUsage(usage: ResponseUsage): { usage: ResponseUsage; warnings: string[] } {
  const out = usageOf(usage);
  const warnings: string[] = [];
  for (const k of [...TOKEN_FIELDS, ...AMOUNT_FIELDS]) {
    const v: unknown = out[k];
    if (v === null || v === undefined) {
      out[k] = null;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      warnings.push(`${k} ${String(v)} is not a count (negative or not a number); stored as unknown`);
      out[k] = null;
    } else if ((TOKEN_FIELDS as readonly string[]).includes(k) && !Number.isInteger(v)) {
      const rounded = Math.round(v);
      warnings.push(`${k} ${v} is not a whole number of tokens; stored as ${rounded}`);
      out[k] = rounded;
    }
  }
  if (out.finish_reason !== null && typeof out.finish_reason !== 'string') out.finish_reason = null;
  return { usage: out, warnings };
}

/**
 * The one system-prompt override: replaces the content of the first system (or developer) message
 * (its role is kept), or adds a system message first. `shift` is 1 when a message was added, so
 * that callers can map indices back to the trace.
 */
export function applySystemPromptOverride(
  messages: readonly Message[],
  override: string | null | undefined,
): { messages: Message[]; shift: number } {
  if (override === undefined || override === null) return { messages: messages.slice(), shift: 0 };
  const i = messages.findIndex((m) => m.role === 'system' || m.role === 'developer');
  if (i >= 0) return { messages: messages.map((m, j) => (j === i ? { ...m, content: override } : m)), shift: 0 };
  return { messages: [{ role: 'system', content: override }, ...messages], shift: 1 };
}
