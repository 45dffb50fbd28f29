// Which shape a JSON record has and which convention it follows: an OTLP or flat span, a
// ReadableSpan dump, a Phoenix dataframe row (`attributes.*` columns), a bare attribute map, an
// OTLP log record; the GenAI semantic conventions or OpenInference.
import { get, isObj, type Loc, lv, type LV, withChildLocations } from '../located';
import { Attrs } from './attributes';

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
export const ATTRIBUTE_MARKERS = [
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
export function prefixedAttributes(span: LV): LV {
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
