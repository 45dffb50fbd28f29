// The shape every converted format is read into before conversations are assembled: spans
// (LLM calls, tool executions, the rest) with their messages as located texts.
import type { SourceAnchor, ToolDefinition, TraceFormat } from '../../../common/schema';
import type { Text } from './located';

export interface IRToolCall {
  id: string | null;
  name: string;
  args: Text;
}

export interface IRMessage {
  role: string;
  /** Text parts in order (a message with one part gets a string content). */
  parts: Text[];
  toolCalls: IRToolCall[];
  toolCallId?: string;
  name?: string;
  /** A tool result that is an error. */
  isError?: boolean;
  /** The model's recorded reasoning (thinking, reasoning summaries): context, never scored. */
  reasoning?: Text[];
}

export type SpanKind = 'llm' | 'tool' | 'agent' | 'other';

export interface Usage {
  input?: number;
  output?: number;
  total?: number;
}

export interface SpanRecord {
  format: TraceFormat;
  traceId: string | null;
  spanId: string | null;
  parentId: string | null;
  kind: SpanKind;
  name: string | null;
  startMs: number | null;
  endMs: number | null;
  /** Order of the record in the file. */
  seq: number;
  /** Where the span is (problems point here; `line` of its conversation). */
  anchor: SourceAnchor;
  /** The messages the model was given (null: not recorded). */
  input: IRMessage[] | null;
  /** System instructions recorded apart from the messages (OTel `gen_ai.system_instructions`). */
  system: Text[] | null;
  /** The model's response messages (null: not recorded). */
  output: IRMessage[] | null;
  tools: ToolDefinition[] | null;
  model: string | null;
  provider: string | null;
  usage: Usage | null;
  finishReasons: string[] | null;
  costUsd: number | null;
  tool: { name: string | null; callId: string | null; args: Text | null; result: Text | null; error: Text | null } | null;
  /** A trace's own input (Langfuse/Opik trace, root chain): the first user turn when no LLM span recorded its input. */
  traceInput: IRMessage[] | null;
  /** The record is the trace itself (not a span of it). */
  isTrace: boolean;
  metadata: Record<string, unknown>;
  /**
   * A log record (or a span event recorded apart) that carries messages of the span with this
   * id: its input and output join that span's when the trace is assembled.
   */
  eventOf?: string;
  /** Read from a bare attribute map: it has no ids or times by nature (no problem about them). */
  attributesOnly?: boolean;
  /** What could not be read in this record (reported where the record is). */
  notes: Array<{ message: string; severity: Severity }>;
}

export function emptySpan(format: TraceFormat, anchor: SourceAnchor, seq: number): SpanRecord {
  return {
    format,
    traceId: null,
    spanId: null,
    parentId: null,
    kind: 'other',
    name: null,
    startMs: null,
    endMs: null,
    seq,
    anchor,
    input: null,
    system: null,
    output: null,
    tools: null,
    model: null,
    provider: null,
    usage: null,
    finishReasons: null,
    costUsd: null,
    tool: null,
    traceInput: null,
    isTrace: false,
    metadata: {},
    notes: [],
  };
}

export type Severity = 'error' | 'warning' | 'info';

/** Where a problem is: a file value (its line and column), or just a line. */
export interface ProblemSink {
  (at: { line: number; character?: number }, message: string, severity: Severity): void;
}

/** Time in ms since the epoch from ISO strings, epoch ns/µs/ms/s numbers or numeric strings. */
export function timeMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return epochToMs(v);
  // OTel JS HrTime: [seconds, nanoseconds].
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' && v[0] > 0)
    return v[0] * 1000 + v[1] / 1e6;
  if (typeof v === 'string' && v !== '') {
    // The common shapes first: ISO 8601 with a zone, or without one (UTC).
    if (ISO_ZONED.test(v)) {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    } else if (ISO_LOCAL.test(v)) {
      const t = Date.parse(`${v}Z`);
      if (Number.isFinite(t)) return t;
    }
    if (v.trim() === '') return null;
    if (/^\d+(\.\d+)?$/.test(v.trim())) return epochToMs(Number(v));
    // "2025-01-02 10:00:00.123456" (Python str) and ISO with more than ms precision.
    let s = v.trim().replace(' ', 'T');
    s = s.replace(/(\.\d{3})\d+/, '$1');
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
    const t = Date.parse(s);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

const ISO_ZONED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$/;
const ISO_LOCAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?$/;

function epochToMs(n: number): number | null {
  if (n <= 0) return null;
  if (n > 1e17) return n / 1e6; // ns
  if (n > 1e14) return n / 1e3; // µs
  if (n > 1e11) return n; // ms
  return n * 1000; // s
}
