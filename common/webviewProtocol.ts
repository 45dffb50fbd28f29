// The message protocol between each webview app (experiment form, report, compare) and its host
// in the extension. Webview → host: requests carrying an `id`, answered by a response with the
// same id (a result or an error). Host → webview: notifications. One section per app; method
// names, param/result schemas and inferred types side by side.
//
// Typing convention: what the webview sends (request params) is `z.input` — the host parses it
// with the schema before use; what the host sends (results, notifications) is `z.output` — it is
// already-validated data from the server, so the webview does not parse it again.
import { z } from 'zod';
import {
  conversationSummarySchema,
  experimentSummarySchema,
  fieldErrorSchema,
  MAX_CONVERSATION_PAGE,
  traceFileSummarySchema,
} from './protocol';
import { experimentConfigSchema, experimentResourceSchema, experimentTagsSchema, modelConfigSchema } from './schema';
import { editorModelInfoSchema } from './editorModels';
import { estimateResultSchema } from './estimate';

// ---- envelopes ---------------------------------------------------------------------------

export const requestEnvelopeSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1),
  params: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export const responseErrorSchema = z.object({ message: z.string() });
export const responseEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int().nonnegative(), ok: z.literal(false), error: responseErrorSchema }),
]);
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

export const notificationEnvelopeSchema = z.object({
  type: z.literal('notification'),
  method: z.string().min(1),
  params: z.unknown(),
});
export type NotificationEnvelope = z.infer<typeof notificationEnvelopeSchema>;

// ---- spec builders -----------------------------------------------------------------------

export interface WebviewRequestSpec<M extends string, P extends z.ZodType, R extends z.ZodType> {
  kind: 'request';
  method: M;
  params: P;
  result: R;
}
export interface WebviewNotificationSpec<M extends string, P extends z.ZodType> {
  kind: 'notification';
  method: M;
  params: P;
}
function request<M extends string, P extends z.ZodType, R extends z.ZodType>(method: M, params: P, result: R): WebviewRequestSpec<M, P, R> {
  return { kind: 'request', method, params, result };
}
function notification<M extends string, P extends z.ZodType>(method: M, params: P): WebviewNotificationSpec<M, P> {
  return { kind: 'notification', method, params };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRequestSpec = WebviewRequestSpec<string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyNotificationSpec = WebviewNotificationSpec<string, any>;
export type AnyWebviewProtocol = Record<string, AnyRequestSpec | AnyNotificationSpec>;

/** Params as the webview sends them. */
export type RequestParams<S> = S extends WebviewRequestSpec<string, infer P, z.ZodType> ? z.input<P> : never;
/** Params as the host handler receives them (after parsing). */
export type ParsedRequestParams<S> = S extends WebviewRequestSpec<string, infer P, z.ZodType> ? z.output<P> : never;
export type RequestResult<S> = S extends WebviewRequestSpec<string, z.ZodType, infer R> ? z.output<R> : never;
export type NotificationParams<S> = S extends WebviewNotificationSpec<string, infer P> ? z.output<P> : never;

/** Keys of a protocol object that are requests / notifications. */
export type RequestKeys<T> = { [K in keyof T]: T[K] extends AnyRequestSpec ? K : never }[keyof T];
export type NotificationKeys<T> = { [K in keyof T]: T[K] extends AnyNotificationSpec ? K : never }[keyof T];

// ---- shared shapes -----------------------------------------------------------------------

const empty = z.object({});

/** A label and its description, for tooltips and legends. */
export const labelInfoSchema = z.object({ name: z.string(), description: z.string() });
export type LabelInfo = z.infer<typeof labelInfoSchema>;

export const exportFormats = ['json', 'csv', 'html'] as const;
export const MAX_EXPORT_CHARS = 200 * 1024 * 1024;
export const exportFormatSchema = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** Where an annotation sits in the trace; the host passes it to `hallucinationLab.revealAnnotation`. */
export const annotationLocationSchema = z.object({
  conversation_id: z.string().min(1),
  message_index: z.number().int().nonnegative(),
  message_part_index: z.number().int().nonnegative(),
  start_offset: z.number().int().nonnegative(),
  end_offset: z.number().int().nonnegative().optional(),
});
export type AnnotationLocation = z.infer<typeof annotationLocationSchema>;
export const traceLocationSchema = annotationLocationSchema.extend({ experiment_id: z.string().min(1) });
export type TraceLocation = z.infer<typeof traceLocationSchema>;

/** What the report needs of a conversation beyond the item: where it is and how it starts. */
export const conversationContextSchema = conversationSummarySchema.pick({
  id: true,
  file: true,
  line: true,
  messageCount: true,
  firstUserMessage: true,
});
export type ConversationContext = z.infer<typeof conversationContextSchema>;

// ---- the experiment form -----------------------------------------------------------------

export const formPrefillSchema = experimentConfigSchema.partial();
export type FormPrefill = z.input<typeof formPrefillSchema>;

export const formInitResultSchema = z.object({
  /** Model configurations from settings (`hallucinationLab.models`): offered as the target and as extra configurations. */
  models: z.array(modelConfigSchema),
  /** The judge model from settings, the default when the judge detector is chosen. */
  judgeModel: modelConfigSchema.nullable(),
  /** Label set from settings (shown as the default), null = built-in labels. */
  labels: z.array(labelInfoSchema),
  labelSetSource: z.string().nullable(),
  /** Workspace-relative paths, as the picker shows them. */
  traceFiles: z.array(traceFileSummarySchema),
  prefill: formPrefillSchema.nullable(),
  workspaceTrusted: z.boolean(),
  /** The editor's language models (vscode.lm); `models` holds their configurations too (source "vscode-lm"). */
  editorModels: z.array(editorModelInfoSchema).optional(),
});
export type FormInitResult = z.infer<typeof formInitResultSchema>;

export const formSubmitResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), experimentId: z.string() }),
  z.object({ ok: z.literal(false), errors: z.array(fieldErrorSchema) }),
]);
export type FormSubmitResult = z.infer<typeof formSubmitResultSchema>;

/**
 * One page of the form's conversation list: the search (every whitespace-separated term, in id,
 * file, model or texts) and the filters are applied by the server, then offset/limit cut the page.
 * `file` is workspace-relative, as the picker shows it ('' = every file).
 */
export const formConversationPageParamsSchema = z.object({
  query: z.string().max(1000).default(''),
  file: z.string().max(4096).default(''),
  toolCalls: z.enum(['any', 'with', 'without']).default('any'),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(MAX_CONVERSATION_PAGE).default(200),
});
export type FormConversationPageParams = z.input<typeof formConversationPageParamsSchema>;
export const formConversationPageSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  /** How many conversations match the query and filters (not only this page). */
  total: z.number().int().nonnegative(),
});
export type FormConversationPage = z.infer<typeof formConversationPageSchema>;
/** Most ids one lookup takes (a selection is at most MAX_CONVERSATIONS; a prefill may hold more). */
export const MAX_LOOKUP_IDS = 1000;

export const FormProtocol = {
  // webview → host
  init: request('form/init', empty, formInitResultSchema),
  listConversations: request('form/listConversations', formConversationPageParamsSchema, formConversationPageSchema),
  /** The config as typed; the host sends it to the server, which validates it again. */
  submit: request('form/submit', z.object({ config: z.unknown() }), formSubmitResultSchema),
  /** Opens a file dialog for a label set file; the workspace-relative path, or null when cancelled. */
  browseLabelSet: request('form/browseLabelSet', empty, z.object({ path: z.string().nullable() })),
  openSettings: request('form/openSettings', z.object({ query: z.string().max(200) }), empty),
  close: request('form/close', empty, empty),
  /** The expected requests, tokens and cost of the config as typed (the server's estimateExperiment). */
  estimate: request('form/estimate', z.object({ config: z.unknown() }), estimateResultSchema),
  /** The rows of these ids that are still in the index (the selection's labels after a reload or prefill). */
  lookupConversations: request(
    'form/lookupConversations',
    z.object({ ids: z.array(z.string()).max(MAX_LOOKUP_IDS) }),
    z.object({ conversations: z.array(conversationSummarySchema) }),
  ),
  // host → webview
  /** The trace index changed: the conversation list should be fetched again. */
  traceFilesChanged: notification('form/traceFilesChanged', z.object({ files: z.array(traceFileSummarySchema) })),
  /** `openExperimentForm` was called again with a prefill while the form was open. */
  prefill: notification('form/prefill', z.object({ prefill: formPrefillSchema })),
  /** The editor's language models changed (a provider registered, a sign-in): the offered models with them. */
  modelsChanged: notification(
    'form/modelsChanged',
    z.object({ models: z.array(modelConfigSchema), editorModels: z.array(editorModelInfoSchema) }),
  ),
} as const;

// ---- the report --------------------------------------------------------------------------

export const reportSnapshotSchema = z.object({
  experiment: experimentResourceSchema,
  /** True while the server's runner works on it (cancel is offered). */
  running: z.boolean(),
  /** Experiment whose markers are shown in editors. */
  active: z.boolean(),
});
export type ReportSnapshot = z.infer<typeof reportSnapshotSchema>;

export const reportInitResultSchema = z.object({
  experimentId: z.string(),
  snapshot: reportSnapshotSchema.nullable(),
  /** Why there is no snapshot (experiment deleted, server not ready). */
  error: z.string().nullable(),
  conversations: z.record(z.string(), conversationContextSchema),
  labels: z.array(labelInfoSchema),
});
export type ReportInitResult = z.infer<typeof reportInitResultSchema>;

export const ReportProtocol = {
  // webview → host
  init: request('report/init', empty, reportInitResultSchema),
  /**
   * The page painted the state embedded in its HTML (a ReportInitResult) and listens now: the host
   * sends snapshots from here on, and answers with one when the experiment changed since the HTML
   * was made (a page loaded again after being hidden starts from that HTML too).
   */
  ready: request('report/ready', empty, z.object({ snapshot: reportSnapshotSchema.nullable() })),
  refresh: request('report/refresh', empty, z.object({ snapshot: reportSnapshotSchema.nullable() })),
  cancel: request('report/cancel', empty, z.object({ cancelled: z.boolean() })),
  resume: request('report/resume', z.object({ failedOnly: z.boolean() }), z.object({ resumed: z.boolean() })),
  setActive: request('report/setActive', z.object({ active: z.boolean() }), z.object({ active: z.boolean() })),
  openTraceLocation: request('report/openTraceLocation', traceLocationSchema, empty),
  /** The page builds the file (JSON, CSV or a self-contained HTML report); the host asks where to save it and writes it. */
  export: request(
    'report/export',
    z.object({ format: exportFormatSchema, fileName: z.string().min(1).max(200), content: z.string().max(MAX_EXPORT_CHARS) }),
    z.object({ path: z.string().nullable() }),
  ),
  /** Opens the compare panel with this experiment and others the host asks for (quick pick). */
  compare: request('report/compare', z.object({ byConfiguration: z.boolean() }), empty),
  /**
   * A person's verdict on one annotation (the buttons on each annotation of an expanded item): the
   * host asks for the reason (dismiss) or the new label (label) and sends it to the server; the
   * snapshot with the verdict follows. `done` is false when the person cancelled.
   */
  review: request(
    'report/review',
    z.object({
      annotation_id: z.string().min(1).max(100),
      action: z.enum(['confirm', 'dismiss', 'label']),
      label: z.string().max(200).optional(),
    }),
    z.object({ done: z.boolean() }),
  ),
  /**
   * Comment… on an annotation or an item (the expanded item's buttons): the host asks for the text
   * and sends AddReviewComment; the snapshot with the comment follows. Not a verdict.
   */
  comment: request(
    'report/comment',
    z
      .object({ annotation_id: z.string().min(1).max(100).optional(), item_id: z.string().min(1).max(200).optional() })
      .refine((p) => (p.annotation_id === undefined) !== (p.item_id === undefined), 'give exactly one of annotation_id and item_id'),
    z.object({ done: z.boolean() }),
  ),
  /**
   * The header's Tags field (replaces the tags) or Add comment (appends one on the experiment): the
   * host sends UpdateExperimentInfo with the review author; the snapshot with the change follows.
   */
  updateInfo: request(
    'report/updateInfo',
    z.object({ tags: experimentTagsSchema.optional(), comment: z.string().trim().min(1).max(10_000).optional() }),
    z.object({ tags: z.array(z.string()), comments: z.number().int() }),
  ),
  // host → webview
  snapshot: notification('report/snapshot', reportSnapshotSchema),
  deleted: notification('report/deleted', z.object({ id: z.string() })),
  /**
   * The state of a page written with a static first screen, sent with its HTML: VS Code holds
   * it until the page has loaded, the page's inline loader keeps it until the script reads it
   * (then the page says `ready`, as with an embedded state). A page that did not get it asks `init`.
   */
  firstState: notification('report/firstState', reportInitResultSchema),
} as const;

// ---- compare -----------------------------------------------------------------------------

export const compareInitResultSchema = z.object({
  experimentIds: z.array(z.string()),
  experiments: z.array(experimentResourceSchema),
  /** Every stored experiment, for the picker. */
  available: z.array(experimentSummarySchema),
  conversations: z.record(z.string(), conversationContextSchema),
  labels: z.array(labelInfoSchema),
});
export type CompareInitResult = z.infer<typeof compareInitResultSchema>;

export const CompareProtocol = {
  // webview → host
  init: request('compare/init', empty, compareInitResultSchema),
  setExperiments: request(
    'compare/setExperiments',
    z.object({ ids: z.array(z.string().min(1)).min(1).max(20) }),
    z.object({ experiments: z.array(experimentResourceSchema) }),
  ),
  openReport: request('compare/openReport', z.object({ id: z.string().min(1) }), empty),
  openTraceLocation: request('compare/openTraceLocation', traceLocationSchema, empty),
  // host → webview
  experiments: notification('compare/experiments', z.object({ experiments: z.array(experimentResourceSchema) })),
} as const;

/** Every method name of every app, for the host's router and for tests. */
export const webviewProtocols = { form: FormProtocol, report: ReportProtocol, compare: CompareProtocol } as const;
export type WebviewApp = keyof typeof webviewProtocols;
