// Runs an experiment's runnable items (pending, or inference completed) on the work pool that the
// runner benchmark measures (inference/workPool.ts): at most `concurrency` items at once, nothing
// new started once the run is cancelled. Each item goes through the item pipeline. A failure of
// the store (a full disk, a deleted folder) stops the run rather than run items whose results
// cannot be kept.
import type { Conversation, ExperimentConfig, ExperimentItem, ModelConfig } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { runPool } from '../inference/workPool';
import { modelConfigs, modelLabel } from './experimentItems';
import { runItem } from './itemPipeline';
import type { Refusal } from './pipeline';
import { passThroughSource, type ResponseSource } from './responses';
import type { BatchLane } from '../inference/batch/batchLane';

/** What a run needs from its host: detectors and sources for a configuration. */
export interface RunResolvers {
  detectorsFor: (config: ExperimentConfig) => Detector[] | Refusal;
  inferenceFor?: (model: ModelConfig, config: ExperimentConfig) => ResponseSource | Refusal;
}

export interface RunTools {
  detectors: Detector[];
  /** By model label. */
  sources: Map<string, { source: ResponseSource; model: ModelConfig }>;
}

/** The detectors and a response source per model configuration; throws with the refusal's message. */
export function resolveRun(config: ExperimentConfig, resolvers: RunResolvers): RunTools {
  const detectors = resolvers.detectorsFor(config);
  if (!Array.isArray(detectors)) throw new Error(detectors.error);
  const sources = new Map<string, { source: ResponseSource; model: ModelConfig }>();
  for (const model of modelConfigs(config)) {
    const source = config.pass_through ? passThroughSource : resolvers.inferenceFor?.(model, config);
    if (typeof source !== 'function') throw new Error(source?.error ?? 'inference is not available');
    sources.set(modelLabel(model), { source, model });
  }
  return { detectors, sources };
}

export interface RunTarget {
  experimentId: string;
  config: ExperimentConfig;
  /** Updated in place, by index, as items progress. */
  items: ExperimentItem[];
  conversations: ReadonlyMap<string, Conversation>;
}

export interface RunHooks {
  concurrency: number;
  /** Appends an item snapshot to the store; resolves once it is on disk (throws or rejects when it cannot). */
  persist(item: ExperimentItem): Promise<void>;
  /** An item changed (cheap; callers throttle). */
  changed(): void;
  warn(message: string): void;
  /** A run on the Batch API (batchedRun.ts): the lane each item's model calls go through first. */
  batchLane?: (item: ExperimentItem) => BatchLane;
}

export function runnableIndices(items: readonly ExperimentItem[]): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (item.status === 'pending' || item.status === 'inference_completed') out.push(i);
  });
  return out;
}

/** Runs the runnable items of `target` until done or `controller` aborts (it is aborted on a store failure). */
export async function runItems(target: RunTarget, tools: RunTools, hooks: RunHooks, controller: AbortController): Promise<void> {
  const queue = runnableIndices(target.items);
  hooks.changed();
  await runPool(
    queue,
    hooks.concurrency,
    async (index, signal) => {
      const item = target.items[index]!;
      // An item naming a model configuration the experiment lacks fails with the reason.
      const missing: ResponseSource = async () => {
        throw new Error(`item ${item.id} names model configuration "${item.model_config}", which the experiment does not have`);
      };
      const { source, model } = tools.sources.get(item.model_config) ?? { source: missing, model: { model: item.model_config } };
      try {
        await runItem({
          experimentId: target.experimentId,
          config: target.config,
          item,
          conversation: target.conversations.get(item.conversation_id),
          source,
          modelConfig: model,
          detectors: tools.detectors,
          signal,
          update: async (next, persist) => {
            target.items[index] = next;
            const stored = persist ? hooks.persist(next) : undefined;
            hooks.changed();
            await stored;
          },
          warn: hooks.warn,
          ...(hooks.batchLane ? { batch: hooks.batchLane(item) } : {}),
        });
      } catch (e) {
        // Only the store can throw here (the pipeline stores every other failure on its item).
        if (!signal.aborted) hooks.warn(`experiment ${target.experimentId} stopped: ${(e as Error).message}`);
        controller.abort();
      }
    },
    controller.signal,
  );
}
