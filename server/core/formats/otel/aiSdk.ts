// Spans of the Vercel AI SDK (`experimental_telemetry`, `ai.*` attributes).
import { items, jsonish, type Text, textOf, textOrRaw } from '../located';
import { readInput, type ReadOptions, readToolCall } from '../normalize';
import type { IRMessage, SpanRecord } from '../types';
import { Attrs } from './attributes';
import { setUsage, unreadable } from './readHelpers';
import { attributeToolDefinitions } from './requestAttributes';

// ---- Vercel AI SDK (`experimental_telemetry`) ----------------------------------------------

/**
 * AI SDK spans: `ai.generateText` / `ai.streamText` / `ai.generateObject` (the whole call:
 * `ai.prompt` {system, prompt, messages}, `ai.response.text`), their `….doGenerate` /
 * `….doStream` LLM calls (`ai.prompt.messages` — ModelMessage JSON —, `ai.prompt.tools`,
 * `ai.response.text`, `ai.response.toolCalls`, `ai.response.object`, `ai.response.reasoning`)
 * and `ai.toolCall` (`ai.toolCall.name|id|args|input|result|output`).
 */
export function isAiSdkSpan(a: Attrs): boolean {
  return (
    a.has('ai.operationId') || a.has('ai.prompt.messages') || a.has('ai.toolCall.name') || (a.has('ai.prompt') && a.has('ai.model.id'))
  );
}

export function readAiSdk(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
  const op = a.str('ai.operationId') ?? a.str('operation.name') ?? '';
  rec.provider = a.str('ai.model.provider') ?? a.str('gen_ai.system') ?? null;
  rec.model = a.str('ai.response.model') ?? a.str('gen_ai.response.model') ?? a.str('ai.model.id') ?? null;
  setUsage(
    rec,
    a.num('ai.usage.inputTokens') ?? a.num('ai.usage.promptTokens') ?? a.num('gen_ai.usage.input_tokens'),
    a.num('ai.usage.outputTokens') ?? a.num('ai.usage.completionTokens') ?? a.num('gen_ai.usage.output_tokens'),
    a.num('ai.usage.totalTokens'),
  );
  const finish = a.str('ai.response.finishReason');
  if (finish) rec.finishReasons = [finish];
  if (op === 'ai.toolCall' || a.has('ai.toolCall.name')) {
    rec.kind = 'tool';
    const args = a.get('ai.toolCall.args').v !== undefined ? a.get('ai.toolCall.args') : a.get('ai.toolCall.input');
    const result = a.get('ai.toolCall.result').v !== undefined ? a.get('ai.toolCall.result') : a.get('ai.toolCall.output');
    rec.tool = {
      name: a.str('ai.toolCall.name') ?? null,
      callId: a.str('ai.toolCall.id')?.trim() ?? null,
      args: textOrRaw(args, o.light),
      result: textOrRaw(result, o.light),
      error,
    };
    return;
  }
  // The answer: text, tool calls, a generated object, reasoning.
  const m: IRMessage = { role: 'assistant', parts: [], toolCalls: [] };
  const text = textOf(a.get('ai.response.text'));
  if (text && text.text !== '') m.parts.push(text);
  const object = a.get('ai.response.object');
  if (object.v !== undefined) {
    const t = textOrRaw(object, o.light);
    if (t) m.parts.push(t);
  }
  for (const c of items(jsonish(a.get('ai.response.toolCalls')))) {
    const call = readToolCall(c, o);
    if (call) m.toolCalls.push(call);
  }
  const reasoning = textOf(a.get('ai.response.reasoning'));
  if (reasoning && reasoning.text !== '') m.reasoning = [reasoning];
  const answered = m.parts.length > 0 || m.toolCalls.length > 0;
  const hasResponse = ['ai.response.text', 'ai.response.object', 'ai.response.toolCalls'].some((k) => a.get(k).v !== undefined);
  const promptMessages = a.get('ai.prompt.messages');
  if (/\.do(Generate|Stream)$/.test(op) || promptMessages.v !== undefined) {
    rec.kind = 'llm';
    if (promptMessages.v !== undefined) {
      const request = readInput(promptMessages, o);
      rec.input = request.messages.length ? request.messages : null;
      if (!o.light && !rec.input) rec.notes.push({ message: unreadable('ai.prompt.messages', promptMessages), severity: 'error' });
    }
    if (!o.light) rec.tools = attributeToolDefinitions(a);
    rec.output = answered ? [m] : null;
    if (hasResponse && !answered) rec.metadata.unreadable_output = true;
    if (error && !answered) rec.metadata.error = error.text;
    return;
  }
  // The whole call (generateText, streamText…): its prompt is the trace's input.
  rec.kind = 'agent';
  const prompt = jsonish(a.get('ai.prompt'));
  if (prompt.v !== undefined) {
    const request = readInput(prompt, o);
    if (request.messages.length) rec.traceInput = request.messages;
  }
  rec.output = answered ? [m] : null;
}
