import type { Annotation, Conversation, LabelSet, Message } from '../../../common/schema';
import type { BatchLane } from '../inference/batch/batchLane';

/** One response to judge: `message` at `messageIndex`, judged on `conversation.messages[0..messageIndex)`. */
export interface DetectionInput {
  conversation: Conversation;
  messageIndex: number;
  message: Message;
  labelSet?: LabelSet | null;
  signal?: AbortSignal;
  /** What the caller keeps beside the annotations (on the item): notes and the hidden count. */
  report?: DetectionReport;
  /** A run on the Batch API: the item's lane, which the judge's calls go through first (inference/batch/batchLane.ts). */
  batch?: BatchLane;
}

/** Beside the annotations: informational notes (said once each) and annotations hidden. */
export interface DetectionReport {
  notes: string[];
  /** annotations found but below the minimum confidence */
  hidden: number;
  /** What the LLM judge's calls used, summed over the item's responses (absent: no judge call). */
  judge?: JudgeUsage;
}

/** Tokens and cost of judge calls; a null stays null (one unknown makes the sum unknown). */
export interface JudgeUsage {
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
}

export function addJudgeUsage(report: DetectionReport | undefined, usage: JudgeUsage): void {
  if (!report) return;
  const prev = report.judge;
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  report.judge = prev
    ? {
        input_tokens: add(prev.input_tokens, usage.input_tokens),
        output_tokens: add(prev.output_tokens, usage.output_tokens),
        cost_usd: add(prev.cost_usd, usage.cost_usd),
      }
    : { ...usage };
}

/** Detector settings of the core. */
export interface DetectorConfig {
  /** Annotations below this confidence are hidden (counted in the report). 0 shows all. */
  minConfidence: number;
}

export function noteOnce(report: DetectionReport | undefined, note: string): void {
  if (report && !report.notes.includes(note)) report.notes.push(note);
}

/** `detector` with its annotations below `minConfidence` hidden (and counted in the report). */
export function withMinConfidence(detector: Detector, minConfidence: number): Detector {
  if (!(minConfidence > 0)) return detector;
  const keep = (input: DetectionInput, found: Annotation[]): Annotation[] => {
    const kept = found.filter((a) => a.confidence >= minConfidence);
    if (input.report) input.report.hidden += found.length - kept.length;
    return kept;
  };
  return {
    name: detector.name,
    detect(input) {
      const found = detector.detect(input);
      return found instanceof Promise ? found.then((f) => keep(input, f)) : keep(input, found);
    },
  };
}

export interface Detector {
  readonly name: string;
  detect(input: DetectionInput): Annotation[] | Promise<Annotation[]>;
}
