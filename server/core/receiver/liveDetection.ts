// Live detection of one completed trace: the lines of the live file(s) that hold its spans read
// alone and indexed (not the whole day's file again for every trace), and each conversation of
// that trace judged exactly as a pass-through experiment item is (the item pipeline with the given
// detectors), as `check` does for whole files. Traces are judged one after another, in the order
// they completed, so a burst of traces does not index the live file many times at once.
import * as fs from 'node:fs';
import { experimentConfigSchema, type Annotation, type ExperimentItem } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { pendingItem } from '../experiments/experimentItems';
import { runItem } from '../experiments/itemPipeline';
import { passThroughSource } from '../experiments/responses';
import { TraceIndex } from '../traceIndex';
import type { WrittenLine } from './liveTraceFile';
import type { CompletedTrace } from './traceCompletion';

export interface LiveConversationResult {
  id: string;
  file: string;
  status: ExperimentItem['status'];
  failureReason: string | null;
  annotations: Annotation[];
}

export interface LiveTraceResult {
  trace: CompletedTrace;
  conversations: LiveConversationResult[];
  hallucinations: number;
}

const PASS_THROUGH = experimentConfigSchema.parse({ name: 'live', model: 'traced', pass_through: true, conversation_ids: ['live'] });

export async function detectTrace(
  trace: CompletedTrace,
  detectors: readonly Detector[],
  signal: AbortSignal,
  warn: (m: string) => void = () => {},
): Promise<LiveTraceResult> {
  const conversations: LiveConversationResult[] = [];
  for (const file of trace.files) {
    const index = new TraceIndex((f) => f);
    index.update(
      file,
      await readLines(
        file,
        trace.lines.filter((l) => l.file === file),
      ),
    );
    for (let position = 0; position < index.count(file); position++) {
      const id = index.idAt(file, position);
      const conversation = id === undefined ? undefined : index.get(id);
      if (!conversation || conversation.metadata?.trace_id !== trace.traceId) continue;
      let last: ExperimentItem = pendingItem('live', conversation.id, 'traced', 0);
      await runItem({
        experimentId: 'live',
        config: PASS_THROUGH,
        item: last,
        conversation,
        source: passThroughSource,
        modelConfig: { model: 'traced' },
        detectors,
        signal,
        update: (item) => (last = item),
        warn,
      });
      conversations.push({
        id: conversation.id,
        file,
        status: last.status,
        failureReason: last.failure_reason ?? null,
        annotations: last.annotations,
      });
    }
  }
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

/** Runs detections one at a time; `idle()` resolves when every queued one has finished. */
export class DetectionQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly run: (trace: CompletedTrace) => Promise<void>) {}

  push(trace: CompletedTrace): void {
    this.tail = this.tail.then(() => this.run(trace)).catch(() => undefined);
  }

  idle(): Promise<void> {
    return this.tail;
  }
}
