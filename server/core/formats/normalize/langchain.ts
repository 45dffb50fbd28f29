// LangChain messages (JS and Python), as LangSmith, Langfuse and OpenInference record them:
//   serialized  {lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'AIMessage'],
//                kwargs: {content, tool_calls?: [{name, args, id}], invalid_tool_calls?,
//                additional_kwargs?: {tool_calls | function_call}, tool_call_id?, name?}}
//   dict        {type: 'ai' | 'human' | 'system' | 'tool' | 'function' | 'chat', content, …same}
//   stored      {type, data: {content, …same}} (messages_to_dict)
// Content is a string or a list of blocks (text, tool_use, tool_call, …: read by ./blocks).
// A legacy FunctionMessage is the result of the function it names.
import { get, isObj, items, type LV } from '../located';
import type { IRMessage } from '../types';
import { readChatMessage } from './chat';
import { genericToolCall, type ReadOptions } from './shared';

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
  FunctionMessageChunk: 'function',
  ChatMessage: 'user',
  ChatMessageChunk: 'user',
};
const DICT_TYPES: Record<string, string> = {
  ai: 'assistant',
  human: 'user',
  system: 'system',
  tool: 'tool',
  function: 'function',
  developer: 'developer',
  generic: 'user',
  chat: 'user',
  remove: '',
};

export function isLangChainSerialized(v: Record<string, unknown>): boolean {
  return v.lc !== undefined && isObj(v.kwargs);
}

/** The role a LangChain `type` (or class name) stands for; undefined when it is none. */
export function langChainRole(type: string): string | undefined {
  return DICT_TYPES[type] ?? LC_CLASSES[type] ?? LC_CLASSES[type.replace(/Chunk$/, '')];
}

export function readLangChainSerialized(x: LV, o: ReadOptions, defaultRole?: string): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const cls = Array.isArray(v.id) ? v.id[v.id.length - 1] : undefined;
  const kw = get(x, 'kwargs');
  const kwRole = (kw.v as Record<string, unknown>).role;
  const role =
    cls === 'ChatMessage' && typeof kwRole === 'string'
      ? kwRole
      : (typeof cls === 'string' && LC_CLASSES[cls]) || (typeof kwRole === 'string' ? kwRole : defaultRole);
  return role ? readLangChainFields(kw, role, o) : [];
}

/** Dict (`{type, content}`) or stored (`{type, data}`) form. */
export function readLangChainDict(x: LV, o: ReadOptions): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const body = isObj(v.data) ? get(x, 'data') : x;
  const b = body.v as Record<string, unknown>;
  const type = v.type as string;
  const role = (type === 'chat' || type === 'ChatMessage') && typeof b.role === 'string' ? b.role : langChainRole(type);
  return role ? readLangChainFields(body, role, o) : [];
}

function readLangChainFields(x: LV, role: string, o: ReadOptions): IRMessage[] {
  const msgs = readChatMessage(x, role, o);
  // Calls the model made that did not parse are still calls it made.
  const main = msgs.find((m) => m.role === 'assistant');
  if (main)
    for (const c of items(get(x, 'invalid_tool_calls'))) {
      const call = genericToolCall(c, o);
      if (call) main.toolCalls.push(call);
    }
  return msgs;
}
