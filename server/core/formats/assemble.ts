// Span records of one trace → conversations: one per LLM response, in time order, each with the
// messages the model was given (recorded input, else rebuilt from what came before: the trace's
// input, earlier responses and tool spans as tool results), its tool schemas, model, usage and
// latency, and the source map of every text taken verbatim from the file.
import {
  partOriginKey,
  type Conversation,
  type Message,
  type PartOrigin,
  type SourceAnchor,
  type ToolDefinition,
} from '../../../common/schema';
import { pathArray, type Text } from './located';
import type { JsonPath } from '../json/locate';
import type { FileCoverage } from '../../../common/protocol';
import { mergeToolDefinitions } from './normalize';
import type { IRMessage, ProblemSink, SpanRecord } from './types';

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

/** How many LLM calls of a file became conversations, and each one that did not, with why. */
export type Coverage = FileCoverage;

export function emptyCoverage(): Coverage {
  return { llmCalls: 0, read: 0, unread: [] };
}

/** Default budget of rebuilt messages per file held in memory. */
export const REBUILT_MESSAGES_BUDGET = 250_000;

/** Groups records by trace (file order of first appearance) → records per trace. */
export function groupByTrace(spans: readonly SpanRecord[]): SpanRecord[][] {
  const groups = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const key = s.traceId ?? `\u0000${s.seq}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s);
  }
  return [...groups.values()];
}

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

/**
 * Log records (and events recorded apart) joined to the span they name: their input and output
 * messages become that span's, in time order. Records of a span that is not in the file make
 * an LLM call of their own (a logs-only export).
 */
function attachEvents(trace: readonly SpanRecord[]): SpanRecord[] {
  if (!trace.some((s) => s.eventOf !== undefined)) return trace.slice();
  const out: SpanRecord[] = [];
  const byId = new Map<string, SpanRecord>();
  for (const s of trace)
    if (s.eventOf === undefined) {
      const copy = { ...s };
      out.push(copy);
      if (s.spanId) byId.set(s.spanId, copy);
    }
  const events = trace.filter((s) => s.eventOf !== undefined).sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0) || a.seq - b.seq);
  for (const e of events) {
    let target = byId.get(e.eventOf!);
    if (!target) {
      target = { ...e, spanId: e.eventOf!, kind: 'llm', input: null, output: null, system: null, finishReasons: null };
      delete target.eventOf;
      byId.set(e.eventOf!, target);
      out.push(target);
    }
    if (e.input?.length) target.input = [...(target.input ?? []), ...e.input];
    if (e.output?.length) {
      // One response however many records carry it (no filtering: a lazy index keeps no texts).
      const all = [...(target.output ?? []), ...e.output];
      target.output = [
        {
          role: 'assistant',
          parts: all.flatMap((m) => m.parts),
          toolCalls: all.flatMap((m) => m.toolCalls),
          ...(all.some((m) => m.reasoning?.length) ? { reasoning: all.flatMap((m) => m.reasoning ?? []) } : {}),
        },
      ];
    }
    if (e.system?.length) target.system = [...(target.system ?? []), ...e.system];
    if (e.finishReasons?.length) target.finishReasons ??= e.finishReasons;
    if (target.kind === 'other' && (e.input?.length || e.output?.length)) target.kind = 'llm';
  }
  return out;
}

/**
 * The recorded input up to the response itself: some SDKs record the request's message list by
 * reference, and the app appends the response (and its tool results) before the run is sent —
 * the input then already holds the calls it answered with. Cut at the first assistant message
 * that makes one of the response's own tool calls.
 */
function withoutOwnResponse(
  input: readonly IRMessage[],
  output: readonly IRMessage[],
): { messages: IRMessage[]; ids: Array<string | null> | null } {
  const own = new Set<string>();
  // A call is known by its id, or (a streamed response keeps none) by its name and arguments.
  const key = callKey;
  const calls = output.flatMap((m) => m.toolCalls);
  for (const c of calls) if (c.id) own.add(c.id);
  const ownCalls = new Set(calls.map(key));
  if (ownCalls.size) {
    const cut = input.findIndex(
      (m) =>
        m.role === 'assistant' && m.toolCalls.some((c) => (c.id !== null && own.has(c.id)) || (own.size === 0 && ownCalls.has(key(c)))),
    );
    if (cut > 0) {
      // The ids the recorded turn gives the response's calls (by position, when they match).
      const made = input[cut]!.toolCalls;
      const ids =
        own.size === 0 && made.length === calls.length && made.every((c, n) => key(c) === key(calls[n]!)) ? made.map((c) => c.id) : null;
      return { messages: input.slice(0, cut), ids };
    }
  }
  return { messages: input.slice(), ids: null };
}

/** A tool call by name and arguments (whitespace aside): how a call without an id is recognised. */
function callKey(c: IRMessage['toolCalls'][number]): string {
  return `${c.name}\u0000${c.args.text.replace(/\s/g, '')}`;
}

/**
 * Some tracers record an earlier assistant turn of the history without its tool calls (an empty
 * message followed by the results). The trace's own earlier response that made calls of those
 * tools is that turn: its calls are restored and the results get their ids.
 */
function restoreDroppedCalls(messages: IRMessage[], earlier: readonly SpanRecord[]): IRMessage[] {
  let out = messages;
  for (let i = 0; i < out.length; i++) {
    const m = out[i]!;
    if (m.role !== 'assistant' || m.parts.some((p) => p.text !== '') || m.toolCalls.length) continue;
    let j = i + 1;
    while (j < out.length && out[j]!.role === 'tool') j++;
    const results = out.slice(i + 1, j);
    if (results.length === 0 || results.some((r) => !r.name)) continue;
    const made = earlier
      .map((s) => s.output?.[0])
      .find((r) => r && r.toolCalls.length === results.length && results.every((t, n) => r.toolCalls[n]!.name === t.name));
    if (!made) continue;
    if (out === messages) out = messages.slice();
    out[i] = { ...m, parts: [], toolCalls: made.toolCalls };
    results.forEach((t, n) => {
      const id = made.toolCalls[n]!.id;
      if (t.toolCallId === undefined && id) out[i + 1 + n] = { ...t, toolCallId: id };
    });
  }
  return out;
}

/** An input that holds no turn at all (only system messages, or only empty messages). */
function degenerate(input: readonly IRMessage[]): boolean {
  return !input.some((m) => m.role !== 'system' && m.role !== 'developer' && (m.parts.length > 0 || m.toolCalls.length > 0));
}

/** Tools that ran: tool spans, and calls a tool message of the trace answers. */
function executedToolNames(spans: readonly SpanRecord[]): string[] {
  const names = new Set<string>();
  const callNames = new Map<string, string>();
  for (const s of spans) {
    if (s.kind === 'tool' && s.tool?.name) names.add(s.tool.name);
    for (const m of [...(s.input ?? []), ...(s.output ?? []), ...(s.traceInput ?? [])])
      for (const c of m.toolCalls) if (c.id) callNames.set(c.id, c.name);
  }
  for (const s of spans)
    for (const m of [...(s.input ?? []), ...(s.traceInput ?? [])])
      if (m.role === 'tool') {
        const n = (m.toolCallId !== undefined ? callNames.get(m.toolCallId) : undefined) ?? m.name;
        if (n) names.add(n);
      }
  return [...names].sort();
}

/** The trace id when the trace made one LLM call, else the LLM span's id. */
function conversationId(llm: readonly SpanRecord[], k: number, traceId: string | null, opts: AssembleOptions): string {
  const span = llm[k]!;
  return llm.length === 1 && traceId
    ? traceId
    : (span.spanId ?? (traceId ? `${traceId}#${k + 1}` : `${opts.displayName}@${span.anchor.line + 1}`));
}

function describe(s: SpanRecord): string {
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

/** Stable time order; a record without a start time keeps the place of the record before it. */
function timeOrder(spans: readonly SpanRecord[]): SpanRecord[] {
  const bySeq = spans.slice().sort((a, b) => a.seq - b.seq);
  let last = -Infinity;
  const key = new Map<SpanRecord, number>();
  for (const s of bySeq) {
    if (s.startMs !== null) last = s.startMs;
    key.set(s, s.startMs ?? last);
  }
  return bySeq.sort((a, b) => key.get(a)! - key.get(b)! || a.seq - b.seq);
}

/** Tool spans, found by call id or else by name, each used once. */
class ToolPool {
  readonly used = new Set<SpanRecord>();
  private readonly byId = new Map<string, SpanRecord[]>();
  private readonly byName = new Map<string, SpanRecord[]>();
  constructor(tools: readonly SpanRecord[]) {
    for (const t of tools) {
      if (t.tool?.callId) push(this.byId, t.tool.callId, t);
      if (t.tool?.name) push(this.byName, t.tool.name, t);
    }
  }
  /** Marks the tool spans of calls the messages already answer. */
  answered(ids: Iterable<string>): void {
    for (const id of ids) for (const t of this.byId.get(id) ?? []) this.used.add(t);
  }
  /** First unused entry of each list (entries are mostly taken in order). */
  private readonly firstFree = new Map<SpanRecord[], number>();
  take(callId: string | null, name: string, before: number | null): SpanRecord | undefined {
    const t =
      (callId ? this.find(this.byId.get(callId), () => true) : undefined) ??
      this.find(
        this.byName.get(name),
        (s) => (!s.tool?.callId || !callId) && (before === null || s.startMs === null || s.startMs <= before),
      );
    if (t) this.used.add(t);
    return t;
  }
  private find(list: SpanRecord[] | undefined, ok: (s: SpanRecord) => boolean): SpanRecord | undefined {
    if (!list) return undefined;
    let i = this.firstFree.get(list) ?? 0;
    while (i < list.length && this.used.has(list[i]!)) i++;
    this.firstFree.set(list, i);
    for (; i < list.length; i++) {
      const s = list[i]!;
      if (!this.used.has(s) && ok(s)) return s;
    }
    return undefined;
  }
}

/** Appends without spreading (arrays of any length). */
function append<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function answeredIn(messages: readonly IRMessage[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) if (m.role === 'tool' && m.toolCallId) ids.add(m.toolCallId);
  return ids;
}

/**
 * After each assistant tool call (from `from` on) the messages lack a result for, the tool
 * span that executed it before `llm` started (matched by call id, else by name in order)
 * becomes a tool message. Returns `messages` itself when nothing was added.
 */
function fillToolResults(messages: IRMessage[], from: number, answered: Set<string>, pool: ToolPool, llm: SpanRecord): IRMessage[] {
  let out: IRMessage[] | null = null;
  /** messages[0, copied) are in `out`. */
  let copied = 0;
  for (let i = from; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'assistant' || m.toolCalls.length === 0) continue;
    // Results that follow in the messages already answer their calls.
    let j = i + 1;
    while (j < messages.length && messages[j]!.role === 'tool') j++;
    const following = j - i - 1;
    const added: IRMessage[] = [];
    for (const call of m.toolCalls) {
      if ((call.id && answered.has(call.id)) || (call.id === null && following > 0)) continue;
      const t = pool.take(call.id, call.name, llm.startMs);
      if (!t || !t.tool) continue;
      const body = t.tool.error ?? t.tool.result;
      const id = call.id ?? t.tool.callId;
      if (id) answered.add(id);
      added.push({
        role: 'tool',
        parts: body ? [body] : [],
        toolCalls: [],
        ...(id ? { toolCallId: id } : {}),
        ...(t.tool.name ? { name: t.tool.name } : {}),
        ...(t.tool.error ? { isError: true } : {}),
      });
    }
    if (added.length) {
      out ??= [];
      for (let k = copied; k < j; k++) out.push(messages[k]!);
      append(out, added);
      copied = j;
    }
    i = j - 1;
  }
  if (!out) return messages;
  for (let k = copied; k < messages.length; k++) out.push(messages[k]!);
  return out;
}

interface BuildFields {
  id: string;
  file: string;
  line: number;
  sourcePath: Array<string | number>;
  /** Null: the trace records no tool definitions. */
  tools: ToolDefinition[] | null;
  /** Tools the trace shows were executed. */
  executed?: string[];
  model: string | null;
  usage: SpanRecord['usage'];
  format: Conversation['format'];
  metadata: Record<string, unknown>;
}

/** The paths of a text's origin, computed once per location. */
const pathsOf = new WeakMap<object, { path: JsonPath; nested: JsonPath[] | null }>();

/** IR messages → a Conversation with its anchors and part origins. */
export function build(messages: readonly IRMessage[], f: BuildFields): AssembledConversation {
  const anchors: SourceAnchor[] = [];
  const anchorIndex = new Map<SourceAnchor, number>();
  const partOrigins: Record<string, PartOrigin> = {};
  const originOf = (t: Text): PartOrigin | null => {
    const loc = t.loc;
    if (!loc) return null;
    let a = anchorIndex.get(loc.a);
    if (a === undefined) {
      a = anchors.length;
      anchors.push(loc.a);
      anchorIndex.set(loc.a, a);
    }
    let paths = pathsOf.get(loc);
    if (!paths) {
      const levels = [...loc.outer, pathArray(loc.path)];
      paths = { path: levels[0]!, nested: levels.length > 1 ? levels.slice(1) : null };
      pathsOf.set(loc, paths);
    }
    // The path arrays are shared by the conversations of a trace (never mutated).
    const o: PartOrigin = { anchor: a, path: paths.path as Array<string | number> };
    if (paths.nested) o.nested = paths.nested as Array<Array<string | number>>;
    if (t.raw) o.raw = true;
    return o;
  };
  const out: Message[] = messages.map((m, i) => {
    const msg: Message = { role: m.role };
    let p = 0;
    if (m.parts.length === 1) msg.content = m.parts[0]!.text;
    else if (m.parts.length > 1) msg.content = m.parts.map((t) => ({ type: 'text', text: t.text }));
    else msg.content = m.toolCalls.length ? null : '';
    for (const t of m.parts) {
      const o = originOf(t);
      if (o) partOrigins[partOriginKey(i, p)] = o;
      p++;
    }
    if (m.toolCalls.length) {
      msg.tool_calls = m.toolCalls.map((c) => ({
        ...(c.id ? { id: c.id } : {}),
        type: 'function',
        function: { name: c.name, arguments: c.args.text },
      }));
      for (const c of m.toolCalls) {
        const o = originOf(c.args);
        if (o) partOrigins[partOriginKey(i, p)] = o;
        p++;
      }
    }
    if (m.toolCallId !== undefined) msg.tool_call_id = m.toolCallId;
    if (m.name !== undefined) msg.name = m.name;
    if (m.isError) msg.is_error = true;
    return msg;
  });
  const usage =
    f.usage && (f.usage.input !== undefined || f.usage.output !== undefined || f.usage.total !== undefined)
      ? {
          ...(f.usage.input !== undefined ? { prompt_tokens: f.usage.input } : {}),
          ...(f.usage.output !== undefined ? { completion_tokens: f.usage.output } : {}),
          ...(f.usage.total !== undefined ? { total_tokens: f.usage.total } : {}),
        }
      : undefined;
  return {
    id: f.id,
    file: f.file,
    line: f.line,
    sourcePath: f.sourcePath,
    messages: out,
    tools: f.tools ?? [],
    ...(f.tools === null ? { toolsKnown: false } : {}),
    ...(f.executed?.length ? { executedTools: f.executed } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(usage ? { usage } : {}),
    metadata: f.metadata,
    ...(f.format ? { format: f.format } : {}),
    anchors,
    partOrigins,
  };
}
