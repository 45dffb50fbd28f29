// One OpenTelemetry span record → SpanRecord: its ids, times, resource and error status, then its
// content read by the convention its attributes follow (AI SDK, MLflow, Langfuse, OpenLLMetry
// entities, OpenInference, GenAI semantic conventions) — OTLP JSON spans, flat span objects
// (the SDK's console exporter, Phoenix exports), OTel JS ReadableSpan dumps (`spanContext`, HrTime
// times), bare attribute maps and OTLP log records.
import type { SourceAnchor, TraceFormat } from '../../../../common/schema';
import { get, getAny, isObj, items, type LV, type Text, textOf } from '../located';
import { FULL, type ReadOptions } from '../normalize';
import { emptySpan, type SpanRecord, timeMs } from '../types';
import { isAiSdkSpan, readAiSdk } from './aiSdk';
import { Attrs } from './attributes';
import { readGenAI } from './genai';
import { readLogRecord } from './genaiEvents';
import { isLangfuseSpan, readLangfuseAttributes } from './langfuseAttributes';
import { readMlflow } from './mlflow';
import { readOpenInference } from './openInference';
import { idString, typeName } from './readHelpers';
import { isAttributeMap, isFlattenedSpan, isLogRecord, type OtelConvention, prefixedAttributes, spanConvention } from './spanShapes';
import { isTraceloopEntity, readTraceloopEntity } from './traceloop';

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
export function resourceMap(x: LV): Record<string, unknown> | null {
  const a = getAny(x, 'attributes', '_attributes');
  return isObj(a.v) ? a.v : null;
}

export function spanError(span: LV, events: LV): Text | null {
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
