// LangSmith runs: `{id, trace_id, parent_run_id, dotted_order, run_type: llm|chain|tool|…, name,
// inputs, outputs, error, extra{invocation_params, metadata{ls_provider, ls_model_name}},
// usage_metadata, start_time, end_time, child_runs?}`.
import type { SourceAnchor } from '../../../common/schema';
import { get, getAny, isObj, jsonish, num, str, subRecords, textOf, textOrRaw, type LV } from './located';
import { findToolDefinitions, mergeToolDefinitions, readInput, readOutput, type ReadOptions } from './normalize';
import { emptySpan, timeMs, type SpanRecord } from './types';

export function isLangSmithRun(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (typeof v.run_type === 'string') return true;
  return (
    typeof v.dotted_order === 'string' ||
    (isObj(v.inputs) && v.outputs !== undefined && (v.trace_id !== undefined || v.parent_run_id !== undefined))
  );
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function readLangSmith(
  x: LV,
  anchor: SourceAnchor,
  seq: () => number,
  o: ReadOptions,
  parentId: string | null = null,
  traceId: string | null = null,
): SpanRecord[] {
  const r = x.v;
  if (!isObj(r)) return [];
  const rec = emptySpan('langsmith', anchor, seq());
  rec.spanId = typeof r.id === 'string' ? r.id : null;
  rec.parentId = typeof r.parent_run_id === 'string' ? r.parent_run_id : parentId;
  const dotted = typeof r.dotted_order === 'string' ? r.dotted_order.split('.') : [];
  rec.traceId =
    typeof r.trace_id === 'string'
      ? r.trace_id
      : (traceId ?? (dotted.length ? (UUID.exec(dotted[0]!)?.[0] ?? null) : rec.parentId === null ? rec.spanId : null));
  if (rec.parentId === null && dotted.length > 1) rec.parentId = UUID.exec(dotted[dotted.length - 2]!)?.[0] ?? null;
  rec.name = typeof r.name === 'string' ? r.name : null;
  rec.startMs = timeMs(r.start_time);
  rec.endMs = timeMs(r.end_time);
  const runType = typeof r.run_type === 'string' ? r.run_type : 'chain';
  if (r.run_type !== undefined && typeof r.run_type !== 'string')
    rec.notes.push({
      message: `has run_type ${JSON.stringify(r.run_type)} (expected "llm", "chain", "tool", …); read as a chain run`,
      severity: 'warning',
    });
  const inputs = jsonish(get(x, 'inputs'));
  const outputs = jsonish(get(x, 'outputs'));
  const extra = get(x, 'extra');
  const meta = get(extra, 'metadata');
  const invocation = get(extra, 'invocation_params');
  const error = textOf(get(x, 'error'));
  if (runType === 'llm' || runType === 'chat_model') {
    rec.kind = 'llm';
    rec.provider = str(get(meta, 'ls_provider')) ?? null;
    rec.model = str(get(meta, 'ls_model_name')) ?? str(getAny(invocation, 'model', 'model_name')) ?? null;
    const request = inputs.v !== undefined && inputs.v !== null ? readInput(inputs, o) : null;
    if (request && request.messages.length) rec.input = request.messages;
    else if (isObj(inputs.v) && Object.keys(inputs.v).length)
      rec.notes.push({ message: 'has "inputs" that hold no readable message; the input is rebuilt from the trace', severity: 'warning' });
    if (outputs.v !== undefined && outputs.v !== null) {
      const out = readOutput(outputs, o);
      rec.output = out.length ? out : null;
      if (!out.length)
        rec.notes.push({
          message: `has "outputs" that hold no readable message (${Array.isArray(outputs.v) ? 'array' : typeof outputs.v}); no response is read from it`,
          severity: 'error',
        });
      if (!out.length) rec.metadata.unreadable_output = true;
    }
    // Definitions: the request's own `tools`, or the framework's invocation parameters.
    if (!o.light)
      rec.tools = mergeToolDefinitions(
        request?.tools ?? null,
        findToolDefinitions([
          get(invocation, 'tools'),
          get(invocation, 'functions'),
          get(get(meta, 'ls_invocation_params'), 'tools'),
          get(meta, 'tools'),
        ]),
      );
    const um = get(x, 'usage_metadata');
    const tu =
      get(get(get(outputs, 'llm_output'), 'token_usage'), 'prompt_tokens').v !== undefined
        ? get(get(outputs, 'llm_output'), 'token_usage')
        : get(outputs, 'usage');
    const inTok = num(get(um, 'input_tokens')) ?? num(get(tu, 'prompt_tokens')) ?? num(get(x, 'prompt_tokens'));
    const outTok = num(get(um, 'output_tokens')) ?? num(get(tu, 'completion_tokens')) ?? num(get(x, 'completion_tokens'));
    const total = num(get(um, 'total_tokens')) ?? num(get(tu, 'total_tokens')) ?? num(get(x, 'total_tokens'));
    if (inTok !== undefined || outTok !== undefined || total !== undefined)
      rec.usage = {
        ...(inTok !== undefined ? { input: inTok } : {}),
        ...(outTok !== undefined ? { output: outTok } : {}),
        ...(total !== undefined ? { total } : {}),
      };
    const cost = num(get(x, 'total_cost'));
    if (cost !== undefined) rec.costUsd = cost;
    if (error) rec.metadata.error = error.text;
  } else if (runType === 'tool') {
    rec.kind = 'tool';
    const output = get(outputs, 'output');
    const lcKwargs = isObj(output.v) && isObj(output.v.kwargs) ? get(output, 'kwargs') : null;
    const callId =
      str(get(inputs, 'tool_call_id')) ??
      str(get(meta, 'tool_call_id')) ??
      (lcKwargs ? str(get(lcKwargs, 'tool_call_id')) : undefined) ??
      (isObj(output.v) ? str(get(output, 'tool_call_id')) : undefined);
    const argsLv = isObj(inputs.v) && Object.keys(inputs.v).length === 1 && inputs.v.input !== undefined ? get(inputs, 'input') : inputs;
    rec.tool = {
      name: rec.name,
      callId: callId ?? null,
      args: textOrRaw(argsLv, o.light),
      result: lcKwargs
        ? textOrRaw(get(lcKwargs, 'content'), o.light)
        : output.v !== undefined
          ? textOrRaw(output, o.light)
          : textOrRaw(outputs, o.light),
      error,
    };
  } else {
    rec.kind = runType === 'chain' && rec.parentId === null ? 'agent' : 'other';
    if (rec.parentId === null && inputs.v !== undefined) {
      const m = readInput(inputs, o).messages;
      if (m.length) rec.traceInput = m;
    }
  }
  const out = [rec];
  for (const child of subRecords(x, 'child_runs')) out.push(...readLangSmith(child.x, child.anchor, seq, o, rec.spanId, rec.traceId));
  return out;
}
