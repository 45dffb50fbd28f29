// OTLP protobuf <-> OTLP/JSON, with protobufjs and the opentelemetry-proto definitions
// (otlpDescriptor.ts, generated from the .proto files in proto/). Decoded messages are turned
// into the OTLP/JSON shape the collector's file exporter writes: lowerCamelCase fields, 64-bit
// integers as decimal strings, enums as numbers, trace and span ids in hex, other bytes in base64.
import protobuf from 'protobufjs';
import { otlpDescriptor } from './otlpDescriptor';

const root = protobuf.Root.fromJSON(otlpDescriptor as unknown as protobuf.INamespace);
const types = {
  traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
  traceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  logsRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  logsResponse: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
};

// google.rpc.Status, the body of an OTLP error response; its three fields are all the receiver
// needs of the googleapis definitions, so it is declared here with protobufjs' reflection.
const statusType = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(statusType);

export type Signal = 'traces' | 'logs';

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false, json: true };
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Decodes a protobuf export request to OTLP/JSON; throws on bytes that are not one. */
export function decodeProtobufRequest(signal: Signal, body: Uint8Array): unknown {
  const type = signal === 'traces' ? types.traceRequest : types.logsRequest;
  const message = type.decode(body);
  return idsToHex(type.toObject(message, TO_OBJECT));
}

/** protobufjs writes every bytes field in base64; OTLP/JSON writes the ids in hex. */
function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (ID_FIELDS.has(key) && typeof v === 'string') {
      const hex = Buffer.from(v, 'base64').toString('hex');
      if (hex) out[key] = hex; // an empty id (a root span's parent) is left out, as the collector does
    } else out[key] = idsToHex(v);
  }
  return out;
}

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** The export response body in the request's encoding (partialSuccess only when something was rejected). */
export function encodeResponse(signal: Signal, encoding: 'json' | 'protobuf', partial: PartialSuccess | null): Buffer {
  const countField = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  const body = partial ? { partialSuccess: { [countField]: String(partial.rejected), errorMessage: partial.errorMessage } } : {};
  if (encoding === 'json') return Buffer.from(JSON.stringify(body));
  const type = signal === 'traces' ? types.traceResponse : types.logsResponse;
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}

/** A google.rpc.Status error body in the request's encoding. */
export function encodeStatus(encoding: 'json' | 'protobuf', code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(statusType.encode(statusType.fromObject({ code, message })).finish());
}

/** For tests and the bench: an OTLP/JSON request encoded as protobuf (ids hex -> bytes). */
export function encodeProtobufRequest(signal: Signal, request: unknown): Buffer {
  const type = signal === 'traces' ? types.traceRequest : types.logsRequest;
  const withBase64Ids = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withBase64Ids);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value))
      out[key] = ID_FIELDS.has(key) && typeof v === 'string' ? Buffer.from(v, 'hex').toString('base64') : withBase64Ids(v);
    return out;
  };
  return Buffer.from(type.encode(type.fromObject(withBase64Ids(request) as Record<string, unknown>)).finish());
}
