// Anthropic Messages API.
//   request  {model, system?: string | [{type:'text', text}], messages: [{role:'user'|'assistant',
//             content: string | [block…]}], tools?: [{name, description, input_schema}]}
//   response {id, type:'message', role:'assistant', content: [block…], stop_reason, usage}
// Blocks: {type:'text', text}; {type:'tool_use'|'server_tool_use', id, name, input};
// {type:'tool_result', tool_use_id, content: string | [{type:'text', text}…], is_error?} — a result
// inside a user message, read as a tool message of its own; {type:'thinking', thinking} and
// {type:'redacted_thinking'} (reasoning, never scored). Images and documents carry no text.
import { get, isObj, str, textOf, type LV } from '../located';
import { callArgs, callId, toolResult, type MessageBuilder, type ReadOptions } from './shared';

export function readAnthropicBlock(block: LV, into: MessageBuilder, o: ReadOptions): boolean {
  if (!isObj(block.v)) return false;
  switch (block.v.type) {
    case 'tool_use':
    case 'server_tool_use': {
      const name = str(get(block, 'name'));
      if (name !== undefined) into.call({ id: callId(get(block, 'id')), name, args: callArgs(get(block, 'input'), o) });
      return true;
    }
    case 'tool_result':
      into.result(toolResult(str(get(block, 'tool_use_id')), get(block, 'content'), o, { isError: block.v.is_error === true }));
      return true;
    case 'thinking':
      into.reasoning(textOf(get(block, 'thinking')));
      return true;
    case 'redacted_thinking':
    case 'image':
    case 'document':
      return true;
    default:
      return false;
  }
}

/** Whether a value is an Anthropic request (`system` beside `messages`) or response message. */
export function isAnthropicResponse(v: Record<string, unknown>): boolean {
  return v.type === 'message' && v.role === 'assistant' && Array.isArray(v.content);
}
