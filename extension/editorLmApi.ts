// `vscode.lm` bound to what editorModelChat.ts and the model list need. The API exists since
// VS Code 1.90 (selectChatModels, sendRequest) with tool calling since 1.95; a model provider
// (`registerLanguageModelChatProvider`) since 1.104 — on older editors the list simply holds what
// selectChatModels gives (Copilot's models when Copilot is installed, else nothing).
import * as vscode from 'vscode';
import type { EditorChatPart, EditorModelInfo } from '../common/editorModels';
import type { EditorLmApi, LmModel } from './editorModelChat';

function toPart(p: EditorChatPart): vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart | vscode.LanguageModelToolResultPart {
  switch (p.type) {
    case 'text':
      return new vscode.LanguageModelTextPart(p.text);
    case 'toolCall':
      return new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input);
    case 'toolResult':
      return new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.content)]);
  }
}

/** Capabilities as newer editors describe them (not in the 1.100 typings: read defensively). */
function toolCallingOf(model: unknown): boolean | undefined {
  const caps = (model as { capabilities?: { supportsToolCalling?: unknown; toolCalling?: unknown } }).capabilities;
  if (!caps) return undefined;
  if (typeof caps.supportsToolCalling === 'boolean') return caps.supportsToolCalling;
  if (typeof caps.toolCalling === 'boolean') return caps.toolCalling;
  if (typeof caps.toolCalling === 'number') return caps.toolCalling > 0;
  return undefined;
}

/** The editor's model behind each adapter (consent is asked about the model itself). */
const originals = new WeakMap<LmModel, vscode.LanguageModelChat>();

type ListedModel = LmModel & { version?: string; maxInputTokens?: number; capabilities?: unknown };

function adapt(m: vscode.LanguageModelChat): ListedModel {
  const adapted: ListedModel = {
    id: m.id,
    name: m.name,
    vendor: m.vendor,
    family: m.family,
    version: m.version,
    maxInputTokens: m.maxInputTokens,
    capabilities: (m as { capabilities?: unknown }).capabilities,
    sendRequest: (messages, options, token) =>
      m.sendRequest(
        messages as vscode.LanguageModelChatMessage[],
        options as vscode.LanguageModelChatRequestOptions,
        token as vscode.CancellationToken,
      ),
    countTokens: (text, token) =>
      m.countTokens(text as string | vscode.LanguageModelChatMessage, token as vscode.CancellationToken | undefined),
  };
  originals.set(adapted, m);
  return adapted;
}

export function hasLanguageModelApi(): boolean {
  return typeof vscode.lm?.selectChatModels === 'function';
}

export function editorLmApi(access: vscode.LanguageModelAccessInformation): EditorLmApi {
  return {
    selectChatModels: async (selector) => (hasLanguageModelApi() ? (await vscode.lm.selectChatModels(selector)).map(adapt) : []),
    canSendRequest: (model) => {
      const original = originals.get(model);
      return original ? access.canSendRequest(original) : undefined;
    },
    supportsToolCalling: (model) => toolCallingOf(model),
    userMessage: (parts) => vscode.LanguageModelChatMessage.User(parts.map(toPart) as vscode.LanguageModelTextPart[]),
    assistantMessage: (parts) => vscode.LanguageModelChatMessage.Assistant(parts.map(toPart) as vscode.LanguageModelTextPart[]),
    toolMode: (mode) => (mode === 'required' ? vscode.LanguageModelChatToolMode.Required : vscode.LanguageModelChatToolMode.Auto),
    readPart: (part) => {
      if (part instanceof vscode.LanguageModelTextPart) return { text: part.value };
      if (part instanceof vscode.LanguageModelToolCallPart) return { callId: part.callId, name: part.name, input: part.input };
      return null;
    },
    errorCode: (e) => (e instanceof vscode.LanguageModelError ? e.code : null),
    isCancellation: (e) => e instanceof vscode.CancellationError,
  };
}

export function modelInfo(model: Pick<ListedModel, 'vendor' | 'family' | 'name' | 'id' | 'version' | 'maxInputTokens'>): EditorModelInfo {
  return {
    vendor: model.vendor,
    family: model.family,
    name: model.name,
    id: model.id,
    ...(model.version ? { version: model.version } : {}),
    maxInputTokens:
      typeof model.maxInputTokens === 'number' && Number.isFinite(model.maxInputTokens)
        ? Math.max(0, Math.floor(model.maxInputTokens))
        : null,
  };
}

/**
 * The editor's models, listed now and again whenever they change (a provider registered, a
 * sign-in): `onDidChange` fires with the new list.
 */
export class EditorModelCatalog implements vscode.Disposable {
  private list: EditorModelInfo[] = [];
  private readonly changed = new vscode.EventEmitter<EditorModelInfo[]>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable | undefined;
  /** Settles after the first listing. */
  readonly ready: Promise<void>;

  constructor(private readonly warn: (message: string) => void) {
    this.subscription = hasLanguageModelApi() ? vscode.lm.onDidChangeChatModels(() => void this.refresh()) : undefined;
    this.ready = this.refresh();
  }

  get models(): EditorModelInfo[] {
    return this.list;
  }

  async refresh(): Promise<void> {
    if (!hasLanguageModelApi()) return;
    try {
      const models = await vscode.lm.selectChatModels();
      this.list = models.map(modelInfo);
      this.changed.fire(this.list);
    } catch (e) {
      this.warn(`Could not list the editor's language models: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
