// Messages as the observability tools record them, read into IRMessage with the location of
// every text: OpenAI chat dicts, OTel GenAI `parts`, LangChain (serialized or dict), Anthropic
// content blocks, OpenAI Responses items. Unknown shapes give no message rather than a guess.
import type { ToolDefinition } from '../../../common/schema';
import { get, getAny, isObj, items, jsonish, readMode, str, textOf, textOrRaw, type LV, type Text } from './located';
import type { IRMessage, IRToolCall } from './types';

const ROLE_ALIASES: Record<string, string> = {
  human: 'user',
  ai: 'assistant',
  model: 'assistant',
  chatbot: 'assistant',
  bot: 'assistant',
  generic: 'user',
  chat: 'user',
};
const LC_CLASSES: Record<string, string> = {
  HumanMessage: 'user',
  HumanMessageChunk: 'user',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  SystemMessage: 'system',
  SystemMessageChunk: 'system',
  ToolMessage: 'tool',
  ToolMessageChunk: 'tool',
  FunctionMessage: 'function',
  ChatMessage: 'user',
};

export function normalizeRole(role: string): string {
  const r = role.toLowerCase();
  return ROLE_ALIASES[r] ?? r;
}

function newMessage(role: string): IRMessage {
  return { role: normalizeRole(role), parts: [], toolCalls: [] };
}

/**
 * Light reading (the first pass over a large file, which keeps only ids): recorded inputs are
 * not walked and tool-call arguments not sliced — a conversation is read whole when opened.
 */
export { readMode } from './located';
const LIGHT_INPUT: IRMessage[] = Object.freeze([Object.freeze({ role: 'user', parts: [], toolCalls: [] })]) as unknown as IRMessage[];

/** The messages a model was given (a placeholder in light reading). */
export function readInput(x: LV, defaultRole = 'user'): IRMessage[] {
  return readMode.light ? LIGHT_INPUT : readMessages(x, defaultRole);
}

/** Reads one recorded message; a message may expand to several (one tool result per call). */
export function readMessage(x: LV, defaultRole?: string): IRMessage[] {
  const v = x.v;
  if (typeof v === 'string') {
    if (!defaultRole) return [];
    const m = newMessage(defaultRole);
    m.parts.push({ text: v, loc: x.loc });
    return [m];
  }
  if (!isObj(v)) return [];
  // OpenInference JSON form {message: {role, content}}; LangChain dict {type, data: {...}}.
  if (isObj(v.message) && v.role === undefined && v.parts === undefined) return readMessage(get(x, 'message'), defaultRole);
  if (v.lc !== undefined && isObj(v.kwargs)) {
    const id = Array.isArray(v.id) ? v.id[v.id.length - 1] : undefined;
    const kw = get(x, 'kwargs');
    const role = (typeof id === 'string' && LC_CLASSES[id]) || (typeof (kw.v as Record<string, unknown>).role === 'string' ? ((kw.v as Record<string, unknown>).role as string) : defaultRole);
    return role ? readChatMessage(kw, role) : [];
  }
  if (typeof v.type === 'string' && isObj(v.data) && v.role === undefined) return readChatMessage(get(x, 'data'), v.type);
  if (Array.isArray(v.parts)) return readGenAIMessage(x);
  const role = typeof v.role === 'string' ? v.role : typeof v.type === 'string' && ROLE_ALIASES[v.type] !== undefined ? v.type : typeof v.type === 'string' && ['system', 'user', 'assistant', 'tool'].includes(v.type) ? v.type : defaultRole;
  if (!role) return [];
  return readChatMessage(x, role);
}

/** OpenAI / LangChain / Anthropic style: {content, tool_calls, tool_call_id, name}. */
function readChatMessage(x: LV, role: string): IRMessage[] {
  const m = newMessage(role);
  const v = x.v as Record<string, unknown>;
  if (typeof v.name === 'string') m.name = v.name;
  const toolCallId = str(getAny(x, 'tool_call_id', 'toolCallId'));
  if (toolCallId !== undefined) m.toolCallId = toolCallId;
  if (m.role === 'tool' && (v.status === 'error' || v.is_error === true)) m.isError = true;
  const extra: IRMessage[] = [];
  const content = get(x, 'content');
  if (typeof content.v === 'string') m.parts.push({ text: content.v, loc: content.loc });
  else if (Array.isArray(content.v)) {
    for (const block of items(content)) {
      if (typeof block.v === 'string') {
        m.parts.push({ text: block.v, loc: block.loc });
        continue;
      }
      if (!isObj(block.v)) continue;
      const type = block.v.type;
      if (type === 'text' || type === 'output_text' || type === 'input_text' || type === undefined) {
        const t = textOf(get(block, 'text')) ?? textOf(get(block, 'content'));
        if (t) m.parts.push(t);
      } else if (type === 'tool_use' || type === 'tool_call' || type === 'function_call') {
        const call = readToolCall(block);
        if (call) m.toolCalls.push(call);
      } else if (type === 'tool_result' || type === 'tool_call_response' || type === 'function_call_output') {
        const r = newMessage('tool');
        const id = str(getAny(block, 'tool_use_id', 'id', 'call_id', 'tool_call_id'));
        if (id !== undefined) r.toolCallId = id;
        if (block.v.is_error === true) r.isError = true;
        const body = getAny(block, 'content', 'response', 'result', 'output');
        if (Array.isArray(body.v)) {
          for (const b of items(body)) {
            const t = typeof b.v === 'string' ? textOf(b) : textOf(get(b, 'text'));
            if (t) r.parts.push(t);
          }
        } else {
          const t = textOrRaw(body);
          if (t) r.parts.push(t);
        }
        extra.push(r);
      }
    }
  } else if (content.v !== undefined && content.v !== null && role === 'tool') {
    const t = textOrRaw(content);
    if (t) m.parts.push(t);
  }
  const calls = get(x, 'tool_calls');
  for (const c of items(calls)) {
    const call = readToolCall(c);
    if (call) m.toolCalls.push(call);
  }
  // LangChain keeps the provider's raw calls in additional_kwargs when tool_calls is absent.
  if (!Array.isArray(calls.v)) for (const c of items(get(get(x, 'additional_kwargs'), 'tool_calls'))) {
    const call = readToolCall(c);
    if (call) m.toolCalls.push(call);
  }
  const fc = get(x, 'function_call');
  if (isObj(fc.v)) {
    const call = readToolCall(fc);
    if (call) m.toolCalls.push(call);
  }
  // An empty text beside tool calls is no content (OpenAI's null), not a part to annotate.
  if (m.toolCalls.length && m.parts.length === 1 && m.parts[0]!.text === '') m.parts = [];
  // A user message that only carries tool results is those results.
  if (extra.length && m.parts.length === 0 && m.toolCalls.length === 0) return extra;
  return [m, ...extra];
}

/** OTel GenAI: {role, parts: [{type: text|tool_call|tool_call_response|reasoning, …}], name}. */
function readGenAIMessage(x: LV): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const role = typeof v.role === 'string' ? v.role : 'user';
  const m = newMessage(role);
  if (typeof v.name === 'string') m.name = v.name;
  const results: IRMessage[] = [];
  for (const part of items(get(x, 'parts'))) {
    if (!isObj(part.v)) continue;
    const type = part.v.type;
    if (type === 'text') {
      const t = textOf(get(part, 'content')) ?? textOf(get(part, 'text'));
      if (t) m.parts.push(t);
    } else if (type === 'tool_call') {
      const call = readToolCall(part);
      if (call) m.toolCalls.push(call);
    } else if (type === 'tool_call_response') {
      const r = newMessage('tool');
      const id = str(get(part, 'id'));
      if (id !== undefined) r.toolCallId = id.trim();
      const t = textOrRaw(getAny(part, 'response', 'result'));
      if (t) r.parts.push(t);
      results.push(r);
    }
  }
  if (results.length && m.parts.length === 0 && m.toolCalls.length === 0) return results;
  return [m, ...results];
}

/** {id, name, arguments} in the shapes of OpenAI, OTel GenAI, LangChain, Anthropic, Responses. */
export function readToolCall(x: LV): IRToolCall | null {
  if (!isObj(x.v)) return null;
  const fn = isObj(x.v.function) ? get(x, 'function') : x;
  const name = str(get(fn, 'name'));
  if (name === undefined) return null;
  const argsLv = getAny(fn, 'arguments', 'args', 'input', 'parameters');
  const args: Text = readMode.light ? { text: '', loc: null } : (textOrRaw(argsLv) ?? { text: '{}', loc: null });
  const id = str(getAny(x, 'id', 'call_id', 'tool_call_id')) ?? null;
  return { id, name, args };
}

/** A list of messages in any of the recorded shapes. */
export function readMessages(x: LV, defaultRole = 'user'): IRMessage[] {
  const v = jsonish(x);
  if (typeof v.v === 'string') return readMessage(v, defaultRole);
  if (Array.isArray(v.v)) {
    // LangSmith/LangChain batch form: [[message, …]] — the first prompt of the batch.
    if (v.v.length > 0 && Array.isArray(v.v[0])) return readMessages(get(v, 0), defaultRole);
    return items(v).flatMap((m) => readMessage(m, defaultRole));
  }
  if (isObj(v.v)) {
    const inner = getAny(v, 'messages', 'input', 'prompt', 'question', 'query');
    if (inner.v !== undefined) return readMessages(inner, defaultRole);
    return readMessage(v, defaultRole);
  }
  return [];
}

/** What a model answered, from the recorded output shapes (choices, generations, messages, text). */
export function readOutput(x: LV): IRMessage[] {
  const v = jsonish(x);
  if (typeof v.v === 'string') return readMessage(v, 'assistant');
  if (Array.isArray(v.v)) {
    if (v.v.length > 0 && Array.isArray(v.v[0])) return readOutput(get(v, 0));
    // Responses API output items.
    if (v.v.some((i) => isObj(i) && (i.type === 'message' || i.type === 'function_call'))) {
      const m = newMessage('assistant');
      for (const item of items(v)) {
        if (!isObj(item.v)) continue;
        if (item.v.type === 'function_call') {
          const call = readToolCall(item);
          if (call) m.toolCalls.push(call);
        } else if (item.v.type === 'message') for (const r of readMessage(item, 'assistant')) m.parts.push(...r.parts);
      }
      return [m];
    }
    return items(v).flatMap((m) => readGenerationOrMessage(m));
  }
  if (!isObj(v.v)) return [];
  const o = v.v;
  if (Array.isArray(o.choices)) return readOutput(get(get(v, 'choices'), 0));
  if (Array.isArray(o.generations)) return readOutput(get(v, 'generations'));
  if (isObj(o.message) && o.role === undefined) return readMessage(get(v, 'message'), 'assistant');
  if (Array.isArray(o.output)) return readOutput(get(v, 'output'));
  if (o.role !== undefined || Array.isArray(o.parts) || o.lc !== undefined || (typeof o.type === 'string' && isObj(o.data))) return readMessage(v, 'assistant');
  if (Array.isArray(o.messages)) {
    const all = readMessages(get(v, 'messages'), 'assistant');
    const last = all[all.length - 1];
    return last && last.role === 'assistant' ? [last] : [];
  }
  const text = getAny(v, 'content', 'text', 'output', 'completion', 'answer', 'response', 'result');
  if (text.v !== undefined) return readOutput(text);
  return [];
}

function readGenerationOrMessage(x: LV): IRMessage[] {
  if (isObj(x.v) && x.v.message !== undefined && x.v.role === undefined) return readMessage(get(x, 'message'), 'assistant');
  if (isObj(x.v) && typeof x.v.text === 'string' && x.v.role === undefined && x.v.type !== 'text') return readMessage(get(x, 'text'), 'assistant');
  return readMessage(x, 'assistant');
}

/** Tool definitions in the OpenAI, flat ({name, parameters}), Anthropic and Responses shapes. */
export function readTools(x: LV): ToolDefinition[] {
  const v = jsonish(x);
  const list = Array.isArray(v.v) ? v.v : isObj(v.v) ? Object.entries(v.v).map(([name, t]) => (isObj(t) && t.name === undefined ? { name, ...t } : t)) : [];
  const out: ToolDefinition[] = [];
  for (const t0 of list) {
    let t: unknown = t0;
    if (typeof t === 'string') {
      try {
        t = JSON.parse(t);
      } catch {
        continue;
      }
    }
    if (!isObj(t)) continue;
    if (isObj(t.tool)) t = t.tool; // OpenInference {tool: {json_schema}}
    if (!isObj(t)) continue;
    if (typeof t.json_schema === 'string') {
      try {
        const inner: unknown = JSON.parse(t.json_schema);
        if (isObj(inner)) t = { ...inner, ...(typeof t.name === 'string' ? { name: t.name } : {}), ...(typeof t.description === 'string' ? { description: t.description } : {}) };
      } catch {
        continue;
      }
    }
    if (!isObj(t)) continue;
    const fn = isObj(t.function) ? t.function : t;
    if (typeof fn.name !== 'string') continue;
    const params = fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? fn.schema ?? (isObj(t) ? t.parameters : undefined);
    const parameters = typeof params === 'string' ? safeParseObject(params) : isObj(params) ? params : undefined;
    out.push({
      type: 'function',
      function: {
        name: fn.name,
        ...(typeof fn.description === 'string' ? { description: fn.description } : typeof t.description === 'string' ? { description: t.description } : {}),
        ...(parameters ? { parameters } : {}),
      },
    });
  }
  return out;
}

function safeParseObject(s: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
