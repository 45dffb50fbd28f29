// Google Gemini GenerateContent (REST camelCase and the Python SDK's snake_case alike).
//   request  {contents: [content…], systemInstruction | system_instruction: content | string,
//             tools: [{functionDeclarations | function_declarations: [{name, description,
//             parameters | parametersJsonSchema}]}], config?: {systemInstruction, tools} (google-genai)}
//   response {candidates: [{content, finishReason}], usageMetadata}
// content: {role: 'user' | 'model' | 'function' | 'tool', parts: [part…]} with untyped parts:
// {text, thought?} (thought: reasoning); {functionCall | function_call: {id?, name, args}};
// {functionResponse | function_response: {id?, name, response}} (a tool message of its own);
// inlineData, fileData, executableCode carry no text to score.
import { get, getAny, isObj, items, str, textOf, type LV, type Text } from '../located';
import type { IRMessage } from '../types';
import { callArgs, callId, MessageBuilder, toolResult, type ReadOptions } from './shared';

const WRAPPED_TYPES = new Set(['function_call', 'function_response', 'functionCall', 'functionResponse']);

export function readGeminiPart(part: LV, into: MessageBuilder, o: ReadOptions): boolean {
  const v = part.v;
  // Untyped, as the API writes parts; or typed by a tracer that wraps them (LangSmith:
  // `{type: 'function_response', function_response: {…}}`).
  if (!isObj(v) || (v.type !== undefined && !(typeof v.type === 'string' && WRAPPED_TYPES.has(v.type)))) return false;
  const call = getAny(part, 'functionCall', 'function_call');
  if (isObj(call.v)) {
    const name = str(get(call, 'name'));
    if (name !== undefined) into.call({ id: callId(get(call, 'id')), name, args: callArgs(get(call, 'args'), o) });
    return true;
  }
  const response = getAny(part, 'functionResponse', 'function_response');
  if (isObj(response.v)) {
    const name = str(get(response, 'name'));
    into.result(toolResult(str(get(response, 'id')), get(response, 'response'), o, name !== undefined ? { name } : {}));
    return true;
  }
  if (typeof v.text === 'string') {
    if (v.thought === true) into.reasoning(textOf(get(part, 'text')));
    else into.text(textOf(get(part, 'text')));
    return true;
  }
  return [
    'inlineData',
    'inline_data',
    'fileData',
    'file_data',
    'executableCode',
    'executable_code',
    'codeExecutionResult',
    'code_execution_result',
    'thoughtSignature',
    'thought_signature',
  ].some((k) => v[k] !== undefined);
}

export function readGeminiContent(x: LV, o: ReadOptions): IRMessage[] {
  const v = x.v as Record<string, unknown>;
  const role = typeof v.role === 'string' ? v.role : 'user';
  const b = new MessageBuilder(role === 'function' ? 'tool' : role);
  for (const part of items(get(x, 'parts'))) readGeminiPart(part, b, o);
  return b.done();
}

/** `systemInstruction` as a string, a content, or a list of parts. */
export function geminiSystem(x: LV): Text[] {
  if (typeof x.v === 'string') return [{ text: x.v, loc: x.loc }];
  const parts = isObj(x.v) ? get(x, 'parts') : x;
  const out: Text[] = [];
  for (const p of items(parts)) {
    const t = typeof p.v === 'string' ? textOf(p) : textOf(get(p, 'text'));
    if (t) out.push(t);
  }
  return out;
}

/** The system instruction of a request, wherever the SDK put it. */
export function geminiRequestSystem(x: LV): LV {
  const config = getAny(x, 'config', 'generationConfig', 'generation_config');
  return getAny(x, 'systemInstruction', 'system_instruction').v !== undefined
    ? getAny(x, 'systemInstruction', 'system_instruction')
    : getAny(config, 'systemInstruction', 'system_instruction');
}
