// Every custom LSP request and notification between the extension and the server, with the
// zod schemas of their params and results. Method names, types and validation live side by side.
import { z } from 'zod';
import { estimateResultSchema } from './estimate';
import { editorChatRequestSchema, editorChatResultSchema } from './editorModels';
import { experimentResourceSchema, itemSchema, labelSetSchema, modelConfigSchema, statusSummarySchema, traceFormats } from './schema';
import { experimentMetadataSchema, experimentTagsSchema } from './schema';
import { annotationKeySchema } from './annotationKey';

export * from './schema';

export interface MessageSpec<P extends z.ZodType, R extends z.ZodType> {
  method: string;
  params: P;
  result: R;
}
function request<P extends z.ZodType, R extends z.ZodType>(method: string, params: P, result: R): MessageSpec<P, R> {
  return { method, params, result };
}
function notification<P extends z.ZodType>(method: string, params: P): MessageSpec<P, z.ZodVoid> {
  return { method, params, result: z.void() };
}
export type ParamsOf<S> = S extends MessageSpec<infer P, z.ZodType> ? z.input<P> : never;
export type ResultOf<S> = S extends MessageSpec<z.ZodType, infer R> ? z.output<R> : never;

// ---- shared shapes -----------------------------------------------------------------------

export const traceProblemSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  /** Character range on that line; whole line when absent. */
  startCharacter: z.number().int().nonnegative().optional(),
  endCharacter: z.number().int().nonnegative().optional(),
  message: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
});
export type TraceProblem = z.infer<typeof traceProblemSchema>;

/**
 * How much of a trace file was read: its LLM calls, how many became conversations, and each one
 * left out (its response or input could not be read) with the span, the line and why.
 */
export const fileCoverageSchema = z.object({
  llmCalls: z.number().int().nonnegative(),
  read: z.number().int().nonnegative(),
  unread: z.array(z.object({ spanId: z.string().nullable(), line: z.number().int().nonnegative(), reason: z.string() })),
});
export type FileCoverage = z.infer<typeof fileCoverageSchema>;

export const traceFileSummarySchema = z.object({
  file: z.string(),
  conversationCount: z.number().int().nonnegative(),
  /** False when the file is not a trace at all (it is then ignored). */
  isTrace: z.boolean(),
  problems: z.array(traceProblemSchema),
  /** Absent for files not indexed yet. */
  coverage: fileCoverageSchema.optional(),
});
export type TraceFileSummary = z.infer<typeof traceFileSummarySchema>;

export const conversationSummarySchema = z.object({
  id: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  messageCount: z.number().int().nonnegative(),
  hasToolCalls: z.boolean(),
  firstUserMessage: z.string(),
  tracedResponse: z.string(),
  model: z.string().nullable(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const experimentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  pass_through: z.boolean(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  status_summary: statusSummarySchema,
  total_hallucinations: z.number().int(),
  hallucination_rate: z.number().nullable(),
  running: z.boolean(),
  items: z.array(
    z.object({
      id: z.string(),
      conversation_id: z.string(),
      model_config: z.string(),
      sample_index: z.number().int(),
      status: itemSchema.shape.status,
      failure_reason: z.string().nullable(),
      hallucinations: z.number().int(),
      /** Its annotations without a verdict (`hallucinations` leaves dismissed ones out). */
      unreviewed: z.number().int().optional(),
    }),
  ),
  /** Its tags (info.json over the configuration's): the Experiments view filters by them. */
  tags: z.array(z.string()).optional(),
  /**
   * What review did to the counts, as in the report: `total_hallucinations` and
   * `hallucination_rate` leave dismissed annotations out and count spans people added; these
   * count completed items' annotations still without a verdict, and those dismissed.
   */
  unreviewed_count: z.number().int().optional(),
  dismissed_count: z.number().int().optional(),
});
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const settingsSchema = z.object({
  models: z.array(modelConfigSchema).default([]),
  judgeModel: modelConfigSchema.nullable().default(null),
  concurrency: z.number().int().min(1).max(256).default(8),
  requestsPerMinute: z.number().int().positive().nullable().default(null),
  tokensPerMinute: z.number().int().positive().nullable().default(null),
  requestTimeoutMs: z.number().int().positive().default(60_000),
  maxRetries: z.number().int().min(0).max(10).default(4),
  labelSet: labelSetSchema.nullable().default(null),
  /**
   * Trace format forced per glob (matched against the workspace-relative path, then the
   * absolute path); files no glob matches are detected from their content.
   */
  formats: z.record(z.string(), z.enum(['auto', ...traceFormats])).default({}),
  /** Annotations below this confidence are hidden (the item keeps their count). 0 shows all. */
  minConfidence: z.number().min(0).max(1).default(0),
  /**
   * Tests only (not a VS Code setting): the window that requestsPerMinute and tokensPerMinute
   * apply to, in ms. Default 60 000 (a minute). The load test shortens it to see the limit bind.
   */
  rateLimitWindowMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .optional() /** Markers of dismissed annotations are shown (as hints, saying "dismissed") instead of hidden. */,
  showDismissedMarkers: z.boolean().default(false),
  /** The editor's language models (vscode.lm), as the extension lists them; configurations name them like configured models. */
  editorModels: z.array(modelConfigSchema).default([]),
});
export type Settings = z.infer<typeof settingsSchema>;

export const initializationOptionsSchema = z.object({
  workspaceRoot: z.string().nullable(),
  createdBy: z.string().default('vscode'),
  settings: settingsSchema.default(settingsSchema.parse({})),
  trusted: z.boolean().default(true),
});
export type InitializationOptions = z.infer<typeof initializationOptionsSchema>;

// ---- requests: extension → server --------------------------------------------------------

export const SetTraceFiles = request(
  'hallucinationLab/setTraceFiles',
  z.object({ files: z.array(z.string()) }),
  z.object({ files: z.array(traceFileSummarySchema) }),
);
export const ListTraceFiles = request(
  'hallucinationLab/listTraceFiles',
  z.object({}),
  z.object({ files: z.array(traceFileSummarySchema) }),
);
/** Most conversations one page of ListConversations holds. */
export const MAX_CONVERSATION_PAGE = 1000;
export const ListConversations = request(
  'hallucinationLab/listConversations',
  /**
   * `ids`: only these conversations (a report needs a few, not the whole index). A large index is
   * listed page by page: `query` (every whitespace-separated term in id, file, model or texts,
   * case-insensitive) and `toolCalls` filter on the server, then `offset`/`limit` cut the page;
   * with any of them the result carries `total` (how many match). Without them: everything.
   */
  z.object({
    file: z.string().optional(),
    ids: z.array(z.string()).optional(),
    query: z.string().max(1000).optional(),
    toolCalls: z.enum(['any', 'with', 'without']).optional(),
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().positive().max(MAX_CONVERSATION_PAGE).optional(),
  }),
  z.object({ conversations: z.array(conversationSummarySchema), total: z.number().int().nonnegative().optional() }),
);
export const CreateExperiment = request(
  'hallucinationLab/createExperiment',
  z.object({ config: z.unknown() }),
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), experiment: experimentSummarySchema }),
    z.object({ ok: z.literal(false), errors: z.array(fieldErrorSchema) }),
  ]),
);
export const ListExperiments = request(
  'hallucinationLab/listExperiments',
  z.object({}),
  z.object({ experiments: z.array(experimentSummarySchema) }),
);
export const GetExperiment = request('hallucinationLab/getExperiment', z.object({ id: z.string() }), experimentResourceSchema);
/** What a report opens with, in one round trip: the experiment, whether it runs, and its conversations. */
export const GetReportState = request(
  'hallucinationLab/getReportState',
  z.object({ id: z.string() }),
  z.object({ experiment: experimentResourceSchema, running: z.boolean(), conversations: z.array(conversationSummarySchema) }),
);
/** A trace file's conversations as read, one OpenAI chat-format conversation per line, with its coverage lines. */
export const ConvertTraceFile = request(
  'hallucinationLab/convertTraceFile',
  z.object({ file: z.string() }),
  z.object({ jsonl: z.string(), conversations: z.number().int(), notes: z.array(z.string()) }),
);
/** The experiment's annotations as SARIF 2.1.0 (JSON text), placed where their markers are. */
export const ExportSarif = request(
  'hallucinationLab/exportSarif',
  z.object({ id: z.string() }),
  z.object({ sarif: z.string(), results: z.number().int() }),
);
export const CancelExperiment = request(
  'hallucinationLab/cancelExperiment',
  z.object({ id: z.string() }),
  z.object({ cancelled: z.boolean() }),
);
export const ResumeExperiment = request(
  'hallucinationLab/resumeExperiment',
  z.object({ id: z.string(), failedOnly: z.boolean().default(false) }),
  z.object({ experiment: experimentSummarySchema }),
);
export const DeleteExperiment = request(
  'hallucinationLab/deleteExperiment',
  z.object({ id: z.string() }),
  z.object({ deleted: z.boolean() }),
);
export const SetActiveExperiment = request(
  'hallucinationLab/setActiveExperiment',
  z.object({ id: z.string().nullable() }),
  z.object({ id: z.string().nullable() }),
);

const positionSchema = z.object({ line: z.number().int().nonnegative(), character: z.number().int().nonnegative() });
/** Where an item's annotation is in its trace file now (null when the text no longer matches). */
export const LocateAnnotation = request(
  'hallucinationLab/locateAnnotation',
  z.object({
    experiment_id: z.string(),
    conversation_id: z.string(),
    message_index: z.number().int().nonnegative(),
    message_part_index: z.number().int().nonnegative(),
    start_offset: z.number().int().nonnegative(),
    end_offset: z.number().int().nonnegative().optional(),
  }),
  z.object({
    file: z.string().nullable(),
    range: z.object({ start: positionSchema, end: positionSchema }).nullable(),
  }),
);

/**
 * Replaces an experiment's tags or metadata (when given) and/or adds a comment on it; stored in
 * its folder (server/core/experiments/experimentInfo.ts). Answers the experiment's info after.
 */
export const UpdateExperimentInfo = request(
  'hallucinationLab/updateExperimentInfo',
  z.object({
    id: z.string(),
    tags: experimentTagsSchema.optional(),
    metadata: experimentMetadataSchema.optional(),
    comment: z.string().trim().min(1).max(10_000).optional(),
    /** Who comments (the extension's review author setting); default: the server's OS user. */
    author: z.string().min(1).max(200).optional(),
  }),
  z.object({
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    comments: z.array(z.object({ text: z.string(), author: z.string(), at: z.string() })),
  }),
);

// ---- notifications -----------------------------------------------------------------------

/** extension → server: settings or trust changed. */
export const UpdateSettings = notification('hallucinationLab/updateSettings', z.object({ settings: settingsSchema, trusted: z.boolean() }));
/** server → extension: the trace index changed. */
export const IndexChanged = notification('hallucinationLab/indexChanged', z.object({ files: z.array(traceFileSummarySchema) }));
/** server → extension: an experiment was created, progressed, finished or was deleted. */
export const ExperimentChanged = notification(
  'hallucinationLab/experimentChanged',
  z.object({ experiment: experimentSummarySchema.nullable(), deletedId: z.string().optional() }),
);
/**
 * server → extension: a large trace file is being indexed (streamed from disk). Sent at most
 * every 100 ms per file, and once more with `done: true` when it is indexed, failed or was
 * superseded; `IndexChanged` follows with the result.
 */
export const IndexProgress = notification(
  'hallucinationLab/indexProgress',
  z.object({
    file: z.string(),
    bytesRead: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
    done: z.boolean().optional(),
  }),
);
/** server → extension: which experiment's markers are shown. */
export const ActiveExperimentChanged = notification('hallucinationLab/activeExperimentChanged', z.object({ id: z.string().nullable() }));

/**
 * What an experiment configuration is expected to cost before it runs: requests, tokens (counted
 * with js-tiktoken), price per configuration and for the judge. Nothing is created or called.
 */
export const EstimateExperiment = request('hallucinationLab/estimateExperiment', z.object({ config: z.unknown() }), estimateResultSchema);

// ---- requests: server → extension --------------------------------------------------------

/**
 * The server asks for an API key when it needs one; it lives only in SecretStorage. `baseURL`:
 * where the key is about to be sent (a key is bound to the origin it was entered for).
 */
export const GetApiKey = request(
  'hallucinationLab/getApiKey',
  z.object({ name: z.string(), baseURL: z.string() }),
  z.object({ key: z.string().nullable() }),
);

// ---- review: people's verdicts where the marker is (issue 17) ------------------------------

const reviewAuthorSchema = z.string().trim().min(1).max(200);
const reviewTextSchema = z.string().max(10_000);

/**
 * A person's verdict on one annotation (by its stable id) of an experiment: confirmed, dismissed
 * (not a hallucination), or relabelled (a hallucination of `label`). Appended and flushed to the
 * experiment's verdicts.jsonl before the answer; markers and the report follow.
 */
export const SetVerdict = request(
  'hallucinationLab/setVerdict',
  z.object({
    experiment_id: z.string(),
    annotation_id: z.string(),
    verdict: z.enum(['confirmed', 'dismissed', 'relabelled']),
    /** With "relabelled": the label it is instead. */
    label: z.string().min(1).max(200).optional(),
    comment: reviewTextSchema.optional(),
    /** Who gives it (the setting hallucinationLab.review.author, else the OS user); the server's OS user when absent. */
    author: reviewAuthorSchema.optional(),
  }),
  z.object({ annotation_id: z.string(), verdict: z.string(), label: z.string().optional(), author: z.string(), at: z.string() }),
);

/**
 * A hallucination the detectors missed, marked by a person on exactly the selected characters of
 * a trace file: the selection must lie inside one traced response text or tool-call argument the
 * experiment evaluated (else the request fails saying why). `experiment_id`: default, the
 * experiment whose markers are shown.
 */
export const AddHumanAnnotation = request(
  'hallucinationLab/addHumanAnnotation',
  z.object({
    file: z.string(),
    range: z.object({ start: positionSchema, end: positionSchema }),
    label: z.string().min(1).max(200),
    explanation: reviewTextSchema.default(''),
    author: reviewAuthorSchema.optional(),
    experiment_id: z.string().optional(),
  }),
  // Where the span is, as its verdict keys it (without the occurrence, which only the store needs).
  annotationKeySchema.omit({ occurrence: true }).extend({ experiment_id: z.string(), annotation_id: z.string() }),
);

/**
 * A person's comment on one annotation (by id) or one item of an experiment, that is not a verdict:
 * the annotation stays as reviewed (or not) as it was. Give exactly one of `annotation_id` and `item_id`.
 */
export const AddReviewComment = request(
  'hallucinationLab/addReviewComment',
  z
    .object({
      experiment_id: z.string(),
      annotation_id: z.string().optional(),
      item_id: z.string().optional(),
      text: reviewTextSchema.pipe(z.string().trim().min(1, 'a comment must not be empty')),
      author: reviewAuthorSchema.optional(),
    })
    .refine((p) => (p.annotation_id === undefined) !== (p.item_id === undefined), 'give exactly one of annotation_id and item_id'),
  z.object({ item_id: z.string(), annotation_id: z.string().optional(), text: z.string(), author: z.string(), at: z.string() }),
);

// ---- live traces (the OTLP receiver in the server) ---------------------------------------

/**
 * extension → server: starts the OTLP/HTTP receiver on 127.0.0.1 (refused in an untrusted
 * workspace or without a folder). `port` 0 picks a free one; `folder` is workspace-relative
 * (default traces/live). Already running with the same port and folder: answered as it is.
 */
export const StartReceiver = request(
  'hallucinationLab/receiver/start',
  z.object({
    port: z.number().int().min(0).max(65535).optional(),
    folder: z.string().min(1).max(4096).optional(),
    /** Also run the LLM judge (hallucinationLab.judgeModel) on each trace, within the rate limits. */
    judge: z.boolean().optional(),
  }),
  z.object({ port: z.number().int(), folder: z.string(), endpoint: z.string() }),
);
/** extension → server: stops the receiver; requests in flight are answered and written, pending traces judged. */
export const StopReceiver = request('hallucinationLab/receiver/stop', z.object({}), z.object({ stopped: z.boolean() }));
export const receiverStatusSchema = z.object({
  listening: z.boolean(),
  port: z.number().int().nullable(),
  /** Absolute folder of the live files. */
  folder: z.string().nullable(),
  traces: z.number().int().nonnegative(),
  spans: z.number().int().nonnegative(),
  hallucinations: z.number().int().nonnegative(),
  /** Whether the LLM judge runs on live traces besides the local detector. */
  judge: z.boolean(),
  /** The last request refused (400/413/415…) or detection failure, with when it happened. */
  lastError: z.string().nullable(),
});
export type ReceiverStatus = z.infer<typeof receiverStatusSchema>;
/** server → extension: the receiver started, stopped, or its counts changed (at most every 250 ms). */
export const ReceiverStatusChanged = notification('hallucinationLab/receiver/status', receiverStatusSchema);
export const liveConversationSchema = z.object({
  id: z.string(),
  file: z.string(),
  /** 0-based line of the conversation in the live file. */
  line: z.number().int().nonnegative(),
  status: itemSchema.shape.status,
  failureReason: z.string().nullable(),
  hallucinations: z.number().int().nonnegative(),
  model: z.string().nullable(),
  firstUserMessage: z.string(),
});
export type LiveConversation = z.infer<typeof liveConversationSchema>;
/** server → extension: a received trace completed and was judged; its markers are on the live file. */
export const LiveTraceJudged = notification(
  'hallucinationLab/receiver/trace',
  z.object({
    traceId: z.string(),
    files: z.array(z.string()),
    conversations: z.array(liveConversationSchema),
    hallucinations: z.number().int().nonnegative(),
  }),
);

// ---- the editor's language models (issue 19 §1) ----------------------------------------------

/**
 * server → extension: run one chat request on an editor language model (`vscode.lm`). The server
 * cancels it (LSP $/cancelRequest) on Cancel or timeout; failures come back as `{ok: false, code}`.
 */
export const EditorModelChat = request('hallucinationLab/editorModelChat', editorChatRequestSchema, editorChatResultSchema);
