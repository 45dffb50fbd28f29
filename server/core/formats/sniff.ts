// Format sniffing: which values of a trace file are records, and which format family a record
// is. A JSON document's plan (which of its values are records) is chosen from its first bytes;
// a parsed value may itself hold records (an OTLP export, `{"data": [...]}`); a record tells its
// family by its fields.
import type { TraceFormat } from '../../../common/schema';
import type { JsonPath } from '../json/locate';
import { isObj } from './located';
import { isLangfuseObservation, isLangfuseTrace } from './langfuse';
import { isLangSmithRun } from './langsmith';
import { isOpikSpan, isOpikTrace } from './opik';
import { unwrapAnyValue } from './otel/attributes';
import { isSpanLike } from './otel/spanShapes';
import { EMPTY_PATH } from './recordTable';
import { JsonSplitter, type Plan } from './splitter';

export type Family = 'openai' | 'otel' | 'langfuse' | 'langsmith' | 'opik';
export type FormatChoice = TraceFormat | 'auto';

/** Keys of a root object whose arrays hold the records (`{"data": [...]}`, Opik `{traces, spans}`). */
export const CONTAINER_KEYS = new Set(['traces', 'spans', 'runs', 'data', 'items', 'records', 'conversations', 'results', 'observations']);
export const OTLP_ROOT = new Set(['resourceSpans', 'resource_spans', 'resourceLogs', 'resource_logs']);
const OTLP_SCOPE = new Set(['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'scopeLogs', 'scope_logs']);
/** Where an OTLP scope keeps its records: spans, or log records (GenAI events). */
const OTLP_RECORDS = new Set(['spans', 'logRecords', 'log_records']);

export const FAMILY_NAMES: Record<Family, string> = {
  openai: 'OpenAI chat',
  otel: 'OpenTelemetry span',
  langfuse: 'Langfuse',
  langsmith: 'LangSmith run',
  opik: 'Opik',
};

export function familyOf(format: TraceFormat): Family {
  return format === 'otel-genai' || format === 'openinference' ? 'otel' : format;
}

/** The record's format family (null: cannot tell from this record). */
export function classify(v: unknown, hint: string | null): Family | null {
  if (!isObj(v)) return null;
  if (hint === 'otlp') return 'otel';
  if (
    Array.isArray(v.messages) ||
    (v.messages !== undefined && Object.keys(v).every((k) => ['id', 'messages', 'tools', 'model', 'usage', 'metadata'].includes(k)))
  )
    return 'openai';
  if (isLangSmithRun(v)) return 'langsmith';
  if (isLangfuseTrace(v) || isLangfuseObservation(v)) return 'langfuse';
  if (isOpikSpan(v) || isOpikTrace(v)) return 'opik';
  if (isSpanLike(v)) return 'otel';
  if (
    (hint === 'traces' || hint === 'spans') &&
    v.id !== undefined &&
    (v.input !== undefined || v.output !== undefined) &&
    v.start_time !== undefined
  )
    return 'opik';
  return null;
}

/** Whether a value may be a container of records (OTLP export, {data: [...]}, …). */
export function mayHoldRecords(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const k of OTLP_ROOT) if (k in v) return true;
  for (const k of CONTAINER_KEYS) if (k in v) return true;
  return false;
}

/** A record found inside a parsed value: at `inner` in it, with its context and container hint. */
export interface InnerRecord {
  value: unknown;
  inner: JsonPath;
  ctx: number;
  hint: string | null;
}

/**
 * The records inside one parsed value: OTLP spans, elements of container arrays, or itself.
 * OTLP resources become contexts (numbers from `contexts`).
 */
export function innerRecords(value: unknown, contexts: ResourceContextTable): InnerRecord[] {
  if (!isObj(value)) return [{ value, inner: EMPTY_PATH, ctx: 0, hint: null }];
  // OTLP: spans and log records (a collector's file exporter may write both in one document).
  const out: InnerRecord[] = [];
  for (const rsKey of Object.keys(value).filter((k) => OTLP_ROOT.has(k) && Array.isArray(value[k])))
    (value[rsKey] as unknown[]).forEach((rs, i) => {
      if (!isObj(rs)) return;
      const ctx = rs.resource !== undefined ? contexts.add(rs.resource) : 0;
      for (const ssKey of Object.keys(rs).filter((k) => OTLP_SCOPE.has(k))) {
        const scopes = rs[ssKey];
        if (!Array.isArray(scopes)) continue;
        scopes.forEach((ss, j) => {
          if (!isObj(ss)) return;
          for (const recKey of Object.keys(ss).filter((k) => OTLP_RECORDS.has(k) && Array.isArray(ss[k])))
            (ss[recKey] as unknown[]).forEach((span, k) =>
              out.push({ value: span, inner: [rsKey, i, ssKey, j, recKey, k], ctx, hint: 'otlp' }),
            );
        });
      }
    });
  if (out.length || Object.keys(value).some((k) => OTLP_ROOT.has(k))) return out;
  // MLflow trace JSON: {info, data: {spans: [...]}}.
  if (isObj(value.data) && Array.isArray(value.data.spans) && isObj(value.info))
    return (value.data.spans as unknown[]).map((el, i) => ({ value: el, inner: ['data', 'spans', i] as JsonPath, ctx: 0, hint: 'spans' }));
  if (classify(value, null) === null) {
    const containers = Object.keys(value).filter((k) => CONTAINER_KEYS.has(k) && Array.isArray(value[k]));
    if (containers.length && !(isObj(value.trace) && containers.includes('observations')))
      return containers.flatMap((k) => (value[k] as unknown[]).map((el, i) => ({ value: el, inner: [k, i] as JsonPath, ctx: 0, hint: k })));
  }
  return [{ value, inner: EMPTY_PATH, ctx: 0, hint: null }];
}

/** Where the resources of a file's spans are kept: a number for each resource's attributes. */
export interface ResourceContextTable {
  add(resource: unknown): number;
}

/** Plain attributes of an OTLP resource (the context of the spans under it). */
export function resourceAttributes(resource: unknown): Record<string, unknown> | null {
  if (!isObj(resource)) return null;
  const attrs = resource.attributes;
  const out: Record<string, unknown> = {};
  if (Array.isArray(attrs)) {
    for (const kv of attrs) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = unwrapAnyValue({ v: kv.value, loc: null }).v;
  } else if (isObj(attrs)) Object.assign(out, attrs);
  return out;
}

/** The plan for a JSON document, from its first bytes: which values are records. */
export function planFor(head: Uint8Array): Plan {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  const top = head[i];
  if (top === 0x5b) {
    // [record, record, …]
    return (path, kind) => (path.length === 0 && kind === 'array' ? 'descend' : 'record');
  }
  if (top !== 0x7b) return () => 'record';
  // An object: records are under container keys when it has some (seen in the first bytes).
  const keys = new Map<string, string>();
  const probe = new JsonSplitter(
    (path, kind) => {
      if (path.length === 0) return 'descend';
      if (path.length === 1) keys.set(String(path[0]), kind);
      return 'skip';
    },
    { value: () => {}, problem: () => {} },
  );
  probe.push(head);
  const otlp = [...keys].some(([k, kind]) => OTLP_ROOT.has(k) && kind === 'array');
  const containers = [...keys].filter(([k, kind]) => CONTAINER_KEYS.has(k) && kind === 'array').map(([k]) => k);
  // {trace: {...}, observations: [...]} is one Langfuse trace: a single record.
  if (keys.has('trace') && containers.includes('observations')) containers.splice(containers.indexOf('observations'), 1);
  if (!otlp && containers.length === 0) return () => 'record';
  // Container keys further down (Opik lists all traces, then all spans) count as well.
  const single = keys.has('trace') ? new Set(['observations']) : new Set<string>();
  return (path, kind) => {
    const d = path.length;
    if (d === 0) return 'descend';
    const k0 = String(path[0]);
    if (OTLP_ROOT.has(k0)) {
      if (d === 1) return kind === 'array' ? 'descend' : 'skip';
      if (d === 2) return kind === 'object' ? 'descend' : 'skip';
      if (d === 3) return path[2] === 'resource' ? 'context' : OTLP_SCOPE.has(String(path[2])) && kind === 'array' ? 'descend' : 'skip';
      if (d === 4) return kind === 'object' ? 'descend' : 'skip';
      if (d === 5) return OTLP_RECORDS.has(String(path[4])) && kind === 'array' ? 'descend' : 'skip';
      return 'record';
    }
    if (CONTAINER_KEYS.has(k0) && !single.has(k0)) {
      if (d === 1) return kind === 'array' ? 'descend' : 'skip';
      return 'record';
    }
    return d === 1 ? 'skip' : 'record';
  };
}

/** Whether a chunk holds anything but whitespace (and a byte order mark). */
export function hasNonWhitespace(c: Uint8Array): boolean {
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return true;
  }
  return false;
}
