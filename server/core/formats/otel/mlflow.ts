// Spans of MLflow tracing (`mlflow.spanType`, `mlflow.spanInputs|spanOutputs`).
import { get, isObj, jsonish, type Text, textOrRaw } from '../located';
import { findToolDefinitions, mergeToolDefinitions, readInput, type ReadOptions, readOutput } from '../normalize';
import type { IRMessage, SpanRecord } from '../types';
import { Attrs } from './attributes';
import { response } from './readHelpers';

// ---- MLflow tracing ---------------------------------------------------------------------------

/**
 * MLflow spans: `mlflow.spanType` (JSON string: "CHAT_MODEL" | "LLM" | "TOOL" | "AGENT" | "CHAIN"
 * …), `mlflow.spanInputs` / `mlflow.spanOutputs` (JSON: the request and response as the
 * autologged client saw them), `mlflow.chat.messages`, `mlflow.chat.tools`.
 */
export function readMlflow(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
  const type = String(jsonish(a.get('mlflow.spanType')).v ?? '').toUpperCase();
  const inputs = jsonish(a.get('mlflow.spanInputs'));
  const outputs = jsonish(a.get('mlflow.spanOutputs'));
  if (type === 'TOOL') {
    rec.kind = 'tool';
    const args = isObj(inputs.v) && inputs.v.arguments !== undefined ? get(inputs, 'arguments') : a.get('mlflow.spanInputs');
    rec.tool = {
      name: rec.name,
      callId: null,
      args: textOrRaw(args, o.light),
      result: textOrRaw(a.get('mlflow.spanOutputs'), o.light),
      error,
    };
    return;
  }
  if (type === 'CHAT_MODEL' || type === 'LLM') {
    rec.kind = 'llm';
    const request = readInput(inputs, o);
    const chat = a.get('mlflow.chat.messages');
    // The recorded chat (input and answer) when the raw request is not readable.
    const chatMessages = request.messages.length === 0 && chat.v !== undefined ? readInput(chat, o).messages : [];
    let answer: IRMessage[] | null = outputs.v !== undefined ? response(readOutput(outputs, o)) : null;
    if (chatMessages.length && chatMessages[chatMessages.length - 1]!.role === 'assistant') {
      answer ??= [chatMessages.pop()!];
    }
    rec.input = request.messages.length ? request.messages : chatMessages.length ? chatMessages : null;
    rec.output = answer;
    if (outputs.v !== undefined && !answer) rec.metadata.unreadable_output = true;
    if (!o.light) rec.tools = mergeToolDefinitions(request.tools, findToolDefinitions([a.get('mlflow.chat.tools')]));
    if (error && !answer) rec.metadata.error = error.text;
    return;
  }
  rec.kind = type === 'AGENT' || rec.parentId === null ? 'agent' : 'other';
  const traceIn = readInput(inputs, o).messages;
  if (traceIn.length) rec.traceInput = traceIn;
}
