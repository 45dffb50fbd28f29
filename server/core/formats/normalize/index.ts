// The message normaliser every format reader calls: a recorded value (a message, a list of
// messages, a provider request or response, in any of the shapes of ./chat, ./anthropic,
// ./bedrock, ./gemini, ./responses, ./aiSdk, ./langchain, ./otelParts) → IR messages with the
// location of every text, plus the tool definitions and system instructions the value records.
// Unknown shapes give no message rather than a guess; callers report what they could not read.
import type { ToolDefinition } from '../../../../common/schema';
import { get, getAny, isObj, items, jsonish, textOf, type LV, type Text } from '../located';
import type { IRMessage, IRToolCall } from '../types';
import { isAnthropicResponse } from './anthropic';
import { chatToolCall, readChatMessage } from './chat';
import { geminiRequestSystem, geminiSystem, readGeminiContent } from './gemini';
import { isLangChainSerialized, langChainRole, readLangChainDict, readLangChainSerialized } from './langchain';
import { hasTypedParts, readOtelMessage } from './otelParts';
import { readContentBlock } from './blocks';
import { isResponsesItem, readResponsesItems } from './responses';
import { callArgs, callId, FULL, MessageBuilder, normalizeRole, type ReadOptions } from './shared';
import { findToolDefinitions, looksLikeToolDefinition, mergeToolDefinitions, readToolDefinitions } from './tools';

export { FULL, normalizeRole, type ReadOptions } from './shared';
export { findToolDefinitions, mergeToolDefinitions, readToolDefinitions } from './tools';

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** Reads one recorded message; a message may expand to several (its inline tool results). */
export function readMessage(x: LV, defaultRole?: string, o: ReadOptions = FULL): IRMessage[] {
  const v = x.v;
  if (typeof v === 'string') {
    if (!defaultRole) return [];
    return [{ role: normalizeRole(defaultRole), parts: [{ text: v, loc: x.loc }], toolCalls: [] }];
  }
  if (!isObj(v)) return [];
  // OpenInference JSON form {message: {role, content}}; a LangChain generation {message, text}.
  if (isObj(v.message) && v.role === undefined && v.parts === undefined) return readMessage(get(x, 'message'), defaultRole, o);
  if (isLangChainSerialized(v)) return readLangChainSerialized(x, o, defaultRole);
  if (typeof v.type === 'string' && v.role === undefined && (isObj(v.data) || langChainRole(v.type) !== undefined))
    return readLangChainDict(x, o);
  if (isResponsesItem(v) && (v.type !== 'message' || v.role === undefined))
    return readResponsesItems([x], o, (m, r) => readMessage(m, r, o));
  if (Array.isArray(v.parts)) return hasTypedParts(v.parts) ? readOtelMessage(x, o, readContentBlock) : readGeminiContent(x, o);
  const role = typeof v.role === 'string' ? v.role : defaultRole;
  if (!role) return [];
  return readChatMessage(x, role, o);
}

/** What a recorded request or message list holds. */
export interface ReadRequest {
  messages: IRMessage[];
  /** Tool definitions the value records (null: it records none). */
  tools: ToolDefinition[] | null;
}

/**
 * A list of messages, or a provider request (OpenAI `{messages, tools}`, Anthropic `{system,
 * messages, tools}`, Bedrock `{system, messages, toolConfig}`, Gemini `{contents,
 * systemInstruction, tools}`, Responses `{instructions, input, tools}`), or a wrapper of one
 * (`{input}`, `{prompt}`, `{question}`…). System instructions come first, as a system message.
 */
export function readRequest(x: LV, defaultRole = 'user', o: ReadOptions = FULL): ReadRequest {
  const v = jsonish(x);
  const sink: ToolSink = { tools: null };
  const messages = readAny(v, defaultRole, o, sink, 0);
  return { messages: pairToolResults(messages), tools: sink.tools };
}

/** The messages of a list or request (see `readRequest`). */
export function readMessages(x: LV, defaultRole = 'user', o: ReadOptions = FULL): IRMessage[] {
  return readRequest(x, defaultRole, o).messages;
}

interface ToolSink {
  tools: ToolDefinition[] | null;
}

function readAny(v: LV, defaultRole: string, o: ReadOptions, sink: ToolSink, depth: number): IRMessage[] {
  if (depth > 4) return [];
  if (typeof v.v === 'string') return readMessage(v, defaultRole, o);
  if (Array.isArray(v.v)) return readList(v, defaultRole, o, sink, depth);
  if (!isObj(v.v)) return [];
  const obj = v.v;
  const system: Text[] = [];
  let messages: IRMessage[] | null = null;
  const toolPlaces: LV[] = [
    get(v, 'tools'),
    get(get(v, 'config'), 'tools'),
    get(get(v, 'toolConfig'), 'tools'),
    get(get(v, 'tool_config'), 'tools'),
    get(v, 'functions'),
  ];
  if (Array.isArray(obj.contents)) {
    // Gemini.
    system.push(...geminiSystem(geminiRequestSystem(v)));
    messages = readList(get(v, 'contents'), 'user', o, sink, depth);
  } else if (Array.isArray(obj.messages) || (obj.messages !== undefined && typeof obj.messages === 'string')) {
    // OpenAI / Anthropic / Bedrock / LangChain `{messages}`; a batch [[...]] is its first prompt.
    // Anthropic / Bedrock `system`, or the instructions an SDK keeps beside the messages
    // (Gemini `config.systemInstruction` in a wrapped client's inputs, `instructions`…).
    const sys = getAny(v, 'system', 'instructions', 'system_prompt', 'systemPrompt');
    if (typeof sys.v === 'string') system.push({ text: sys.v, loc: sys.loc });
    else if (Array.isArray(sys.v))
      for (const b of items(sys)) {
        const t = typeof b.v === 'string' ? textOf(b) : textOf(get(b, 'text'));
        if (t) system.push(t);
      }
    else system.push(...geminiSystem(geminiRequestSystem(v)));
    messages = readAny(jsonish(get(v, 'messages')), defaultRole, o, sink, depth + 1);
  } else if (obj.input !== undefined && (obj.instructions !== undefined || Array.isArray(obj.input) || obj.model !== undefined)) {
    // Responses request {instructions, input}.
    const ins = textOf(get(v, 'instructions'));
    if (ins) system.push(ins);
    messages = readAny(jsonish(get(v, 'input')), 'user', o, sink, depth + 1);
  } else if (
    obj.role !== undefined ||
    Array.isArray(obj.parts) ||
    isLangChainSerialized(obj) ||
    (typeof obj.type === 'string' && (isObj(obj.data) || langChainRole(obj.type) !== undefined || isResponsesItem(obj)))
  ) {
    messages = readMessage(v, defaultRole, o);
  } else if ((Array.isArray(obj.arguments) || Array.isArray(obj.args)) && obj.role === undefined) {
    // A traced function's arguments (Opik `track`, `traceable`): the first that holds messages.
    messages = [];
    for (const arg of items(getAny(v, 'arguments', 'args'))) {
      const m = readAny(jsonish(arg), defaultRole, o, sink, depth + 1);
      if (m.length) {
        messages = m;
        break;
      }
    }
  } else {
    const inner = getAny(v, 'messages', 'input', 'inputs', 'prompt', 'prompts', 'question', 'query', 'user_input', 'text', 'kwargs');
    if (inner.v !== undefined) messages = readAny(jsonish(inner), defaultRole, o, sink, depth + 1);
    else messages = [];
  }
  sink.tools = mergeToolDefinitions(sink.tools, findToolDefinitions(toolPlaces));
  if (system.length && !messages.some((m) => m.role === 'system' || m.role === 'developer'))
    messages.unshift({ role: 'system', parts: system, toolCalls: [] });
  return messages;
}

function readList(v: LV, defaultRole: string, o: ReadOptions, sink: ToolSink, depth: number): IRMessage[] {
  const list = v.v as unknown[];
  // LangSmith/LangChain batch form: [[message, …]] — the first prompt of the batch.
  if (list.length > 0 && Array.isArray(list[0])) return readAny(get(v, 0), defaultRole, o, sink, depth + 1);
  const entries = items(v).filter((e) => {
    // LangChain handlers append the request's tool definitions as trailing `tool` messages.
    if (!isObj(e.v) || e.v.role !== 'tool' || e.v.tool_call_id !== undefined || !looksLikeToolDefinition(e.v.content)) return true;
    sink.tools = mergeToolDefinitions(sink.tools, readToolDefinitions(get(e, 'content')));
    return false;
  });
  if (list.some((e) => isResponsesItem(e) && (e as Record<string, unknown>).type !== 'message'))
    return readResponsesItems(entries, o, (m, r) => readMessage(m, r, o));
  return entries.flatMap((m) => readMessage(m, defaultRole, o));
}

/**
 * Tool results the shapes name only by tool: a message whose role is the tool's own name, a
 * `tool` message without call id (Gemini functionResponse, legacy function role) — each gets the
 * id of the earliest earlier call of that name not yet answered.
 */
function pairToolResults(messages: IRMessage[]): IRMessage[] {
  const open: Array<{ id: string | null; name: string }> = [];
  for (const m of messages) {
    if (m.role === 'assistant') for (const c of m.toolCalls) open.push({ id: c.id, name: c.name });
    const toolNamed = !CHAT_ROLES.has(m.role) && m.role !== 'function' && open.some((c) => c.name === m.role);
    if (toolNamed) {
      m.name ??= m.role;
      m.role = 'tool';
    }
    if (m.role !== 'tool') continue;
    const i =
      m.toolCallId !== undefined
        ? open.findIndex((c) => c.id === m.toolCallId)
        : open.findIndex((c) => c.name === m.name || m.name === undefined);
    if (i < 0) continue;
    const c = open[i]!;
    if (m.toolCallId === undefined && c.id !== null) m.toolCallId = c.id;
    if (m.name === undefined) m.name = c.name;
    open.splice(i, 1);
  }
  return messages;
}

/**
 * What a model answered: one assistant message made of every output message recorded for the
 * response (text, tool calls, reasoning), from choices, candidates, Responses output items,
 * Bedrock `output.message`, Anthropic messages, LangChain generations or plain text. Empty when
 * nothing was read — never an empty response.
 */
export function readOutput(x: LV, o: ReadOptions = FULL): IRMessage[] {
  const msgs = outputMessages(jsonish(x), o, 0);
  return mergeResponse(msgs);
}

/** Several recorded output messages of one response → one assistant message (none if empty). */
export function mergeResponse(msgs: readonly IRMessage[]): IRMessage[] {
  const answer = msgs.filter((m) => m.role === 'assistant');
  const from = answer.length ? answer : msgs.filter((m) => m.role !== 'tool' && m.role !== 'system' && m.role !== 'user').slice(0, 1);
  if (from.length === 0) return [];
  const m: IRMessage = { role: 'assistant', parts: [], toolCalls: [] };
  for (const a of from) {
    m.parts.push(...a.parts);
    m.toolCalls.push(...a.toolCalls);
    if (a.reasoning?.length) (m.reasoning ??= []).push(...a.reasoning);
    if (a.name !== undefined) m.name ??= a.name;
  }
  return m.parts.length || m.toolCalls.length ? [m] : [];
}

function outputMessages(v: LV, o: ReadOptions, depth: number): IRMessage[] {
  if (depth > 5) return [];
  if (typeof v.v === 'string') return readMessage(v, 'assistant', o);
  if (Array.isArray(v.v)) {
    if (v.v.length > 0 && Array.isArray(v.v[0])) return outputMessages(get(v, 0), o, depth + 1);
    if (v.v.some(isResponsesItem)) return readResponsesItems(items(v), o, (m, r) => readMessage(m, r, o));
    return items(v).flatMap((m) => generationOrMessage(m, o, depth));
  }
  if (!isObj(v.v)) return [];
  const obj = v.v;
  if (Array.isArray(obj.choices)) return choice(get(get(v, 'choices'), 0), o, depth);
  if (Array.isArray(obj.candidates)) return outputMessages(get(get(get(v, 'candidates'), 0), 'content'), o, depth + 1);
  if (Array.isArray(obj.generations)) return outputMessages(get(v, 'generations'), o, depth + 1);
  if (isObj(obj.output) && isObj((obj.output as Record<string, unknown>).message))
    return readMessage(get(get(v, 'output'), 'message'), 'assistant', o); // Bedrock
  if (Array.isArray(obj.output)) return outputMessages(get(v, 'output'), o, depth + 1); // Responses
  if (isObj(obj.message) && obj.role === undefined) return readMessage(get(v, 'message'), 'assistant', o);
  // A streamed response accumulated without its role (`{content?, tool_calls}`).
  if (obj.role === undefined && (Array.isArray(obj.tool_calls) || isObj(obj.function_call))) return readChatMessage(v, 'assistant', o);
  if (
    isAnthropicResponse(obj) ||
    obj.role !== undefined ||
    Array.isArray(obj.parts) ||
    isLangChainSerialized(obj) ||
    (typeof obj.type === 'string' && (isObj(obj.data) || langChainRole(obj.type) !== undefined || isResponsesItem(obj)))
  )
    return readMessage(v, 'assistant', o);
  if (Array.isArray(obj.messages)) {
    // An agent's state: the messages after the last user turn are its answer.
    const all = readMessages(get(v, 'messages'), 'assistant', o);
    let k = all.length;
    while (k > 0 && all[k - 1]!.role !== 'user') k--;
    return all
      .slice(k)
      .filter((m) => m.role === 'assistant')
      .slice(-1);
  }
  const text = getAny(v, 'content', 'text', 'output', 'completion', 'answer', 'response', 'result', 'generation', 'outputs');
  if (text.v !== undefined) return outputMessages(jsonish(text), o, depth + 1);
  return [];
}

function choice(c: LV, o: ReadOptions, depth: number): IRMessage[] {
  if (!isObj(c.v)) return [];
  const body = getAny(c, 'message', 'delta');
  if (body.v !== undefined) return readMessage(body, 'assistant', o);
  return outputMessages(getAny(c, 'text', 'content'), o, depth + 1);
}

function generationOrMessage(x: LV, o: ReadOptions, depth: number): IRMessage[] {
  if (isObj(x.v) && x.v.message !== undefined && x.v.role === undefined) return readMessage(get(x, 'message'), 'assistant', o);
  if (isObj(x.v) && typeof x.v.text === 'string' && x.v.role === undefined && x.v.type === undefined)
    return readMessage(get(x, 'text'), 'assistant', o);
  if (isObj(x.v) && Array.isArray(x.v.choices)) return outputMessages(x, o, depth + 1);
  return readMessage(x, 'assistant', o);
}

/**
 * A tool call recorded apart from messages: OpenAI `{id, function:{name, arguments}}`, AI SDK
 * `{toolCallId, toolName, input | args}` (`ai.response.toolCalls`, with or without its type),
 * Anthropic `tool_use`, Responses `function_call`, or flat `{id, name, arguments}`.
 */
export function readToolCall(x: LV, o: ReadOptions = FULL): IRToolCall | null {
  if (!isObj(x.v)) return null;
  if (typeof x.v.toolName === 'string') {
    const name = x.v.toolName;
    return { id: callId(get(x, 'toolCallId')), name, args: callArgs(x.v.input !== undefined ? get(x, 'input') : get(x, 'args'), o) };
  }
  if (typeof x.v.type === 'string' && x.v.type !== 'function') {
    const b = new MessageBuilder('assistant');
    readContentBlock(x, b, o);
    return b.message.toolCalls[0] ?? null;
  }
  return chatToolCall(x, o);
}

/** Light reading keeps only ids: a recorded input is not walked (read whole when opened). */
const LIGHT_INPUT: ReadRequest = Object.freeze({
  messages: Object.freeze([Object.freeze({ role: 'user', parts: [], toolCalls: [] })]) as unknown as IRMessage[],
  tools: null,
});

/** The messages a model was given, and the tool definitions recorded with them. */
export function readInput(x: LV, o: ReadOptions = FULL, defaultRole = 'user'): ReadRequest {
  return o.light ? LIGHT_INPUT : readRequest(x, defaultRole, o);
}
