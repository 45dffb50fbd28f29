// One item, in small steps: respond → bound → detect → merge → cap → persist. Each step is a
// function of its inputs; `runItem` strings them together and decides what is stored when a step
// fails or the run is cancelled (the store always holds a state a resume can go on from).
import type { Annotation, Conversation, ExperimentConfig, ExperimentItem, ModelConfig } from '../../../common/schema';
import type { DetectionReport, Detector } from '../detectors/detector';
import { applySystemPromptOverride, normalizeUsage } from '../inference/contract';
import { mergeAnnotationLists } from './annotationMerge';
import { boundedContext, boundedForDetection, capAnnotations } from './detectionLimits';
import { redactSecret } from '../inference/redact';
import type { ResponseSource } from './responses';
import { type BatchLane, BatchDeferred } from '../inference/batch/batchLane';

export interface ItemRun {
  experimentId: string;
  config: ExperimentConfig;
  /** The item as the run found it: pending, or inference_completed (its responses kept). */
  item: ExperimentItem;
  /** The conversation as it was when the experiment started (undefined: missing from the snapshot). */
  conversation: Conversation | undefined;
  source: ResponseSource;
  modelConfig: ModelConfig;
  detectors: readonly Detector[];
  signal: AbortSignal;
  /**
   * The item changed; `persist`: append it to the store, resolving once it is on disk (throws or
   * rejects when the store cannot keep it). A returned promise is awaited; callers that keep
   * nothing may answer synchronously.
   */
  update(item: ExperimentItem, persist: boolean): unknown;
  warn(message: string): void;
  /** A run on the Batch API: where the item's model calls go first (inference/batch/batchLane.ts). */
  batch?: BatchLane;
}

const now = () => new Date().toISOString();

/** Runs one item to completed or failed; returns early (nothing more stored) when cancelled. */
export async function runItem(run: ItemRun): Promise<void> {
  const { item: base, signal } = run;
  const update = async (item: ExperimentItem, persist: boolean): Promise<void> => {
    await run.update(item, persist);
  };
  const where = `experiment ${run.experimentId}, item ${base.id} (conversation ${base.conversation_id})`;
  const conversation = run.conversation;
  if (!conversation)
    return await update(failed(base, `conversation "${base.conversation_id}" is missing from the experiment's snapshot`), true);
  // An item whose inference completed before (then the process stopped or the run was
  // cancelled) goes on from its stored responses: the model is not asked twice.
  let inferred: ExperimentItem | null = base.status === 'inference_completed' ? base : null;
  try {
    if (inferred) await update(inferred, false);
    else {
      const started: ExperimentItem = { ...base, status: 'in_progress', started_at: now() };
      await update(started, false);
      inferred = await respond(run, conversation, started, where);
      if (!inferred) return await update(base, false);
      await update(inferred, true);
    }
    const report: DetectionReport = { notes: [], hidden: 0 };
    const annotations = await detectAll(run, conversation, inferred, where, report);
    // Cancelled during detection: the responses are kept, a resume only detects again.
    if (annotations === null) return await update(inferred, false);
    const capped = capAnnotations(annotations);
    if (capped.note) run.warn(`${where}: ${capped.note}`);
    // What the detectors hid below the confidence threshold, and what they could not judge, stay on the item.
    const detection = {
      ...(report.hidden > 0 ? { hidden_annotations: report.hidden } : {}),
      ...(report.notes.length > 0 ? { detection_notes: report.notes } : {}),
      ...(report.judge
        ? {
            judge_input_tokens: report.judge.input_tokens,
            judge_output_tokens: report.judge.output_tokens,
            judge_cost_usd: report.judge.cost_usd,
          }
        : {}),
    };
    await update({ ...inferred, status: 'completed', annotations: capped.annotations, ...detection, completed_at: now() }, true);
  } catch (e) {
    // Nothing to store: the item is as the store has it (pending, or its responses kept). A
    // request kept for a batch leaves it so too, until the batch answers (batchedRun.ts).
    if (signal.aborted || e instanceof BatchDeferred) return await update(inferred ?? base, false);
    // Any failure text (a detector's, a source's) may quote a URL with credentials or a token.
    await update(failed(base, redactSecret((e as Error).message || String(e), null)), true);
  }
}

/** respond: the source's responses, usage checked on the way in. Null when cancelled meanwhile. */
async function respond(run: ItemRun, conversation: Conversation, started: ExperimentItem, where: string): Promise<ExperimentItem | null> {
  const produced = await run.source({
    conversation,
    config: run.config,
    modelConfig: run.modelConfig,
    sampleIndex: started.sample_index,
    signal: run.signal,
    ...(run.batch ? { batch: run.batch } : {}),
  });
  if (run.signal.aborted) return null;
  for (const note of produced.notes ?? []) run.warn(`${where}: ${note}`);
  const { usage, warnings } = normalizeUsage(produced);
  for (const w of warnings) run.warn(`${where}: ${w}`);
  return {
    ...started,
    ...usage,
    status: 'inference_completed',
    response_messages: produced.responses,
    annotations: produced.annotations ?? [],
    ...(produced.raw ? { raw: produced.raw } : {}),
    ...(produced.logprobs ? { logprobs: produced.logprobs } : {}),
  };
}

/**
 * bound → detect → merge, for every response of the item. Annotations the source found itself
 * (a structured output that does not conform) merge with the detectors' on the same response.
 * Null when the run was cancelled.
 */
async function detectAll(
  run: ItemRun,
  conversation: Conversation,
  inferred: ExperimentItem,
  where: string,
  report: DetectionReport,
): Promise<Annotation[] | null> {
  const { messages, shift } = applySystemPromptOverride(conversation.messages, run.config.system_prompt_override);
  const all: Annotation[] = [];
  for (const r of inferred.response_messages) {
    const lists: Annotation[][] = [inferred.annotations.filter((a) => a.message_index === r.message_index)];
    const bounded = boundedForDetection(r.message);
    for (const note of bounded.notes) run.warn(`${where}: message ${r.message_index} ${note}`);
    const context = boundedContext(messages.slice(0, r.message_index + shift));
    if (context.note) run.warn(`${where}: the context of message ${r.message_index} ${context.note}`);
    // Pass-through: the trace's later messages stay visible (after messageIndex), so a detector
    // can see that a called tool ran (its result is there) — never read as context.
    const later = run.config.pass_through ? messages.slice(r.message_index + shift) : [];
    const seen: Conversation = { ...conversation, messages: later.length > 0 ? [...context.messages, ...later] : context.messages };
    for (const d of run.detectors) {
      // Detectors may be synchronous and long: let requests and notifications through between them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (run.signal.aborted) return null;
      const found = await d.detect({
        conversation: seen,
        messageIndex: r.message_index + shift,
        message: bounded.message,
        signal: run.signal,
        report,
        ...(run.batch ? { batch: run.batch } : {}),
      });
      lists.push(
        found.map((a) => ({ ...a, message_index: a.message_index - shift })).filter((a) => !bounded.skippedParts.has(a.message_part_index)),
      );
    }
    if (run.signal.aborted) return null;
    all.push(...mergeAnnotationLists(lists));
  }
  return all;
}

function failed(base: ExperimentItem, reason: string): ExperimentItem {
  return { ...base, status: 'failed', failure_reason: reason, completed_at: now() };
}
