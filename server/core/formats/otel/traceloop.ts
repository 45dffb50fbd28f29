// OpenLLMetry (Traceloop SDK) workflow, agent, task and tool spans (`traceloop.entity.*`).
import { jsonish, type Text, textOrRaw } from '../located';
import { readInput, type ReadOptions, readOutput } from '../normalize';
import type { SpanRecord } from '../types';
import { Attrs } from './attributes';
import { response } from './readHelpers';

// ---- OpenLLMetry (Traceloop SDK) workflow, agent, task and tool spans ------------------------

/** `traceloop.span.kind` (workflow | task | agent | tool) with `traceloop.entity.input|output`. */
export function isTraceloopEntity(a: Attrs): boolean {
  const kind = a.str('traceloop.span.kind');
  return kind !== undefined && kind !== 'llm' && !a.has('gen_ai.input.messages') && a.count('gen_ai.prompt') === 0;
}

export function readTraceloopEntity(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
  const kind = a.str('traceloop.span.kind');
  const input = a.get('traceloop.entity.input');
  const output = a.get('traceloop.entity.output');
  const name = a.str('traceloop.entity.name') ?? rec.name;
  if (kind === 'tool') {
    rec.kind = 'tool';
    rec.tool = {
      name,
      callId: a.str('gen_ai.tool.call.id')?.trim() ?? null,
      args: textOrRaw(input, o.light),
      result: textOrRaw(output, o.light),
      error,
    };
    return;
  }
  rec.kind = kind === 'agent' || kind === 'workflow' ? 'agent' : 'other';
  // The entity's input is the decorated function's {args, kwargs}.
  const traceIn = readInput(jsonish(input), o).messages;
  if (traceIn.length) rec.traceInput = traceIn;
  if (output.v !== undefined) rec.output = response(readOutput(output, o));
}
