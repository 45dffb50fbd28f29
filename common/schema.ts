// The product contract of docs/design.md as zod schemas. Every part (server, extension,
// webview, CLI) imports these; types are inferred, never written twice.
import { z } from 'zod';
import { builtInLabels, itemStatuses } from './schemaValues';

// Values the webviews need without zod live in ./schemaValues; they are part of this module's API.
export { builtInLabels, isSkippedItem, itemStatuses, messageParts, SKIPPED_REASON_PREFIX, type MessagePart } from './schemaValues';

// ---- experiment configuration ------------------------------------------------------------

export const MAX_CONVERSATIONS = 100;

export const reasoningConfigSchema = z.union([
  z.strictObject({ effort: z.enum(['low', 'medium', 'high']) }),
  z.strictObject({ budget_tokens: z.number().int().positive() }),
]);
export type ReasoningConfig = z.infer<typeof reasoningConfigSchema>;

export const outputFieldTypes = ['string', 'number', 'integer', 'boolean', 'object'] as const;
export const outputFieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)'),
  type: z.enum(outputFieldTypes),
  is_list: z.boolean().default(false),
  is_optional: z.boolean().default(false),
});
export type OutputField = z.infer<typeof outputFieldSchema>;

/** `tool_choice` of a chat-completions request: a mode, or one function the model must call. */
export const toolChoiceSchema = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.strictObject({ function: z.string().min(1, 'tool_choice.function must name a function') }, 'tool_choice is an object {function}'),
  ],
  { error: 'tool_choice must be "none", "auto", "required" or {"function": "<name>"}' },
);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** Why `stop` was refused (a union's own message would only say "Invalid input"). */
function stopError(issue: { input?: unknown }): string {
  const v = issue.input;
  if (!Array.isArray(v)) return 'stop must be a non-empty string or a list of 1 to 4 strings';
  if (v.length === 0) return 'stop needs at least 1 sequence';
  if (v.length > 4) return 'stop allows at most 4 sequences';
  return 'each stop sequence must be a non-empty string';
}

/**
 * The request parameters of a model configuration, sent as the chat-completions fields of the
 * same names (responseSource.ts builds the body). `top_logprobs` implies `logprobs`.
 */
export const requestParametersShape = {
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  tool_choice: toolChoiceSchema.optional(),
  top_p: z.number().min(0, 'top_p must be between 0 and 1').max(1, 'top_p must be between 0 and 1').optional(),
  seed: z.number().int('seed must be a whole number').optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(4)], { error: stopError }).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z
    .number()
    .int('top_logprobs must be a whole number')
    .min(0, 'top_logprobs is 0 to 20')
    .max(20, 'top_logprobs is 0 to 20')
    .optional(),
  /** The end-user id the provider may use to detect abuse. */
  user: z.string().min(1).max(256).optional(),
};
export const modelParametersSchema = z.strictObject(requestParametersShape);
export type ModelParameters = z.infer<typeof modelParametersSchema>;

/** Where a model is called: an OpenAI-compatible endpoint, or the editor's language models (VS Code only). */
export const modelSources = ['openai', 'vscode-lm'] as const;
export const EDITOR_MODEL_SOURCE = 'vscode-lm';

/** A target model: which model, at which endpoint, with which parameters and prices. */
export const modelConfigSchema = z.strictObject({
  /** Unique label shown in reports; defaults to the model name. */
  id: z.string().min(1).max(100).optional(),
  model: z.string().min(1),
  baseURL: z.string().url().optional(),
  /** Name of the environment variable (CLI) / secret slot (editor) holding the key. */
  apiKeyName: z.string().min(1).optional(),
  ...requestParametersShape,
  input_price_per_1m: z.number().nonnegative().optional(),
  output_price_per_1m: z.number().nonnegative().optional(),
  /**
   * Where the model is: an OpenAI-compatible endpoint (default), or one of the editor's language
   * models (`vscode.lm`, VS Code only: no key; `model` is then the editor model's id, `vendor` and
   * `family` select it as `vscode.lm.selectChatModels` does).
   */
  source: z.enum(modelSources).optional(),
  vendor: z.string().min(1).optional(),
  family: z.string().min(1).optional(),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** "every": each configuration for every conversation; "random": each sample draws one configuration. */
export const samplingModes = ['every', 'random'] as const;

export const detectorKinds = ['local', 'judge'] as const;
export const detectorKindSchema = z.enum(detectorKinds);
export type DetectorKind = z.infer<typeof detectorKindSchema>;

/** An experiment's tags (Opik shape): short labels to find and filter experiments by. */
export const experimentTagsSchema = z
  .array(z.string().trim().min(1, 'a tag must not be empty').max(100, 'a tag is at most 100 characters'))
  .max(50, 'at most 50 tags')
  .transform((tags) => [...new Set(tags)]);
/** An experiment's metadata (Opik shape): string values under keys of its owner's choosing. */
export const experimentMetadataSchema = z.record(
  z
    .string()
    .min(1)
    .max(100)
    .refine((k) => k !== '__proto__', 'a metadata key may not be __proto__'),
  z.string().max(10_000),
);

/**
 * The provider's Batch API (OpenAI's and Azure OpenAI's shape: a JSONL file uploaded, a batch
 * created, results within 24 h at a discount). Opt-in per experiment; it applies to target
 * inference and to the judge pass, each only when that pass has at least `min_requests` requests
 * for one endpoint and model (fewer are sent directly).
 */
export const batchConfigSchema = z.strictObject({
  enabled: z.boolean({ error: 'batch.enabled must be true or false' }).default(false),
  min_requests: z
    .number({ error: 'batch.min_requests must be a number' })
    .int('batch.min_requests must be a whole number')
    .min(1, 'batch.min_requests must be at least 1')
    .default(20),
  /** The share of the price the batch saves: 0.5 (OpenAI's and Azure's 50 %). Costs are shown at (1 − discount) × price. */
  discount: z
    .number({ error: 'batch.discount must be a number' })
    .min(0, 'batch.discount is a share between 0 and 1 (0.5 = half price)')
    .max(1, 'batch.discount is a share between 0 and 1 (0.5 = half price)')
    .default(0.5),
  /** The first wait between two polls of a batch; later waits grow by half each time up to 5 minutes (or this, if longer). */
  poll_interval_ms: z
    .number({ error: 'batch.poll_interval_ms must be a number' })
    .int('batch.poll_interval_ms must be a whole number of ms')
    .min(10, 'batch.poll_interval_ms must be at least 10')
    .max(3_600_000, 'batch.poll_interval_ms is at most an hour (3600000)')
    .default(30_000),
});
export type BatchConfig = z.infer<typeof batchConfigSchema>;

export const experimentConfigSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(255, 'name must be at most 255 characters'),
  model: z.string().min(1, 'model must not be empty'),
  pass_through: z.boolean().default(false),
  conversation_ids: z
    .array(z.string().min(1))
    .min(1, 'conversation_ids needs at least 1 conversation')
    .max(MAX_CONVERSATIONS, `conversation_ids allows at most ${MAX_CONVERSATIONS} conversations`)
    .refine((ids) => new Set(ids).size === ids.length, 'conversation_ids has duplicates'),
  reasoning_config: reasoningConfigSchema.optional(),
  system_prompt_override: z.string().optional(),
  output_schema: z
    .array(outputFieldSchema)
    .refine((f) => new Set(f.map((x) => x.name)).size === f.length, 'output_schema has duplicate field names')
    .optional(),
  /** Extra model configurations compared side by side with `model`. */
  models: z.array(modelConfigSchema).max(10).optional(),
  num_samples: z.number().int().min(1).max(10).default(1),
  /**
   * Parameters of the target `model` (temperature, tool_choice, seed…): over those its entry in
   * the settings has. The extra configurations in `models` carry their own.
   */
  model_parameters: modelParametersSchema.optional(),
  /**
   * "every" (default): every configuration runs every conversation `num_samples` times. "random":
   * each sample of a conversation runs on one configuration drawn at random, seeded by the
   * experiment id (a resume draws the same).
   */
  sampling: z.enum(samplingModes).optional(),
  detectors: z.array(detectorKindSchema).min(1).default(['local']),
  judge_model: modelConfigSchema.optional(),
  label_set: z.string().optional(),
  /** Opik-style tags and metadata, set at create; changed later with UpdateExperimentInfo (experimentInfo.ts). */
  tags: experimentTagsSchema.optional(),
  metadata: experimentMetadataSchema.optional(),
  /** The provider's Batch API for this experiment's model calls (batchConfigSchema). */
  batch: batchConfigSchema.optional(),
});
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

// ---- annotations -------------------------------------------------------------------------

export type BuiltInLabel = keyof typeof builtInLabels;

export const annotationSchema = z.object({
  label: z.string().min(1),
  text: z.string(),
  explanation: z.string(),
  message_index: z.number().int().nonnegative(),
  message_part_index: z.number().int().nonnegative(),
  start_offset: z.number().int().nonnegative(),
  end_offset: z.number().int().nonnegative(),
  tool_name: z.string().nullable(),
  parameter_name: z.string().nullable(),
  detector: z.string().min(1),
  confidence: z.number().min(0).max(1),
  /**
   * Stable id (server/core/review/annotationId.ts): never stored with an item, always present in
   * the experiment resource; verdicts, the CLI and exports refer to it.
   */
  id: z.string().optional(),
  /** The people's verdict on it, in the experiment resource only (server/core/review/). */
  review: z
    .object({
      /** 'added': a person added this annotation (detector "human"). */
      verdict: z.enum(['confirmed', 'dismissed', 'relabelled', 'added']),
      label: z.string().optional(),
      comment: z.string().optional(),
      author: z.string(),
      at: z.string(),
      /** The experiment the verdict was given in, when it carried over from another one. */
      carried_from: z.string().optional(),
    })
    .optional(),
  /** People's comments on it that are not verdicts, in the experiment resource only (server/core/review/reviewComments.ts). */
  comments: z.array(z.object({ text: z.string(), author: z.string(), at: z.string() })).optional(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const labelSetSchema = z.object({
  labels: z.array(z.object({ name: z.string().min(1), description: z.string() })).min(1),
  domain_context: z.string().default(''),
});
export type LabelSet = z.infer<typeof labelSetSchema>;

// ---- traces ------------------------------------------------------------------------------

export const toolCallSchema = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
export type ContentPart = z.infer<typeof contentPartSchema>;

export const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const toolDefinitionSchema = z.looseObject({
  type: z.string().optional(),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const usageSchema = z.looseObject({
  prompt_tokens: z.number().optional(),
  completion_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
});

export const conversationSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  messages: z.array(messageSchema),
  tools: z.array(toolDefinitionSchema).optional(),
  model: z.string().optional(),
  usage: usageSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type RawConversation = z.infer<typeof conversationSchema>;

// ---- where a conversation's texts are in its file (source map) ---------------------------

/** Trace file formats the indexer reads (detected from content unless a setting forces one). */
export const traceFormats = ['openai', 'otel-genai', 'openinference', 'langfuse', 'langsmith', 'opik'] as const;
export const traceFormatSchema = z.enum(traceFormats);
export type TraceFormat = z.infer<typeof traceFormatSchema>;

export const jsonPathSchema = z.array(z.union([z.string(), z.number().int().nonnegative()]));
export type JsonPathSegments = z.infer<typeof jsonPathSchema>;

/**
 * A JSON value of the trace file as it was indexed: where it starts (line and UTF-16 column,
 * as the editor counts them) and its byte range (to re-read it alone from a large file).
 * `path` leads to it from the document root (.json) or from the start of its line (.jsonl).
 */
export const sourceAnchorSchema = z.object({
  path: jsonPathSchema,
  line: z.number().int().nonnegative(),
  character: z.number().int().nonnegative(),
  byteStart: z.number().int().nonnegative().optional(),
  byteEnd: z.number().int().nonnegative().optional(),
});
export type SourceAnchor = z.infer<typeof sourceAnchorSchema>;

/**
 * Where the decoded text of one message part is in the file. Start at `anchors[anchor]`, follow
 * `path` to a value; then, for each entry of `nested`, that value is a string holding JSON:
 * decode it and follow the entry inside the decoded text (JSON in a string in a string…).
 * The part's text is the decoded string found last, or with `raw` the JSON source text of the
 * value found last (e.g. tool-call arguments recorded as an object). Offsets map back through
 * every level of escaping.
 */
export const partOriginSchema = z.object({
  anchor: z.number().int().nonnegative(),
  path: jsonPathSchema,
  nested: z.array(jsonPathSchema).optional(),
  raw: z.boolean().optional(),
});
export type PartOrigin = z.infer<typeof partOriginSchema>;

/** Key of a part in `Conversation.partOrigins`. */
export function partOriginKey(messageIndex: number, partIndex: number): string {
  return `${messageIndex}:${partIndex}`;
}

/** A conversation as indexed: the parsed trace plus where it came from. */
export interface Conversation {
  id: string;
  file: string;
  /** Line (0-based) where the conversation starts in its file. */
  line: number;
  /** Index among the conversations of its file. */
  position: number;
  /** JSON path of the conversation object inside its line (JSONL) or file (JSON). */
  sourcePath: Array<string | number>;
  messages: Message[];
  tools: ToolDefinition[];
  /**
   * False when the trace records no tool definitions at all: `tools` is then empty because
   * nothing is known, not because no tool exists (no call can be called unknown). Absent: known.
   */
  toolsKnown?: boolean;
  /** Names of the tools the trace shows were executed (a tool span, or a result for the call). */
  executedTools?: string[];
  model?: string;
  usage?: z.infer<typeof usageSchema>;
  metadata?: Record<string, unknown>;
  /** Format it was read from; absent means OpenAI chat format. */
  format?: TraceFormat;
  /**
   * Values of the file this conversation was read from. For the OpenAI format `anchors[0]` is
   * the conversation object itself (the value at `sourcePath`), which spares markers a scan
   * from the top of a large file; converted formats list the spans or records they came from.
   */
  anchors?: SourceAnchor[];
  /**
   * Source map of a converted format, keyed by `partOriginKey(messageIndex, partIndex)` in
   * `messageParts` order. When present, a part without an entry was synthesized (not verbatim
   * in the file) and gets no marker. When absent, parts are at their OpenAI-format paths
   * (`sourcePath + ['messages', i, …]`).
   */
  partOrigins?: Record<string, PartOrigin>;
}

// ---- experiment resource -----------------------------------------------------------------

export const itemStatusSchema = z.enum(itemStatuses);
export type ItemStatus = z.infer<typeof itemStatusSchema>;

export const tokenLogprobSchema = z.object({
  token: z.string(),
  logprob: z.number(),
  top_logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
});
export type TokenLogprob = z.infer<typeof tokenLogprobSchema>;

export const rawExchangeSchema = z.object({
  /** The JSON body sent (a retried request: the attempt that succeeded). */
  request: z.unknown(),
  /** The JSON body received; a streamed answer is the list of its chunks. */
  response: z.unknown(),
  /** Why request and response are not kept (over the stored size cap). */
  omitted: z.string().optional(),
});
export type RawExchange = z.infer<typeof rawExchangeSchema>;

export const itemSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  /** Label of the model configuration this item ran on. */
  model_config: z.string(),
  sample_index: z.number().int().nonnegative(),
  status: itemStatusSchema,
  failure_reason: z.string().nullable().default(null),
  /** The messages of the evaluated response(s), in conversation message indices. */
  response_messages: z.array(z.object({ message_index: z.number().int().nonnegative(), message: messageSchema })),
  annotations: z.array(annotationSchema),
  /** Annotations found but below the minConfidence setting (not in `annotations`). */
  hidden_annotations: z.number().int().nonnegative().optional(),
  /** What the detectors say about the item itself (e.g. no tool definitions known: schema checks skipped). */
  detection_notes: z.array(z.string()).optional(),
  input_tokens: z.number().nonnegative().nullable().default(null),
  output_tokens: z.number().nonnegative().nullable().default(null),
  reasoning_tokens: z.number().nonnegative().nullable().default(null),
  latency_ms: z.number().nonnegative().nullable().default(null),
  time_to_first_token_ms: z.number().nonnegative().nullable().default(null),
  finish_reason: z.string().nullable().default(null),
  cost_usd: z.number().nonnegative().nullable().default(null),
  /** What the LLM judge's calls on this item used, apart from the target's (absent: no judge call). */
  judge_input_tokens: z.number().nonnegative().nullable().optional(),
  judge_output_tokens: z.number().nonnegative().nullable().optional(),
  /** Null when the judge model's price is unknown (never 0 for "unknown"). */
  judge_cost_usd: z.number().nonnegative().nullable().optional(),
  /** The provider request as sent and its response as received (no headers, key redacted); absent for pass-through. */
  raw: rawExchangeSchema.optional(),
  /** Per token of the response's text content, when the configuration asked for logprobs. */
  logprobs: z.array(tokenLogprobSchema).optional(),
  started_at: z.string().nullable().default(null),
  completed_at: z.string().nullable().default(null),
  /** People's comments on the item itself, in the experiment resource only (server/core/review/reviewComments.ts). */
  comments: z.array(z.object({ text: z.string(), author: z.string(), at: z.string() })).optional(),
});
export type ExperimentItem = z.infer<typeof itemSchema>;

export const statusSummarySchema = z.object({
  pending: z.number().int(),
  in_progress: z.number().int(),
  inference_completed: z.number().int(),
  completed: z.number().int(),
  /** Items that failed; a skipped one is not among them. */
  failed: z.number().int(),
  /**
   * Items with nothing to judge (e.g. a conversation without a response): stored with status
   * `failed` and a reason starting "skipped:", counted here, not in `failed` — a skip is not a failure.
   */
  skipped: z.number().int(),
  total: z.number().int(),
});
export type StatusSummary = z.infer<typeof statusSummarySchema>;

/** How the reason of a skipped item starts (its status is `failed`: the item ended without a result). */
export const metricsSchema = z.object({
  hallucination_rate: z.number().nullable(),
  total_hallucinations: z.number().int(),
  hallucination_free_count: z.number().int(),
  avg_hallucinations_per_prompt: z.number().nullable(),
  hallucination_labels: z.record(z.string(), z.number().int()),
  parameter_hallucinations: z.record(z.string(), z.record(z.string(), z.number().int())),
  total_input_tokens: z.number(),
  total_output_tokens: z.number(),
  avg_input_tokens: z.number().nullable(),
  avg_output_tokens: z.number().nullable(),
  cost_per_1k: z.number().nullable(),
  total_generation_time_ms: z.number(),
  avg_response_latency_ms: z.number().nullable(),
  max_response_latency_ms: z.number().nullable(),
  /** The LLM judge's usage, apart from the target's (Opik's names); cost null when a price is unknown or no judge ran. */
  judge_input_tokens: z.number(),
  judge_output_tokens: z.number(),
  judge_cost_usd: z.number().nullable(),
  /** What the run spent: the target's inference (nothing for pass-through) plus the judge. Null when a price is unknown. */
  total_estimated_cost: z.number().nullable(),
  /** total_estimated_cost per completed item. */
  total_estimated_cost_avg: z.number().nullable(),
});
export type Metrics = z.infer<typeof metricsSchema>;

export const experimentRecordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  name: z.string(),
  model: z.string(),
  pass_through: z.boolean(),
  conversation_ids: z.array(z.string()),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  created_by: z.string(),
  reasoning_config: reasoningConfigSchema.nullable(),
  system_prompt_override: z.string().nullable(),
  output_schema: z.array(outputFieldSchema).nullable(),
  config: experimentConfigSchema,
  /** Set when the experiment ran on a dataset file (server/core/datasets/datasetOrigin.ts). */
  dataset_name: z.string().optional(),
  dataset_id: z.string().optional(),
  /** The content hash of the dataset file when the experiment was created. */
  dataset_version_id: z.string().optional(),
});
export type ExperimentRecord = z.infer<typeof experimentRecordSchema>;

/** Precision, recall and F1 (server/core/datasets/datasetScore.ts defines each count). */
export const prfSchema = z.object({
  tp: z.number().int(),
  fp: z.number().int(),
  fn: z.number().int(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  f1: z.number().nullable(),
});
const spanRefSchema = z.object({
  record: z.string(),
  message_index: z.number().int(),
  message_part_index: z.number().int(),
  start_offset: z.number().int(),
  end_offset: z.number().int(),
  text: z.string(),
  label: z.string(),
  known_negative: z.boolean().optional(),
});
/** A detector scored against a dataset's gold spans. */
export const detectorScoreSchema = z.object({
  detector: z.string(),
  span: prfSchema,
  response: prfSchema,
  label_agreement: z.number().nullable(),
  by_label: z.record(z.string(), prfSchema),
  false_positives: z.array(spanRefSchema),
  misses: z.array(spanRefSchema),
});

export const experimentResourceSchema = experimentRecordSchema.omit({ config: true }).extend({
  total_items_count: z.number().int(),
  completed_items_count: z.number().int(),
  status_summary: statusSummarySchema,
  metrics: metricsSchema,
  metrics_by_model: z.record(z.string(), metricsSchema),
  items: z.array(itemSchema),
  // The figures from people's verdicts (server/core/review/figures.ts), in the shape of the Opik
  // experiment resource. `metrics` above exclude dismissed annotations.
  feedback_scores: z.array(z.object({ name: z.string(), value: z.number(), reason: z.string() })).optional(),
  pass_rate: z.number().nullable().optional(),
  passed_count: z.number().int().optional(),
  total_count: z.number().int().optional(),
  unreviewed_count: z.number().int().optional(),
  /** Verdicts given in this experiment whose annotation no longer exists: kept, never applied elsewhere. */
  stale_verdicts: z.array(z.object({ annotation_id: z.string(), verdict: z.string(), text: z.string(), at: z.string() })).optional(),
  /** Comments of the verdicts (with their annotation and item) and on the experiment itself. */
  comments: z
    .array(
      z.object({
        text: z.string(),
        author: z.string(),
        at: z.string(),
        annotation_id: z.string().optional(),
        item_id: z.string().optional(),
      }),
    )
    .optional(),
  tags: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  /** A pass-through experiment on a dataset: each detector against the dataset's gold spans. */
  dataset_scores: z.array(detectorScoreSchema).optional(),
});
export type ExperimentResource = z.infer<typeof experimentResourceSchema>;

/** "conversation_ids[0]: …" — one line per zod issue, naming the field. */
export function formatZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const path = i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      return `${prefix}${path || '(root)'}: ${i.message}`;
    })
    .join('\n');
}
