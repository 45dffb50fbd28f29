// Opik: traces `{id, name, start_time, end_time, input, output, metadata, usage}` and spans
// `{id, trace_id, parent_span_id, type: general|llm|tool|guardrail, name, model, provider, input,
// output, usage, error_info, start_time, end_time}` (a trace may carry its `spans`).
import type { SourceAnchor } from '../../../common/schema';
import { get, getAny, isObj, jsonish, num, str, subRecords, textOf, textOrRaw, type LV } from './located';
import { findToolDefinitions, mergeToolDefinitions, readInput, type ReadOptions } from './normalize';
import { readObservationOutput } from './recordedOutput';
import { emptySpan, timeMs, type SpanRecord } from './types';

const SPAN_TYPES = new Set(['general', 'llm', 'tool', 'guardrail']);

export function isOpikSpan(v: unknown): boolean {
  return isObj(v) && typeof v.type === 'string' && SPAN_TYPES.has(v.type) && (v.trace_id !== undefined || v.parent_span_id !== undefined);
}

export function isOpikTrace(v: unknown): boolean {
  if (!isObj(v) || v.run_type !== undefined || v.trace_id !== undefined) return false;
  if (Array.isArray(v.spans) && v.id !== undefined) return true;
  const opikish =
    v.project_id !== undefined ||
    v.project_name !== undefined ||
    v.feedback_scores !== undefined ||
    v.thread_id !== undefined ||
    v.span_count !== undefined ||
    v.llm_span_count !== undefined;
  return opikish && v.id !== undefined && (v.input !== undefined || v.output !== undefined) && v.start_time !== undefined;
}

export function readOpik(x: LV, anchor: SourceAnchor, seq: () => number, hint: 'trace' | 'span' | null, o: ReadOptions): SpanRecord[] {
  const v = x.v;
  if (!isObj(v)) return [];
  if (hint === 'span' || isOpikSpan(v)) return [readSpan(x, anchor, seq(), o)];
  const rec = emptySpan('opik', anchor, seq());
  rec.isTrace = true;
  rec.traceId = typeof v.id === 'string' ? v.id : null;
  rec.name = typeof v.name === 'string' ? v.name : null;
  rec.startMs = timeMs(v.start_time);
  rec.endMs = timeMs(v.end_time);
  const input = get(x, 'input');
  if (input.v !== undefined && input.v !== null) rec.traceInput = readInput(input, o).messages;
  if (typeof v.thread_id === 'string') rec.metadata.thread_id = v.thread_id;
  const out = [rec];
  for (const s of subRecords(x, 'spans')) {
    const span = readSpan(s.x, s.anchor, seq(), o);
    span.traceId ??= rec.traceId;
    out.push(span);
  }
  return out;
}

function readSpan(x: LV, anchor: SourceAnchor, seq: number, o: ReadOptions): SpanRecord {
  const s = x.v as Record<string, unknown>;
  const rec = emptySpan('opik', anchor, seq);
  rec.traceId = typeof s.trace_id === 'string' ? s.trace_id : null;
  rec.spanId = typeof s.id === 'string' ? s.id : null;
  rec.parentId = typeof s.parent_span_id === 'string' ? s.parent_span_id : null;
  rec.name = typeof s.name === 'string' ? s.name : null;
  rec.startMs = timeMs(s.start_time);
  rec.endMs = timeMs(s.end_time);
  const input = jsonish(get(x, 'input'));
  const output = jsonish(get(x, 'output'));
  if (typeof s.type !== 'string' || !SPAN_TYPES.has(s.type))
    rec.notes.push({
      message: `has type ${JSON.stringify(s.type)} (expected "general", "llm", "tool" or "guardrail"); read as a general span`,
      severity: 'warning',
    });
  const errorInfo = get(x, 'error_info');
  const error = isObj(errorInfo.v) ? (textOf(getAny(errorInfo, 'message', 'exception_type')) ?? { text: 'error', loc: null }) : null;
  if (s.type === 'llm') {
    rec.kind = 'llm';
    rec.model = typeof s.model === 'string' ? s.model : null;
    rec.provider = typeof s.provider === 'string' ? s.provider : null;
    const request = input.v !== undefined && input.v !== null ? readInput(input, o) : null;
    if (request && request.messages.length) rec.input = request.messages;
    readObservationOutput(rec, output, o);
    if (!o.light)
      rec.tools = mergeToolDefinitions(
        request?.tools ?? null,
        findToolDefinitions([get(get(x, 'metadata'), 'tools'), get(get(get(x, 'metadata'), 'invocation_params'), 'tools')]),
      );
    const u = get(x, 'usage');
    const inTok = num(getAny(u, 'prompt_tokens', 'input_tokens', 'original_usage.prompt_tokens'));
    const outTok = num(getAny(u, 'completion_tokens', 'output_tokens'));
    const total = num(get(u, 'total_tokens'));
    if (inTok !== undefined || outTok !== undefined || total !== undefined)
      rec.usage = {
        ...(inTok !== undefined ? { input: inTok } : {}),
        ...(outTok !== undefined ? { output: outTok } : {}),
        ...(total !== undefined ? { total } : {}),
      };
    const cost = num(get(x, 'total_estimated_cost'));
    if (cost !== undefined) rec.costUsd = cost;
    if (error) rec.metadata.error = error.text;
  } else if (s.type === 'tool') {
    rec.kind = 'tool';
    const meta = get(x, 'metadata');
    const callId = str(get(meta, 'tool_call_id')) ?? (isObj(input.v) ? str(get(input, 'tool_call_id')) : undefined);
    const argsLv = isObj(input.v) && Object.keys(input.v).length === 1 && input.v.input !== undefined ? get(input, 'input') : input;
    const resLv = isObj(output.v) && Object.keys(output.v).length === 1 && output.v.output !== undefined ? get(output, 'output') : output;
    rec.tool = { name: rec.name, callId: callId ?? null, args: textOrRaw(argsLv, o.light), result: textOrRaw(resLv, o.light), error };
  } else if (rec.parentId === null && input.v !== undefined && input.v !== null) {
    rec.kind = 'agent';
    const m = readInput(input, o).messages;
    if (m.length) rec.traceInput = m;
  }
  return rec;
}
