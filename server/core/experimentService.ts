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
import { messageParts, type Message } from '../../common/schema';
import type { ExperimentSummary, FieldError } from '../../common/protocol';
import type { DetectionReport, Detector } from './detectors/detector';
import { ExperimentStore, newExperimentId } from './experimentStore';
import { computeMetrics, metricsByModel, statusSummary } from './metrics';
import { applySystemPromptOverride, passThroughSource, type ResponseSource } from './responses';
import { mergeAnnotationLists } from './annotationMerge';

// ---- limits (bounded time and memory whatever the traces hold) -----------------------------
/** Characters of one response part the detectors scan (a longer answer is scanned up to here). */
export const MAX_DETECTION_PART_CHARS = 256 * 1024;
/** Characters of context (the messages before a response) the detectors see in all. */
export const MAX_DETECTION_CONTEXT_CHARS = 4 * 1024 * 1024;
/** Annotations kept per item; the rest are counted in the log. */
export const MAX_ANNOTATIONS_PER_ITEM = 1000;

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
  /**
   * An experiment was created, progressed, or its run ended. Cheap to call often: the summary is
   * built only when asked for (`summaryOf`), so callers can throttle.
   */
  onChange?: (change: ExperimentChange) => void;
  onDelete?: (id: string) => void;
  log?: (message: string) => void;
  /** Things the user should see (a store repaired on load, a limit applied); default `log`. */
  warn?: (message: string) => void;
}

export interface ExperimentChange {
  id: string;
  running: boolean;
  /** Items completed so far (markers may have changed). */
  completed: number;
  total: number;
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
    try {
      this.opts.store.create(record, conversations, items);
    } catch (e) {
      return { ok: false, errors: [{ path: '(root)', message: `the experiment could not be stored: ${(e as Error).message}` }] };
    }
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

  /**
   * Runs what is left: pending items from the start, items whose inference had completed from
   * their stored responses (the model is not asked again). With `failedOnly`, failed items are
   * reset to pending first. Throws when the experiment runs here or in another live process.
   */
  resume(id: string, failedOnly: boolean): ExperimentSummary {
    const exp = this.get(id);
    if (exp.run) throw new Error(`experiment "${exp.record.name}" is already running`);
    this.opts.store.lockRun(id);
    if (failedOnly)
      exp.items.forEach((item, i) => {
        if (item.status === 'failed') {
          exp.items[i] = pendingItem(item.id, item.conversation_id, item.model_config, item.sample_index);
          this.opts.store.appendItem(id, exp.items[i]!);
        }
      });
    this.startRun(exp, true);
    return this.summary(exp);
  }

  delete(id: string): boolean {
    const exp = this.get(id);
    if (!exp.run) this.opts.store.assertNotRunElsewhere(id);
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

  /** Cancels every run (e.g. when the workspace stops being trusted); returns how many. */
  cancelAll(): number {
    let n = 0;
    for (const e of this.live.values())
      if (e.run) {
        e.run.controller.abort();
        n++;
      }
    return n;
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
        for (const w of loaded.warnings) this.warn(`experiment ${id} (${loaded.record.name}): ${w}`);
        // Items that were running when the process stopped go back to pending; an item whose
        // inference had completed keeps its stored responses, and a resume only detects on them.
        const byId = new Map(loaded.items.map((i) => [i.id, i]));
        const items = [...byId.values()].map((i) =>
          i.status === 'in_progress' ? pendingItem(i.id, i.conversation_id, i.model_config, i.sample_index) : i,
        );
        items.sort((a, b) => a.id.localeCompare(b.id));
        this.live.set(id, { record: loaded.record, items, conversations: new Map(loaded.conversations.map((c) => [c.id, c])), run: null });
      } catch (e) {
        this.warn(`experiment ${id} could not be loaded: ${(e as Error).message}`);
      }
    }
  }

  private modelConfigs(config: ExperimentConfig): ModelConfig[] {
    return [{ model: config.model }, ...(config.models ?? [])];
  }

  private warn(message: string): void {
    (this.opts.warn ?? this.opts.log)?.(message);
  }

  private changed(exp: LiveExperiment): void {
    if (!this.opts.onChange) return;
    let completed = 0;
    for (const i of exp.items) if (i.status === 'completed') completed++;
    this.opts.onChange({ id: exp.record.id, running: exp.run !== null, completed, total: exp.items.length });
  }

  /** `locked`: the caller already holds the experiment's run lock. */
  private startRun(exp: LiveExperiment, locked = false): void {
    const id = exp.record.id;
    if (!locked) this.opts.store.lockRun(id);
    const controller = new AbortController();
    const run = { controller, done: Promise.resolve() };
    exp.run = run;
    run.done = this.runItems(exp, controller.signal)
      .catch((e: unknown) => this.warn(`experiment ${id}: ${(e as Error).message}`))
      .finally(() => {
        exp.run = null;
        try {
          const s = statusSummary(exp.items);
          if (s.pending === 0 && s.in_progress === 0 && s.inference_completed === 0 && !exp.record.completed_at && this.live.has(id)) {
            exp.record = { ...exp.record, completed_at: new Date().toISOString() };
            this.opts.store.writeRecord(exp.record);
          }
        } catch (e) {
          this.warn(`experiment ${id}: ${(e as Error).message}`);
        } finally {
          this.opts.store.close(id);
          this.opts.store.unlockRun(id);
        }
        this.changed(exp);
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
    const queue = exp.items.map((_, i) => i).filter((i) => exp.items[i]!.status === 'pending' || exp.items[i]!.status === 'inference_completed');
    this.changed(exp);
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && !signal.aborted; next = queue.shift()) {
        try {
          await this.runItem(exp, next, sources.get(exp.items[next]!.model_config)!, models.get(exp.items[next]!.model_config)!, detectors, signal);
        } catch (e) {
          // Only the store can throw here (a full disk, a deleted folder): stop rather than run
          // items whose results cannot be kept.
          if (!signal.aborted) this.warn(`experiment ${exp.record.id} stopped: ${(e as Error).message}`);
          exp.run?.controller.abort();
        }
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
      this.changed(exp);
    };
    const conversation = exp.conversations.get(base.conversation_id);
    if (!conversation) return update({ ...base, status: 'failed', failure_reason: `conversation "${base.conversation_id}" is missing from the experiment's snapshot`, completed_at: new Date().toISOString() }, true);
    const where = `experiment ${id}, item ${base.id} (conversation ${base.conversation_id})`;
    // An item whose inference completed before (then the process stopped or the run was
    // cancelled) goes on from its stored responses: the model is not asked twice.
    const resumed = base.status === 'inference_completed';
    const started: ExperimentItem = resumed ? base : { ...base, status: 'in_progress', started_at: new Date().toISOString() };
    if (!resumed) update(started, false);
    let inferred: ExperimentItem | null = resumed ? base : null;
    try {
      if (!inferred) {
        const produced = await source({ conversation, config, modelConfig, sampleIndex: base.sample_index, signal });
        if (signal.aborted) return update(base, false);
        for (const note of produced.notes ?? []) this.warn(`${where}: ${note}`);
        inferred = {
          ...started,
          status: 'inference_completed',
          response_messages: produced.responses,
          annotations: produced.annotations ?? [],
          input_tokens: produced.input_tokens,
          output_tokens: produced.output_tokens,
          reasoning_tokens: produced.reasoning_tokens,
          latency_ms: produced.latency_ms,
          time_to_first_token_ms: produced.time_to_first_token_ms,
          finish_reason: produced.finish_reason,
          cost_usd: produced.cost_usd,
        };
        update(inferred, true);
      } else {
        update(inferred, false);
      }
      const { messages, shift } = applySystemPromptOverride(conversation.messages, config.system_prompt_override);
      const annotations: Annotation[] = [];
      const report: DetectionReport = { notes: [], hidden: 0 };
      // Annotations the source found itself (a structured output that does not conform) merge
      // with what the detectors find on the same response.
      const fromSource = inferred.annotations;
      for (const r of inferred.response_messages) {
        const lists: Annotation[][] = [fromSource.filter((a) => a.message_index === r.message_index)];
        const bounded = boundedForDetection(r.message);
        for (const note of bounded.notes) this.warn(`${where}: message ${r.message_index} ${note}`);
        const contextMessages = boundedContext(messages.slice(0, r.message_index + shift));
        if (contextMessages.note) this.warn(`${where}: the context of message ${r.message_index} ${contextMessages.note}`);
        // Pass-through: the trace's later messages stay visible (after messageIndex), so a detector
        // can see that a called tool ran (its result is there) — never read as context.
        const later = config.pass_through ? messages.slice(r.message_index + shift) : [];
        const context: Conversation = { ...conversation, messages: later.length > 0 ? [...contextMessages.messages, ...later] : contextMessages.messages };
        for (const d of detectors) {
          // Detectors may be synchronous and long: let requests and notifications through between them.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (signal.aborted) break;
          const found = await d.detect({ conversation: context, messageIndex: r.message_index + shift, message: bounded.message, signal, report });
          lists.push(found.map((a) => ({ ...a, message_index: a.message_index - shift })).filter((a) => !bounded.skippedParts.has(a.message_part_index)));
        }
        annotations.push(...mergeAnnotationLists(lists));
        if (signal.aborted) break;
      }
      // Cancelled during detection: the responses are kept, a resume only detects again.
      if (signal.aborted) return update(inferred, false);
      let kept = annotations.sort((x, y) => x.message_index - y.message_index || x.message_part_index - y.message_part_index || x.start_offset - y.start_offset);
      if (kept.length > MAX_ANNOTATIONS_PER_ITEM) {
        this.warn(`${where}: ${kept.length} annotations found; the first ${MAX_ANNOTATIONS_PER_ITEM} (in order of position) are kept`);
        kept = kept.slice(0, MAX_ANNOTATIONS_PER_ITEM);
      }
      const detection = { ...(report.hidden > 0 ? { hidden_annotations: report.hidden } : {}), ...(report.notes.length > 0 ? { detection_notes: report.notes } : {}) };
      update({ ...inferred, status: 'completed', annotations: kept, ...detection, completed_at: new Date().toISOString() }, true);
    } catch (e) {
      // Nothing to store: the item is as the store has it (pending, or its responses kept).
      if (signal.aborted) return update(inferred ?? base, false);
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

// ---- detection limits ---------------------------------------------------------------------------

/** Cuts `text` to at most `max` characters, at a whitespace boundary when there is one nearby. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max);
  return text.slice(0, space > max - 200 ? space : max);
}

function fmtChars(n: number): string {
  return `${n.toLocaleString('en-US')} characters`;
}

/**
 * The response as the detectors see it: content parts longer than MAX_DETECTION_PART_CHARS are
 * scanned up to that length (offsets stay valid: it is a prefix); a tool call's arguments longer
 * than that are not checked at all (cut JSON would be reported as invalid), and annotations the
 * detectors place on those parts are dropped. Part indices do not change.
 */
export function boundedForDetection(message: Message): { message: Message; skippedParts: Set<number>; notes: string[] } {
  const notes: string[] = [];
  const skippedParts = new Set<number>();
  const parts = messageParts(message);
  if (!parts.some((p) => p.text.length > MAX_DETECTION_PART_CHARS)) return { message, skippedParts, notes };
  const copy: Message = { ...message };
  if (typeof message.content === 'string') copy.content = cut(message.content, MAX_DETECTION_PART_CHARS);
  else if (Array.isArray(message.content))
    copy.content = message.content.map((p) => (typeof p.text === 'string' && p.text.length > MAX_DETECTION_PART_CHARS ? { ...p, text: cut(p.text, MAX_DETECTION_PART_CHARS) } : p));
  if (message.tool_calls)
    copy.tool_calls = message.tool_calls.map((c) => (c.function.arguments.length > MAX_DETECTION_PART_CHARS ? { ...c, function: { ...c.function, arguments: '{}' } } : c));
  parts.forEach((p, i) => {
    if (p.text.length <= MAX_DETECTION_PART_CHARS) return;
    if (p.kind === 'tool_call') {
      skippedParts.add(i);
      notes.push(`part ${i} (arguments of ${p.toolName}) is ${fmtChars(p.text.length)}, above the ${fmtChars(MAX_DETECTION_PART_CHARS)} detectors check; it was not checked`);
    } else notes.push(`part ${i} is ${fmtChars(p.text.length)}; detectors scanned its first ${fmtChars(MAX_DETECTION_PART_CHARS)} only`);
  });
  return { message: copy, skippedParts, notes };
}

function messageChars(m: Message): number {
  let n = 0;
  for (const p of messageParts(m)) n += p.text.length;
  return n;
}

/**
 * The context as the detectors see it: when its text exceeds MAX_DETECTION_CONTEXT_CHARS in all,
 * the longest messages are cut (each to the same length, as long as the budget allows), so that
 * detection takes bounded time and memory. Grounding may then miss what was cut: the note says so.
 */
export function boundedContext(messages: Message[]): { messages: Message[]; note: string | null } {
  const sizes = messages.map(messageChars);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= MAX_DETECTION_CONTEXT_CHARS) return { messages, note: null };
  // Water-filling: the largest per-message length T with sum(min(size, T)) <= budget.
  const sorted = [...sizes].sort((a, b) => a - b);
  let budget = MAX_DETECTION_CONTEXT_CHARS;
  let limit = 0;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(budget / (sorted.length - i));
    if (sorted[i]! <= share) budget -= sorted[i]!;
    else {
      limit = share;
      break;
    }
  }
  const clip = (text: string, perPart: number) => (text.length > perPart ? text.slice(0, perPart) : text);
  const out = messages.map((m, i) => {
    if (sizes[i]! <= limit) return m;
    const parts = messageParts(m).length || 1;
    const perPart = Math.max(0, Math.floor(limit / parts));
    const copy: Message = { ...m };
    if (typeof m.content === 'string') copy.content = clip(m.content, perPart);
    else if (Array.isArray(m.content)) copy.content = m.content.map((p) => (typeof p.text === 'string' ? { ...p, text: clip(p.text, perPart) } : p));
    if (m.tool_calls) copy.tool_calls = m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: clip(c.function.arguments, perPart) } }));
    return copy;
  });
  return {
    messages: out,
    note: `is ${fmtChars(total)}, above the ${fmtChars(MAX_DETECTION_CONTEXT_CHARS)} detectors read; messages longer than ${fmtChars(limit)} were cut to that length, so values found only in the cut text may be reported as ungrounded`,
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
