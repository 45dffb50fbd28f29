// What every provider shape reads into: an IRMessage being built (its texts, tool calls and the
// tool results a message carries inline, which become messages of their own), plus the helpers
// the shapes share (roles, tool-result bodies, tool-call arguments).
import { get, getAny, isObj, items, str, textOf, textOrRaw, type LV, type Text } from '../located';
import type { IRMessage, IRToolCall } from '../types';

/** How much to read: `light` (the first pass over a large file) slices no argument or result. */
export interface ReadOptions {
  light?: boolean;
}
export const FULL: ReadOptions = Object.freeze({ light: false });

const ROLE_ALIASES: Record<string, string> = {
  human: 'user',
  ai: 'assistant',
  model: 'assistant',
  chatbot: 'assistant',
  bot: 'assistant',
  generic: 'user',
  chat: 'user',
};

/** Provider role names → OpenAI chat roles (Gemini `model`, LangChain `ai`/`human`, …). */
export function normalizeRole(role: string): string {
  const r = role.toLowerCase();
  return ROLE_ALIASES[r] ?? r;
}

export function newMessage(role: string): IRMessage {
  return { role: normalizeRole(role), parts: [], toolCalls: [] };
}

/** A message under construction and the tool results found inside it. */
export class MessageBuilder {
  readonly message: IRMessage;
  readonly results: IRMessage[] = [];
  constructor(role: string) {
    this.message = newMessage(role);
  }
  text(t: Text | null): void {
    if (t) this.message.parts.push(t);
  }
  call(c: IRToolCall | null): void {
    if (c) this.message.toolCalls.push(c);
  }
  reasoning(t: Text | null): void {
    if (t) (this.message.reasoning ??= []).push(t);
  }
  result(r: IRMessage): void {
    this.results.push(r);
  }
  /** The message (unless it only carried tool results) followed by its results. */
  done(): IRMessage[] {
    const m = this.message;
    // An empty text beside tool calls is no content (OpenAI's null), not a part to annotate.
    if (m.toolCalls.length && m.parts.length === 1 && m.parts[0]!.text === '') m.parts = [];
    const hasOwn = m.parts.length > 0 || m.toolCalls.length > 0 || (m.reasoning?.length ?? 0) > 0;
    if (this.results.length && !hasOwn) return this.results;
    return [m, ...this.results];
  }
}

/** A tool result message for `callId` whose body is `body` (string, text blocks or any JSON). */
export function toolResult(
  callId: string | undefined,
  body: LV,
  o: ReadOptions,
  extra: { name?: string; isError?: boolean } = {},
): IRMessage {
  const r = newMessage('tool');
  if (callId !== undefined) r.toolCallId = callId.trim();
  if (extra.name !== undefined) r.name = extra.name;
  if (extra.isError) r.isError = true;
  r.parts.push(...resultTexts(body, o));
  return r;
}

/**
 * A tool result's body as texts: a string; a list of text blocks (Anthropic `{type:'text', text}`,
 * Bedrock `{text}` / `{json}`, AI SDK `{type:'text', value}`); an AI SDK output
 * `{type:'text'|'json'|'error-text'|'error-json'|'content', value}`; else the JSON itself.
 */
export function resultTexts(body: LV, o: ReadOptions): Text[] {
  const v = body.v;
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ text: v, loc: body.loc }];
  if (Array.isArray(v)) {
    const out: Text[] = [];
    let allBlocks = true;
    for (const b of items(body)) {
      const t = blockText(b, o);
      if (t) out.push(t);
      else allBlocks = false;
    }
    if (allBlocks && out.length) return out;
    return [textOrRaw(body, o.light)!];
  }
  if (
    isObj(v) &&
    typeof v.type === 'string' &&
    'value' in v &&
    Object.keys(v).every((k) => k === 'type' || k === 'value' || k === 'providerOptions')
  ) {
    // AI SDK ToolResultOutput.
    if (v.type === 'content' && Array.isArray(v.value)) return resultTexts(get(body, 'value'), o);
    const t = textOrRaw(get(body, 'value'), o.light);
    return t ? [t] : [];
  }
  return [textOrRaw(body, o.light)!];
}

/** A text block of a result body (null: not a text block). */
function blockText(b: LV, o: ReadOptions): Text | null {
  if (typeof b.v === 'string') return textOf(b);
  if (!isObj(b.v)) return null;
  if (
    typeof b.v.text === 'string' &&
    (b.v.type === undefined || b.v.type === 'text' || b.v.type === 'input_text' || b.v.type === 'output_text')
  )
    return textOf(get(b, 'text'));
  if (b.v.type === 'text' && typeof b.v.value === 'string') return textOf(get(b, 'value'));
  if (b.v.json !== undefined && Object.keys(b.v).length === 1) return textOrRaw(get(b, 'json'), o.light); // Bedrock
  return null;
}

/** Tool-call arguments: a JSON string as itself, an object as its source text, none as `{}`. */
export function callArgs(x: LV, o: ReadOptions): Text {
  if (o.light) return { text: '', loc: null };
  return textOrRaw(x) ?? { text: '{}', loc: null };
}

/** A call id (trimmed; some exporters pad them), or null. */
export function callId(x: LV): string | null {
  const s = str(x);
  return s === undefined || s.trim() === '' ? null : s.trim();
}

/** `{name, arguments|args|input|parameters, id|call_id|tool_call_id}`, or wrapped in `function`. */
export function genericToolCall(x: LV, o: ReadOptions): IRToolCall | null {
  if (!isObj(x.v)) return null;
  const fn = isObj(x.v.function) ? get(x, 'function') : x;
  const name = str(get(fn, 'name'));
  if (name === undefined) return null;
  return {
    id: callId(getAny(x, 'call_id', 'id', 'tool_call_id', 'toolCallId')),
    name,
    args: callArgs(getAny(fn, 'arguments', 'args', 'input', 'parameters'), o),
  };
}
