// The editor's language models (VS Code's `vscode.lm`) as a model source: what the extension
// tells the server and the form about each model, and the one request the server makes the
// extension run (`EditorModelChat` in protocol.ts). The server never sees `vscode`; these shapes
// are the whole contract, validated with zod on both sides.
import { z } from 'zod';
import { EDITOR_MODEL_SOURCE, type ModelConfig } from './schema';

/** One model as `vscode.lm.selectChatModels()` describes it. */
export const editorModelInfoSchema = z.object({
  vendor: z.string().min(1),
  family: z.string(),
  name: z.string(),
  id: z.string().min(1),
  version: z.string().optional(),
  /** Null when the editor does not say. */
  maxInputTokens: z.number().int().nonnegative().nullable(),
});
export type EditorModelInfo = z.infer<typeof editorModelInfoSchema>;

/** The label an editor model has in the form and in reports: its name and vendor. */
export function editorModelLabel(info: Pick<EditorModelInfo, 'name' | 'vendor' | 'id'>): string {
  return `${info.name || info.id} (${info.vendor})`.slice(0, 100);
}

/** The model configuration that runs an editor model (no key, no price: cost stays unknown). */
export function editorModelConfig(info: EditorModelInfo): ModelConfig {
  return {
    id: editorModelLabel(info),
    model: info.id,
    source: EDITOR_MODEL_SOURCE,
    vendor: info.vendor,
    ...(info.family ? { family: info.family } : {}),
  };
}

export function isEditorModel(model: Pick<ModelConfig, 'source'>): boolean {
  return model.source === EDITOR_MODEL_SOURCE;
}

// ---- the request the server makes the extension run ------------------------------------------

/** A part of a message, as `LanguageModelTextPart` / `LanguageModelToolCallPart` / `LanguageModelToolResultPart`. */
export const editorChatPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('toolCall'), callId: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('toolResult'), callId: z.string().min(1), content: z.string() }),
]);
export type EditorChatPart = z.infer<typeof editorChatPartSchema>;

/** The API has two roles only: there is no system message (see editorMessages.ts for how one is carried). */
export const editorChatMessageSchema = z.object({ role: z.enum(['user', 'assistant']), parts: z.array(editorChatPartSchema) });
export type EditorChatMessage = z.infer<typeof editorChatMessageSchema>;

export const editorChatToolSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});
export type EditorChatTool = z.infer<typeof editorChatToolSchema>;

export const editorChatRequestSchema = z.object({
  model: z.object({ vendor: z.string().optional(), family: z.string().optional(), id: z.string().min(1) }),
  messages: z.array(editorChatMessageSchema).min(1),
  tools: z.array(editorChatToolSchema).default([]),
  /** `LanguageModelChatToolMode`: Required makes the model call one of `tools`. */
  toolMode: z.enum(['auto', 'required']).default('auto'),
  /** Passed as `modelOptions` (what a model honours is its vendor's choice). */
  modelOptions: z.record(z.string(), z.unknown()).default({}),
  /** Shown by VS Code in its consent dialog. */
  justification: z.string(),
  /**
   * True for a run the user started (an experiment created or resumed): the request may be the
   * one that asks for consent. False for background work (live traces): it is refused until the
   * user has given consent once.
   */
  userStarted: z.boolean(),
});
export type EditorChatRequest = z.infer<typeof editorChatRequestSchema>;
export type EditorChatRequestInput = z.input<typeof editorChatRequestSchema>;

/** `LanguageModelError` codes, plus the failures the extension names itself. */
export const editorChatErrorCodes = [
  'NoPermissions',
  'Blocked',
  'NotFound',
  'quota',
  'rateLimited',
  'cancelled',
  'unavailable',
  'unknown',
] as const;
export type EditorChatErrorCode = (typeof editorChatErrorCodes)[number];

export const editorChatResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    text: z.string(),
    toolCalls: z.array(z.object({ callId: z.string(), name: z.string(), input: z.unknown() })),
    /** `model.countTokens` of the messages sent and of the answer; null when the model cannot count. */
    inputTokens: z.number().int().nonnegative().nullable(),
    outputTokens: z.number().int().nonnegative().nullable(),
    /** The model that answered (its display name). */
    modelName: z.string(),
  }),
  z.object({ ok: z.literal(false), code: z.enum(editorChatErrorCodes), message: z.string() }),
]);
export type EditorChatResult = z.infer<typeof editorChatResultSchema>;

/**
 * How the server reaches the editor's models: the extension runs the request (server.ts sends
 * `EditorModelChat`). Absent in the CLI, which then refuses such a configuration.
 */
export type EditorModelTransport = (request: EditorChatRequestInput, signal: AbortSignal) => Promise<EditorChatResult>;

export const EDITOR_MODELS_CLI_REFUSAL = 'editor language models are available only in VS Code';
