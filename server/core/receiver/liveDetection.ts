// Live detection of one completed trace: the lines of the live file(s) that hold its spans read
// alone and indexed (not the whole day's file again for every trace), and each conversation of
// that trace judged exactly as a pass-through experiment item is (the item pipeline with the given
// detectors), as `check` does for whole files. Traces are judged one after another, in the order
// they completed, so a burst of traces does not index the live file many times at once.
import * as fs from 'node:fs';
import type { Annotation, Conversation, ExperimentItem } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { judgeTraced } from '../experiments/judgeTraced';
import { contentSummary } from '../formats/summaries';
import { TraceIndex } from '../traceIndex';
import type { WrittenLine } from './liveTraceFile';
import type { IndexedTrace } from './liveTraceIndex';
import type { CompletedTrace } from './traceCompletion';

export interface LiveConversationResult {
  id: string;
  file: string;
  /** 0-based line of the conversation in the live file. */
  line: number;
  status: ExperimentItem['status'];
  failureReason: string | null;
  annotations: Annotation[];
  /** The item as judged (what markers of the live file are placed from). */
  item: ExperimentItem;
  model: string | null;
  firstUserMessage: string;
}

export interface LiveTraceResult {
  trace: CompletedTrace;
  conversations: LiveConversationResult[];
  hallucinations: number;
}

/** One trace: see detectTraces. */
export async function detectTrace(
  trace: CompletedTrace,
  detectors: readonly Detector[],
  signal: AbortSignal,
  warn: (m: string) => void = () => {},
): Promise<LiveTraceResult> {
  return (await detectTraces([trace], detectors, signal, warn))[0]!;
}

/**
 * Traces completed together (exporters batch many traces in one request): each line of the live
 * files they share is read and indexed once for all of them, then their conversations are judged.
 * Results come in the order of `traces`.
 */
export async function detectTraces(
  traces: readonly CompletedTrace[],
  detectors: readonly Detector[],
  signal: AbortSignal,
  warn: (m: string) => void = () => {},
): Promise<LiveTraceResult[]> {
  const byTrace = new Map(traces.map((trace) => [trace.traceId, [] as LiveConversationResult[]]));
  for (const file of new Set(traces.flatMap((t) => t.files))) {
    const lines = new Map<number, WrittenLine>();
    for (const t of traces) for (const l of t.lines) if (l.file === file) lines.set(l.offset, l);
    const index = new TraceIndex((f) => f);
    const ordered = [...lines.values()].sort((a, b) => a.offset - b.offset);
    index.update(file, await readLines(file, ordered));
    for (let position = 0; position < index.count(file); position++) {
      const id = index.idAt(file, position);
      const conversation = id === undefined ? undefined : index.get(id);
      const traceId = conversation?.metadata?.trace_id;
      const results = typeof traceId === 'string' ? byTrace.get(traceId) : undefined;
      if (!conversation || !results) continue;
      // The text indexed is the trace's lines alone, one written line each: its line k is ordered[k].
      results.push(await judgeConversation(conversation, file, ordered[conversation.line]?.line ?? 0, detectors, signal, warn));
    }
  }
  return traces.map((trace) => traceResult(trace, byTrace.get(trace.traceId)!));
}

/**
 * Traces indexed already (the language server's appendable index of the live files, whose
 * conversations name the file's own lines): their conversations judged, in the order given.
 */
export async function judgeIndexed(
  traces: readonly IndexedTrace[],
  detectors: readonly Detector[],
  signal: AbortSignal,
  warn: (m: string) => void = () => {},
): Promise<LiveTraceResult[]> {
  const out: LiveTraceResult[] = [];
  for (const { trace, conversations } of traces) {
    const results: LiveConversationResult[] = [];
    for (const c of conversations) results.push(await judgeConversation(c, c.file, c.line, detectors, signal, warn));
    out.push(traceResult(trace, results));
  }
  return out;
}

async function judgeConversation(
  conversation: Conversation,
  file: string,
  line: number,
  detectors: readonly Detector[],
  signal: AbortSignal,
  warn: (m: string) => void,
): Promise<LiveConversationResult> {
  const last = await judgeTraced(conversation, detectors, signal, warn);
  const summary = contentSummary(conversation);
  return {
    id: conversation.id,
    file,
    line,
    item: last,
    model: summary.model,
    firstUserMessage: summary.firstUserMessage,
    status: last.status,
    failureReason: last.failure_reason ?? null,
    annotations: last.annotations,
  };
}

function traceResult(trace: CompletedTrace, conversations: LiveConversationResult[]): LiveTraceResult {
  return { trace, conversations, hallucinations: conversations.reduce((n, c) => n + c.annotations.length, 0) };
}

/** The given lines of a file, joined: a JSONL text holding every span of the trace. */
async function readLines(file: string, lines: readonly WrittenLine[]): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const parts: Buffer[] = [];
    for (const line of lines) {
      const buf = Buffer.alloc(line.bytes);
      const { bytesRead } = await handle.read(buf, 0, line.bytes, line.offset);
      parts.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Traces judged in one batch at most: indexing and judging a batch runs without a pause for the
 * receiver's requests (its awaits settle at once), so a backlog is cut in slices between which
 * the event loop answers the exporters.
 */
export const MAX_DETECTION_BATCH = 100;

/**
 * Runs detections one batch at a time: the traces that completed while a batch was being judged
 * form the next batch (up to MAX_DETECTION_BATCH), so a burst is indexed a few times, not once per
 * trace. `idle()` resolves when everything queued has been judged.
 */
export class DetectionQueue {
  private waiting: CompletedTrace[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly run: (traces: CompletedTrace[]) => Promise<void>) {}

  push(trace: CompletedTrace): void {
    this.waiting.push(trace);
    this.running ??= this.drain();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the traces of the same request (emitted synchronously one after another) join the batch.
    await Promise.resolve();
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_DETECTION_BATCH);
      await this.run(batch).catch(() => undefined);
      // A turn of the event loop: requests that arrived meanwhile are answered before the next batch.
      if (this.waiting.length) await new Promise((resolve) => setImmediate(resolve));
    }
    this.running = null;
  }
}
