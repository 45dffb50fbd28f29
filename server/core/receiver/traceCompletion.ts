// When is a trace complete? When its root span (no parent) has arrived — exporters send only
// ended spans — or when no span of it arrived for `idleMs` (a root that is never exported, a
// trace that goes on in another process). Pure: the caller gives the time and asks what is due.
// A span arriving after its trace was reported starts the trace again, reported once more when
// idle, so a late child is still detected.

import type { WrittenLine } from './liveTraceFile';

export interface CompletedTrace {
  traceId: string;
  /** The files its spans were written to (more than one across a day or size rotation). */
  files: string[];
  /** The lines holding its spans, in the order written. */
  lines: WrittenLine[];
  spans: number;
  reason: 'root-ended' | 'idle' | 'shutdown';
}

interface Pending {
  lines: WrittenLine[];
  spans: number;
  lastSeen: number;
  rootEnded: boolean;
}

export class TraceCompletion {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly options: { idleMs: number; maxPending?: number }) {}

  /** Records the spans of one accepted request, written as `line`; returns the traces it completed. */
  observe(spans: readonly { traceId: string; parentSpanId: string | null }[], line: WrittenLine, now: number): CompletedTrace[] {
    for (const span of spans) {
      let p = this.pending.get(span.traceId);
      if (p) this.pending.delete(span.traceId); // re-inserted below: the map stays in least-recently-seen order
      p ??= { lines: [], spans: 0, lastSeen: now, rootEnded: false };
      this.pending.set(span.traceId, p);
      if (p.lines.at(-1) !== line) p.lines.push(line);
      p.spans++;
      p.lastSeen = now;
      if (span.parentSpanId === null) p.rootEnded = true;
    }
    const done: CompletedTrace[] = [];
    // Decided after the whole batch: the root's children in the same request belong to it.
    for (const traceId of new Set(spans.map((s) => s.traceId))) {
      const p = this.pending.get(traceId);
      if (p?.rootEnded) done.push(this.take(traceId, p, 'root-ended'));
    }
    done.push(...this.evictPastCap());
    return done;
  }

  /** Bounded memory: past the cap, the least recently seen traces are reported as idle. */
  private evictPastCap(): CompletedTrace[] {
    const done: CompletedTrace[] = [];
    const max = this.options.maxPending ?? 10_000;
    for (const [traceId, p] of this.pending) {
      if (this.pending.size <= max) break;
      done.push(this.take(traceId, p, 'idle'));
    }
    return done;
  }

  /**
   * Records log records of the given traces, written as `line`. They never complete a trace (no
   * root among them), and a trace already reported starts again, to be judged with them when idle.
   */
  observeLogs(traceIds: readonly string[], line: WrittenLine, now: number): CompletedTrace[] {
    for (const traceId of traceIds) {
      let p = this.pending.get(traceId);
      if (p) this.pending.delete(traceId);
      p ??= { lines: [], spans: 0, lastSeen: now, rootEnded: false };
      this.pending.set(traceId, p);
      if (p.lines.at(-1) !== line) p.lines.push(line);
      p.lastSeen = now;
    }
    return this.evictPastCap();
  }

  /** The traces idle for `idleMs` at `now`. */
  expire(now: number): CompletedTrace[] {
    const done: CompletedTrace[] = [];
    for (const [traceId, p] of this.pending) if (now - p.lastSeen >= this.options.idleMs) done.push(this.take(traceId, p, 'idle'));
    return done;
  }

  /** Every trace still pending (the receiver stops). */
  flush(): CompletedTrace[] {
    return [...this.pending].map(([traceId, p]) => this.take(traceId, p, 'shutdown'));
  }

  /** When the next trace becomes idle, or null when none is pending. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const p of this.pending.values())
      next = next === null ? p.lastSeen + this.options.idleMs : Math.min(next, p.lastSeen + this.options.idleMs);
    return next;
  }

  get size(): number {
    return this.pending.size;
  }

  private take(traceId: string, p: Pending, reason: CompletedTrace['reason']): CompletedTrace {
    this.pending.delete(traceId);
    return { traceId, files: [...new Set(p.lines.map((l) => l.file))], lines: p.lines, spans: p.spans, reason };
  }
}
