// The LLM judge as a Detector: one chat-completion call per response, structured output with the
// annotation shape, then each quoted `text` located in the response part to get offsets.
//
// Decisions:
//  * The judge answers {annotations: [{label, text, explanation, message_part_index, tool_name,
//    parameter_name, confidence}]} (response_format json_schema, strict; `label` is an enum of
//    the label set). The reply is parsed leniently: a ```json fence is tolerated, annotations
//    that are not objects, lack a label or use a label outside the set are dropped.
//  * Location: the part the judge named first, then the other parts (tool calls of the named
//    tool first); in each, locateQuote (exact → normalised → fuzzy). For a tool call whose quote
//    is not found but whose parameter_name exists in the arguments JSON, the argument's value is
//    marked. The annotation's `text` is then the located characters.
//  * An annotation that cannot be located stays at response level: start_offset = end_offset = 0
//    on the part the judge named (else part 0), `text` keeps the judge's quote, and the
//    explanation ends with UNLOCATED_NOTE.
//  * tool_name is the called tool's name for tool-call parts (whatever the judge wrote), null
//    for text parts; parameter_name only on tool-call parts.
//  * Confidence is clamped to [0, 1] (missing → 0.5). Duplicates (same part, span and label)
//    keep the highest confidence.
//  * Failures (HTTP, timeout, a reply that is not JSON) throw InferenceError: the runner decides
//    what an item whose judge failed becomes.
//  * detect() judges a traced response against the trace; detectGenerated() judges a response
//    from real inference against the context the model was sent (system prompt override
//    applied), with annotations on message_index = the traced response's index.
import { z } from 'zod';
import {
  type Annotation,
  type Conversation,
  type LabelSet,
  type Message,
  type MessagePart,
  type ModelConfig,
  messageParts,
} from '../../../common/schema';
import { addJudgeUsage, type DetectionInput, type DetectionReport, type Detector } from '../detectors/detector';
import { type ChatRequestBody, createChatCaller } from '../inference/chatClient';
import type { EndpointOptions } from '../inference/contract';
import { locateJsonPath } from '../json/locate';
import { computeCost, contextMessages } from '../inference/responseSource';
import { toWireJsonSchema } from '../inference/outputSchema';
import { InferenceError } from '../inference/retry';
import { type BatchLane, viaLane } from '../inference/batch/batchLane';
import { JUDGE_PROMPT_VERSION, buildJudgeMessages, defaultJudgeLabelSet } from './judgePrompt';
import { locateQuote } from './locateQuote';

export { locateQuote } from './locateQuote';
export { mergeAnnotations } from './mergeAnnotations';
export { JUDGE_PROMPT_VERSION } from './judgePrompt';

export const UNLOCATED_NOTE = '(The quoted text was not found in the response; the annotation applies to the whole response part.)';

/** The endpoint options (one type for every caller: see inference/contract.ts); the judge never streams. */
export type JudgeDetectorOptions = Omit<EndpointOptions, 'streaming'>;

/** The judge's answer shape, as the JSON schema sent in response_format. */
export function judgeResponseSchema(labelSet: LabelSet) {
  const names = labelSet.labels.map((l) => l.name);
  return z.strictObject({
    annotations: z.array(
      z.strictObject({
        label: z.enum(names as [string, ...string[]]),
        text: z.string(),
        explanation: z.string(),
        message_part_index: z.int().nullable(),
        tool_name: z.string().nullable(),
        parameter_name: z.string().nullable(),
        confidence: z.number(),
      }),
    ),
  });
}

export function judgeRequestBody(
  model: ModelConfig,
  input: Pick<DetectionInput, 'conversation' | 'messageIndex' | 'message' | 'labelSet'>,
): ChatRequestBody {
  const labelSet = input.labelSet ?? defaultJudgeLabelSet();
  const { schema, strict } = toWireJsonSchema(judgeResponseSchema(labelSet));
  const body: ChatRequestBody = {
    model: model.model,
    messages: buildJudgeMessages({ ...input, labelSet }),
    temperature: model.temperature ?? 0,
    response_format: { type: 'json_schema', json_schema: { name: 'hallucination_annotations', strict, schema } },
  };
  if (model.max_tokens !== undefined) body.max_tokens = model.max_tokens;
  // Of the configuration's request parameters the judge takes those that keep its answer a JSON
  // document: seed, top_p and user. stop could cut the JSON short, tool_choice and logprobs mean
  // nothing for it.
  if (model.seed !== undefined) body.seed = model.seed;
  if (model.top_p !== undefined) body.top_p = model.top_p;
  if (model.user !== undefined) body.user = model.user;
  return body;
}

// ---- parsing the judge's reply ----------------------------------------------------------------

const rawAnnotation = z.object({
  label: z.string(),
  text: z.string().nullish(),
  explanation: z.string().nullish(),
  message_part_index: z.number().nullish(),
  tool_name: z.string().nullish(),
  parameter_name: z.string().nullish(),
  confidence: z.number().nullish(),
});
export type JudgeRawAnnotation = z.infer<typeof rawAnnotation>;

/** The judge's reply → its annotations (lenient, see the decisions above). Throws when not JSON. */
export function parseJudgeReply(content: string | null | undefined, labelSet: LabelSet): JudgeRawAnnotation[] {
  const text = (content ?? '')
    .trim()
    .replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/, '$1')
    .trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const snippet = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    throw new InferenceError(
      `the judge's answer is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${snippet}`,
      'malformed_response',
    );
  }
  const envelope = z.object({ annotations: z.array(z.unknown()) }).safeParse(parsed);
  if (!envelope.success) {
    if (Array.isArray(parsed)) return parseItems(parsed, labelSet);
    throw new InferenceError('the judge\'s answer has no "annotations" array', 'malformed_response');
  }
  return parseItems(envelope.data.annotations, labelSet);
}

function parseItems(items: unknown[], labelSet: LabelSet): JudgeRawAnnotation[] {
  const names = new Set(labelSet.labels.map((l) => l.name));
  const out: JudgeRawAnnotation[] = [];
  for (const item of items) {
    const r = rawAnnotation.safeParse(item);
    if (r.success && names.has(r.data.label)) out.push(r.data);
  }
  return out;
}

// ---- locating -------------------------------------------------------------------------------

function clamp01(v: number | null | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 0.5;
  return Math.min(1, Math.max(0, v));
}

function candidateParts(parts: MessagePart[], raw: JudgeRawAnnotation): number[] {
  const order: number[] = [];
  const named = raw.message_part_index;
  if (typeof named === 'number' && Number.isInteger(named) && named >= 0 && named < parts.length) order.push(named);
  if (raw.tool_name) parts.forEach((p, i) => p.kind === 'tool_call' && p.toolName === raw.tool_name && order.push(i));
  parts.forEach((_, i) => order.push(i));
  return [...new Set(order)];
}

/** Judge annotations → Annotations with offsets on `message` (at `messageIndex`). */
export function locateJudgeAnnotations(message: Message, messageIndex: number, raws: readonly JudgeRawAnnotation[]): Annotation[] {
  const parts = messageParts(message);
  if (parts.length === 0) return [];
  const out: Annotation[] = [];
  for (const raw of raws) {
    const quote = raw.text ?? '';
    const candidates = candidateParts(parts, raw);
    let placed: { part: number; start: number; end: number } | null = null;
    for (const pi of candidates) {
      const part = parts[pi]!;
      const loc = locateQuote(part.text, quote, { decodeJsonEscapes: part.kind === 'tool_call' });
      if (loc) {
        placed = { part: pi, start: loc.start, end: loc.end };
        break;
      }
    }
    if (!placed && raw.parameter_name) {
      for (const pi of candidates) {
        const part = parts[pi]!;
        if (part.kind !== 'tool_call') continue;
        const span = locateJsonPath(part.text, [raw.parameter_name]);
        if (span?.found) {
          placed = { part: pi, start: span.start, end: span.end };
          break;
        }
      }
    }
    const partIndex = placed?.part ?? candidates[0] ?? 0;
    const part = parts[partIndex]!;
    const explanation = (raw.explanation ?? '').trim();
    out.push({
      label: raw.label,
      text: placed ? part.text.slice(placed.start, placed.end) : quote,
      explanation: placed ? explanation : explanation ? `${explanation} ${UNLOCATED_NOTE}` : UNLOCATED_NOTE,
      message_index: messageIndex,
      message_part_index: partIndex,
      start_offset: placed?.start ?? 0,
      end_offset: placed?.end ?? 0,
      tool_name: part.kind === 'tool_call' ? part.toolName : null,
      parameter_name: part.kind === 'tool_call' ? (raw.parameter_name ?? null) : null,
      detector: 'judge',
      confidence: clamp01(raw.confidence),
    });
  }
  // Same part, span and label: keep one, with the highest confidence.
  const byKey = new Map<string, Annotation>();
  for (const a of out) {
    const key = `${a.message_part_index}:${a.start_offset}:${a.end_offset}:${a.label}:${a.start_offset === a.end_offset ? a.text : ''}`;
    const prev = byKey.get(key);
    if (!prev || a.confidence > prev.confidence) byKey.set(key, a);
  }
  return [...byKey.values()];
}

// ---- the detector -----------------------------------------------------------------------------

export interface GeneratedJudgeInput {
  conversation: Conversation;
  /** Index of the traced response the generated message replaces (annotations carry it). */
  responseIndex: number;
  /** The experiment's system_prompt_override: the judge sees the context the model saw. */
  systemPromptOverride?: string;
  /** The generated response. */
  message: Message;
  labelSet?: LabelSet | null;
  signal?: AbortSignal;
  /** Where the judge's tokens and cost are added. */
  report?: DetectionReport;
}

export interface JudgeDetector extends Detector {
  readonly name: 'judge';
  readonly promptVersion: string;
  detect(input: DetectionInput): Promise<Annotation[]>;
  /**
   * Judges a response produced by real inference: the context is the messages before
   * `responseIndex` with the system prompt override applied (as sent to the model), and the
   * annotations point at `message` with message_index = responseIndex.
   */
  detectGenerated(input: GeneratedJudgeInput): Promise<Annotation[]>;
}

export function createJudgeDetector(opts: JudgeDetectorOptions): JudgeDetector {
  const call = createChatCaller({ ...opts, streaming: false });
  async function judge(
    promptInput: Pick<DetectionInput, 'conversation' | 'messageIndex' | 'message'>,
    annotate: { message: Message; messageIndex: number },
    labelSetIn: LabelSet | null | undefined,
    signalIn: AbortSignal | undefined,
    report: DetectionReport | undefined,
    batch?: BatchLane,
  ): Promise<Annotation[]> {
    if (messageParts(annotate.message).length === 0) return [];
    const labelSet = labelSetIn ?? defaultJudgeLabelSet();
    const body = judgeRequestBody(opts.model, { ...promptInput, labelSet });
    // The editor's models have no response format: their answer is checked with the judge's parser and repaired once.
    const validate = (content: string | null): string | null => {
      try {
        parseJudgeReply(content, labelSet);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    const reply = await viaLane(batch, { part: `judge/${promptInput.messageIndex}`, endpoint: opts, body }, () =>
      call(body, signalIn ?? new AbortController().signal, { validate }),
    );
    // Counted apart from the target's usage: the item and the metrics keep the judge's on its own.
    addJudgeUsage(report, {
      input_tokens: reply.input_tokens,
      output_tokens: reply.output_tokens,
      cost_usd: computeCost(opts.model, reply.input_tokens, reply.output_tokens, reply.batch?.discount),
    });
    const raws = parseJudgeReply(typeof reply.message.content === 'string' ? reply.message.content : null, labelSet);
    return locateJudgeAnnotations(annotate.message, annotate.messageIndex, raws);
  }
  return {
    name: 'judge',
    promptVersion: JUDGE_PROMPT_VERSION,
    detect(input: DetectionInput): Promise<Annotation[]> {
      return judge(input, input, input.labelSet, input.signal, input.report, input.batch);
    },
    detectGenerated(input: GeneratedJudgeInput): Promise<Annotation[]> {
      const context = contextMessages(input.conversation, input.responseIndex, input.systemPromptOverride);
      const conversation: Conversation = { ...input.conversation, messages: [...context, input.message] };
      return judge(
        { conversation, messageIndex: context.length, message: input.message },
        { message: input.message, messageIndex: input.responseIndex },
        input.labelSet,
        input.signal,
        input.report,
      );
    },
  };
}
