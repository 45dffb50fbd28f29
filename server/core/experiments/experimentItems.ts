// The items of an experiment: one per conversation × model configuration × sample, each starting
// pending. The label of a model configuration is how items, metrics and reports name it.
import type { Conversation, ExperimentConfig, ExperimentItem, ModelConfig } from '../../../common/schema';

/** The configuration's model first, then the extra ones compared with it. */
export function modelConfigs(config: ExperimentConfig): ModelConfig[] {
  return [{ model: config.model }, ...(config.models ?? [])];
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

/** Every item of a new experiment, numbered 0001… in conversation, model, sample order. */
export function newItems(config: ExperimentConfig, conversations: readonly Conversation[]): ExperimentItem[] {
  const items: ExperimentItem[] = [];
  for (const c of conversations)
    for (const m of modelConfigs(config))
      for (let s = 0; s < config.num_samples; s++) items.push(pendingItem(`${items.length + 1}`.padStart(4, '0'), c.id, modelLabel(m), s));
  return items;
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
