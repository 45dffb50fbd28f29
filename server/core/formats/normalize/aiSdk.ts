// Vercel AI SDK ModelMessage (the `ai.prompt.messages` of its spans, and its recorded prompts).
//   {role:'system', content: string}
//   {role:'user'|'assistant'|'tool', content: string | [part…]}
// Parts: {type:'text', text}; {type:'reasoning', text}; {type:'tool-call', toolCallId, toolName,
// input (v5) | args (v4)}; {type:'tool-result', toolCallId, toolName, output (v5: {type:'text'|
// 'json'|'error-text'|'error-json'|'content', value}) | result (v4), isError?}; files and images
// carry no text. A tool-result part is a tool message of its own.
import { get, isObj, str, type LV } from '../located';
import { callArgs, callId, toolResult, type MessageBuilder, type ReadOptions } from './shared';

export function readAiSdkPart(part: LV, into: MessageBuilder, o: ReadOptions): boolean {
  const v = part.v;
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'tool-call': {
      const name = str(get(part, 'toolName'));
      if (name !== undefined)
        into.call({
          id: callId(get(part, 'toolCallId')),
          name,
          args: callArgs(v.input !== undefined ? get(part, 'input') : get(part, 'args'), o),
        });
      return true;
    }
    case 'tool-result':
    case 'tool-error': {
      const output = v.output !== undefined ? get(part, 'output') : v.result !== undefined ? get(part, 'result') : get(part, 'error');
      const outType = isObj(output.v) ? output.v.type : undefined;
      const isError = v.type === 'tool-error' || v.isError === true || outType === 'error-text' || outType === 'error-json';
      into.result(
        toolResult(str(get(part, 'toolCallId')), output, o, { ...(typeof v.toolName === 'string' ? { name: v.toolName } : {}), isError }),
      );
      return true;
    }
    case 'reasoning':
      if (typeof v.text === 'string') into.reasoning({ text: v.text, loc: get(part, 'text').loc });
      return true;
    case 'file':
    case 'image':
    case 'tool-approval-request':
    case 'tool-approval-response':
      return true;
    default:
      return false;
  }
}
