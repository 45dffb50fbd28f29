// The records of a file put in traces and in order: grouped by trace id, log records joined to the
// span they name, then sorted by start time.
import type { SpanRecord } from '../types';

/**
 * Groups records by trace (file order of first appearance) → records per trace. A span written
 * twice — an exporter retrying a request whose answer it did not get, a file concatenated twice —
 * is kept once: same trace, span id, start and end. (A later record of the same span with other
 * times is an update and is kept.)
 */
export function groupByTrace(spans: readonly SpanRecord[]): SpanRecord[][] {
  const groups = new Map<string, SpanRecord[]>();
  const seen = new Set<string>();
  for (const s of spans) {
    if (s.spanId && s.eventOf === undefined) {
      const identity = `${s.traceId}\u0000${s.spanId}\u0000${s.startMs}\u0000${s.endMs}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    const key = s.traceId ?? `\u0000${s.seq}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s);
  }
  return [...groups.values()];
}

/**
 * Log records (and events recorded apart) joined to the span they name: their input and output
 * messages become that span's, in time order. Records of a span that is not in the file make
 * an LLM call of their own (a logs-only export).
 */
export function attachEvents(trace: readonly SpanRecord[]): SpanRecord[] {
  if (!trace.some((s) => s.eventOf !== undefined)) return trace.slice();
  const out: SpanRecord[] = [];
  const byId = new Map<string, SpanRecord>();
  for (const s of trace)
    if (s.eventOf === undefined) {
      const copy = { ...s };
      out.push(copy);
      if (s.spanId) byId.set(s.spanId, copy);
    }
  const events = trace.filter((s) => s.eventOf !== undefined).sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0) || a.seq - b.seq);
  for (const e of events) {
    let target = byId.get(e.eventOf!);
    if (!target) {
      target = { ...e, spanId: e.eventOf!, kind: 'llm', input: null, output: null, system: null, finishReasons: null };
      delete target.eventOf;
      byId.set(e.eventOf!, target);
      out.push(target);
    }
    if (e.input?.length) target.input = [...(target.input ?? []), ...e.input];
    if (e.output?.length) {
      // One response however many records carry it (no filtering: a lazy index keeps no texts).
      const all = [...(target.output ?? []), ...e.output];
      target.output = [
        {
          role: 'assistant',
          parts: all.flatMap((m) => m.parts),
          toolCalls: all.flatMap((m) => m.toolCalls),
          ...(all.some((m) => m.reasoning?.length) ? { reasoning: all.flatMap((m) => m.reasoning ?? []) } : {}),
        },
      ];
    }
    if (e.system?.length) target.system = [...(target.system ?? []), ...e.system];
    if (e.finishReasons?.length) target.finishReasons ??= e.finishReasons;
    if (target.kind === 'other' && (e.input?.length || e.output?.length)) target.kind = 'llm';
  }
  return out;
}

/** Stable time order; a record without a start time keeps the place of the record before it. */
export function timeOrder(spans: readonly SpanRecord[]): SpanRecord[] {
  const bySeq = spans.slice().sort((a, b) => a.seq - b.seq);
  let last = -Infinity;
  const key = new Map<SpanRecord, number>();
  for (const s of bySeq) {
    if (s.startMs !== null) last = s.startMs;
    key.set(s, s.startMs ?? last);
  }
  return bySeq.sort((a, b) => key.get(a)! - key.get(b)! || a.seq - b.seq);
}
