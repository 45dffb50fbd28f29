// Span records of one trace → conversations: one per LLM response, in time order, each with the
// messages the model was given (recorded input, else rebuilt from what came before: the trace's
// input, earlier responses and tool spans as tool results), its tool schemas, model, usage and
// latency, and the source map of every text taken verbatim from the file.
import type { Conversation, ToolDefinition } from '../../../../common/schema';
import { mergeToolDefinitions } from '../normalize';
import type { IRMessage, ProblemSink, SpanRecord } from '../types';
import { build, type BuildFields } from './build';
import type { Coverage } from './coverage';
import { attachEvents, timeOrder } from './grouping';
import { answeredIn, append, callKey, degenerate, restoreDroppedCalls, withoutOwnResponse } from './history';
import { executedToolNames, fillToolResults, ToolPool } from './toolResults';

export type AssembledConversation = Omit<Conversation, 'position'>;

export interface AssembleOptions {
  file: string;
  displayName: string;
  problem: ProblemSink;
  /** Only ids, lines and problems (a lazily indexed file re-reads a conversation when asked). */
  idsOnly?: boolean;
  /**
   * Messages rebuilt from history (not recorded as the span's input) still allowed in memory;
   * shared by the traces of a file. A trace with thousands of LLM calls that recorded no input
   * would otherwise hold O(calls²) messages.
   */
  budget?: { rebuilt: number };
  /** Build only the conversation at this index of the trace (the others: ids only). */
  only?: number;
  /** Filled with what was read and what was not (each LLM call left out, and why). */
  coverage?: Coverage;
}

/** Default budget of rebuilt messages per file held in memory. */
export const REBUILT_MESSAGES_BUDGET = 250_000;

/** The conversations of one trace, with problems reported through `opts.problem`. */
export function assembleTrace(trace: readonly SpanRecord[], opts: AssembleOptions): AssembledConversation[] {
  const where = (s: SpanRecord) => `${opts.displayName}:${s.anchor.line + 1}`;
  const problem = (s: SpanRecord, message: string, severity: 'error' | 'warning' | 'info') =>
    opts.problem({ line: s.anchor.line, character: s.anchor.character }, `${where(s)}: ${message}`, severity);
  const spans = timeOrder(attachEvents(trace));
  const traceId = spans.find((s) => s.traceId)?.traceId ?? null;
  const coverage = opts.coverage;
  const leftOut = (s: SpanRecord, reason: string) => coverage?.unread.push({ spanId: s.spanId, line: s.anchor.line, reason });

  if (!traceId)
    for (const s of spans)
      if (!s.isTrace && s.kind !== 'other' && !s.attributesOnly)
        problem(s, `${describe(s)} has no trace id; it is read as a trace of its own`, 'warning');
  const ids = new Set<string>();
  for (const s of spans) {
    if (s.spanId) ids.add(s.spanId);
    if (s.isTrace && s.traceId) ids.add(s.traceId); // Langfuse/Opik spans may name the trace as parent
  }
  for (const s of spans) {
    if (!s.isTrace && !s.spanId && s.kind !== 'other' && !s.attributesOnly) problem(s, `${describe(s)} has no span id`, 'warning');
    if (s.parentId && !ids.has(s.parentId) && !s.isTrace)
      problem(s, `${describe(s)}: its parent "${s.parentId}" is not in this file; read without it`, 'warning');
  }

  const traceRoot = spans.find((s) => s.isTrace) ?? null;
  let responders = spans.filter((s) => s.kind === 'llm');
  // Traces that only recorded the agent (invoke_agent / AGENT) spans: its answer is the response.
  if (!responders.some((s) => s.output?.length)) {
    const agents = spans.filter((s) => s.kind === 'agent' && s.output?.length);
    if (agents.length) responders = agents.slice(0, 1);
  }
  // The same call recorded twice by two instrumentations (one nested in the other), once without
  // content: the call is the one that was read, not a second call left unread.
  const readIds = new Set(responders.filter((s) => s.output?.length && s.spanId).map((s) => s.spanId!));
  const readParents = new Set(responders.filter((s) => s.output?.length && s.parentId).map((s) => s.parentId!));
  responders = responders.filter(
    (s) => s.output?.length || !((s.parentId && readIds.has(s.parentId)) || (s.spanId && readParents.has(s.spanId))),
  );
  if (coverage) coverage.llmCalls += responders.length;
  for (const s of responders)
    if (!s.output || s.output.length === 0) {
      if (!s.metadata.unreadable_output)
        problem(
          s,
          `${describe(s)} recorded no response (is content capture off?); no conversation is made from it`,
          s.metadata.error ? 'info' : 'warning',
        );
      leftOut(
        s,
        s.metadata.unreadable_output
          ? 'its response could not be read'
          : s.metadata.error
            ? `the call failed (${String(s.metadata.error)}) and recorded no response`
            : 'it recorded no response (content capture off?)',
      );
    }
  let llm = responders.filter((s) => s.output && s.output.length > 0);
  // A response with nothing before it (no recorded input, nothing earlier in the trace to rebuild
  // it from) cannot be judged: every claim would look ungrounded. It is named, not scored.
  const anyInput = spans.some((s) => (s.input?.length ?? 0) > 0 || (s.traceInput?.length ?? 0) > 0 || (s.system?.length ?? 0) > 0);
  if (!anyInput) {
    for (const s of llm) {
      problem(s, `${describe(s)} recorded its response but not what the model was given; no conversation is made from it`, 'warning');
      leftOut(s, 'its input (the messages the model was given) was not recorded');
    }
    llm = [];
  }

  const tools = spans.filter((s) => s.kind === 'tool');
  const pool = new ToolPool(tools);
  // Calls made by the responses of this trace (a recorded input may hold calls of other traces).
  const knownCallIds = new Set<string>();
  for (const s of responders) for (const m of s.output ?? []) for (const c of m.toolCalls) if (c.id) knownCallIds.add(c.id);

  const firstInput = traceRoot?.traceInput ?? spans.find((s) => s.traceInput?.length)?.traceInput ?? null;
  // System instructions an agent or root span recorded apply to the calls that record none.
  const traceSystem = spans.find((s) => s.kind !== 'llm' && s.system?.length)?.system ?? null;
  /** Ids the recorded inputs give calls (by name and arguments): for responses that kept none. */
  const historyIds = new Map<string, string>();
  for (const s of spans)
    for (const m of s.input ?? [])
      if (m.role === 'assistant') for (const c of m.toolCalls) if (c.id && !historyIds.has(callKey(c))) historyIds.set(callKey(c), c.id);
  const out: AssembledConversation[] = [];
  /** The conversation so far when LLM spans do not record their input: grows, never copied. */
  const history: IRMessage[] = [];
  const historyAnswered = new Set<string>();
  let historyFilled = 0;
  /** The definitions an earlier call of the trace recorded (null: none so far). */
  let lastTools: ToolDefinition[] | null = null;
  // Any call of the trace that records definitions tells which tools the agent had.
  const traceTools = spans.reduce<ToolDefinition[] | null>(
    (acc, s) => (s.kind === 'llm' || s.kind === 'agent' ? mergeToolDefinitions(acc, s.tools) : acc),
    null,
  );
  const executed = executedToolNames(spans);
  let overBudget = false;
  for (let k = 0; k < llm.length; k++) {
    const span = llm[k]!;
    if (opts.idsOnly) {
      if (coverage) coverage.read++;
      out.push({
        id: conversationId(llm, k, traceId, opts),
        file: opts.file,
        line: span.anchor.line,
        sourcePath: [],
        messages: [],
        tools: [],
      });
      continue;
    }
    let messages: IRMessage[];
    let rebuilt = false;
    let recoveredIds: Array<string | null> | null = null;
    if (span.input && span.input.length && !degenerate(span.input)) {
      const own = withoutOwnResponse(span.input, span.output!);
      messages = restoreDroppedCalls(own.messages, llm.slice(0, k));
      recoveredIds = own.ids;
      const system = span.system?.length ? span.system : traceSystem;
      if (system?.length && !messages.some((m) => m.role === 'system' || m.role === 'developer'))
        messages.unshift({ role: 'system', parts: system, toolCalls: [] });
      const answered = answeredIn(messages);
      pool.answered(answered);
      messages = fillToolResults(messages, 0, answered, pool, span);
    } else {
      if (k === 0 || history.length === 0) {
        history.length = 0;
        // A recorded input of only system messages still says what the instructions were.
        const ownSystem = (span.input ?? []).filter((m) => m.role === 'system' || m.role === 'developer');
        const system = span.system?.length ? span.system : traceSystem;
        const start = ownSystem.length ? ownSystem : system?.length ? [{ role: 'system', parts: system, toolCalls: [] }] : [];
        if (!(firstInput ?? []).some((m) => m.role === 'system' || m.role === 'developer')) append(history, start);
        append(history, firstInput ?? []);
        historyAnswered.clear();
        for (const id of answeredIn(history)) historyAnswered.add(id);
        pool.answered(historyAnswered);
        historyFilled = 0;
      }
      const filled = fillToolResults(history, historyFilled, historyAnswered, pool, span);
      if (filled !== history) {
        history.length = 0;
        append(history, filled);
      }
      historyFilled = history.length;
      messages = history;
      rebuilt = true;
    }
    // A streamed response may keep no call ids; the recorded history that holds it has them
    // (this call's input recorded by reference, or a later call's input).
    const ids = recoveredIds;
    const response = span.output!.map((m) => ({
      ...m,
      role: 'assistant',
      toolCalls: m.toolCalls.map((c, n) =>
        c.id !== null ? c : ids?.[n] ? { ...c, id: ids[n]! } : historyIds.has(callKey(c)) ? { ...c, id: historyIds.get(callKey(c))! } : c,
      ),
    }));
    const responseIndex = messages.length;
    if (rebuilt) {
      append(history, response);
      historyFilled = history.length - response.length;
    } else {
      // What the next span without recorded input continues from.
      history.length = 0;
      append(history, messages);
      append(history, response);
      historyAnswered.clear();
      for (const id of answeredIn(history)) historyAnswered.add(id);
      historyFilled = messages.length;
    }
    if (span.tools) lastTools = span.tools;
    const latency =
      span.startMs !== null && span.endMs !== null && span.endMs >= span.startMs
        ? Math.round((span.endMs - span.startMs) * 1000) / 1000
        : null;
    const id = conversationId(llm, k, traceId, opts);
    const fields: BuildFields = {
      id,
      file: opts.file,
      line: span.anchor.line,
      sourcePath: span.anchor.path.slice(),
      tools: span.tools ?? lastTools ?? traceTools,
      executed,
      model: span.model,
      usage: span.usage,
      format: span.format,
      metadata: {},
    };
    if (opts.only !== undefined && opts.only !== k) {
      if (coverage) coverage.read++;
      out.push({ id, file: opts.file, line: fields.line, sourcePath: fields.sourcePath, messages: [], tools: [] });
      continue;
    }
    const meta: Record<string, unknown> = Object.assign({}, span.metadata);
    meta.format = span.format;
    if (traceId) meta.trace_id = traceId;
    if (span.spanId) meta.span_id = span.spanId;
    if (traceRoot?.name) meta.trace_name = traceRoot.name;
    if (span.name) meta.span_name = span.name;
    if (span.provider) meta.provider = span.provider;
    if (latency !== null) meta.latency_ms = latency;
    if (span.finishReasons?.length) {
      meta.finish_reason = span.finishReasons[0];
      meta.finish_reasons = span.finishReasons;
    }
    if (span.costUsd !== null) meta.cost_usd = span.costUsd;
    meta.response_message_index = responseIndex;
    fields.metadata = meta;
    if (rebuilt && opts.budget) {
      opts.budget.rebuilt -= responseIndex;
      if (opts.budget.rebuilt < 0) {
        if (!overBudget)
          problem(
            span,
            `the trace${traceId ? ` "${traceId}"` : ''} has ${llm.length} LLM calls that did not record their input; conversations from here on are too large to keep in memory and are left out (split the trace, or open a larger file: it is then read on demand)`,
            'warning',
          );
        overBudget = true;
        leftOut(span, 'the rebuilt conversation is too large to keep in memory');
        continue;
      }
    }
    const all = messages.slice(0, responseIndex);
    append(all, response);
    if (coverage) coverage.read++;
    out.push(build(all, fields));
  }

  // Tool results nothing asked for.
  for (const t of tools) {
    const callId = t.tool?.callId;
    if (callId && !knownCallIds.has(callId))
      problem(
        t,
        `tool result${t.tool?.name ? ` of "${t.tool.name}"` : ''} for call "${callId}", which no tool call in the trace has`,
        'warning',
      );
    else if (!callId && !llm.some((s) => s.output!.some((m) => m.toolCalls.some((c) => c.name === t.tool?.name))))
      problem(t, `tool result${t.tool?.name ? ` of "${t.tool.name}"` : ''} that no tool call in the trace asked for`, 'warning');
  }
  return out;
}

/** The trace id when the trace made one LLM call, else the LLM span's id. */
export function conversationId(llm: readonly SpanRecord[], k: number, traceId: string | null, opts: AssembleOptions): string {
  const span = llm[k]!;
  return llm.length === 1 && traceId
    ? traceId
    : (span.spanId ?? (traceId ? `${traceId}#${k + 1}` : `${opts.displayName}@${span.anchor.line + 1}`));
}

export function describe(s: SpanRecord): string {
  const kind = s.isTrace
    ? 'trace'
    : s.kind === 'llm'
      ? 'LLM span'
      : s.kind === 'tool'
        ? 'tool span'
        : s.kind === 'agent'
          ? 'agent span'
          : 'span';
  return `${kind}${s.spanId ? ` "${s.spanId}"` : s.name ? ` "${s.name}"` : ''}`;
}
