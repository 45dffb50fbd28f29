// OpenAI Responses API.
//   request  {model, instructions?: string, input: string | [item…], tools?: [{type:'function',
//             name, description, parameters}] (hosted tools — web_search, file_search… — name no
//             function and are not definitions)}
//   response {id, object:'response', instructions, output: [item…], tools, usage}
// Items: {type:'message', role, content: string | [{type:'input_text'|'output_text', text} |
// {type:'refusal', refusal}]} (also without `type`: an easy input message {role, content});
// {type:'function_call', id, call_id, name, arguments} — the call is known by `call_id`, not the
// item `id`; {type:'function_call_output', call_id, output: string | [parts]}; {type:
// 'custom_tool_call', call_id, name, input} and its `custom_tool_call_output`; {type:'reasoning',
// summary: [{type:'summary_text', text}], content?: [{type:'reasoning_text', text}]};
// {type:'mcp_call', id, name, arguments, output?, error?} (a call and its result in one item).
// Calls and reasoning join the assistant turn they follow; outputs are tool messages.
import { get, getAny, isObj, items, str, textOf, type LV } from '../located';
import type { IRMessage } from '../types';
import { callArgs, callId, toolResult, type ReadOptions } from './shared';

export const RESPONSES_ITEM_TYPES = new Set([
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'custom_tool_call',
  'custom_tool_call_output',
  'mcp_call',
  'item_reference',
  'web_search_call',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'code_interpreter_call',
  'image_generation_call',
  'local_shell_call',
  'local_shell_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
]);

export function isResponsesItem(v: unknown): boolean {
  return isObj(v) && typeof v.type === 'string' && RESPONSES_ITEM_TYPES.has(v.type);
}

/** A list of input or output items → messages (consecutive calls join one assistant turn). */
export function readResponsesItems(list: readonly LV[], o: ReadOptions, readMessage: (x: LV, role: string) => IRMessage[]): IRMessage[] {
  const out: IRMessage[] = [];
  /** The assistant turn calls and reasoning join (null after a user or tool message). */
  let turn: IRMessage | null = null;
  const assistant = (): IRMessage => {
    if (!turn) {
      turn = { role: 'assistant', parts: [], toolCalls: [] };
      out.push(turn);
    }
    return turn;
  };
  for (const item of list) {
    const v = item.v;
    if (typeof v === 'string') {
      out.push(...readMessage(item, 'user'));
      turn = null;
      continue;
    }
    if (!isObj(v)) continue;
    const type = typeof v.type === 'string' ? v.type : 'message';
    if (type === 'message') {
      const role = typeof v.role === 'string' ? v.role : 'assistant';
      const msgs = readMessage(item, role);
      const current: IRMessage | null = turn;
      if (role === 'assistant' && current && current.parts.length === 0 && msgs.length === 1) {
        // Reasoning or calls recorded before the text belong to the same turn.
        current.parts.push(...msgs[0]!.parts);
        current.toolCalls.push(...msgs[0]!.toolCalls);
      } else {
        out.push(...msgs);
        const last = msgs[msgs.length - 1];
        turn = role === 'assistant' && last?.role === 'assistant' ? last : null;
      }
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const name = str(get(item, 'name'));
      if (name !== undefined)
        assistant().toolCalls.push({
          id: callId(get(item, 'call_id')) ?? callId(get(item, 'id')),
          name,
          args: callArgs(type === 'function_call' ? get(item, 'arguments') : get(item, 'input'), o),
        });
    } else if (type === 'mcp_call') {
      const name = str(get(item, 'name'));
      const id = callId(get(item, 'id'));
      if (name !== undefined) assistant().toolCalls.push({ id, name, args: callArgs(get(item, 'arguments'), o) });
      const body = getAny(item, 'output', 'error');
      if (body.v !== undefined) {
        out.push(
          toolResult(id ?? undefined, body, o, {
            ...(name !== undefined ? { name } : {}),
            isError: v.error !== undefined && v.error !== null,
          }),
        );
        turn = null;
      }
    } else if (type === 'reasoning') {
      const t = assistant();
      for (const key of ['summary', 'content'])
        for (const s of items(get(item, key))) {
          const r = textOf(get(s, 'text'));
          if (r) (t.reasoning ??= []).push(r);
        }
    } else if (type.endsWith('_call_output')) {
      out.push(toolResult(str(get(item, 'call_id')), get(item, 'output'), o));
      turn = null;
    }
  }
  // An assistant turn made only of reasoning is context, not a message of its own.
  return out.filter((m) => m.role !== 'assistant' || m.parts.length > 0 || m.toolCalls.length > 0);
}
