// What the editor shows of the trace receiver, as plain data (no vscode import, so it is unit
// tested): the receiver's last status, the recent live conversations with their hallucination
// counts (newest first, bounded), and the texts of the status bar item and the Live node.
import type { LiveConversation, ParamsOf, ReceiverStatus, LiveTraceJudged } from '../common/protocol';

/** The Live node lists at most this many conversations (the live file keeps them all). */
export const MAX_LIVE_CONVERSATIONS = 50;

export interface LiveEntry extends LiveConversation {
  traceId: string;
  /** When it was judged (ms since the epoch). */
  judgedAt: number;
}

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** Where an OTLP exporter sends spans: the traces path of the receiver. */
export function tracesEndpoint(port: number): string {
  return `http://127.0.0.1:${port}/v1/traces`;
}

/** "$(radio-tower) Receiving on :4318 · 12 traces · 3 hallucinations" */
export function statusBarText(s: ReceiverStatus): string {
  return `$(radio-tower) Receiving on :${s.port} · ${plural(s.traces, 'trace')} · ${plural(s.hallucinations, 'hallucination')}`;
}

/** Tooltip lines: where to point an exporter, where spans go, what was counted, the last refusal. */
export function statusTooltip(s: ReceiverStatus, folder: string | null): string[] {
  if (!s.listening || s.port === null) return ['Trace receiver stopped'];
  return [
    `OTLP/HTTP receiver on 127.0.0.1:${s.port} — set OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${s.port}`,
    `Writing to ${folder ?? s.folder ?? '?'}`,
    `${plural(s.spans, 'span')} · ${plural(s.traces, 'trace')} judged by the local detector${s.judge ? ' and the LLM judge' : ''} · ${plural(s.hallucinations, 'hallucination')}`,
    ...(s.lastError ? [`Last refused: ${s.lastError}`] : []),
    'Click for the receiver menu',
  ];
}

/** The Live node's description. */
export function liveNodeDescription(s: ReceiverStatus | null): string {
  if (!s) return 'stopped';
  const counts = `${plural(s.traces, 'trace')} · ${plural(s.hallucinations, 'hallucination')}`;
  return s.listening ? `receiving on :${s.port} · ${counts}` : `stopped · ${counts}`;
}

/** A live conversation's row: its hallucination count and first user message. */
export function liveConversationDescription(c: LiveEntry): string {
  const what = c.status === 'completed' ? plural(c.hallucinations, 'hallucination') : c.status === 'failed' ? 'not judged' : c.status;
  const text = c.firstUserMessage.replace(/\s+/g, ' ').trim();
  return text ? `${what} · ${text.length > 80 ? `${text.slice(0, 79)}…` : text}` : what;
}

export class LiveTracesModel {
  private lastStatus: ReceiverStatus | null = null;
  private entries: LiveEntry[] = [];

  get status(): ReceiverStatus | null {
    return this.lastStatus;
  }

  get listening(): boolean {
    return this.lastStatus?.listening ?? false;
  }

  /** Newest first. */
  get conversations(): readonly LiveEntry[] {
    return this.entries;
  }

  /** Whether the Live node has anything to show (the receiver ran in this window). */
  get active(): boolean {
    return this.lastStatus !== null || this.entries.length > 0;
  }

  setStatus(status: ReceiverStatus): void {
    this.lastStatus = status;
  }

  /** A judged trace: its conversations go first; one judged again (a late span) replaces its older row. */
  addTrace(trace: ParamsOf<typeof LiveTraceJudged>, at = Date.now()): void {
    const fresh = trace.conversations.map((c) => ({ ...c, traceId: trace.traceId, judgedAt: at }));
    const ids = new Set(fresh.map((c) => c.id));
    this.entries = [...fresh, ...this.entries.filter((e) => !ids.has(e.id))].slice(0, MAX_LIVE_CONVERSATIONS);
  }
}
