// A record of a span format (OpenTelemetry, Langfuse, LangSmith, Opik) → its span records, and
// the skeleton of a span a large file keeps while it is indexed (what grouping, ids and problems
// need; its texts are read again when a conversation is asked for).
import type { SourceAnchor } from '../../../common/schema';
import type { JsonPath } from '../json/locate';
import { isLangfuseObservation, isLangfuseTrace, readLangfuse } from './langfuse';
import { isLangSmithRun, readLangSmith } from './langsmith';
import { isObj, type LV } from './located';
import type { ReadOptions } from './normalize';
import { isOpikSpan, isOpikTrace, readOpik } from './opik';
import { readOtelSpan } from './otel/span';
import { isSpanLike } from './otel/spanShapes';
import { EMPTY_PATH, valueAtPath } from './recordTable';
import type { Family } from './sniff';
import type { IRMessage, SpanRecord } from './types';

/** `seq` of a span: its record's ordinal × SEQ_STRIDE + its order within the record. */
export const SEQ_STRIDE = 2 ** 20;

/** The ordinal of the record a span was read from. */
export function recordOfSeq(seq: number): number {
  return Math.floor(seq / SEQ_STRIDE);
}

export interface FamilyRecord {
  /** The value the anchor is at, and the record's path inside it. */
  value: unknown;
  inner: JsonPath;
  /** The value's JSON text as in the file. */
  source: string;
  anchor: SourceAnchor;
  ordinal: number;
  /** Attributes of its OTLP resource. */
  resource: Record<string, unknown> | null;
  /** The container key it was under ('otlp' for an OTLP export's span). */
  hint: string | null;
}

/**
 * A record of a span family → its span records (null: not a record of that family). `light`
 * reads no texts (a large file being indexed keeps skeletons only).
 */
export function readFamily(
  family: Family,
  r: FamilyRecord,
  convention: 'otel-genai' | 'openinference' | null,
  light: boolean,
): SpanRecord[] | null {
  return readRecord(family, r, convention, { light });
}

function readRecord(
  family: Family,
  r: FamilyRecord,
  convention: 'otel-genai' | 'openinference' | null,
  o: ReadOptions,
): SpanRecord[] | null {
  const { anchor, inner, hint } = r;
  const v = inner.length ? valueAtPath(r.value, inner) : r.value;
  const root: LV = { v, loc: { a: anchor, outer: [], path: inner.slice(), src: r.source } };
  let local = 0;
  const seq = () => r.ordinal * SEQ_STRIDE + Math.min(local++, SEQ_STRIDE - 1);
  if (!isObj(v)) return null;
  switch (family) {
    case 'otel': {
      if (!isSpanLike(v) && hint !== 'otlp') return null;
      const s = readOtelSpan(root, anchor, seq(), convention, r.resource, o);
      return s ? [s] : null;
    }
    case 'langfuse':
      return isLangfuseTrace(v) || isLangfuseObservation(v) ? readLangfuse(root, anchor, seq, o) : null;
    case 'langsmith':
      return isLangSmithRun(v) ? readLangSmith(root, anchor, seq, o) : null;
    case 'opik':
      return isOpikSpan(v) || isOpikTrace(v) || hint === 'traces' || hint === 'spans'
        ? readOpik(root, anchor, seq, hint === 'spans' ? 'span' : hint === 'traces' ? 'trace' : null, o)
        : null;
    default:
      return null;
  }
}

/** A span record without its texts: what grouping, ids and problems need (lazy files). */
export function skeleton(s: SpanRecord): SpanRecord {
  const output =
    s.output &&
    s.output.map((m) => ({
      role: m.role,
      parts: NO_TEXTS,
      toolCalls: m.toolCalls.length ? m.toolCalls.map((c) => ({ id: c.id, name: c.name, args: NO_TEXT })) : NO_CALLS,
    }));
  const meta =
    s.metadata.error !== undefined
      ? s.metadata.unreadable_output
        ? ERROR_UNREADABLE
        : ERROR_ONLY
      : s.metadata.unreadable_output
        ? UNREADABLE_ONLY
        : NO_META;
  return {
    format: s.format,
    traceId: s.traceId,
    spanId: s.spanId,
    parentId: s.parentId,
    kind: s.kind,
    name: s.name,
    startMs: s.startMs,
    endMs: null,
    seq: s.seq,
    anchor: { path: EMPTY_PATH as Array<string | number>, line: s.anchor.line, character: s.anchor.character },
    // Whether an input was recorded decides whether the call can be read (kept as a mark).
    input: s.input?.length ? RECORDED : null,
    system: s.system?.length ? NO_TEXTS : null,
    output,
    tools: null,
    model: null,
    provider: null,
    usage: null,
    finishReasons: null,
    costUsd: null,
    tool: s.tool && { name: s.tool.name, callId: s.tool.callId, args: null, result: null, error: s.tool.error ? NO_TEXT : null },
    ...(s.eventOf !== undefined ? { eventOf: s.eventOf } : {}),
    ...(s.attributesOnly ? { attributesOnly: true } : {}),
    traceInput: s.traceInput?.length ? RECORDED : null,
    isTrace: s.isTrace,
    metadata: meta,
    notes: NO_NOTES,
  };
}
const NO_TEXT = Object.freeze({ text: '', loc: null });
const NO_TEXTS = Object.freeze([]) as unknown as SpanRecord['system'] & [];
const NO_CALLS = Object.freeze([]) as unknown as IRMessage['toolCalls'];
const NO_NOTES = Object.freeze([]) as unknown as SpanRecord['notes'];
const RECORDED = Object.freeze([Object.freeze({ role: 'user', parts: NO_TEXTS, toolCalls: NO_CALLS })]) as unknown as IRMessage[];
const NO_META = Object.freeze({}) as Record<string, unknown>;
const ERROR_ONLY = Object.freeze({ error: true }) as Record<string, unknown>;
const UNREADABLE_ONLY = Object.freeze({ unreadable_output: true }) as Record<string, unknown>;
const ERROR_UNREADABLE = Object.freeze({ error: true, unreadable_output: true }) as Record<string, unknown>;
