// OpenTelemetry spans — OTLP JSON (`resourceSpans[].scopeSpans[].spans[]`, attributes as
// `{key, value: AnyValue}`) or flat span objects (attribute maps, e.g. the SDK's console
// exporter, Phoenix exports) — read with the GenAI semantic conventions (current attributes,
// older span events, older indexed `gen_ai.prompt.N.*`) or the OpenInference conventions.
import type { TraceFormat } from '../../../common/schema';
import { get, getAny, isObj, items, jsonish, lv, num, parseJsonIn, str, textOf, textOrRaw, withChildLocations, type Loc, type LV, type Text } from './located';
import { normalizeRole, readInput, readMessage, readMessages, readMode, readOutput, readTools } from './messages';
import { emptySpan, timeMs, type IRMessage, type IRToolCall, type SpanRecord } from './types';
import type { SourceAnchor } from '../../../common/schema';

/** Unwraps an OTLP AnyValue to plain JSON whose strings keep their locations. */
export function unwrapAnyValue(x: LV): LV {
  const v = x.v;
  if (!isObj(v)) return x;
  if ('stringValue' in v) return get(x, 'stringValue');
  if ('intValue' in v) return lv(Number(v.intValue), null);
  if ('doubleValue' in v) return lv(Number(v.doubleValue), null);
  if ('boolValue' in v) return lv(v.boolValue === true || v.boolValue === 'true', null);
  if ('bytesValue' in v) return get(x, 'bytesValue');
  if ('arrayValue' in v) {
    const values = items(get(get(x, 'arrayValue'), 'values')).map(unwrapAnyValue);
    const locs = new Map<string | number, Loc | null>(values.map((u, i) => [i, u.loc]));
    return lv(withChildLocations(values.map((u) => u.v), locs), null);
  }
  if ('kvlistValue' in v) {
    const out: Record<string, unknown> = {};
    const locs = new Map<string | number, Loc | null>();
    for (const kv of items(get(get(x, 'kvlistValue'), 'values'))) {
      const key = str(get(kv, 'key'));
      if (key === undefined) continue;
      const u = unwrapAnyValue(get(kv, 'value'));
      out[key] = u.v;
      locs.set(key, u.loc);
    }
    return lv(withChildLocations(out, locs), null);
  }
  return x;
}

/** A span's attributes, whichever way they are written: OTLP list, flat map or nested objects. */
export class Attrs {
  private readonly list: Map<string, number> | null = null;
  private readonly attributes: LV;
  private readonly map: LV | null = null;
  /** The map nests objects ({llm: {…}}): dotted keys may have to be walked. */
  private readonly nested: boolean = false;

  constructor(attributes: LV) {
    this.attributes = attributes;
    const v = attributes.v;
    if (Array.isArray(v)) {
      this.list = new Map();
      for (let i = 0; i < v.length; i++) {
        const kv = v[i];
        if (isObj(kv) && typeof kv.key === 'string') this.list.set(kv.key, i);
      }
    } else if (isObj(v)) {
      this.map = attributes;
      for (const k in v) {
        const x = v[k];
        if (typeof x === 'object' && x !== null) {
          this.nested = true;
          break;
        }
      }
    }
  }

  keys(): string[] {
    if (this.list) return [...this.list.keys()];
    if (this.map) return Object.keys(this.map.v as object);
    return [];
  }

  has(key: string): boolean {
    const v = this.get(key).v;
    return v !== undefined && v !== null;
  }

  get(key: string): LV {
    if (this.list) {
      const i = this.list.get(key);
      return i === undefined ? lv(undefined, null) : unwrapAnyValue(get(get(this.attributes, i), 'value'));
    }
    if (!this.map) return lv(undefined, null);
    const direct = get(this.map, key);
    if (direct.v !== undefined || !this.nested) return direct;
    return walkDotted(this.map, key.split('.'));
  }

  str(key: string): string | undefined {
    const v = this.get(key).v;
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  num(key: string): number | undefined {
    return num(this.get(key));
  }

  private counts: Map<string, number> | null = null;

  /** Number of entries of an indexed attribute family `prefix.N.…` (or a nested array). */
  count(prefix: string): number {
    const whole = this.get(prefix).v;
    if (Array.isArray(whole)) return whole.length;
    if (!this.counts) {
      // One pass over the keys: for every `a.b.N.c`, the family `a.b` has at least N + 1 entries.
      this.counts = new Map();
      for (const k of this.keys()) {
        const segs = k.split('.');
        for (let i = 1; i < segs.length; i++) {
          const seg = segs[i]!;
          if (seg.length === 0 || seg.length > 6 || !/^\d+$/.test(seg)) continue;
          const family = segs.slice(0, i).join('.');
          const n = Number(seg) + 1;
          if ((this.counts.get(family) ?? 0) < n) this.counts.set(family, n);
        }
      }
    }
    return this.counts.get(prefix) ?? 0;
  }
}

/** Nested attribute objects ({llm: {input_messages: [...]}}): longest key match first. */
function walkDotted(x: LV, segs: string[]): LV {
  if (segs.length === 0) return x;
  if (Array.isArray(x.v)) {
    const i = Number(segs[0]);
    return Number.isInteger(i) ? walkDotted(get(x, i), segs.slice(1)) : lv(undefined, null);
  }
  if (!isObj(x.v)) return lv(undefined, null);
  for (let n = segs.length; n >= 1; n--) {
    const key = segs.slice(0, n).join('.');
    if (Object.prototype.hasOwnProperty.call(x.v, key)) {
      const r = walkDotted(get(x, key), segs.slice(n));
      if (r.v !== undefined) return r;
    }
  }
  return lv(undefined, null);
}

export type OtelConvention = 'otel-genai' | 'openinference';

/** Which convention a span's attributes follow (null: neither). */
export function spanConvention(attrs: Attrs, events: LV): OtelConvention | null {
  let oi = false;
  let genai = false;
  for (const k of attrs.keys()) {
    if (k.startsWith('gen_ai.')) genai = true;
    else if (k === 'openinference.span.kind' || k.startsWith('llm.') || k === 'input.value' || k === 'output.value' || k === 'tool.name') oi = true;
    else if (k === 'llm' || k === 'openinference') oi = true;
    else if (k === 'gen_ai') genai = true;
  }
  if (!genai && Array.isArray(events.v)) genai = events.v.some((e) => isObj(e) && typeof e.name === 'string' && e.name.startsWith('gen_ai.'));
  if (attrs.has('openinference.span.kind')) return 'openinference';
  if (genai) return 'otel-genai';
  return oi ? 'openinference' : null;
}

export function isSpanLike(v: unknown): boolean {
  if (!isObj(v)) return false;
  const hasAttrs = Array.isArray(v.attributes) || isObj(v.attributes);
  const hasIds = v.traceId !== undefined || v.spanId !== undefined || v.trace_id !== undefined || v.span_id !== undefined || isObj(v.context);
  return hasAttrs && (hasIds || v.name !== undefined || v.startTimeUnixNano !== undefined || v.start_time !== undefined);
}

function idString(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim().replace(/^0x/i, '');
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** One span record → SpanRecord (null when it is not a span at all). */
export function readOtelSpan(
  span: LV,
  anchor: SourceAnchor,
  seq: number,
  forced: TraceFormat | null,
  resource: Record<string, unknown> | null,
): SpanRecord | null {
  const s = span.v;
  if (!isObj(s)) return null;
  const attributes = get(span, 'attributes');
  const attrs = new Attrs(attributes);
  const events = get(span, 'events');
  const convention: OtelConvention | null = forced === 'openinference' || forced === 'otel-genai' ? forced : spanConvention(attrs, events);
  const rec = emptySpan(convention ?? 'otel-genai', anchor, seq);
  if (attributes.v !== undefined && !Array.isArray(attributes.v) && !isObj(attributes.v))
    rec.notes.push({ message: `has "attributes" of type ${typeName(attributes.v)} (expected a list of {key, value} or a map); its attributes are ignored`, severity: 'error' });
  if (events.v !== undefined && !Array.isArray(events.v)) rec.notes.push({ message: `has "events" of type ${typeName(events.v)} (expected a list); ignored`, severity: 'warning' });
  const ctx = isObj(s.context) ? s.context : {};
  rec.traceId = idString(s.traceId ?? s.trace_id ?? ctx.trace_id ?? ctx.traceId);
  rec.spanId = idString(s.spanId ?? s.span_id ?? ctx.span_id ?? ctx.spanId);
  rec.parentId = idString(s.parentSpanId ?? s.parent_span_id ?? s.parent_id ?? s.parentId);
  rec.name = typeof s.name === 'string' ? s.name : null;
  rec.startMs = timeMs(s.startTimeUnixNano ?? s.start_time ?? s.startTime);
  rec.endMs = timeMs(s.endTimeUnixNano ?? s.end_time ?? s.endTime);
  for (const [name, v, t] of [['start', s.startTimeUnixNano ?? s.start_time ?? s.startTime, rec.startMs], ['end', s.endTimeUnixNano ?? s.end_time ?? s.endTime, rec.endMs]] as const)
    if (v !== undefined && v !== null && t === null) rec.notes.push({ message: `has an unreadable ${name} time ${JSON.stringify(v)}; latency is unknown and time order falls back to file order`, severity: 'warning' });
  if (resource && typeof resource['service.name'] === 'string') rec.metadata.service = resource['service.name'];
  const error = spanError(span, events);
  if (convention === 'openinference') readOpenInference(rec, attrs, error);
  else if (convention === 'otel-genai') readGenAI(rec, attrs, events, error);
  return rec;
}

function spanError(span: LV, events: LV): Text | null {
  const s = span.v as Record<string, unknown>;
  const status = get(span, 'status');
  const st = isObj(status.v) ? status.v : {};
  const code = st.code ?? st.status_code ?? s.status_code;
  const isError = code === 2 || code === '2' || (typeof code === 'string' && /error/i.test(code));
  if (!isError) return null;
  const msg = textOf(getAny(status, 'message', 'description')) ?? textOf(get(span, 'status_message'));
  if (msg && msg.text.trim() !== '') return msg;
  for (const e of items(events)) {
    if (!isObj(e.v) || e.v.name !== 'exception') continue;
    const t = textOf(new Attrs(get(e, 'attributes')).get('exception.message'));
    if (t) return t;
  }
  return { text: 'error', loc: null };
}

function setUsage(rec: SpanRecord, input: number | undefined, output: number | undefined, total: number | undefined): void {
  if (input === undefined && output === undefined && total === undefined) return;
  rec.usage = {
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(total !== undefined ? { total } : input !== undefined && output !== undefined ? { total: input + output } : {}),
  };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A string that starts like JSON but does not parse (cut off, mangled). */
function brokenJson(x: LV): boolean {
  if (typeof x.v !== 'string') return false;
  const c = x.v.trimStart()[0];
  return (c === '[' || c === '{') && parseJsonIn(x) === null;
}

function isEmptyList(x: LV): boolean {
  const v = jsonish(x).v;
  return Array.isArray(v) && v.length === 0;
}

function unreadable(name: string, x: LV): string {
  const v = x.v;
  const what = typeof v === 'string' ? (parseJsonIn(x) ? 'JSON that holds no message' : 'a string that is not valid JSON') : `a value of type ${typeName(v)} that holds no message`;
  return `has ${name} as ${what} (expected a JSON array of {role, parts}); ${name.endsWith('output.messages') ? 'no response is read from it' : 'the input is rebuilt from the trace'}`;
}

function stringList(x: LV): string[] | null {
  const v = jsonish(x).v;
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  if (typeof v === 'string') return [v];
  return null;
}

// ---- GenAI semantic conventions ----------------------------------------------------------

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'responses', 'create_response']);

function readGenAI(rec: SpanRecord, a: Attrs, events: LV, error: Text | null): void {
  const op = a.str('gen_ai.operation.name');
  rec.provider = a.str('gen_ai.provider.name') ?? a.str('gen_ai.system') ?? null;
  rec.model = a.str('gen_ai.response.model') ?? a.str('gen_ai.request.model') ?? null;
  setUsage(rec, a.num('gen_ai.usage.input_tokens') ?? a.num('gen_ai.usage.prompt_tokens'), a.num('gen_ai.usage.output_tokens') ?? a.num('gen_ai.usage.completion_tokens'), a.num('gen_ai.usage.total_tokens'));
  rec.finishReasons = stringList(a.get('gen_ai.response.finish_reasons'));
  const responseId = a.str('gen_ai.response.id');
  if (responseId) rec.metadata.response_id = responseId;
  const conversationId = a.str('gen_ai.conversation.id');
  if (conversationId) rec.metadata.conversation_id = conversationId;
  const agentName = a.str('gen_ai.agent.name');
  if (agentName) rec.metadata.agent_name = agentName;

  if (op === 'execute_tool' || (!op && a.has('gen_ai.tool.name') && !a.has('gen_ai.output.messages'))) {
    rec.kind = 'tool';
    rec.tool = {
      name: a.str('gen_ai.tool.name') ?? null,
      callId: a.str('gen_ai.tool.call.id')?.trim() ?? null,
      args: textOrRaw(a.get('gen_ai.tool.call.arguments')),
      result: textOrRaw(a.get('gen_ai.tool.call.result')),
      error,
    };
    return;
  }

  let input: IRMessage[] | null = null;
  let output: IRMessage[] | null = null;
  const inAttr = a.get('gen_ai.input.messages');
  if (inAttr.v !== undefined && (readMode.light || !brokenJson(inAttr))) input = readInput(inAttr);
  const outAttr = a.get('gen_ai.output.messages');
  if (outAttr.v !== undefined && !brokenJson(outAttr)) output = firstChoice(readMessages(outAttr, 'assistant'));
  if (inAttr.v !== undefined && !readMode.light && (input?.length ?? 0) === 0 && !isEmptyList(inAttr)) rec.notes.push({ message: unreadable('gen_ai.input.messages', inAttr), severity: 'error' });
  if (outAttr.v !== undefined && !output && !isEmptyList(outAttr)) {
    rec.notes.push({ message: unreadable('gen_ai.output.messages', outAttr), severity: 'error' });
    rec.metadata.unreadable_output = true;
  }
  if (!readMode.light) {
    const sys = a.get('gen_ai.system_instructions');
    if (sys.v !== undefined) rec.system = systemTexts(sys);
    const tools = a.get('gen_ai.tool.definitions');
    if (tools.v !== undefined) rec.tools = readTools(tools);
  }

  // Older conventions: span events per message, or indexed gen_ai.prompt.N / gen_ai.completion.N.
  if (input === null || output === null) {
    const fromEvents = readGenAIEvents(events);
    if (input === null && fromEvents.input.length) input = fromEvents.input;
    if (output === null && fromEvents.output.length) output = fromEvents.output;
    if (!rec.finishReasons && fromEvents.finishReasons.length) rec.finishReasons = fromEvents.finishReasons;
  }
  if (input === null && a.count('gen_ai.prompt') > 0) input = readMode.light ? readInput(a.get('gen_ai.prompt')) : readIndexed(a, 'gen_ai.prompt', '', 'user');
  if (output === null && a.count('gen_ai.completion') > 0) output = firstChoice(readIndexed(a, 'gen_ai.completion', '', 'assistant'));

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

/** A model may return several choices; the first is the traced response. */
function firstChoice(messages: IRMessage[]): IRMessage[] | null {
  const first = messages.find((m) => m.role === 'assistant') ?? messages[0];
  // A response with neither text nor tool call was not read (wrong shape), not "empty".
  return first && (first.parts.length || first.toolCalls.length) ? [{ ...first, role: 'assistant' }] : null;
}

function systemTexts(x: LV): Text[] {
  const v = jsonish(x);
  if (typeof v.v === 'string') return [{ text: v.v, loc: v.loc }];
  const out: Text[] = [];
  for (const p of items(v)) {
    if (typeof p.v === 'string') out.push({ text: p.v, loc: p.loc });
    else {
      const t = textOf(getAny(p, 'content', 'text'));
      if (t) out.push(t);
    }
  }
  return out;
}

function readGenAIEvents(events: LV): { input: IRMessage[]; output: IRMessage[]; finishReasons: string[] } {
  const input: IRMessage[] = [];
  const output: IRMessage[] = [];
  const finishReasons: string[] = [];
  for (const e of items(events)) {
    if (!isObj(e.v) || typeof e.v.name !== 'string') continue;
    const name = e.v.name;
    const attrs = new Attrs(get(e, 'attributes'));
    if (name === 'gen_ai.client.inference.operation.details') {
      const i = attrs.get('gen_ai.input.messages');
      if (i.v !== undefined) input.push(...readInput(i));
      const o = attrs.get('gen_ai.output.messages');
      if (o.v !== undefined) output.push(...(firstChoice(readMessages(o, 'assistant')) ?? []));
      continue;
    }
    const m = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(name);
    if (!m && name !== 'gen_ai.choice') continue;
    // The body: `gen_ai.event.content` (a JSON string), a `body` object, or the attributes themselves.
    let body: LV = attrs.get('gen_ai.event.content');
    if (body.v !== undefined) body = jsonish(body);
    else if (isObj(e.v.body)) body = get(e, 'body');
    else body = attributesAsBody(attrs);
    if (m) {
      const role = m[1]!;
      const msgs = readMessage(body, role);
      for (const msg of msgs) {
        msg.role = role === 'tool' ? 'tool' : normalizeRole(typeof (body.v as Record<string, unknown>)?.role === 'string' ? ((body.v as Record<string, unknown>).role as string) : role);
        if (role === 'tool' && msg.toolCallId === undefined) {
          const id = str(get(body, 'id'));
          if (id !== undefined) msg.toolCallId = id;
        }
      }
      input.push(...msgs);
    } else {
      const fr = str(get(body, 'finish_reason'));
      if (fr) finishReasons.push(fr);
      const index = num(get(body, 'index')) ?? 0;
      if (index !== 0 && output.length) continue;
      const msg = get(body, 'message');
      output.push(...readMessage(msg.v !== undefined ? msg : body, 'assistant').map((x) => ({ ...x, role: 'assistant' })));
    }
  }
  return { input, output, finishReasons };
}

function attributesAsBody(attrs: Attrs): LV {
  const out: Record<string, unknown> = {};
  const locs = new Map<string | number, Loc | null>();
  for (const k of ['content', 'role', 'id', 'tool_calls', 'message', 'finish_reason', 'index']) {
    const x = attrs.get(k);
    if (x.v === undefined) continue;
    const j = (k === 'tool_calls' || k === 'message') && typeof x.v === 'string' ? (parseJsonIn(x) ?? x) : x;
    out[k] = j.v;
    locs.set(k, j.loc);
  }
  return lv(withChildLocations(out, locs), null);
}

/**
 * Indexed message attributes: `prefix.N.role|content|tool_calls.M.name|arguments` (OpenLLMetry)
 * or `prefix.N.message.role|content|contents.K.message_content.text|tool_calls.M.tool_call.…`
 * (OpenInference, inner = 'message.').
 */
function readIndexed(a: Attrs, prefix: string, inner: string, defaultRole: string): IRMessage[] {
  const out: IRMessage[] = [];
  const n = a.count(prefix);
  for (let i = 0; i < n; i++) {
    const at = (suffix: string) => a.get(`${prefix}.${i}.${inner}${suffix}`);
    const role = normalizeRole(str(at('role')) ?? defaultRole);
    const m: IRMessage = { role, parts: [], toolCalls: [] };
    const content = at('content');
    if (typeof content.v === 'string') m.parts.push({ text: content.v, loc: content.loc });
    else if (Array.isArray(content.v)) for (const r of readMessage(lv({ role, content: content.v }, null), role)) m.parts.push(...r.parts);
    const contentsKey = `${prefix}.${i}.${inner}contents`;
    const nc = a.count(contentsKey);
    for (let k = 0; k < nc; k++) {
      const t = textOf(a.get(`${contentsKey}.${k}.message_content.text`));
      if (t) m.parts.push(t);
    }
    const callsKey = `${prefix}.${i}.${inner}tool_calls`;
    const nt = a.count(callsKey);
    for (let j = 0; j < nt; j++) {
      const base = inner ? `${callsKey}.${j}.tool_call.` : `${callsKey}.${j}.`;
      const name = a.str(`${base}function.name`) ?? a.str(`${base}name`);
      if (name === undefined) continue;
      const args = textOrRaw(a.get(`${base}function.arguments`)) ?? textOrRaw(a.get(`${base}arguments`)) ?? { text: '{}', loc: null };
      const id = a.str(`${base}id`) ?? null;
      const call: IRToolCall = { id, name, args };
      m.toolCalls.push(call);
    }
    const callId = str(at('tool_call_id'));
    if (callId !== undefined) m.toolCallId = callId;
    const name = str(at('name'));
    if (name !== undefined) m.name = name;
    out.push(m);
  }
  return out;
}

// ---- OpenInference -----------------------------------------------------------------------

function readOpenInference(rec: SpanRecord, a: Attrs, error: Text | null): void {
  const kind = (a.str('openinference.span.kind') ?? '').toUpperCase();
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
      args: textOrRaw(a.get('input.value')) ?? textOrRaw(a.get('tool.parameters')),
      result: textOrRaw(a.get('output.value')),
      error,
    };
    return;
  }

  const nIn = a.count('llm.input_messages');
  const nOut = a.count('llm.output_messages');
  let input: IRMessage[] | null = nIn > 0 ? (readMode.light ? readInput(a.get('llm.input_messages')) : readIndexed(a, 'llm.input_messages', 'message.', 'user')) : null;
  let output: IRMessage[] | null = nOut > 0 ? firstChoice(readIndexed(a, 'llm.output_messages', 'message.', 'assistant')) : null;
  const inputValue = a.get('input.value');
  const outputValue = a.get('output.value');
  const nTools = readMode.light ? 0 : a.count('llm.tools');
  if (nTools > 0) {
    const defs: unknown[] = [];
    for (let i = 0; i < nTools; i++) {
      const schema = a.get(`llm.tools.${i}.tool.json_schema`).v;
      const name = a.str(`llm.tools.${i}.tool.name`);
      const description = a.str(`llm.tools.${i}.tool.description`);
      if (schema !== undefined) defs.push({ json_schema: typeof schema === 'string' ? schema : JSON.stringify(schema), ...(name ? { name } : {}), ...(description ? { description } : {}) });
      else if (name) defs.push({ name, ...(description ? { description } : {}) });
    }
    rec.tools = readTools(lv(defs, null));
  } else if (!readMode.light && isObj(params.v) && Array.isArray(params.v.tools)) rec.tools = readTools(get(params, 'tools'));

  if (kind === 'LLM' || (!kind && (nIn > 0 || nOut > 0))) {
    rec.kind = 'llm';
    if (input === null && inputValue.v !== undefined) input = readInput(inputValue);
    if (output === null && outputValue.v !== undefined) output = firstChoice(readOutput(outputValue));
    rec.input = input;
    rec.output = output;
    if (error && !output) rec.metadata.error = error.text;
    return;
  }
  if (kind === 'AGENT' || kind === 'CHAIN') {
    rec.kind = kind === 'AGENT' ? 'agent' : 'other';
    if (inputValue.v !== undefined) rec.traceInput = readInput(inputValue);
    if (outputValue.v !== undefined) rec.output = firstChoice(readOutput(outputValue));
  }
}
