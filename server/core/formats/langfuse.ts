// Langfuse exports: traces `{id, name, input, output, sessionId, latency, observations[]}` and
// observations `{id, traceId, type, parentObservationId, input, output, model, startTime, endTime,
// usageDetails, costDetails, toolDefinitions, toolCalls, level, statusMessage}`.
import type { SourceAnchor } from '../../../common/schema';
import { get, getAny, isObj, items, jsonish, num, str, subRecords, textOf, textOrRaw, type LV } from './located';
import { findToolDefinitions, mergeToolDefinitions, readInput, readToolCall, type ReadOptions } from './normalize';
import { readObservationOutput } from './recordedOutput';
import { Attrs } from './otel/attributes';
import { attributeSystem, attributeToolDefinitions } from './otel/requestAttributes';
import { emptySpan, timeMs, type SpanRecord } from './types';

const OBSERVATION_TYPES = new Set([
  'GENERATION',
  'SPAN',
  'EVENT',
  'AGENT',
  'TOOL',
  'CHAIN',
  'RETRIEVER',
  'EVALUATOR',
  'EMBEDDING',
  'GUARDRAIL',
]);

export function isLangfuseObservation(v: unknown): boolean {
  return (
    isObj(v) &&
    typeof v.type === 'string' &&
    OBSERVATION_TYPES.has(v.type) &&
    (v.traceId !== undefined || v.parentObservationId !== undefined || v.startTime !== undefined)
  );
}

export function isLangfuseTrace(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (isObj(v.trace) && Array.isArray(v.observations)) return true;
  return Array.isArray(v.observations) && (v.id !== undefined || v.input !== undefined);
}

/** A trace (with its observations) or one observation → span records. */
export function readLangfuse(x: LV, anchor: SourceAnchor, seq: () => number, o: ReadOptions): SpanRecord[] {
  const v = x.v;
  if (!isObj(v)) return [];
  if (isObj(v.trace) && Array.isArray(v.observations)) {
    // {trace: {...}, observations: [...]}
    const trace = readTrace(get(x, 'trace'), anchor, seq(), o);
    return [trace, ...subRecords(x, 'observations').flatMap((r) => readObservation(r.x, r.anchor, seq(), trace.traceId, o))];
  }
  if (Array.isArray(v.observations)) {
    const trace = readTrace(x, anchor, seq(), o);
    return [trace, ...subRecords(x, 'observations').flatMap((r) => readObservation(r.x, r.anchor, seq(), trace.traceId, o))];
  }
  return readObservation(x, anchor, seq(), null, o);
}

function readTrace(x: LV, anchor: SourceAnchor, seq: number, o: ReadOptions): SpanRecord {
  const t = x.v as Record<string, unknown>;
  const rec = emptySpan('langfuse', anchor, seq);
  rec.isTrace = true;
  rec.traceId = typeof t.id === 'string' ? t.id : null;
  rec.name = typeof t.name === 'string' ? t.name : null;
  rec.startMs = timeMs(t.timestamp);
  const input = get(x, 'input');
  if (input.v !== undefined && input.v !== null) rec.traceInput = readInput(input, o).messages;
  if (typeof t.sessionId === 'string') rec.metadata.session_id = t.sessionId;
  if (typeof t.userId === 'string') rec.metadata.user_id = t.userId;
  const latency = num(get(x, 'latency'));
  if (latency !== undefined) rec.metadata.trace_latency_s = latency;
  return rec;
}

function readObservation(x: LV, anchor: SourceAnchor, seq: number, traceId: string | null, opts: ReadOptions): SpanRecord[] {
  const o = x.v;
  if (!isObj(o)) return [];
  const rec = emptySpan('langfuse', anchor, seq);
  rec.traceId = typeof o.traceId === 'string' ? o.traceId : traceId;
  rec.spanId = typeof o.id === 'string' ? o.id : null;
  rec.parentId = typeof o.parentObservationId === 'string' ? o.parentObservationId : null;
  rec.name = typeof o.name === 'string' ? o.name : null;
  rec.startMs = timeMs(o.startTime);
  rec.endMs = timeMs(o.endTime);
  const type = typeof o.type === 'string' ? o.type : 'SPAN';
  const isError = o.level === 'ERROR';
  const error = isError ? (textOf(get(x, 'statusMessage')) ?? { text: 'error', loc: null }) : null;
  if (type === 'GENERATION') {
    rec.kind = 'llm';
    rec.model = typeof o.model === 'string' ? o.model : null;
    if (isObj(o.modelParameters)) rec.metadata.model_parameters = o.modelParameters;
    const input = jsonish(get(x, 'input'));
    const request = input.v !== undefined && input.v !== null ? readInput(input, opts) : null;
    if (request && request.messages.length) rec.input = request.messages;
    readObservationOutput(rec, get(x, 'output'), opts);
    const toolCalls = get(x, 'toolCalls');
    if (Array.isArray(toolCalls.v) && rec.output && rec.output[0]!.toolCalls.length === 0)
      for (const c of items(toolCalls)) {
        const call = readToolCall(c, opts);
        if (call) rec.output[0]!.toolCalls.push(call);
      }
    // Definitions: the observation's own, the request's, the span attributes Langfuse keeps in
    // metadata (an OTel-ingested observation), the model parameters.
    const attrs = new Attrs(get(get(x, 'metadata'), 'attributes'));
    if (!opts.light) {
      rec.tools = mergeToolDefinitions(
        mergeToolDefinitions(findToolDefinitions([get(x, 'toolDefinitions'), get(x, 'tools')]), request?.tools ?? null),
        mergeToolDefinitions(
          attributeToolDefinitions(attrs),
          findToolDefinitions([get(get(x, 'modelParameters'), 'tools'), get(get(x, 'metadata'), 'tools')]),
        ),
      );
      rec.system = attributeSystem(attrs);
    }
    const u = isObj(o.usageDetails) ? get(x, 'usageDetails') : get(x, 'usage');
    const inTok = num(getAny(u, 'input', 'promptTokens', 'prompt_tokens')) ?? num(get(x, 'promptTokens'));
    const outTok = num(getAny(u, 'output', 'completionTokens', 'completion_tokens')) ?? num(get(x, 'completionTokens'));
    const total = num(getAny(u, 'total', 'totalTokens', 'total_tokens')) ?? num(get(x, 'totalTokens'));
    if (inTok !== undefined || outTok !== undefined || total !== undefined)
      rec.usage = {
        ...(inTok !== undefined ? { input: inTok } : {}),
        ...(outTok !== undefined ? { output: outTok } : {}),
        ...(total !== undefined ? { total } : {}),
      };
    const cost = num(get(get(x, 'costDetails'), 'total')) ?? num(get(x, 'calculatedTotalCost'));
    if (cost !== undefined) rec.costUsd = cost;
    if (error) rec.metadata.error = error.text;
  } else if (type === 'TOOL') {
    rec.kind = 'tool';
    const input = get(x, 'input');
    const meta = get(x, 'metadata');
    rec.tool = {
      name: rec.name,
      callId:
        str(getAny(meta, 'tool_call_id', 'toolCallId')) ??
        (isObj(input.v) ? (str(getAny(input, 'tool_call_id', 'toolCallId')) ?? null) : null),
      args: textOrRaw(isObj(input.v) && input.v.arguments !== undefined ? get(input, 'arguments') : input, opts.light),
      result: textOrRaw(get(x, 'output'), opts.light),
      error,
    };
  } else if (type === 'AGENT') {
    rec.kind = 'agent';
    const input = get(x, 'input');
    if (input.v !== undefined && input.v !== null) rec.traceInput = readInput(input, opts).messages;
  }
  if (isObj(o.metadata)) rec.metadata.observation_metadata = o.metadata;
  return [rec];
}
