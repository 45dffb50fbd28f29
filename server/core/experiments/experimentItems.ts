// The items of an experiment: one per conversation × model configuration × sample, each starting
// pending. The label of a model configuration is how items, metrics and reports name it.
import { createHash } from 'node:crypto';
import type { Conversation, ExperimentConfig, ExperimentItem, ModelConfig } from '../../../common/schema';

/** The configuration's model first, then the extra ones compared with it. */
export function modelConfigs(config: ExperimentConfig): ModelConfig[] {
  return [{ ...config.model_parameters, model: config.model }, ...(config.models ?? [])];
}

export function modelLabel(m: ModelConfig): string {
  return m.id ?? m.model;
}

export function pendingItem(id: string, conversation_id: string, model_config: string, sample_index: number): ExperimentItem {
  return {
    id,
    conversation_id,
    model_config,
    sample_index,
    status: 'pending',
    failure_reason: null,
    response_messages: [],
    annotations: [],
    input_tokens: null,
    output_tokens: null,
    reasoning_tokens: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    finish_reason: null,
    cost_usd: null,
    started_at: null,
    completed_at: null,
  };
}

/**
 * Every item of a new experiment, numbered 0001… With sampling "every": in conversation, model,
 * sample order. With "random": one item per conversation and sample, on a configuration drawn
 * by `drawConfiguration` (seeded by the experiment id).
 */
export function newItems(config: ExperimentConfig, conversations: readonly Conversation[], experimentId = ''): ExperimentItem[] {
  const items: ExperimentItem[] = [];
  const next = () => `${items.length + 1}`.padStart(4, '0');
  const labels = modelConfigs(config).map(modelLabel);
  for (const c of conversations) {
    if (config.sampling === 'random') {
      for (let s = 0; s < config.num_samples; s++)
        items.push(pendingItem(next(), c.id, labels[drawConfiguration(experimentId, c.id, s, labels.length)]!, s));
      continue;
    }
    for (const label of labels) for (let s = 0; s < config.num_samples; s++) items.push(pendingItem(next(), c.id, label, s));
  }
  return items;
}

/**
 * Which of `count` configurations sample `sample` of `conversationId` runs on: a SHA-256 of the
 * experiment id, the conversation and the sample, read as a number below 2^48, modulo `count`
 * (bias below 2^-30 for ≤ 11 configurations). The same experiment draws the same every time, and
 * each draw is independent of the others' order.
 */
export function drawConfiguration(experimentId: string, conversationId: string, sample: number, count: number): number {
  if (count <= 1) return 0;
  const digest = createHash('sha256').update(`${experimentId}\u0000${conversationId}\u0000${sample}`).digest();
  return digest.readUIntBE(0, 6) % count;
}

/**
 * Items as a run finds them after a reload: one per id (the last snapshot won), in id order; an
 * item that was running when its process stopped is pending again, and an item whose inference
 * had completed keeps its stored responses (a resume only detects on them).
 */
export function itemsAfterReload(stored: readonly ExperimentItem[]): ExperimentItem[] {
  const byId = new Map(stored.map((i) => [i.id, i]));
  return [...byId.values()]
    .map((i) => (i.status === 'in_progress' ? pendingItem(i.id, i.conversation_id, i.model_config, i.sample_index) : i))
    .sort((a, b) => a.id.localeCompare(b.id));
}
