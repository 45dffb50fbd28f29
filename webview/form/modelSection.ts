// The form's "Model" section: pass-through or a target model (the configured models offered as
// suggestions), extra configurations to compare, reasoning (effort or token budget) and samples
// per conversation; and how these controls follow the draft.
import type { ModelConfig } from '../../common/schema';
import type { EditorModelInfo } from '../../common/editorModels';
import { checkbox, singleSelect, textField, type Checkbox, type SingleSelect, type TextField } from '../lib/controls';
import { codicon, el } from '../lib/dom';
import { modelLabel, type FormDraft } from '../lib/formModel';
import { field, type FieldView } from './field';
import type { FormSectionHost } from './formSection';
import { AdvancedFold } from './advancedSection';
import { BatchField } from './batchField';

export interface ModelSectionHost extends FormSectionHost {
  models(): readonly ModelConfig[];
  /** The editor's language models (their configurations are among `models()`, source "vscode-lm"). */
  editorModels(): readonly EditorModelInfo[];
  settingsLink(text: string, query: string): HTMLElement;
}

export class ModelSection {
  private modelField!: TextField;
  private modelSuggestions = el('div', { class: 'suggestions' });
  private editorSuggestions = el('div', { class: 'suggestions editor-models', 'aria-label': 'Editor language models' });
  private passThrough!: Checkbox;
  private extraList = el('div', { class: 'check-list' });
  private passThroughNote = el(
    'div',
    { class: 'note' },
    codicon('info'),
    el(
      'span',
      {},
      'Pass-through: the traced responses are evaluated as they are; no model is called. The model name labels this configuration in reports.',
    ),
  );
  private reasoningRadios: (HTMLElement & { checked: boolean; value: string })[] = [];
  private effortSelect!: SingleSelect;
  private budgetField!: TextField;
  private samplesField!: TextField;
  private modelView!: FieldView;
  /** Fields that mean nothing in pass-through (the prompt section adds its own). */
  readonly inferenceOnly: HTMLElement[] = [];
  private readonly advanced: AdvancedFold;
  private readonly batch: BatchField;

  constructor(private readonly host: ModelSectionHost) {
    this.advanced = new AdvancedFold(host);
    this.batch = new BatchField(host);
  }

  build(): Node[] {
    this.passThrough = checkbox(
      'Pass-through — evaluate the traced responses as they are (no inference)',
      this.host.draft().pass_through,
      (v) => {
        const patch: Partial<FormDraft> = { pass_through: v };
        if (v && !this.host.draft().model.trim()) patch.model = 'traced';
        this.host.change(patch, 'pass_through');
        this.host.syncControls();
      },
      { toggle: true },
    );
    const passField = this.host.register(field('pass_through', 'Responses', {}, this.passThrough));

    this.modelField = textField({
      id: 'f-model',
      value: this.host.draft().model,
      placeholder: 'e.g. gpt-4.1-mini',
      label: 'Target model',
      onInput: (v) => this.host.change({ model: v }, 'model'),
    });
    this.modelView = field(
      'model',
      'Target model',
      { help: 'The model each conversation is run with (the name your endpoint expects). Configured models:', forId: 'f-model' },
      this.modelField,
      this.modelSuggestions,
      this.editorSuggestions,
    );
    const modelField = this.host.register(this.modelView);

    const extras = this.host.register(
      field(
        'models',
        'Extra configurations',
        { optional: true, help: 'Configured models to run alongside the target, compared side by side in the report.' },
        this.extraList,
      ),
    );

    const radios = el('vscode-radio-group', { variant: 'horizontal', 'aria-label': 'Reasoning' });
    const mk = (value: string, label: string) => {
      const r = document.createElement('vscode-radio') as HTMLElement & { checked: boolean; value: string };
      r.setAttribute('name', 'reasoning');
      r.setAttribute('label', label);
      r.value = value;
      r.addEventListener('change', () => {
        if (r.checked) {
          this.host.change({ reasoningMode: value as FormDraft['reasoningMode'] }, 'reasoning_config');
          this.host.syncControls();
        }
      });
      this.reasoningRadios.push(r);
      return r;
    };
    radios.append(mk('none', 'Model default'), mk('effort', 'Effort'), mk('budget', 'Token budget'));
    this.effortSelect = singleSelect(
      [
        { value: 'low', label: 'Low' },
        { value: 'medium', label: 'Medium' },
        { value: 'high', label: 'High' },
      ],
      this.host.draft().effort,
      (v) => this.host.change({ effort: v as FormDraft['effort'] }, 'reasoning_config'),
      'Reasoning effort',
    );
    this.budgetField = textField({
      value: this.host.draft().budgetTokens,
      placeholder: 'e.g. 2048',
      type: 'number',
      label: 'Reasoning budget tokens',
      onInput: (v) => this.host.change({ budgetTokens: v }, 'reasoning_config'),
    });
    this.budgetField.setAttribute('min', '1');
    const reasoning = field(
      'reasoning_config',
      'Reasoning',
      { optional: true, help: 'For reasoning models: an effort level, or a budget of thinking tokens.' },
      el('div', { class: 'radio-row' }, radios, this.effortSelect, this.budgetField),
    );
    reasoning.controls.push(this.budgetField);
    const reasoningEl = this.host.register(reasoning);

    this.samplesField = textField({
      id: 'f-samples',
      value: this.host.draft().numSamples,
      type: 'number',
      label: 'Samples per conversation',
      onInput: (v) => this.host.change({ numSamples: v }, 'num_samples'),
    });
    this.samplesField.setAttribute('min', '1');
    this.samplesField.setAttribute('max', '10');
    this.samplesField.classList.add('number-field');
    const samples = this.host.register(
      field(
        'num_samples',
        'Samples per conversation',
        { help: '1 to 10 responses per conversation and configuration, to see how stable the result is.', forId: 'f-samples' },
        this.samplesField,
      ),
    );

    const advanced = this.advanced.build();
    this.inferenceOnly.push(extras, reasoningEl, advanced);
    return [
      passField,
      this.passThroughNote,
      el('div', { class: 'grid-2' }, modelField, samples),
      extras,
      reasoningEl,
      this.batch.build(),
      advanced,
    ];
  }

  /** A button that makes `m` the target. */
  private suggestion(m: ModelConfig, title: string, d: FormDraft): HTMLElement {
    // An editor model is named by its label: its id may also be a configured endpoint's model name
    // ("gpt-4o"), and the server looks configured models up first.
    const value = m.source === 'vscode-lm' ? modelLabel(m) : m.model;
    const b = el('button', { type: 'button', class: `suggestion${d.model === value ? ' active' : ''}`, title }, modelLabel(m));
    b.addEventListener('click', () => {
      this.modelField.value = value;
      this.host.change({ model: value, extraModels: this.host.draft().extraModels.filter((x) => x !== modelLabel(m)) }, 'model');
      this.host.syncControls();
    });
    return b;
  }

  /** The editor's language models, beside the configured ones: no key needed, VS Code asks for consent. */
  private syncEditorModels(d: FormDraft, models: readonly ModelConfig[]): void {
    const infos = this.host.editorModels();
    const head = el('span', { class: 'dim' }, 'Editor models: ');
    if (infos.length === 0) {
      this.editorSuggestions.replaceChildren(
        head,
        el(
          'span',
          { class: 'dim', title: 'VS Code lists no language models (Copilot or a model provider extension adds them)' },
          'no editor models',
        ),
      );
      return;
    }
    this.editorSuggestions.replaceChildren(
      head,
      ...infos.flatMap((info) => {
        const m = models.find((c) => c.source === 'vscode-lm' && c.model === info.id && c.vendor === info.vendor);
        return m ? [this.suggestion(m, describeEditorModel(info), d)] : [];
      }),
    );
  }

  /** Puts the draft into this section's controls. */
  sync(d: FormDraft): void {
    if (this.modelField.value !== d.model) this.modelField.value = d.model;
    this.passThrough.checked = d.pass_through;
    this.passThroughNote.hidden = !d.pass_through;
    const modelView = this.modelView;
    const modelLabelText = modelView?.root.querySelector('.field-label')?.firstChild;
    if (modelLabelText) modelLabelText.textContent = d.pass_through ? 'Configuration name' : 'Target model';
    const modelHelp = modelView?.root.querySelector('.field-help');
    if (modelHelp)
      modelHelp.textContent = d.pass_through
        ? 'Names the traced responses in reports (e.g. the model that produced them). Configured models:'
        : 'The model each conversation is run with (the name your endpoint expects). Configured models:';
    for (const e of this.inferenceOnly) e.hidden = d.pass_through;

    // model suggestions and extra configurations
    const models = this.host.models();
    const configured = models.filter((m) => m.source !== 'vscode-lm');
    this.syncEditorModels(d, models);
    this.modelSuggestions.replaceChildren(
      ...(configured.length === 0
        ? [el('span', { class: 'dim' }, 'none in settings — '), this.host.settingsLink('Configure models', 'hallucinationLab.models')]
        : configured.map((m) => this.suggestion(m, describeModel(m), d))),
    );
    const extraCandidates = models;
    this.extraList.replaceChildren(
      ...(extraCandidates.length === 0
        ? [
            el('span', { class: 'dim' }, 'No other model configured. '),
            this.host.settingsLink('Add models in settings', 'hallucinationLab.models'),
          ]
        : extraCandidates.flatMap((m) => {
            const label = modelLabel(m);
            const isTarget = m.model === d.model.trim() || label === d.model.trim();
            const box = checkbox(isTarget ? `${label} (the target)` : label, d.extraModels.includes(label) && !isTarget, (v) => {
              const set = new Set(this.host.draft().extraModels);
              if (v) set.add(label);
              else set.delete(label);
              this.host.change({ extraModels: models.map(modelLabel).filter((l) => set.has(l)) }, 'models');
            });
            box.disabled = isTarget;
            return [box, el('div', { class: 'desc' }, describeModel(m))];
          })),
    );

    // reasoning
    for (const r of this.reasoningRadios) r.checked = r.value === d.reasoningMode;
    this.effortSelect.hidden = d.reasoningMode !== 'effort';
    this.budgetField.hidden = d.reasoningMode !== 'budget';
    if (this.effortSelect.value !== d.effort) this.effortSelect.value = d.effort;
    if (this.budgetField.value !== d.budgetTokens) this.budgetField.value = d.budgetTokens;
    if (this.samplesField.value !== d.numSamples) this.samplesField.value = d.numSamples;
    this.advanced.sync(d);
    this.batch.sync(d);
  }
}

function describeEditorModel(info: EditorModelInfo): string {
  const parts = [`editor model ${info.id}`, `vendor ${info.vendor}`];
  if (info.family) parts.push(`family ${info.family}`);
  if (info.maxInputTokens !== null) parts.push(`max ${info.maxInputTokens} input tokens`);
  parts.push('no key; price unknown');
  return parts.join(' · ');
}

function describeModel(m: ModelConfig): string {
  if (m.source === 'vscode-lm') return [`editor model ${m.model}`, m.vendor, m.family].filter(Boolean).join(' · ');
  const parts = [m.model];
  if (m.baseURL) parts.push(m.baseURL);
  if (m.temperature !== undefined) parts.push(`temperature ${m.temperature}`);
  if (m.max_tokens !== undefined) parts.push(`max ${m.max_tokens} tokens`);
  for (const k of ['top_p', 'seed', 'user'] as const) if (m[k] !== undefined) parts.push(`${k} ${m[k]}`);
  if (m.tool_choice !== undefined) parts.push(`tool_choice ${typeof m.tool_choice === 'string' ? m.tool_choice : m.tool_choice.function}`);
  if (m.stop !== undefined) parts.push(`stop ${JSON.stringify(m.stop)}`);
  if (m.logprobs || m.top_logprobs !== undefined) parts.push(`logprobs${m.top_logprobs !== undefined ? ` (top ${m.top_logprobs})` : ''}`);
  if (m.input_price_per_1m !== undefined || m.output_price_per_1m !== undefined)
    parts.push(`$${m.input_price_per_1m ?? '?'} / $${m.output_price_per_1m ?? '?'} per 1M tokens`);
  return parts.join(' · ');
}
