// The experiment form's draft: what the person has typed, kept as strings and toggles so that
// nothing is lost mid-edit (a half-typed number, a disabled section), and its conversion to the
// experiment configuration that experimentConfigSchema validates.
import { tagsOf } from './tagsText';
import {
  detectorKinds,
  outputFieldTypes,
  type DetectorKind,
  type ExperimentConfigInput,
  type ModelConfig,
  type ModelParameters,
} from '../../common/schema';
import type { FormPrefill } from '../../common/webviewProtocol';

export type OutputFieldType = (typeof outputFieldTypes)[number];
export type ReasoningMode = 'none' | 'effort' | 'budget';
export type Effort = 'low' | 'medium' | 'high';

export interface OutputFieldDraft {
  /** Stable identity of the row (for focus and reordering), not sent. */
  key: string;
  name: string;
  type: OutputFieldType;
  is_list: boolean;
  is_optional: boolean;
}

export interface FormDraft {
  version: 1;
  name: string;
  model: string;
  pass_through: boolean;
  /** Labels (`id ?? model`) of the configured models run alongside `model`. */
  extraModels: string[];
  reasoningMode: ReasoningMode;
  effort: Effort;
  budgetTokens: string;
  overrideSystemPrompt: boolean;
  systemPrompt: string;
  useOutputSchema: boolean;
  outputSchema: OutputFieldDraft[];
  detectors: DetectorKind[];
  /** '' = the judge model from settings; otherwise a configured model's label, or CUSTOM_JUDGE. */
  judgeModel: string;
  judgeCustomModel: string;
  labelSet: string;
  numSamples: string;
  conversationIds: string[];
  /** Tags as typed: comma-separated. */
  tags?: string;
  /** The target's request parameters (the "Advanced" fold), as typed. */
  advanced: AdvancedDraft;
  sampling: 'every' | 'random';
  /** The provider's Batch API for the model and judge calls (config.batch.enabled). */
  batch?: boolean;
}

/** tool_choice as the fold offers it: '' = not sent (the provider's default), or a named function. */
export type ToolChoiceMode = '' | 'none' | 'auto' | 'required' | 'function';

export interface AdvancedDraft {
  toolChoice: ToolChoiceMode;
  toolFunction: string;
  topP: string;
  seed: string;
  /** One stop sequence per line. */
  stop: string;
  logprobs: boolean;
  topLogprobs: string;
  user: string;
}

export function emptyAdvanced(): AdvancedDraft {
  return { toolChoice: '', toolFunction: '', topP: '', seed: '', stop: '', logprobs: false, topLogprobs: '', user: '' };
}

/** A number as typed: '' → undefined (not sent); anything not a number → NaN (the schema says why). */
function optionalNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

/** The fold's fields as `model_parameters` (only what was typed), or undefined when nothing was. */
export function advancedToParameters(a: AdvancedDraft): ModelParameters | undefined {
  const p: Record<string, unknown> = {};
  if (a.toolChoice === 'function') p.tool_choice = { function: a.toolFunction.trim() };
  else if (a.toolChoice) p.tool_choice = a.toolChoice;
  const topP = optionalNumber(a.topP);
  if (topP !== undefined) p.top_p = topP;
  const seed = optionalNumber(a.seed);
  if (seed !== undefined) p.seed = seed;
  const stops = a.stop.split('\n').filter((l) => l.length > 0);
  if (stops.length === 1) p.stop = stops[0];
  else if (stops.length > 1) p.stop = stops;
  if (a.logprobs) p.logprobs = true;
  const top = optionalNumber(a.topLogprobs);
  if (top !== undefined) p.top_logprobs = top;
  if (a.user.trim()) p.user = a.user.trim();
  return Object.keys(p).length > 0 ? (p as ModelParameters) : undefined;
}

/** A prefill's model_parameters → the fold (the fields it does not show are dropped). */
export function parametersToAdvanced(p: unknown): AdvancedDraft {
  const a = emptyAdvanced();
  if (!p || typeof p !== 'object') return a;
  const m = p as Record<string, unknown>;
  if (m.tool_choice === 'none' || m.tool_choice === 'auto' || m.tool_choice === 'required') a.toolChoice = m.tool_choice;
  else if (m.tool_choice && typeof m.tool_choice === 'object' && typeof (m.tool_choice as { function?: unknown }).function === 'string') {
    a.toolChoice = 'function';
    a.toolFunction = (m.tool_choice as { function: string }).function;
  }
  if (typeof m.top_p === 'number') a.topP = String(m.top_p);
  if (typeof m.seed === 'number') a.seed = String(m.seed);
  if (typeof m.stop === 'string') a.stop = m.stop;
  else if (Array.isArray(m.stop)) a.stop = m.stop.filter((x) => typeof x === 'string').join('\n');
  a.logprobs = m.logprobs === true;
  if (typeof m.top_logprobs === 'number') a.topLogprobs = String(m.top_logprobs);
  if (typeof m.user === 'string') a.user = m.user;
  return a;
}

export const CUSTOM_JUDGE = '__custom__';

export interface FormContext {
  models: readonly ModelConfig[];
  judgeModel: ModelConfig | null;
}

export function modelLabel(model: ModelConfig): string {
  return model.id ?? model.model;
}

let keyCounter = 0;
export function newFieldKey(): string {
  keyCounter += 1;
  return `f${Date.now().toString(36)}${keyCounter}`;
}

export function emptyDraft(ctx?: FormContext): FormDraft {
  return {
    version: 1,
    name: '',
    model: ctx?.models[0]?.model ?? '',
    pass_through: false,
    extraModels: [],
    reasoningMode: 'none',
    effort: 'medium',
    budgetTokens: '',
    overrideSystemPrompt: false,
    systemPrompt: '',
    useOutputSchema: false,
    outputSchema: [],
    detectors: ['local'],
    judgeModel: '',
    judgeCustomModel: '',
    labelSet: '',
    numSamples: '1',
    conversationIds: [],
    advanced: emptyAdvanced(),
    sampling: 'every',
  };
}

/** Whole numbers only: "12" → 12, "" / "1.5" / "1e3" / "abc" → NaN (so the schema reports it). */
export function parseWholeNumber(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

function sameModel(a: ModelConfig, b: ModelConfig): boolean {
  return modelLabel(a) === modelLabel(b);
}

/** The configuration the draft describes (not yet validated). */
export function draftToConfig(draft: FormDraft, ctx: FormContext): ExperimentConfigInput {
  const config: ExperimentConfigInput = {
    name: draft.name,
    model: draft.model.trim(),
    pass_through: draft.pass_through,
    conversation_ids: [...draft.conversationIds],
    num_samples: parseWholeNumber(draft.numSamples),
    detectors: [...draft.detectors],
  };
  if (!draft.pass_through) {
    if (draft.reasoningMode === 'effort') config.reasoning_config = { effort: draft.effort };
    else if (draft.reasoningMode === 'budget') config.reasoning_config = { budget_tokens: parseWholeNumber(draft.budgetTokens) };
    if (draft.overrideSystemPrompt) config.system_prompt_override = draft.systemPrompt;
    const extras = extraConfigurations(draft, ctx);
    if (extras.length > 0) config.models = extras.map((m) => ({ ...m }));
    const parameters = advancedToParameters(draft.advanced);
    if (parameters) config.model_parameters = parameters;
    if (draft.sampling === 'random') config.sampling = 'random';
  }
  if (draft.batch) config.batch = { enabled: true };
  if (draft.useOutputSchema && draft.outputSchema.length > 0) {
    config.output_schema = draft.outputSchema.map((f) => ({
      name: f.name.trim(),
      type: f.type,
      is_list: f.is_list,
      is_optional: f.is_optional,
    }));
  }
  if (draft.detectors.includes('judge')) {
    if (draft.judgeModel === CUSTOM_JUDGE) config.judge_model = { model: draft.judgeCustomModel.trim() };
    else if (draft.judgeModel) {
      const configured =
        ctx.models.find((m) => modelLabel(m) === draft.judgeModel) ??
        (ctx.judgeModel && modelLabel(ctx.judgeModel) === draft.judgeModel ? ctx.judgeModel : undefined);
      if (configured) config.judge_model = { ...configured };
    }
  }
  const labelSet = draft.labelSet.trim();
  if (labelSet) config.label_set = labelSet;
  const tags = tagsOf(draft.tags ?? '');
  if (tags.length > 0) config.tags = tags;
  return config;
}

/** The configured models chosen as extra configurations; one that is the target itself is left out. */
export function extraConfigurations(draft: FormDraft, ctx: FormContext): ModelConfig[] {
  if (draft.pass_through) return [];
  const target = draft.model.trim();
  return draft.extraModels
    .map((label) => ctx.models.find((m) => modelLabel(m) === label))
    .filter((m): m is ModelConfig => m !== undefined && m.model !== target && modelLabel(m) !== target);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A draft from a (possibly partial, possibly invalid) configuration: used for prefills. */
export function configToDraft(prefill: FormPrefill | null | undefined, ctx: FormContext, base: FormDraft = emptyDraft(ctx)): FormDraft {
  const draft: FormDraft = { ...base, outputSchema: [...base.outputSchema], conversationIds: [...base.conversationIds] };
  if (!prefill || typeof prefill !== 'object') return draft;
  const p = prefill as Record<string, unknown>;
  if (str(p.name) !== undefined) draft.name = p.name as string;
  if (str(p.model) !== undefined) draft.model = p.model as string;
  if (typeof p.pass_through === 'boolean') draft.pass_through = p.pass_through;
  if (Array.isArray(p.conversation_ids))
    draft.conversationIds = [...new Set(p.conversation_ids.filter((x): x is string => typeof x === 'string' && x.length > 0))];
  const rc = p.reasoning_config as Record<string, unknown> | undefined;
  if (rc && typeof rc === 'object') {
    if (rc.effort === 'low' || rc.effort === 'medium' || rc.effort === 'high') {
      draft.reasoningMode = 'effort';
      draft.effort = rc.effort;
    } else if (typeof rc.budget_tokens === 'number') {
      draft.reasoningMode = 'budget';
      draft.budgetTokens = String(rc.budget_tokens);
    }
  }
  if (str(p.system_prompt_override) !== undefined) {
    draft.overrideSystemPrompt = true;
    draft.systemPrompt = p.system_prompt_override as string;
  }
  if (Array.isArray(p.output_schema)) {
    draft.useOutputSchema = true;
    draft.outputSchema = p.output_schema
      .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
      .map((f) => ({
        key: newFieldKey(),
        name: str(f.name) ?? '',
        type: (outputFieldTypes as readonly string[]).includes(String(f.type)) ? (f.type as OutputFieldType) : 'string',
        is_list: f.is_list === true,
        is_optional: f.is_optional === true,
      }));
  }
  if (Array.isArray(p.models)) {
    const wanted = p.models.filter(
      (m): m is ModelConfig => typeof m === 'object' && m !== null && typeof (m as ModelConfig).model === 'string',
    );
    draft.extraModels = wanted
      .map((m) => ctx.models.find((c) => sameModel(c, m)))
      .filter((m): m is ModelConfig => !!m)
      .map(modelLabel);
  }
  if (typeof p.num_samples === 'number') draft.numSamples = String(p.num_samples);
  if (Array.isArray(p.detectors)) {
    const ds = p.detectors.filter((d): d is DetectorKind => (detectorKinds as readonly string[]).includes(String(d)));
    if (ds.length > 0) draft.detectors = [...new Set(ds)];
  }
  const jm = p.judge_model as ModelConfig | undefined;
  if (jm && typeof jm === 'object' && typeof jm.model === 'string') {
    const configured = ctx.models.find((c) => sameModel(c, jm));
    if (configured) draft.judgeModel = modelLabel(configured);
    else if (ctx.judgeModel && sameModel(ctx.judgeModel, jm)) draft.judgeModel = '';
    else {
      draft.judgeModel = CUSTOM_JUDGE;
      draft.judgeCustomModel = jm.model;
    }
  }
  if (str(p.label_set) !== undefined) draft.labelSet = p.label_set as string;
  if (Array.isArray(p.tags)) draft.tags = p.tags.filter((t): t is string => typeof t === 'string').join(', ');
  if (p.model_parameters !== undefined) draft.advanced = parametersToAdvanced(p.model_parameters);
  if (p.sampling === 'every' || p.sampling === 'random') draft.sampling = p.sampling;
  const batch = p.batch as { enabled?: unknown } | undefined;
  if (batch && typeof batch === 'object' && batch.enabled === true) draft.batch = true;
  return draft;
}

/** Restores a draft saved by an older page (missing fields take their defaults). */
export function reviveDraft(saved: unknown, ctx?: FormContext): FormDraft | null {
  if (!saved || typeof saved !== 'object' || (saved as { version?: unknown }).version !== 1) return null;
  const base = emptyDraft(ctx);
  const s = saved as Partial<FormDraft>;
  const merged = { ...base, ...s } as FormDraft;
  merged.outputSchema = Array.isArray(s.outputSchema) ? s.outputSchema.map((f) => ({ ...f, key: f.key || newFieldKey() })) : [];
  merged.conversationIds = Array.isArray(s.conversationIds) ? s.conversationIds.filter((x) => typeof x === 'string') : [];
  merged.detectors = Array.isArray(s.detectors) ? s.detectors : base.detectors;
  merged.extraModels = Array.isArray(s.extraModels) ? s.extraModels : [];
  merged.advanced = { ...emptyAdvanced(), ...(s.advanced && typeof s.advanced === 'object' ? s.advanced : {}) };
  merged.sampling = s.sampling === 'random' ? 'random' : 'every';
  return merged;
}

// ---- output schema rows --------------------------------------------------------------------

export function addOutputField(fields: readonly OutputFieldDraft[]): OutputFieldDraft[] {
  return [...fields, { key: newFieldKey(), name: '', type: 'string', is_list: false, is_optional: false }];
}

export function removeOutputField(fields: readonly OutputFieldDraft[], key: string): OutputFieldDraft[] {
  return fields.filter((f) => f.key !== key);
}

/** Moves the row `key` by `delta` places (−1 up, +1 down), clamped to the list. */
export function moveOutputField(fields: readonly OutputFieldDraft[], key: string, delta: number): OutputFieldDraft[] {
  const from = fields.findIndex((f) => f.key === key);
  if (from < 0) return [...fields];
  const to = Math.max(0, Math.min(fields.length - 1, from + delta));
  const next = [...fields];
  const [row] = next.splice(from, 1);
  next.splice(to, 0, row!);
  return next;
}

export function updateOutputField(
  fields: readonly OutputFieldDraft[],
  key: string,
  patch: Partial<Omit<OutputFieldDraft, 'key'>>,
): OutputFieldDraft[] {
  return fields.map((f) => (f.key === key ? { ...f, ...patch } : f));
}

/** "12 conversations × 2 configurations × 3 samples = 72 items". */
export function runSizeSummary(draft: FormDraft, ctx: FormContext): { items: number; text: string } {
  const conversations = draft.conversationIds.length;
  const drawn = draft.sampling === 'random' && !draft.pass_through;
  const configurations = drawn ? 1 : 1 + extraConfigurations(draft, ctx).length;
  const samplesRaw = parseWholeNumber(draft.numSamples);
  const samples = Number.isFinite(samplesRaw) && samplesRaw > 0 ? samplesRaw : 1;
  const items = conversations * configurations * samples;
  const parts = [`${conversations} conversation${conversations === 1 ? '' : 's'}`];
  if (configurations > 1) parts.push(`${configurations} configurations`);
  if (samples > 1) parts.push(`${samples} samples`);
  return { items, text: parts.length > 1 ? `${parts.join(' × ')} = ${items} items` : `${items} item${items === 1 ? '' : 's'}` };
}
