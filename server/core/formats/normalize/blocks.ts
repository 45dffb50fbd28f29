// One content block of a message, whichever provider wrote it: OpenAI parts, Anthropic blocks,
// AI SDK parts, OTel GenAI parts, Responses items inline, Gemini and Bedrock untyped parts.
import { get, getAny, isObj, str, textOf, type LV } from '../located';
import { readAiSdkPart } from './aiSdk';
import { readAnthropicBlock } from './anthropic';
import { readBedrockBlock } from './bedrock';
import { readGeminiPart } from './gemini';
import { readOtelPart } from './otelParts';
import { callArgs, callId, toolResult, type MessageBuilder, type ReadOptions } from './shared';

const TEXT_TYPES = new Set(['text', 'input_text', 'output_text', 'summary_text']);

export function readContentBlock(block: LV, into: MessageBuilder, o: ReadOptions): void {
  if (typeof block.v === 'string') {
    into.text(textOf(block));
    return;
  }
  if (!isObj(block.v)) return;
  const type = block.v.type;
  if (typeof type === 'string' && TEXT_TYPES.has(type)) {
    into.text(textOf(getAny(block, 'text', 'content', 'value')));
    return;
  }
  if (type === 'refusal') {
    into.text(textOf(get(block, 'refusal')));
    return;
  }
  if (type === 'reasoning' && typeof block.v.reasoning === 'string') {
    into.reasoning(textOf(get(block, 'reasoning'))); // LangChain v1 standard block
    return;
  }
  if (readAnthropicBlock(block, into, o) || readAiSdkPart(block, into, o) || readOtelPart(block, into, o)) return;
  if (type === 'function_call' && typeof block.v.name === 'string') {
    const name = str(get(block, 'name'));
    if (name !== undefined)
      into.call({ id: callId(get(block, 'call_id')) ?? callId(get(block, 'id')), name, args: callArgs(get(block, 'arguments'), o) });
    return;
  }
  if (type === 'function_call_output') {
    into.result(toolResult(str(get(block, 'call_id')), get(block, 'output'), o));
    return;
  }
  if (readGeminiPart(block, into, o)) return;
  readBedrockBlock(block, into, o);
}
