// Spans the Langfuse SDKs write, read from Langfuse's own `langfuse.observation.*` attributes.
import { get, getAny, isObj, jsonish, num, str, type Text, textOf, textOrRaw } from '../located';
import { findToolDefinitions, mergeToolDefinitions, readInput, type ReadOptions, readOutput } from '../normalize';
import type { SpanRecord } from '../types';
import { Attrs } from './attributes';
import { response, setUsage } from './readHelpers';
import { attributeSystem, attributeToolDefinitions } from './requestAttributes';
import { noteUnreadableOutput } from '../recordedOutput';
import type { OtelConvention } from './spanShapes';

// ---- Langfuse SDK spans (`@langfuse/tracing`, `@langfuse/otel`, `observeOpenAI`) ------------

/**
 * Langfuse's own attributes: `langfuse.observation.type` (generation | tool | agent | span |
 * chain | event…), `langfuse.observation.input` / `.output` (JSON: the request and response as
 * the app passed them), `.model.name`, `.model.parameters`, `.usage_details`, `.cost_details`,
 * `.metadata.*`, `.level` / `.status_message`; `langfuse.trace.input` on the root.
 */
export function isLangfuseSpan(a: Attrs, convention: OtelConvention | null): boolean {
  if (!a.has('langfuse.observation.type')) return false;
  // A span an OTel instrumentation wrote (with its own message attributes) is read by its convention.
  return (
    convention === null ||
    !(
      a.has('gen_ai.input.messages') ||
      a.has('gen_ai.output.messages') ||
      a.count('gen_ai.prompt') > 0 ||
      a.count('llm.input_messages') > 0 ||
      a.has('input.value')
    )
  );
}

export function readLangfuseAttributes(rec: SpanRecord, a: Attrs, spanErr: Text | null, o: ReadOptions): void {
  const type = (a.str('langfuse.observation.type') ?? 'span').toLowerCase();
  const level = a.str('langfuse.observation.level');
  const error =
    spanErr ?? (level === 'ERROR' ? (textOf(a.get('langfuse.observation.status_message')) ?? { text: 'error', loc: null }) : null);
  const input = jsonish(a.get('langfuse.observation.input'));
  const output = jsonish(a.get('langfuse.observation.output'));
  rec.model = a.str('langfuse.observation.model.name') ?? null;
  const usage = jsonish(a.get('langfuse.observation.usage_details'));
  setUsage(
    rec,
    num(getAny(usage, 'input', 'prompt_tokens', 'input_tokens')),
    num(getAny(usage, 'output', 'completion_tokens', 'output_tokens')),
    num(getAny(usage, 'total', 'total_tokens')),
  );
  const cost = num(get(jsonish(a.get('langfuse.observation.cost_details')), 'total'));
  if (cost !== undefined) rec.costUsd = cost;
  if (type === 'generation' || type === 'embedding') {
    rec.kind = 'llm';
    const request = input.v !== undefined && input.v !== null ? readInput(input, o) : null;
    if (request?.messages.length) rec.input = request.messages;
    else if (!o.light && input.v !== undefined)
      rec.notes.push({
        message: 'has langfuse.observation.input that holds no readable message; the input is rebuilt from the trace',
        severity: 'warning',
      });
    if (output.v !== undefined && output.v !== null) {
      rec.output = response(readOutput(output, o));
      if (!rec.output) noteUnreadableOutput(rec, 'langfuse.observation.output');
    }
    if (!o.light) {
      const params = jsonish(a.get('langfuse.observation.model.parameters'));
      rec.tools = mergeToolDefinitions(
        mergeToolDefinitions(request?.tools ?? null, attributeToolDefinitions(a)),
        findToolDefinitions([get(params, 'tools'), a.get('langfuse.observation.metadata.tools')]),
      );
      rec.system = attributeSystem(a);
    }
    if (error && !rec.output) rec.metadata.error = error.text;
    return;
  }
  if (type === 'tool') {
    rec.kind = 'tool';
    const callId =
      a.str('langfuse.observation.metadata.tool_call_id') ??
      a.str('langfuse.observation.metadata.toolCallId') ??
      (isObj(input.v) ? str(getAny(input, 'tool_call_id', 'toolCallId')) : undefined);
    rec.tool = {
      name: rec.name,
      callId: callId?.trim() ?? null,
      args: textOrRaw(a.get('langfuse.observation.input'), o.light),
      result: textOrRaw(a.get('langfuse.observation.output'), o.light),
      error,
    };
    return;
  }
  // agent, chain, span…: the root's input is the trace's input.
  const root = a.get('langfuse.internal.is_app_root').v === true || rec.parentId === null;
  rec.kind = type === 'agent' || root ? 'agent' : 'other';
  const traceIn = a.get('langfuse.trace.input').v !== undefined ? jsonish(a.get('langfuse.trace.input')) : input;
  if (traceIn.v !== undefined && traceIn.v !== null) {
    const m = readInput(traceIn, o).messages;
    if (m.length) rec.traceInput = m;
  }
  if (output.v !== undefined && output.v !== null) rec.output = response(readOutput(output, o));
}
