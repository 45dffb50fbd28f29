// OTLP protobuf trace files (`.pb`, `.binpb`: an `ExportTraceServiceRequest` or
// `ExportLogsServiceRequest` as exporters send it; concatenated bodies merge into one, as protobuf
// does). They are decoded with the receiver's codec (protobufjs and the OTLP definitions) into the
// OTLP/JSON the readers read. Markers cannot sit on the characters of a binary file: its
// conversations are read and judged, and shown in the report.
import * as fs from 'node:fs';
import { decodeProtobufRequest } from '../receiver/otlpCodec';
import { checkUtf8, type InvalidUtf8 } from './utf8Check';

export function isProtobufTraceFile(file: string): boolean {
  return /\.(pb|binpb|protobuf)$/i.test(file);
}

/** The request as OTLP/JSON text; throws with a message naming what the bytes are not. */
export function otlpProtobufAsJson(bytes: Uint8Array): string {
  let traces: unknown;
  try {
    traces = decodeProtobufRequest('traces', bytes);
  } catch (e) {
    throw new Error(`not an OTLP protobuf export request: ${(e as Error).message}`, { cause: e });
  }
  if (hasArray(traces, 'resourceSpans')) return JSON.stringify(traces);
  try {
    const logs = decodeProtobufRequest('logs', bytes);
    if (hasArray(logs, 'resourceLogs')) return JSON.stringify(logs);
  } catch {
    // not logs either: said below
  }
  throw new Error('not an OTLP protobuf export request: it holds no resource spans or log records');
}

/**
 * A trace file's text as the readers take it: UTF-8 (with where its bytes are not valid UTF-8,
 * which decoding turns into U+FFFD), or a protobuf file decoded to OTLP/JSON.
 */
export function traceFileText(file: string): { text: string; invalidUtf8: InvalidUtf8 | null } {
  const bytes = fs.readFileSync(file);
  if (isProtobufTraceFile(file)) return { text: otlpProtobufAsJson(bytes), invalidUtf8: null };
  return { text: bytes.toString('utf8'), invalidUtf8: checkUtf8(bytes) };
}

function hasArray(value: unknown, key: string): boolean {
  const v = (value as Record<string, unknown> | null)?.[key];
  return Array.isArray(v) && v.length > 0;
}
