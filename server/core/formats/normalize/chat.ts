// OpenAI Chat Completions messages — and the `{role, content}` envelope that Anthropic Messages,
// Bedrock Converse, AI SDK ModelMessage and LangChain kwargs share with it:
//   {role: system|developer|user|assistant|tool|function, content: string | null | [part…],
//    name?, tool_calls?: [{id, type:'function', function:{name, arguments}} | {id, type:'custom',
//    custom:{name, input}}], function_call?: {name, arguments} (legacy), tool_call_id?, refusal?}
// Content parts: {type:'text'|'input_text'|'output_text', text}, {type:'refusal', refusal};
// images, audio and files carry no text. Blocks of the other providers are read by ./blocks.
// A legacy `function` role message is the result of the function it names (role `tool`).
import { get, isObj, items, str, textOf, type LV } from '../located';
import type { IRMessage } from '../types';
import { readContentBlock } from './blocks';
import { callArgs, callId, genericToolCall, MessageBuilder, resultTexts, type ReadOptions } from './shared';

export function readChatMessage(x: LV, role: string, o: ReadOptions): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const b = new MessageBuilder(role === 'function' ? 'tool' : role);
  const m = b.message;
  if (typeof v.name === 'string') m.name = v.name;
  const toolCallId = callId(get(x, 'tool_call_id')) ?? callId(get(x, 'toolCallId'));
  if (toolCallId !== null) m.toolCallId = toolCallId;
  if (m.role === 'tool' && (v.status === 'error' || v.is_error === true || v.isError === true)) m.isError = true;
  const content = get(x, 'content');
  if (typeof content.v === 'string') b.text(textOf(content));
  else if (Array.isArray(content.v)) for (const block of items(content)) readContentBlock(block, b, o);
  else if (m.role === 'tool' && content.v !== undefined && content.v !== null) for (const t of resultTexts(content, o)) b.text(t);
  if (typeof v.refusal === 'string' && v.refusal !== '') b.text(textOf(get(x, 'refusal')));
  for (const t of ['reasoning_content', 'reasoning'] as const) if (typeof v[t] === 'string') b.reasoning(textOf(get(x, t)));
  const calls = get(x, 'tool_calls');
  for (const c of items(calls)) b.call(chatToolCall(c, o));
  // LangChain keeps the provider's raw calls in additional_kwargs when tool_calls is absent.
  const extra = get(x, 'additional_kwargs');
  if (!Array.isArray(calls.v) || calls.v.length === 0) {
    for (const c of items(get(extra, 'tool_calls'))) b.call(chatToolCall(c, o));
    if (isObj(get(extra, 'function_call').v)) b.call(genericToolCall(get(extra, 'function_call'), o));
  }
  if (isObj(get(x, 'function_call').v)) b.call(genericToolCall(get(x, 'function_call'), o));
  return b.done();
}

/** `{id, type:'function', function:{name, arguments}}`, a custom tool call, or a flat call. */
export function chatToolCall(c: LV, o: ReadOptions) {
  if (isObj(c.v) && c.v.type === 'custom' && isObj(c.v.custom)) {
    const name = str(get(get(c, 'custom'), 'name'));
    return name === undefined ? null : { id: callId(get(c, 'id')), name, args: callArgs(get(get(c, 'custom'), 'input'), o) };
  }
  return genericToolCall(c, o);
}
