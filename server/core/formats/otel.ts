// OpenTelemetry spans — OTLP JSON (`resourceSpans[].scopeSpans[].spans[]`, attributes as
// `{key, value: AnyValue}`), flat span objects (attribute maps, e.g. the SDK's console
// exporter, Phoenix exports), OTel JS ReadableSpan dumps (`spanContext`, HrTime times), bare
// attribute maps (one span's attributes as an object) and OTLP log records (GenAI events that
// carry a span's messages) — read with the GenAI semantic conventions (current attributes,
// events, older indexed `gen_ai.prompt.N.*`), the Vercel AI SDK's `ai.*` attributes or the
// OpenInference conventions.
import type { TraceFormat } from '../../../common/schema';
import {
  get,
  getAny,
  isObj,
  items,
  jsonish,
  lv,
  num,
  parseJsonIn,
  str,
  textOf,
  textOrRaw,
  withChildLocations,
  type Loc,
  type LV,
  type Text,
} from './located';
import {
  findToolDefinitions,
  FULL,
  mergeResponse,
  mergeToolDefinitions,
  normalizeRole,
  readInput,
  readMessage,
  readOutput,
  readToolCall,
  type ReadOptions,
} from './normalize';
import type { ToolDefinition } from '../../../common/schema';
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
    return lv(
      withChildLocations(
        values.map((u) => u.v),
        locs,
      ),
      null,
    );
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
    else if (k === 'openinference.span.kind' || k.startsWith('llm.') || k === 'input.value' || k === 'output.value' || k === 'tool.name')
      oi = true;
    else if (k === 'llm' || k === 'openinference') oi = true;
    else if (k === 'gen_ai') genai = true;
  }
  if (!genai && Array.isArray(events.v))
    genai = events.v.some((e) => isObj(e) && typeof e.name === 'string' && e.name.startsWith('gen_ai.'));
  if (attrs.has('openinference.span.kind')) return 'openinference';
  if (genai) return 'otel-genai';
  return oi ? 'openinference' : null;
}

export function isSpanLike(v: unknown): boolean {
  if (!isObj(v)) return false;
  const hasAttrs = Array.isArray(v.attributes) || isObj(v.attributes);
  const hasIds =
    v.traceId !== undefined ||
    v.spanId !== undefined ||
    v.trace_id !== undefined ||
    v.span_id !== undefined ||
    isObj(v.context) ||
    isObj(v.spanContext) ||
    isObj(v._spanContext);
  if (
    hasAttrs &&
    (hasIds || v.name !== undefined || v.startTimeUnixNano !== undefined || v.start_time !== undefined || v.timeUnixNano !== undefined)
  )
    return true;
  return isAttributeMap(v) || isFlattenedSpan(v);
}

/** Keys that only a span's attributes have (a bare attribute map is one span's attributes). */
const ATTRIBUTE_MARKERS = [
  'gen_ai.operation.name',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.request.model',
  'gen_ai.system',
  'gen_ai.provider.name',
  'openinference.span.kind',
  'llm.model_name',
  'llm.input_messages',
  'ai.operationId',
  'ai.prompt.messages',
  'ai.model.id',
  'gen_ai.tool.name',
];

/** A span as a dataframe row (Phoenix `get_spans_dataframe()` as JSON): `context.span_id`, `attributes.*`. */
export function isFlattenedSpan(v: Record<string, unknown>): boolean {
  if (v.attributes !== undefined) return false;
  if (v['context.span_id'] !== undefined) return true;
  for (const k in v)
    if (
      k.startsWith('attributes.') &&
      (k.startsWith('attributes.llm.') || k.startsWith('attributes.gen_ai.') || k.startsWith('attributes.openinference.'))
    )
      return true;
  return false;
}

/** The `attributes.*` columns of a dataframe row as an attribute map (keeping where each is). */
function prefixedAttributes(span: LV): LV {
  const out: Record<string, unknown> = {};
  const locs = new Map<string | number, Loc | null>();
  for (const k of Object.keys(span.v as object)) {
    if (!k.startsWith('attributes.')) continue;
    const x = get(span, k);
    if (x.v === null || x.v === undefined) continue; // a dataframe's empty cell
    out[k.slice('attributes.'.length)] = x.v;
    locs.set(k.slice('attributes.'.length), x.loc);
  }
  return lv(withChildLocations(out, locs), null);
}

/** One span's attributes as a JSON object: `{"gen_ai.operation.name": "chat", …}` or nested. */
export function isAttributeMap(v: Record<string, unknown>): boolean {
  if (v.attributes !== undefined || v.messages !== undefined) return false;
  for (const k of ATTRIBUTE_MARKERS) if (v[k] !== undefined) return true;
  for (const k in v)
    if (
      k.startsWith('llm.input_messages.') ||
      k.startsWith('llm.output_messages.') ||
      k.startsWith('gen_ai.prompt.') ||
      k.startsWith('gen_ai.completion.')
    )
      return true;
  return (
    (isObj(v.gen_ai) && (isObj(v.gen_ai.input) || isObj(v.gen_ai.output) || isObj(v.gen_ai.request))) ||
    (isObj(v.llm) && isObj(v.openinference))
  );
}

/** An OTLP log record (a GenAI event the `openai` instrumentation writes as a log). */
export function isLogRecord(v: Record<string, unknown>): boolean {
  return (
    (v.body !== undefined || v.eventName !== undefined || v.event_name !== undefined) &&
    (v.timeUnixNano !== undefined ||
      v.observedTimeUnixNano !== undefined ||
      v.severityNumber !== undefined ||
      v.eventName !== undefined ||
      v.hrTime !== undefined ||
      v.time_unix_nano !== undefined)
  );
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
  o: ReadOptions = FULL,
): SpanRecord | null {
  const s = span.v;
  if (!isObj(s)) return null;
  if (isLogRecord(s) && s.name === undefined) return readLogRecord(span, anchor, seq, o);
  // A bare attribute map is its own attributes; a dataframe row keeps them as `attributes.*` columns.
  const attributes =
    s.attributes === undefined
      ? isFlattenedSpan(s)
        ? prefixedAttributes(span)
        : isAttributeMap(s)
          ? span
          : get(span, 'attributes')
      : get(span, 'attributes');
  const attrs = new Attrs(attributes);
  const events = get(span, 'events');
  const convention: OtelConvention | null = forced === 'openinference' || forced === 'otel-genai' ? forced : spanConvention(attrs, events);
  const rec = emptySpan(convention ?? 'otel-genai', anchor, seq);
  if (attributes === span) rec.attributesOnly = true;
  if (attributes.v !== undefined && !Array.isArray(attributes.v) && !isObj(attributes.v))
    rec.notes.push({
      message: `has "attributes" of type ${typeName(attributes.v)} (expected a list of {key, value} or a map); its attributes are ignored`,
      severity: 'error',
    });
  if (events.v !== undefined && !Array.isArray(events.v))
    rec.notes.push({ message: `has "events" of type ${typeName(events.v)} (expected a list); ignored`, severity: 'warning' });
  // OTLP, the Python SDK's `context`, OTel JS ReadableSpan's `spanContext` / `parentSpanContext`.
  const ctx = isObj(s.context)
    ? s.context
    : isObj(s.spanContext)
      ? s.spanContext
      : isObj(s._spanContext)
        ? s._spanContext
        : { trace_id: s['context.trace_id'], span_id: s['context.span_id'] };
  const parentCtx = isObj(s.parentSpanContext) ? s.parentSpanContext : {};
  rec.traceId = idString(s.traceId ?? s.trace_id ?? ctx.trace_id ?? ctx.traceId);
  rec.spanId = idString(s.spanId ?? s.span_id ?? ctx.span_id ?? ctx.spanId);
  rec.parentId = idString(s.parentSpanId ?? s.parent_span_id ?? s.parent_id ?? s.parentId ?? parentCtx.spanId);
  rec.name = typeof s.name === 'string' ? s.name : null;
  const start = s.startTimeUnixNano ?? s.start_time ?? s.startTime;
  const end = s.endTimeUnixNano ?? s.end_time ?? s.endTime;
  rec.startMs = timeMs(start);
  rec.endMs = timeMs(end);
  for (const [name, v, t] of [
    ['start', start, rec.startMs],
    ['end', end, rec.endMs],
  ] as const)
    if (v !== undefined && v !== null && t === null)
      rec.notes.push({
        message: `has an unreadable ${name} time ${JSON.stringify(v)}; latency is unknown and time order falls back to file order`,
        severity: 'warning',
      });
  const res = resource ?? (isObj(s.resource) ? resourceMap(get(span, 'resource')) : null);
  if (res && typeof res['service.name'] === 'string') rec.metadata.service = res['service.name'];
  const error = spanError(span, events);
  if (isAiSdkSpan(attrs)) readAiSdk(rec, attrs, error, o);
  else if (attrs.has('mlflow.spanType')) readMlflow(rec, attrs, error, o);
  else if (isLangfuseSpan(attrs, convention)) readLangfuseAttributes(rec, attrs, error, o);
  else if (isTraceloopEntity(attrs)) readTraceloopEntity(rec, attrs, error, o);
  else if (convention === 'openinference')
    readOpenInference(rec, attrs, error, o, typeof s.span_kind === 'string' ? s.span_kind : undefined);
  else if (convention === 'otel-genai') readGenAI(rec, attrs, events, error, o);
  return rec;
}

/** A ReadableSpan's `resource` ({attributes} or {_attributes}) as a plain map. */
function resourceMap(x: LV): Record<string, unknown> | null {
  const a = getAny(x, 'attributes', '_attributes');
  return isObj(a.v) ? a.v : null;
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
  const what =
    typeof v === 'string'
      ? parseJsonIn(x)
        ? 'JSON that holds no message'
        : 'a string that is not valid JSON'
      : `a value of type ${typeName(v)} that holds no message`;
  return `has ${name} as ${what} (expected a JSON array of {role, parts}); ${name.endsWith('output.messages') ? 'no response is read from it' : 'the input is rebuilt from the trace'}`;
}

function stringList(x: LV): string[] | null {
  const v = jsonish(x).v;
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  if (typeof v === 'string') return [v];
  return null;
}

// ---- GenAI semantic conventions ----------------------------------------------------------

const REQUEST_ATTRIBUTES = ['gcp.vertex.agent.llm_request', 'request_data'];
const RESPONSE_ATTRIBUTES = ['gcp.vertex.agent.llm_response', 'response_data'];

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion', 'responses', 'create_response']);

/**
 * Tool definitions in a span's attributes, whichever convention recorded them: OTel
 * `gen_ai.tool.definitions`, OpenInference `llm.tools` (a list, or flattened
 * `llm.tools.N.tool.json_schema`), the AI SDK's `ai.prompt.tools`, OpenLLMetry's flattened
 * `llm.request.functions.N.{name, description, parameters}`, and the request's parameters
 * (`llm.invocation_parameters.tools`, `gen_ai.request.tools`). Null: none recorded.
 */
export function attributeToolDefinitions(a: Attrs): ToolDefinition[] | null {
  const places: LV[] = [
    a.get('gen_ai.tool.definitions'),
    a.get('gen_ai.request.tools'),
    a.get('ai.prompt.tools'),
    get(jsonish(a.get('llm.invocation_parameters')), 'tools'),
    get(jsonish(a.get('llm.invocation_parameters')), 'functions'),
  ];
  const whole = a.get('llm.tools');
  if (whole.v !== undefined) places.push(whole);
  else {
    const n = a.count('llm.tools');
    const defs: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const schema = a.get(`llm.tools.${i}.tool.json_schema`).v;
      const name = a.str(`llm.tools.${i}.tool.name`);
      const description = a.str(`llm.tools.${i}.tool.description`);
      if (schema !== undefined) defs.push({ json_schema: schema, ...(name ? { name } : {}), ...(description ? { description } : {}) });
      else if (name) defs.push({ name, ...(description ? { description } : {}) });
    }
    if (n > 0) places.push(lv(defs, null));
  }
  const nf = a.count('llm.request.functions');
  if (nf > 0) {
    const defs: unknown[] = [];
    for (let i = 0; i < nf; i++) {
      const name = a.str(`llm.request.functions.${i}.name`);
      if (name === undefined) continue;
      const description = a.str(`llm.request.functions.${i}.description`);
      const parameters = a.get(`llm.request.functions.${i}.parameters`).v;
      defs.push({ name, ...(description !== undefined ? { description } : {}), ...(parameters !== undefined ? { parameters } : {}) });
    }
    places.push(lv(defs, null));
  }
  return findToolDefinitions(places);
}

/** System instructions kept apart from the messages (`gen_ai.system_instructions`). */
export function attributeSystem(a: Attrs): Text[] | null {
  const sys = a.get('gen_ai.system_instructions');
  return sys.v !== undefined ? systemTexts(sys) : null;
}

function readGenAI(rec: SpanRecord, a: Attrs, events: LV, error: Text | null, o: ReadOptions): void {
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
      if (!output) {
        rec.notes.push({ message: `has ${key} that holds no readable message; no response is read from it`, severity: 'error' });
        rec.metadata.unreadable_output = true;
      }
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

/** How much of a conversation a reading holds: its messages with text or calls, and their texts. */
function substance(messages: readonly IRMessage[]): number {
  let n = 0;
  for (const m of messages) if (m.parts.some((p) => p.text !== '') || m.toolCalls.length) n += 1 + m.parts.length + m.toolCalls.length;
  return n;
}

/** The first of `keys` recorded. */
function firstOf(a: Attrs, ...keys: string[]): LV {
  for (const k of keys) {
    const x = a.get(k);
    if (x.v !== undefined && x.v !== null) return x;
  }
  return lv(undefined, null);
}

/** All output messages recorded for one response, as one assistant message (null: none read). */
function response(messages: IRMessage[]): IRMessage[] | null {
  const merged = mergeResponse(messages);
  return merged.length ? merged : null;
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

/** A GenAI event, from a span's `events` or an OTLP log record. */
interface GenAIEvent {
  name: string;
  attrs: Attrs;
  /** The event body (a log record's `body`, an event's `body`), unwrapped. */
  body: LV | null;
}

/**
 * GenAI events kept as one JSON attribute (Pydantic AI / Logfire `events`,
 * `all_messages_events`): `[{"event.name": "gen_ai.user.message", "content": …, "role": …}, …]`.
 */
function attributeEvents(a: Attrs): GenAIEvent[] {
  const out: GenAIEvent[] = [];
  for (const key of ['events', 'all_messages_events', 'gen_ai.events']) {
    for (const e of items(jsonish(a.get(key)))) {
      if (!isObj(e.v)) continue;
      const name = e.v['event.name'] ?? e.v.event_name ?? e.v.name;
      if (typeof name === 'string') out.push({ name, attrs: new Attrs(lv({}, null)), body: e });
    }
    if (out.length) break;
  }
  return out;
}

function spanEvent(e: LV): GenAIEvent {
  const v = isObj(e.v) ? e.v : {};
  return {
    name: typeof v.name === 'string' ? v.name : '',
    attrs: new Attrs(get(e, 'attributes')),
    body: isObj(v.body) ? get(e, 'body') : null,
  };
}

function readGenAIEvents(
  events: readonly GenAIEvent[],
  o: ReadOptions,
): { input: IRMessage[]; output: IRMessage[]; finishReasons: string[]; system: Text[] } {
  const input: IRMessage[] = [];
  const outputs: IRMessage[] = [];
  const finishReasons: string[] = [];
  const system: Text[] = [];
  for (const { name, attrs, body: eventBody } of events) {
    if (name === 'gen_ai.client.inference.operation.details') {
      const i = attrs.get('gen_ai.input.messages');
      const fromBody = (key: string) => (eventBody ? get(eventBody, key) : lv(undefined, null));
      const inLv = i.v !== undefined ? i : fromBody('gen_ai.input.messages');
      if (inLv.v !== undefined) input.push(...readInput(inLv, o).messages);
      const out =
        attrs.get('gen_ai.output.messages').v !== undefined ? attrs.get('gen_ai.output.messages') : fromBody('gen_ai.output.messages');
      if (out.v !== undefined) outputs.push(...readOutput(out, o));
      const sys =
        attrs.get('gen_ai.system_instructions').v !== undefined
          ? attrs.get('gen_ai.system_instructions')
          : fromBody('gen_ai.system_instructions');
      if (sys.v !== undefined) system.push(...systemTexts(sys));
      continue;
    }
    // Older semantic conventions (Semantic Kernel…): the whole prompt and completion as JSON.
    if (name === 'gen_ai.content.prompt') {
      input.push(...readInput(attrs.get('gen_ai.prompt'), o).messages);
      continue;
    }
    if (name === 'gen_ai.content.completion') {
      outputs.push(...readOutput(attrs.get('gen_ai.completion'), o));
      continue;
    }
    const m = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(name);
    if (!m && name !== 'gen_ai.choice') continue;
    // The body: `gen_ai.event.content` (a JSON string), a `body` object, or the attributes themselves.
    let body: LV = attrs.get('gen_ai.event.content');
    if (body.v !== undefined) body = jsonish(body);
    else if (eventBody && isObj(eventBody.v)) body = eventBody;
    else body = attributesAsBody(attrs);
    if (m) {
      const role = m[1]!;
      const msgs = readMessage(body, role, o);
      for (const msg of msgs) {
        msg.role =
          role === 'tool'
            ? 'tool'
            : normalizeRole(
                typeof (body.v as Record<string, unknown>)?.role === 'string' ? ((body.v as Record<string, unknown>).role as string) : role,
              );
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
      if (index !== 0 && outputs.length) continue; // another choice of the same request
      let msg = get(body, 'message');
      if (typeof msg.v === 'string') msg = parseJsonIn(msg) ?? msg;
      // A message given as its content blocks alone (Strands Agents: Bedrock blocks).
      if (Array.isArray(msg.v)) msg = lv(withChildLocations({ role: 'assistant', content: msg.v }, new Map([['content', msg.loc]])), null);
      outputs.push(...readMessage(msg.v !== undefined ? msg : body, 'assistant', o).map((x) => ({ ...x, role: 'assistant' })));
    }
  }
  return { input, output: mergeResponse(outputs), finishReasons, system };
}

/**
 * An OTLP log record `{timeUnixNano, traceId, spanId, eventName | attributes['event.name'],
 * body: AnyValue, attributes}`: a GenAI event of the span it names. Its messages join that
 * span's when the trace is assembled.
 */
function readLogRecord(x: LV, anchor: SourceAnchor, seq: number, o: ReadOptions): SpanRecord {
  const v = x.v as Record<string, unknown>;
  const attrs = new Attrs(get(x, 'attributes'));
  const name = str(getAny(x, 'eventName', 'event_name')) ?? attrs.str('event.name') ?? attrs.str('gen_ai.event.name') ?? '';
  const body = unwrapAnyValue(get(x, 'body'));
  const rec = emptySpan('otel-genai', anchor, seq);
  rec.traceId = idString(v.traceId ?? v.trace_id);
  rec.startMs = timeMs(v.timeUnixNano ?? v.time_unix_nano ?? v.observedTimeUnixNano ?? v.hrTime);
  const spanId = idString(v.spanId ?? v.span_id);
  const events = readGenAIEvents([{ name, attrs, body: body.v !== undefined ? jsonish(body) : null }], o);
  if (spanId) rec.eventOf = spanId;
  else rec.notes.push({ message: `log record "${name}" names no span; its messages are not used`, severity: 'warning' });
  rec.input = events.input.length ? events.input : null;
  rec.output = events.output.length ? events.output : null;
  if (events.system.length) rec.system = events.system;
  if (events.finishReasons.length) rec.finishReasons = events.finishReasons;
  rec.name = name || null;
  return rec;
}

/** The attributes of a log record or event as a `{content, role, id, tool_calls, …}` body. */
function attributesAsBody(attrs: Attrs): LV {
  const out: Record<string, unknown> = {};
  const locs = new Map<string | number, Loc | null>();
  for (const k of ['content', 'role', 'id', 'tool_calls', 'message', 'finish_reason', 'index']) {
    const x = attrs.get(k);
    if (x.v === undefined) continue;
    // Calls and messages are JSON; so is a content that holds a list of blocks (Strands Agents).
    const parsed = typeof x.v === 'string' ? parseJsonIn(x) : null;
    const j =
      (k === 'tool_calls' || k === 'message') && parsed ? parsed : k === 'content' && parsed && Array.isArray(parsed.v) ? parsed : x;
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
function readIndexed(a: Attrs, prefix: string, inner: string, defaultRole: string, o: ReadOptions): IRMessage[] {
  const out: IRMessage[] = [];
  const n = a.count(prefix);
  for (let i = 0; i < n; i++) {
    const at = (suffix: string) => a.get(`${prefix}.${i}.${inner}${suffix}`);
    const role = normalizeRole(str(at('role')) ?? defaultRole);
    const m: IRMessage = { role, parts: [], toolCalls: [] };
    let content = at('content');
    // Some instrumentations write a content-part list as JSON (Anthropic blocks, OpenAI parts).
    const blocks = typeof content.v === 'string' && content.v.trimStart().startsWith('[') ? parseJsonIn(content) : null;
    if (blocks && Array.isArray(blocks.v) && blocks.v.every((b) => isObj(b) && typeof b.type === 'string')) content = blocks;
    if (typeof content.v === 'string') m.parts.push({ text: content.v, loc: content.loc });
    const inlineResults: IRMessage[] = [];
    if (Array.isArray(content.v))
      for (const r of readMessage(
        lv(withChildLocations({ role, content: content.v }, new Map([['content', content.loc]])), null),
        role,
        o,
      )) {
        // Tool results inside a user turn (Anthropic blocks) are tool messages of their own.
        if (r.role === 'tool' && role !== 'tool') inlineResults.push(r);
        else {
          m.parts.push(...r.parts);
          m.toolCalls.push(...r.toolCalls);
        }
      }
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
      const argsLv = a.get(`${base}function.arguments`).v !== undefined ? a.get(`${base}function.arguments`) : a.get(`${base}arguments`);
      const args = o.light ? { text: '', loc: null } : (textOrRaw(argsLv) ?? { text: '{}', loc: null });
      const id = a.str(`${base}id`) ?? null;
      const call: IRToolCall = { id, name, args };
      m.toolCalls.push(call);
    }
    // OpenLLMetry's legacy single function call.
    const fnName = str(at('function_call.name'));
    if (fnName !== undefined)
      m.toolCalls.push({
        id: null,
        name: fnName,
        args: o.light ? { text: '', loc: null } : (textOrRaw(at('function_call.arguments')) ?? { text: '{}', loc: null }),
      });
    const callId = str(at('tool_call_id'));
    if (callId !== undefined) m.toolCallId = callId;
    const name = str(at('name'));
    if (name !== undefined) m.name = name;
    if (!(inlineResults.length && m.parts.length === 0 && m.toolCalls.length === 0)) out.push(m);
    out.push(...inlineResults);
  }
  return out;
}

// ---- Vercel AI SDK (`experimental_telemetry`) ----------------------------------------------

/**
 * AI SDK spans: `ai.generateText` / `ai.streamText` / `ai.generateObject` (the whole call:
 * `ai.prompt` {system, prompt, messages}, `ai.response.text`), their `….doGenerate` /
 * `….doStream` LLM calls (`ai.prompt.messages` — ModelMessage JSON —, `ai.prompt.tools`,
 * `ai.response.text`, `ai.response.toolCalls`, `ai.response.object`, `ai.response.reasoning`)
 * and `ai.toolCall` (`ai.toolCall.name|id|args|input|result|output`).
 */
function isAiSdkSpan(a: Attrs): boolean {
  return (
    a.has('ai.operationId') || a.has('ai.prompt.messages') || a.has('ai.toolCall.name') || (a.has('ai.prompt') && a.has('ai.model.id'))
  );
}

function readAiSdk(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
  const op = a.str('ai.operationId') ?? a.str('operation.name') ?? '';
  rec.provider = a.str('ai.model.provider') ?? a.str('gen_ai.system') ?? null;
  rec.model = a.str('ai.response.model') ?? a.str('gen_ai.response.model') ?? a.str('ai.model.id') ?? null;
  setUsage(
    rec,
    a.num('ai.usage.inputTokens') ?? a.num('ai.usage.promptTokens') ?? a.num('gen_ai.usage.input_tokens'),
    a.num('ai.usage.outputTokens') ?? a.num('ai.usage.completionTokens') ?? a.num('gen_ai.usage.output_tokens'),
    a.num('ai.usage.totalTokens'),
  );
  const finish = a.str('ai.response.finishReason');
  if (finish) rec.finishReasons = [finish];
  if (op === 'ai.toolCall' || a.has('ai.toolCall.name')) {
    rec.kind = 'tool';
    const args = a.get('ai.toolCall.args').v !== undefined ? a.get('ai.toolCall.args') : a.get('ai.toolCall.input');
    const result = a.get('ai.toolCall.result').v !== undefined ? a.get('ai.toolCall.result') : a.get('ai.toolCall.output');
    rec.tool = {
      name: a.str('ai.toolCall.name') ?? null,
      callId: a.str('ai.toolCall.id')?.trim() ?? null,
      args: textOrRaw(args, o.light),
      result: textOrRaw(result, o.light),
      error,
    };
    return;
  }
  // The answer: text, tool calls, a generated object, reasoning.
  const m: IRMessage = { role: 'assistant', parts: [], toolCalls: [] };
  const text = textOf(a.get('ai.response.text'));
  if (text && text.text !== '') m.parts.push(text);
  const object = a.get('ai.response.object');
  if (object.v !== undefined) {
    const t = textOrRaw(object, o.light);
    if (t) m.parts.push(t);
  }
  for (const c of items(jsonish(a.get('ai.response.toolCalls')))) {
    const call = readToolCall(c, o);
    if (call) m.toolCalls.push(call);
  }
  const reasoning = textOf(a.get('ai.response.reasoning'));
  if (reasoning && reasoning.text !== '') m.reasoning = [reasoning];
  const answered = m.parts.length > 0 || m.toolCalls.length > 0;
  const hasResponse = ['ai.response.text', 'ai.response.object', 'ai.response.toolCalls'].some((k) => a.get(k).v !== undefined);
  const promptMessages = a.get('ai.prompt.messages');
  if (/\.do(Generate|Stream)$/.test(op) || promptMessages.v !== undefined) {
    rec.kind = 'llm';
    if (promptMessages.v !== undefined) {
      const request = readInput(promptMessages, o);
      rec.input = request.messages.length ? request.messages : null;
      if (!o.light && !rec.input) rec.notes.push({ message: unreadable('ai.prompt.messages', promptMessages), severity: 'error' });
    }
    if (!o.light) rec.tools = attributeToolDefinitions(a);
    rec.output = answered ? [m] : null;
    if (hasResponse && !answered) rec.metadata.unreadable_output = true;
    if (error && !answered) rec.metadata.error = error.text;
    return;
  }
  // The whole call (generateText, streamText…): its prompt is the trace's input.
  rec.kind = 'agent';
  const prompt = jsonish(a.get('ai.prompt'));
  if (prompt.v !== undefined) {
    const request = readInput(prompt, o);
    if (request.messages.length) rec.traceInput = request.messages;
  }
  rec.output = answered ? [m] : null;
}

// ---- MLflow tracing ---------------------------------------------------------------------------

/**
 * MLflow spans: `mlflow.spanType` (JSON string: "CHAT_MODEL" | "LLM" | "TOOL" | "AGENT" | "CHAIN"
 * …), `mlflow.spanInputs` / `mlflow.spanOutputs` (JSON: the request and response as the
 * autologged client saw them), `mlflow.chat.messages`, `mlflow.chat.tools`.
 */
function readMlflow(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
  const type = String(jsonish(a.get('mlflow.spanType')).v ?? '').toUpperCase();
  const inputs = jsonish(a.get('mlflow.spanInputs'));
  const outputs = jsonish(a.get('mlflow.spanOutputs'));
  if (type === 'TOOL') {
    rec.kind = 'tool';
    const args = isObj(inputs.v) && inputs.v.arguments !== undefined ? get(inputs, 'arguments') : a.get('mlflow.spanInputs');
    rec.tool = {
      name: rec.name,
      callId: null,
      args: textOrRaw(args, o.light),
      result: textOrRaw(a.get('mlflow.spanOutputs'), o.light),
      error,
    };
    return;
  }
  if (type === 'CHAT_MODEL' || type === 'LLM') {
    rec.kind = 'llm';
    const request = readInput(inputs, o);
    const chat = a.get('mlflow.chat.messages');
    // The recorded chat (input and answer) when the raw request is not readable.
    const chatMessages = request.messages.length === 0 && chat.v !== undefined ? readInput(chat, o).messages : [];
    let answer: IRMessage[] | null = outputs.v !== undefined ? response(readOutput(outputs, o)) : null;
    if (chatMessages.length && chatMessages[chatMessages.length - 1]!.role === 'assistant') {
      answer ??= [chatMessages.pop()!];
    }
    rec.input = request.messages.length ? request.messages : chatMessages.length ? chatMessages : null;
    rec.output = answer;
    if (outputs.v !== undefined && !answer) rec.metadata.unreadable_output = true;
    if (!o.light) rec.tools = mergeToolDefinitions(request.tools, findToolDefinitions([a.get('mlflow.chat.tools')]));
    if (error && !answer) rec.metadata.error = error.text;
    return;
  }
  rec.kind = type === 'AGENT' || rec.parentId === null ? 'agent' : 'other';
  const traceIn = readInput(inputs, o).messages;
  if (traceIn.length) rec.traceInput = traceIn;
}

// ---- OpenLLMetry (Traceloop SDK) workflow, agent, task and tool spans ------------------------

/** `traceloop.span.kind` (workflow | task | agent | tool) with `traceloop.entity.input|output`. */
function isTraceloopEntity(a: Attrs): boolean {
  const kind = a.str('traceloop.span.kind');
  return kind !== undefined && kind !== 'llm' && !a.has('gen_ai.input.messages') && a.count('gen_ai.prompt') === 0;
}

function readTraceloopEntity(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions): void {
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

// ---- Langfuse SDK spans (`@langfuse/tracing`, `@langfuse/otel`, `observeOpenAI`) ------------

/**
 * Langfuse's own attributes: `langfuse.observation.type` (generation | tool | agent | span |
 * chain | event…), `langfuse.observation.input` / `.output` (JSON: the request and response as
 * the app passed them), `.model.name`, `.model.parameters`, `.usage_details`, `.cost_details`,
 * `.metadata.*`, `.level` / `.status_message`; `langfuse.trace.input` on the root.
 */
function isLangfuseSpan(a: Attrs, convention: OtelConvention | null): boolean {
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

function readLangfuseAttributes(rec: SpanRecord, a: Attrs, spanErr: Text | null, o: ReadOptions): void {
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
      if (!rec.output) {
        rec.notes.push({
          message: 'has langfuse.observation.output that holds no readable message; no response is read from it',
          severity: 'error',
        });
        rec.metadata.unreadable_output = true;
      }
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

// ---- OpenInference -----------------------------------------------------------------------

function readOpenInference(rec: SpanRecord, a: Attrs, error: Text | null, o: ReadOptions, kindHint?: string): void {
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
