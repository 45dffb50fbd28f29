// AWS Bedrock Converse API.
//   request  {modelId, system?: [{text}], messages: [{role:'user'|'assistant', content: [block…]}],
//             toolConfig?: {tools: [{toolSpec: {name, description, inputSchema: {json}}}]}}
//   response {output: {message: {role:'assistant', content: [block…]}}, stopReason, usage}
// Blocks carry no `type`: {text}; {toolUse: {toolUseId, name, input}}; {toolResult: {toolUseId,
// content: [{text} | {json}], status?: 'success'|'error'}}; {reasoningContent: {reasoningText:
// {text}}}; images and documents carry no text.
import { get, isObj, str, textOf, type LV } from '../located';
import { callArgs, callId, toolResult, type MessageBuilder, type ReadOptions } from './shared';

export function readBedrockBlock(block: LV, into: MessageBuilder, o: ReadOptions): boolean {
  const v = block.v;
  if (!isObj(v) || v.type !== undefined) return false;
  if (isObj(v.toolUse)) {
    const u = get(block, 'toolUse');
    const name = str(get(u, 'name'));
    if (name !== undefined) into.call({ id: callId(get(u, 'toolUseId')), name, args: callArgs(get(u, 'input'), o) });
    return true;
  }
  if (isObj(v.toolResult)) {
    const r = get(block, 'toolResult');
    into.result(
      toolResult(str(get(r, 'toolUseId')), get(r, 'content'), o, { isError: (r.v as Record<string, unknown>).status === 'error' }),
    );
    return true;
  }
  if (isObj(v.reasoningContent)) {
    into.reasoning(textOf(get(get(get(block, 'reasoningContent'), 'reasoningText'), 'text')));
    return true;
  }
  if (typeof v.text === 'string') {
    into.text(textOf(get(block, 'text')));
    return true;
  }
  return isObj(v.image) || isObj(v.document) || isObj(v.video) || isObj(v.cachePoint);
}
