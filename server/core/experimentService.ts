// Experiments: validate a configuration, create its items, run them (responses, then detectors),
// store every step, and answer summaries and resources. The server and the CLI are thin shells
// over this class.
import {
  experimentConfigSchema,
  type Annotation,
  type Conversation,
  type ExperimentConfig,
  type ExperimentItem,
  type ExperimentRecord,
  type ExperimentResource,
  type ModelConfig,
} from '../../common/schema';
import type { ExperimentSummary, FieldError } from '../../common/protocol';
import type { Detector } from './detectors/detector';
import { ExperimentStore, newExperimentId } from './experimentStore';
import { computeMetrics, metricsByModel, statusSummary } from './metrics';
import { applySystemPromptOverride, passThroughSource, type ResponseSource } from './responses';
import { mergeAnnotationLists } from './annotationMerge';

export interface ConversationLookup {
  get(id: string): Conversation | undefined;
}

export interface ServiceOptions {
  store: ExperimentStore;
  conversations: ConversationLookup;
  createdBy: string;
  concurrency: () => number;
  /** Detectors for a configuration, or a message saying why they cannot run. */
  detectorsFor: (config: ExperimentConfig) => Detector[] | { error: string; path: string };
  /** A response source for a model configuration, or a message saying why inference cannot run. */
  inferenceFor?: (model: ModelConfig, config: ExperimentConfig) => ResponseSource | { error: string; path: string };
  onChange?: (summary: ExperimentSummary) => void;
  onDelete?: (id: string) => void;
  log?: (message: string) => void;
}

export type CreateResult = { ok: true; experiment: ExperimentSummary } | { ok: false; errors: FieldError[] };

interface LiveExperiment {
  record: ExperimentRecord;
  items: ExperimentItem[];
  conversations: Map<string, Conversation>;
  run: { controller: AbortController; done: Promise<void> } | null;
}

export class ExperimentService {
  private readonly live = new Map<string, LiveExperiment>();
  private loadedAll = false;

  constructor(private readonly opts: ServiceOptions) {}

  /** Validates like the server must: schema, then ids, then what can run here. */
  validate(input: unknown): { ok: true; config: ExperimentConfig } | { ok: false; errors: FieldError[] } {
    const parsed = experimentConfigSchema.safeParse(input);
    if (!parsed.success)
      return {
        ok: false,
        errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
      };
    const config = parsed.data;
    const errors: FieldError[] = [];
    config.conversation_ids.forEach((id, i) => {
      if (!this.opts.conversations.get(id)) errors.push({ path: `conversation_ids.${i}`, message: `unknown conversation id "${id}"` });
    });
    if (config.pass_through && config.models?.length)
      errors.push({ path: 'models', message: 'pass_through copies the traced responses; extra model configurations need pass_through false' });
    if (!config.pass_through) {
      for (const m of this.modelConfigs(config)) {
        const source = this.opts.inferenceFor?.(m, config) ?? {
          error: 'pass_through false needs inference, which is not available here; set pass_through to true to evaluate the traced responses',
          path: 'pass_through',
        };
        if (typeof source !== 'function') errors.push({ path: source.path, message: source.error });
      }
    }
    const detectors = this.opts.detectorsFor(config);
    if (!Array.isArray(detectors)) errors.push({ path: detectors.path, message: detectors.error });
    return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true, config };
  }

  create(input: unknown, now = new Date()): CreateResult {
    const v = this.validate(input);
    if (!v.ok) return v;
    const config = v.config;
    const id = newExperimentId(now);
    const conversations = config.conversation_ids.map((cid) => structuredClone(this.opts.conversations.get(cid)!));
    const record: ExperimentRecord = {
      id,
      name: config.name,
      model: config.model,
      pass_through: config.pass_through,
      conversation_ids: config.conversation_ids,
      created_at: now.toISOString(),
      completed_at: null,
      created_by: this.opts.createdBy,
      reasoning_config: config.reasoning_config ?? null,
      system_prompt_override: config.system_prompt_override ?? null,
      output_schema: config.output_schema ?? null,
      config,
    };
    const items: ExperimentItem[] = [];
    for (const c of conversations)
      for (const m of this.modelConfigs(config))
        for (let s = 0; s < config.num_samples; s++)
          items.push(pendingItem(`${items.length + 1}`.padStart(4, '0'), c.id, modelLabel(m), s));
    this.opts.store.create(record, conversations, items);
    const exp: LiveExperiment = { record, items, conversations: new Map(conversations.map((c) => [c.id, c])), run: null };
    this.live.set(id, exp);
    this.startRun(exp);
    return { ok: true, experiment: this.summary(exp) };
  }

  list(): ExperimentSummary[] {
    this.loadAll();
    return [...this.live.values()].sort((a, b) => a.record.created_at.localeCompare(b.record.created_at)).map((e) => this.summary(e));
  }

  has(id: string): boolean {
    this.loadAll();
    return this.live.has(id);
  }

  resource(id: string): ExperimentResource {
    const exp = this.get(id);
    const { config: _config, ...record } = exp.record;
    const summary = statusSummary(exp.items);
    return {
      ...record,
      total_items_count: exp.items.length,
      completed_items_count: summary.completed,
      status_summary: summary,
      metrics: computeMetrics(exp.items),
      metrics_by_model: metricsByModel(exp.items),
      items: exp.items,
    };
  }

  configOf(id: string): ExperimentConfig {
    return this.get(id).record.config;
  }

  /** The conversations as they were when the experiment started. */
  conversation(experimentId: string, conversationId: string): Conversation | undefined {
    return this.get(experimentId).conversations.get(conversationId);
  }

  items(id: string): readonly ExperimentItem[] {
    return this.get(id).items;
  }

  cancel(id: string): boolean {
    const exp = this.get(id);
    if (!exp.run) return false;
    exp.run.controller.abort();
    return true;
  }

  /** Runs what is pending again; with `failedOnly`, failed items are reset to pending first. */
  resume(id: string, failedOnly: boolean): ExperimentSummary {
    const exp = this.get(id);
    if (exp.run) throw new Error(`experiment "${exp.record.name}" is already running`);
    if (failedOnly)
      exp.items.forEach((item, i) => {
        if (item.status === 'failed') {
          exp.items[i] = pendingItem(item.id, item.conversation_id, item.model_config, item.sample_index);
          this.opts.store.appendItem(id, exp.items[i]!);
        }
      });
    this.startRun(exp);
    return this.summary(exp);
  }

  delete(id: string): boolean {
    const exp = this.get(id);
    exp.run?.controller.abort();
    this.opts.store.delete(id);
    this.live.delete(id);
    this.opts.onDelete?.(id);
    return true;
  }

  /** Resolves when the experiment's current run has settled. */
  async whenIdle(id: string): Promise<ExperimentSummary> {
    const exp = this.get(id);
    while (exp.run) await exp.run.done;
    return this.summary(exp);
  }

  summaryOf(id: string): ExperimentSummary {
    return this.summary(this.get(id));
  }

  dispose(): void {
    for (const e of this.live.values()) e.run?.controller.abort();
    this.opts.store.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  private get(id: string): LiveExperiment {
    this.loadAll();
    const exp = this.live.get(id);
    if (!exp) throw new Error(`no experiment with id "${id}"`);
    return exp;
  }

  private loadAll(): void {
    if (this.loadedAll) return;
    this.loadedAll = true;
    for (const id of this.opts.store.list()) {
      if (this.live.has(id)) continue;
      try {
        const loaded = this.opts.store.load(id);
        for (const w of loaded.warnings) this.opts.log?.(`experiment ${id}: ${w}`);
        // Items that were running when the process stopped go back to pending.
        const byId = new Map(loaded.items.map((i) => [i.id, i]));
        const items = [...byId.values()].map((i) =>
          i.status === 'in_progress' || i.status === 'inference_completed' ? pendingItem(i.id, i.conversation_id, i.model_config, i.sample_index) : i,
        );
        items.sort((a, b) => a.id.localeCompare(b.id));
        this.live.set(id, { record: loaded.record, items, conversations: new Map(loaded.conversations.map((c) => [c.id, c])), run: null });
      } catch (e) {
        this.opts.log?.(`experiment ${id} could not be loaded: ${(e as Error).message}`);
      }
    }
  }

  private modelConfigs(config: ExperimentConfig): ModelConfig[] {
    return [{ model: config.model }, ...(config.models ?? [])];
  }

  private startRun(exp: LiveExperiment): void {
    const controller = new AbortController();
    const run = { controller, done: Promise.resolve() };
    exp.run = run;
    run.done = this.runItems(exp, controller.signal)
      .catch((e: unknown) => this.opts.log?.(`experiment ${exp.record.id}: ${(e as Error).message}`))
      .finally(() => {
        exp.run = null;
        const s = statusSummary(exp.items);
        if (s.pending === 0 && s.in_progress === 0 && s.inference_completed === 0 && !exp.record.completed_at) {
          exp.record = { ...exp.record, completed_at: new Date().toISOString() };
          this.opts.store.writeRecord(exp.record);
        }
        this.opts.store.close(exp.record.id);
        this.opts.onChange?.(this.summary(exp));
      });
  }

  private async runItems(exp: LiveExperiment, signal: AbortSignal): Promise<void> {
    const config = exp.record.config;
    const detectors = this.opts.detectorsFor(config);
    if (!Array.isArray(detectors)) throw new Error(detectors.error);
    const sources = new Map<string, ResponseSource>();
    for (const m of this.modelConfigs(config)) {
      const s = config.pass_through ? passThroughSource : this.opts.inferenceFor?.(m, config);
      if (typeof s !== 'function') throw new Error(s?.error ?? 'inference is not available');
      sources.set(modelLabel(m), s);
    }
    const models = new Map(this.modelConfigs(config).map((m) => [modelLabel(m), m]));
    const queue = exp.items.map((_, i) => i).filter((i) => exp.items[i]!.status === 'pending');
    this.opts.onChange?.(this.summary(exp));
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && !signal.aborted; next = queue.shift()) {
        await this.runItem(exp, next, sources.get(exp.items[next]!.model_config)!, models.get(exp.items[next]!.model_config)!, detectors, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.concurrency()) }, worker));
  }

  private async runItem(exp: LiveExperiment, index: number, source: ResponseSource, modelConfig: ModelConfig, detectors: Detector[], signal: AbortSignal): Promise<void> {
    const id = exp.record.id;
    const config = exp.record.config;
    const base = exp.items[index]!;
    const update = (item: ExperimentItem, persist: boolean) => {
      exp.items[index] = item;
      if (persist) this.opts.store.appendItem(id, item);
      this.opts.onChange?.(this.summary(exp));
    };
    const conversation = exp.conversations.get(base.conversation_id);
    if (!conversation) return update({ ...base, status: 'failed', failure_reason: `conversation "${base.conversation_id}" is missing from the experiment's snapshot` }, true);
    const started = { ...base, status: 'in_progress' as const, started_at: new Date().toISOString() };
    update(started, false);
    try {
      const produced = await source({ conversation, config, modelConfig, sampleIndex: base.sample_index, signal });
      if (signal.aborted) return update(base, false);
      const inferred: ExperimentItem = {
        ...started,
        status: 'inference_completed',
        response_messages: produced.responses,
        input_tokens: produced.input_tokens,
        output_tokens: produced.output_tokens,
        reasoning_tokens: produced.reasoning_tokens,
        latency_ms: produced.latency_ms,
        time_to_first_token_ms: produced.time_to_first_token_ms,
        finish_reason: produced.finish_reason,
        cost_usd: produced.cost_usd,
      };
      update(inferred, true);
      const { messages, shift } = applySystemPromptOverride(conversation.messages, config.system_prompt_override);
      const lists: Annotation[][] = [produced.annotations ?? []];
      for (const r of produced.responses) {
        const context: Conversation = { ...conversation, messages: messages.slice(0, r.message_index + shift) };
        for (const d of detectors) {
          const found = await d.detect({ conversation: context, messageIndex: r.message_index + shift, message: r.message, signal });
          lists.push(found.map((a) => ({ ...a, message_index: a.message_index - shift })));
        }
      }
      if (signal.aborted) return update(base, true);
      update({ ...inferred, status: 'completed', annotations: mergeAnnotationLists(lists), completed_at: new Date().toISOString() }, true);
    } catch (e) {
      if (signal.aborted) return update(base, true);
      update({ ...base, status: 'failed', failure_reason: (e as Error).message || String(e), completed_at: new Date().toISOString() }, true);
    }
  }

  private summary(exp: LiveExperiment): ExperimentSummary {
    const s = statusSummary(exp.items);
    const done = exp.items.filter((i) => i.status === 'completed');
    return {
      id: exp.record.id,
      name: exp.record.name,
      model: exp.record.model,
      pass_through: exp.record.pass_through,
      created_at: exp.record.created_at,
      completed_at: exp.record.completed_at,
      status_summary: s,
      total_hallucinations: done.reduce((n, i) => n + i.annotations.length, 0),
      hallucination_rate: done.length ? done.filter((i) => i.annotations.length > 0).length / done.length : null,
      running: exp.run !== null,
      items: exp.items.map((i) => ({
        id: i.id,
        conversation_id: i.conversation_id,
        model_config: i.model_config,
        sample_index: i.sample_index,
        status: i.status,
        failure_reason: i.failure_reason,
        hallucinations: i.annotations.length,
      })),
    };
  }
}

export function modelLabel(m: ModelConfig): string {
  return m.id ?? m.model;
}

function pendingItem(id: string, conversation_id: string, model_config: string, sample_index: number): ExperimentItem {
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

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
