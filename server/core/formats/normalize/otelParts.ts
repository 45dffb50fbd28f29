// OpenTelemetry GenAI semantic conventions (`gen_ai.input.messages`, `gen_ai.output.messages`,
// the `gen_ai.client.inference.operation.details` event):
//   {role: system|user|assistant|tool, name?, finish_reason?, parts: [part…]}
// Parts: {type:'text', content}; {type:'tool_call', id, name, arguments}; {type:
// 'tool_call_response', id, response | result}; {type:'reasoning', content}; blob, uri and file
// parts carry no text. A tool_call_response is a tool message of its own.
import { get, getAny, isObj, items, str, textOf, type LV } from '../located';
import type { IRMessage } from '../types';
import { callArgs, callId, MessageBuilder, toolResult, type ReadOptions } from './shared';

export function readOtelPart(part: LV, into: MessageBuilder, o: ReadOptions): boolean {
  const v = part.v;
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'tool_call':
    case 'server_tool_call': {
      const name = str(get(part, 'name'));
      // A Responses call is known by `call_id`; `id` is then the output item's id.
      if (name !== undefined)
        into.call({ id: callId(getAny(part, 'call_id', 'id')), name, args: callArgs(getAny(part, 'arguments', 'args', 'input'), o) });
      return true;
    }
    case 'tool_call_response':
    case 'server_tool_call_response':
      into.result(toolResult(str(getAny(part, 'call_id', 'id')), getAny(part, 'response', 'result', 'output', 'content'), o));
      return true;
    case 'reasoning':
      into.reasoning(textOf(getAny(part, 'content', 'text')));
      return true;
    case 'blob':
    case 'uri':
    case 'file':
      return true;
    default:
      return false;
  }
}

/** Whether `parts` is the OTel form (typed parts) rather than Gemini's (untyped). */
export function hasTypedParts(parts: unknown[]): boolean {
  return parts.some((p) => isObj(p) && typeof p.type === 'string');
}

export function readOtelMessage(x: LV, o: ReadOptions, readBlock: (b: LV, into: MessageBuilder, o: ReadOptions) => void): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const b = new MessageBuilder(typeof v.role === 'string' ? v.role : 'user');
  if (typeof v.name === 'string') b.message.name = v.name;
  for (const part of items(get(x, 'parts'))) readBlock(part, b, o);
  return b.done();
}
