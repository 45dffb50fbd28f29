// Spans read with the OpenInference conventions (`openinference.span.kind`, `llm.*`,
// `input.value` / `output.value`).
import type { ToolDefinition } from '../../../../common/schema';
import { isObj, jsonish, type Text, textOrRaw } from '../located';
import { mergeToolDefinitions, readInput, type ReadOptions, readOutput } from '../normalize';
import type { IRMessage, SpanRecord } from '../types';
import { Attrs } from './attributes';
import { readIndexed } from './indexedMessages';
import { response, setUsage, substance } from './readHelpers';
import { attributeSystem, attributeToolDefinitions } from './requestAttributes';

// ---- OpenInference -----------------------------------------------------------------------

export function readOpenInference(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions, kindHint?: string): void {
  // Phoenix exports keep the kind beside the attributes as `span_kind`.
  const kind = (a.str('openinference.span.kind') ?? kindHint ?? '').toUpperCase();
  rec.model = a.str('llm.model_name') ?? null;
  rec.provider = a.str('llm.provider') ?? a.str('llm.system') ?? null;
  setUsage(rec, a.num('llm.token_count.prompt'), a.num('llm.token_count.completion'), a.num('llm.token_count.total'));
  const cost = a.num('llm.cost.total');
  if (cost !== undefined) rec.costUsd = cost;
  const sessionId = a.str('session.id');
  if (sessionId) rec.metadata.session_id = sessionId;
  const params = jsonish(a.get('llm.invocation_parameters'));
  if (isObj(params.v)) {
    rec.metadata.invocation_parameters = params.v;
    if (!rec.model && typeof params.v.model === 'string') rec.model = params.v.model;
  }

  if (kind === 'TOOL' || (!kind && a.has('tool.name') && !a.has('llm.output_messages'))) {
    rec.kind = 'tool';
    rec.tool = {
      name: a.str('tool.name') ?? rec.name,
      callId: a.str('tool_call.id') ?? a.str('tool.id') ?? a.str('message.tool_call_id') ?? null,
      args: textOrRaw(a.get('input.value'), o.light) ?? textOrRaw(a.get('tool.parameters'), o.light),
      result: textOrRaw(a.get('output.value'), o.light),
      error,
    };
    return;
  }

  const nIn = a.count('llm.input_messages');
  const nOut = a.count('llm.output_messages');
  let input: IRMessage[] | null =
    nIn > 0
      ? o.light
        ? readInput(a.get('llm.input_messages'), o).messages
        : readIndexed(a, 'llm.input_messages', 'message.', 'user', o)
      : null;
  let output: IRMessage[] | null = nOut > 0 ? response(readIndexed(a, 'llm.output_messages', 'message.', 'assistant', o)) : null;
  const inputValue = a.get('input.value');
  const outputValue = a.get('output.value');
  let requestTools: ToolDefinition[] | null = null;
  let valueInput: IRMessage[] | null = null;
  if (inputValue.v !== undefined) {
    const request = readInput(inputValue, o);
    valueInput = request.messages.length ? request.messages : null;
    requestTools = request.tools;
  }
  if (!o.light) {
    rec.tools = mergeToolDefinitions(attributeToolDefinitions(a), requestTools);
    rec.system = attributeSystem(a);
  }

  if (kind === 'LLM' || (!kind && (nIn > 0 || nOut > 0))) {
    rec.kind = 'llm';
    // The indexed messages are the instrumentation's view of the request; `input.value` is the
    // request itself. Some instrumentations drop parts of it from the view (a top-level system
    // prompt, tool results in provider blocks): the fuller reading is kept.
    if (input === null || (valueInput && substance(valueInput) > substance(input))) input = valueInput;
    if (output === null && outputValue.v !== undefined) output = response(readOutput(outputValue, o));
    rec.input = input;
    rec.output = output;
    if (error && !output) rec.metadata.error = error.text;
    return;
  }
  if (kind === 'AGENT' || kind === 'CHAIN') {
    rec.kind = kind === 'AGENT' ? 'agent' : 'other';
    if (valueInput) rec.traceInput = valueInput;
    if (outputValue.v !== undefined) rec.output = response(readOutput(outputValue, o));
  }
}
