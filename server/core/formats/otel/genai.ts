// Spans read with the OTel GenAI semantic conventions: current `gen_ai.input|output.messages`,
// span events and older indexed `gen_ai.prompt.N.*`, and the frameworks that record the provider's
// request whole beside them (Google ADK, Logfire, Strands Agents' tool events).
import type { ToolDefinition } from '../../../../common/schema';
import { get, items, jsonish, lv, type LV, type Text, textOrRaw } from '../located';
import { mergeToolDefinitions, readInput, type ReadOptions, readOutput } from '../normalize';
import type { IRMessage, SpanRecord } from '../types';
import { Attrs } from './attributes';
import { attributeEvents, readGenAIEvents, spanEvent } from './genaiEvents';
import { readIndexed } from './indexedMessages';
import { brokenJson, firstOf, isEmptyList, response, setUsage, stringList, unreadable } from './readHelpers';
import { attributeSystem, attributeToolDefinitions } from './requestAttributes';
import { noteUnreadableOutput } from '../recordedOutput';

// ---- GenAI semantic conventions ----------------------------------------------------------

export const REQUEST_ATTRIBUTES = ['gcp.vertex.agent.llm_request', 'request_data'];
export const RESPONSE_ATTRIBUTES = ['gcp.vertex.agent.llm_response', 'response_data'];

export const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'responses', 'create_response']);

export function readGenAI(rec: SpanRecord, a: Attrs, events: LV, error: Text | null, o: ReadOptions): void {
  const op = a.str('gen_ai.operation.name');
  rec.provider = a.str('gen_ai.provider.name') ?? a.str('gen_ai.system') ?? null;
  rec.model = a.str('gen_ai.response.model') ?? a.str('gen_ai.request.model') ?? null;
  setUsage(
    rec,
    a.num('gen_ai.usage.input_tokens') ?? a.num('gen_ai.usage.prompt_tokens'),
    a.num('gen_ai.usage.output_tokens') ?? a.num('gen_ai.usage.completion_tokens'),
    a.num('gen_ai.usage.total_tokens'),
  );
  rec.finishReasons = stringList(a.get('gen_ai.response.finish_reasons'));
  const responseId = a.str('gen_ai.response.id');
  if (responseId) rec.metadata.response_id = responseId;
  const conversationId = a.str('gen_ai.conversation.id');
  if (conversationId) rec.metadata.conversation_id = conversationId;
  const agentName = a.str('gen_ai.agent.name');
  if (agentName) rec.metadata.agent_name = agentName;

  if (op === 'execute_tool' || (!op && a.has('gen_ai.tool.name') && !a.has('gen_ai.output.messages'))) {
    rec.kind = 'tool';
    // Some SDKs (Strands Agents) record the call and its result as events of the tool span.
    const evs = items(events).map(spanEvent);
    const eventBody = (name: string, key: string): LV => {
      const e = evs.find((x) => x.name === name);
      if (!e) return lv(undefined, null);
      const fromAttrs = e.attrs.get(key);
      return fromAttrs.v !== undefined ? fromAttrs : e.body ? get(e.body, key) : lv(undefined, null);
    };
    const args = firstOf(a, 'gen_ai.tool.call.arguments', 'gcp.vertex.agent.tool_call_args', 'input.value');
    const result = firstOf(a, 'gen_ai.tool.call.result', 'gcp.vertex.agent.tool_response', 'output.value');
    rec.tool = {
      name: a.str('gen_ai.tool.name') ?? null,
      callId: a.str('gen_ai.tool.call.id')?.trim() ?? null,
      args: textOrRaw(args.v !== undefined ? args : eventBody('gen_ai.tool.message', 'content'), o.light),
      result: textOrRaw(result.v !== undefined ? result : eventBody('gen_ai.choice', 'message'), o.light),
      error,
    };
    return;
  }

  let input: IRMessage[] | null = null;
  let output: IRMessage[] | null = null;
  let requestTools: ToolDefinition[] | null = null;
  const inAttr = a.get('gen_ai.input.messages');
  if (inAttr.v !== undefined && (o.light || !brokenJson(inAttr))) {
    const request = readInput(inAttr, o);
    input = request.messages;
    requestTools = request.tools;
  }
  const outAttr = a.get('gen_ai.output.messages');
  if (outAttr.v !== undefined && !brokenJson(outAttr)) output = response(readOutput(outAttr, o));
  if (inAttr.v !== undefined && !o.light && (input?.length ?? 0) === 0 && !isEmptyList(inAttr))
    rec.notes.push({ message: unreadable('gen_ai.input.messages', inAttr), severity: 'error' });
  if (outAttr.v !== undefined && !output && !isEmptyList(outAttr)) {
    rec.notes.push({ message: unreadable('gen_ai.output.messages', outAttr), severity: 'error' });
    rec.metadata.unreadable_output = true;
  }
  // Frameworks that record the provider's request and response whole: Google ADK
  // (`gcp.vertex.agent.llm_request` / `llm_response`, Gemini shapes), Logfire (`request_data` /
  // `response_data`, OpenAI shapes).
  if (input === null)
    for (const key of REQUEST_ATTRIBUTES) {
      const x = a.get(key);
      if (x.v === undefined) continue;
      const request = readInput(jsonish(x), o);
      if (request.messages.length) input = request.messages;
      requestTools = mergeToolDefinitions(requestTools, request.tools);
      break;
    }
  if (output === null)
    for (const key of RESPONSE_ATTRIBUTES) {
      const x = a.get(key);
      if (x.v === undefined) continue;
      output = response(readOutput(x, o));
      if (!output) noteUnreadableOutput(rec, key);
      break;
    }
  if (!o.light) {
    rec.system = attributeSystem(a);
    rec.tools = mergeToolDefinitions(attributeToolDefinitions(a), requestTools);
  }

  // Older conventions: span events per message, or indexed gen_ai.prompt.N / gen_ai.completion.N.
  if (input === null || output === null) {
    const fromEvents = readGenAIEvents([...items(events).map(spanEvent), ...attributeEvents(a)], o);
    if (input === null && fromEvents.input.length) input = fromEvents.input;
    if (output === null && fromEvents.output.length) output = fromEvents.output;
    if (!rec.finishReasons && fromEvents.finishReasons.length) rec.finishReasons = fromEvents.finishReasons;
    if (!rec.system && fromEvents.system.length) rec.system = fromEvents.system;
  }
  if (input === null && a.count('gen_ai.prompt') > 0)
    input = o.light ? readInput(a.get('gen_ai.prompt'), o).messages : readIndexed(a, 'gen_ai.prompt', '', 'user', o);
  if (output === null && a.count('gen_ai.completion') > 0) output = response(readIndexed(a, 'gen_ai.completion', '', 'assistant', o));

  if (op === 'invoke_agent' || op === 'create_agent' || op === 'invoke_workflow') {
    rec.kind = 'agent';
    rec.traceInput = input;
    rec.output = output;
    if (agentName) rec.name = agentName;
    return;
  }
  if ((op !== undefined && LLM_OPERATIONS.has(op)) || input !== null || output !== null) {
    rec.kind = 'llm';
    rec.input = input;
    rec.output = output;
    if (error && !output) rec.metadata.error = error.text;
  }
}
