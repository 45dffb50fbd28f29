// What the receiver accepts from an export request already in OTLP/JSON shape (sent as JSON, or
// decoded from protobuf). The envelope must be OTLP — else the body is malformed (400); within it
// a span or log record whose ids are not valid is rejected alone, and reported as a partial success.
import { z } from 'zod';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/i;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/i;
const ALL_ZERO = /^0+$/;

// A span or log record is checked to be an object, not copied key by key (z.record would copy
// every attribute of every span: the receiver's largest cost per request after the JSON itself).
const record = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'expected an object',
});
const envelope = {
  traces: z
    .object({
      resourceSpans: z.array(z.looseObject({ scopeSpans: z.array(z.looseObject({ spans: z.array(record).optional() })).optional() })),
    })
    .strict(),
  logs: z
    .object({
      resourceLogs: z.array(z.looseObject({ scopeLogs: z.array(z.looseObject({ logRecords: z.array(record).optional() })).optional() })),
    })
    .strict(),
};

export type TraceRequest = z.infer<typeof envelope.traces>;
export type LogsRequest = z.infer<typeof envelope.logs>;

/** The ids of one accepted span: what the completion tracking needs. */
export interface SpanIds {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
}

export interface Accepted<R> {
  /** The request with the rejected records left out; null when nothing was accepted. */
  request: R | null;
  accepted: number;
  rejected: number;
  errorMessage: string;
}

export class MalformedRequest extends Error {}

function validId(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value) && !ALL_ZERO.test(value);
}

function envelopeError(error: z.ZodError): MalformedRequest {
  const issue = error.issues[0];
  return new MalformedRequest(
    issue ? `not an OTLP export request: ${issue.path.join('.') || 'body'}: ${issue.message}` : 'not an OTLP export request',
  );
}

/** Keeps the spans with valid ids (lowercased), and lists their ids. */
export function acceptTraces(body: unknown, spans: SpanIds[] = []): Accepted<TraceRequest> {
  const parsed = envelope.traces.safeParse(body);
  if (!parsed.success) throw envelopeError(parsed.error);
  let accepted = 0;
  let rejected = 0;
  const resourceSpans = [];
  for (const rs of parsed.data.resourceSpans) {
    const scopeSpans = [];
    for (const ss of rs.scopeSpans ?? []) {
      const kept = [];
      for (const span of ss.spans ?? []) {
        const { traceId, spanId, parentSpanId } = span;
        const parentOk = parentSpanId === undefined || parentSpanId === '' || validId(parentSpanId, HEX_SPAN_ID);
        if (!validId(traceId, HEX_TRACE_ID) || !validId(spanId, HEX_SPAN_ID) || !parentOk) {
          rejected++;
          continue;
        }
        const parent = typeof parentSpanId === 'string' && parentSpanId !== '' ? parentSpanId.toLowerCase() : null;
        const ids = { traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase(), parentSpanId: parent };
        const { parentSpanId: _drop, ...rest } = span;
        kept.push({ ...rest, traceId: ids.traceId, spanId: ids.spanId, ...(parent ? { parentSpanId: parent } : {}) });
        spans.push(ids);
        accepted++;
      }
      if (kept.length) scopeSpans.push({ ...ss, spans: kept });
    }
    if (scopeSpans.length) resourceSpans.push({ ...rs, scopeSpans });
  }
  return {
    request: accepted ? { resourceSpans } : null,
    accepted,
    rejected,
    errorMessage: rejected ? `${rejected} span(s) rejected: traceId must be 32 and spanId 16 hex digits, not all zero` : '',
  };
}

/** Keeps the log records whose ids, when present, are valid. */
export function acceptLogs(body: unknown): Accepted<LogsRequest> & { traceIds: string[] } {
  const parsed = envelope.logs.safeParse(body);
  if (!parsed.success) throw envelopeError(parsed.error);
  let accepted = 0;
  let rejected = 0;
  const resourceLogs = [];
  for (const rl of parsed.data.resourceLogs) {
    const scopeLogs = [];
    for (const sl of rl.scopeLogs ?? []) {
      const kept =
        sl.logRecords?.filter((r) => {
          const ok =
            (r.traceId === undefined || r.traceId === '' || validId(r.traceId, HEX_TRACE_ID)) &&
            (r.spanId === undefined || r.spanId === '' || validId(r.spanId, HEX_SPAN_ID));
          if (ok) accepted++;
          else rejected++;
          return ok;
        }) ?? [];
      if (kept.length) scopeLogs.push({ ...sl, logRecords: kept });
    }
    if (scopeLogs.length) resourceLogs.push({ ...rl, scopeLogs });
  }
  const traceIds = new Set<string>();
  for (const rl of resourceLogs)
    for (const sl of rl.scopeLogs)
      for (const r of sl.logRecords) if (validId(r.traceId, HEX_TRACE_ID)) traceIds.add(r.traceId.toLowerCase());
  return {
    request: accepted ? { resourceLogs } : null,
    traceIds: [...traceIds],
    accepted,
    rejected,
    errorMessage: rejected ? `${rejected} log record(s) rejected: traceId must be 32 and spanId 16 hex digits` : '',
  };
}
