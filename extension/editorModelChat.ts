// Runs the server's request on one of the editor's language models: picks the model, maps the
// parts to the API's classes, sends it with the justification, reads the stream (text and tool
// calls), counts tokens with the model's own counter, and turns every failure into a code the
// server maps to an item failure naming the model. Written against EditorLmApi (editorLmApi.ts
// binds it to `vscode`), so that the unit tests run it on fake models.
import type { EditorChatPart, EditorChatRequest, EditorChatResult, EditorChatErrorCode } from '../common/editorModels';

/** The slice of a `vscode.LanguageModelChat` used here. */
export interface LmModel {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  sendRequest(messages: unknown[], options: LmRequestOptions, token: LmToken): PromiseLike<{ stream: AsyncIterable<unknown> }>;
  countTokens(text: string | unknown, token?: LmToken): PromiseLike<number>;
}

export interface LmToken {
  readonly isCancellationRequested: boolean;
}

export interface LmRequestOptions {
  justification: string;
  tools?: { name: string; description: string; inputSchema?: object }[];
  toolMode?: unknown;
  modelOptions?: Record<string, unknown>;
}

/** What the runner needs from `vscode` (the real one in editorLmApi.ts, fakes in tests). */
export interface EditorLmApi {
  selectChatModels(selector: { vendor?: string; family?: string; id?: string }): PromiseLike<LmModel[]>;
  /** `context.languageModelAccessInformation.canSendRequest`: true, false, or undefined (consent not asked yet). */
  canSendRequest(model: LmModel): boolean | undefined;
  /** Whether the model says it can call tools (undefined: it does not say). */
  supportsToolCalling(model: LmModel): boolean | undefined;
  userMessage(parts: EditorChatPart[]): unknown;
  assistantMessage(parts: EditorChatPart[]): unknown;
  toolMode(mode: 'auto' | 'required'): unknown;
  /** A streamed part: its text, or the tool call it is; null for parts of other kinds. */
  readPart(part: unknown): { text: string } | { callId: string; name: string; input: unknown } | null;
  /** `LanguageModelError.code` when `e` is one, else null. */
  errorCode(e: unknown): string | null;
  isCancellation(e: unknown): boolean;
}

function fail(code: EditorChatErrorCode, message: string): EditorChatResult {
  return { ok: false, code, message };
}

/** A thrown error as a failure code: LanguageModelError codes first, then what its message says. */
export function classifyEditorError(api: Pick<EditorLmApi, 'errorCode' | 'isCancellation'>, e: unknown, token: LmToken): EditorChatResult {
  const message = e instanceof Error ? e.message : String(e);
  if (token.isCancellationRequested || api.isCancellation(e)) return fail('cancelled', message);
  const code = api.errorCode(e);
  // Quota and rate limits have no code of their own; the providers say so in the message.
  if (/quota/i.test(message)) return fail('quota', message);
  if (/rate.?limit|too many requests/i.test(message)) return fail('rateLimited', message);
  if (code === 'NoPermissions' || code === 'Blocked' || code === 'NotFound') return fail(code, message);
  return fail('unknown', code && code !== 'Unknown' ? `${code}: ${message}` : message);
}

async function countAll(model: LmModel, messages: unknown[], token: LmToken): Promise<number | null> {
  try {
    let n = 0;
    for (const m of messages) n += await model.countTokens(m, token);
    return n;
  } catch {
    return null; // a model that cannot count: the tokens stay unknown (never 0)
  }
}

async function countText(model: LmModel, text: string, token: LmToken): Promise<number | null> {
  if (text === '') return 0;
  try {
    return await model.countTokens(text, token);
  } catch {
    return null;
  }
}

export async function runEditorModelChat(api: EditorLmApi, request: EditorChatRequest, token: LmToken): Promise<EditorChatResult> {
  const selector = { id: request.model.id, ...(request.model.vendor ? { vendor: request.model.vendor } : {}) };
  let model: LmModel | undefined;
  try {
    model = (await api.selectChatModels(selector))[0];
  } catch (e) {
    return classifyEditorError(api, e, token);
  }
  if (!model)
    return fail(
      'NotFound',
      `no language model "${request.model.id}"${request.model.vendor ? ` from ${request.model.vendor}` : ''} in this editor`,
    );
  // Consent is asked only for a run the user started; background work waits for it.
  if (!request.userStarted && api.canSendRequest(model) !== true)
    return fail(
      'NoPermissions',
      'consent not given yet: start an experiment or judge pass with this model once, and allow it when VS Code asks',
    );

  let tools = request.tools;
  if (tools.length > 0 && api.supportsToolCalling(model) === false) {
    if (request.toolMode === 'required') return fail('unknown', `${model.name} cannot call tools, and this request requires a tool call`);
    tools = []; // the conversation's tools are left out: the model answers in text
  }
  const messages = request.messages.map((m) => (m.role === 'user' ? api.userMessage(m.parts) : api.assistantMessage(m.parts)));
  const options: LmRequestOptions = {
    justification: request.justification,
    ...(tools.length > 0 ? { tools, toolMode: api.toolMode(request.toolMode) } : {}),
    ...(Object.keys(request.modelOptions).length > 0 ? { modelOptions: request.modelOptions } : {}),
  };
  let text = '';
  const toolCalls: { callId: string; name: string; input: unknown }[] = [];
  try {
    const response = await model.sendRequest(messages, options, token);
    for await (const part of response.stream) {
      const read = api.readPart(part);
      if (!read) continue;
      if ('text' in read) text += read.text;
      else toolCalls.push(read);
    }
  } catch (e) {
    return classifyEditorError(api, e, token);
  }
  if (token.isCancellationRequested) return fail('cancelled', 'cancelled');
  const inputTokens = await countAll(model, messages, token);
  const outputText = text + toolCalls.map((c) => `${c.name}${JSON.stringify(c.input ?? {})}`).join('');
  const outputTokens = await countText(model, outputText, token);
  return { ok: true, text, toolCalls, inputTokens, outputTokens, modelName: model.name };
}
