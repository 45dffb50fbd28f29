// The experiment form: every field of the configuration, validated as you type with the same
// zod schema the server uses, the draft kept in the webview state (hide/show, window reload),
// and the server's own errors brought back beside their fields.
import { builtInLabels, MAX_CONVERSATIONS, type ModelConfig } from '../../common/schema';
import { FormProtocol, type FormInitResult, type FormPrefill, type LabelInfo } from '../../common/webviewProtocol';
import { button, checkbox, setDisabled, singleSelect, textField, type Checkbox, type SingleSelect, type TextField } from '../lib/controls';
import { codicon, el } from '../lib/dom';
import { humanizeLabel, plural } from '../lib/format';
import {
  configToDraft,
  CUSTOM_JUDGE,
  emptyDraft,
  modelLabel,
  reviveDraft,
  runSizeSummary,
  type FormContext,
  type FormDraft,
} from '../lib/formModel';
import { emptyFilter, type ConversationFilter } from '../lib/selection';
import { createRpcClient, type RpcClient } from '../lib/rpc';
import {
  clearServerErrors,
  fieldTitle,
  serverErrorsToFieldErrors,
  validateDraft,
  visibleErrors,
  type DraftValidation,
  type FieldErrors,
} from '../lib/validation';
import { persistentState, windowTransport } from '../lib/vscodeApi';
import { field, setFieldError, type FieldView } from './field';
import { OutputSchemaEditor } from './outputSchemaEditor';
import { ConversationPicker } from './picker';

export interface FormViewState {
  view: 'form';
  draft: FormDraft;
  filter: ConversationFilter;
  focusedId: string | null;
  touched: string[];
}

type TextArea = HTMLElement & { value: string; invalid: boolean };

export class FormApp {
  private readonly rpc: RpcClient<typeof FormProtocol>;
  private readonly store = persistentState<FormViewState>();
  private ctx: FormContext = { models: [], judgeModel: null };
  private init: FormInitResult | null = null;
  private draft: FormDraft = emptyDraft();
  private filter: ConversationFilter = { ...emptyFilter };
  private focusedId: string | null = null;
  private touched = new Set<string>();
  private showAll = false;
  private serverErrors: FieldErrors = {};
  private validation: DraftValidation | null = null;
  private submitting = false;

  private readonly root = el('main', { class: 'form-page' });
  private readonly banners = el('div', { class: 'banners' });
  private readonly fields = new Map<string, FieldView>();
  private readonly summary = el('span', { class: 'summary' });
  private readonly issues = el('span', { class: 'issues', 'aria-live': 'polite' });
  private submitButton!: HTMLElement;

  // controls that are updated in place
  private nameField!: TextField;
  private modelField!: TextField;
  private modelSuggestions = el('div', { class: 'suggestions' });
  private passThrough!: Checkbox;
  private extraList = el('div', { class: 'check-list' });
  private inferenceOnly: HTMLElement[] = [];
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
  private overridePrompt!: Checkbox;
  private promptArea!: TextArea;
  private useSchema!: Checkbox;
  private schemaEditor!: OutputSchemaEditor;
  private detectorBoxes = new Map<string, Checkbox>();
  private judgeSelect!: SingleSelect;
  private judgeCustom!: TextField;
  private judgeField!: FieldView;
  private labelSetField!: TextField;
  private labelsList = el('div', { class: 'labels-list' });
  private labelsSummary = el('summary');
  private picker!: ConversationPicker;

  constructor() {
    this.rpc = createRpcClient(FormProtocol, windowTransport());
  }

  async start(): Promise<void> {
    document.body.append(this.root);
    this.root.append(
      el('div', { class: 'form-header' }, el('div', {}, el('h1', {}, codicon('beaker'), 'New experiment'), el('p', {}, 'Loading…'))),
    );
    const saved = this.store.load();
    try {
      this.init = await this.rpc.request('init', {});
    } catch (error) {
      this.root.replaceChildren(
        el(
          'div',
          { class: 'banner error' },
          codicon('error'),
          el('span', {}, `The form could not load: ${error instanceof Error ? error.message : String(error)}`),
        ),
      );
      return;
    }
    this.ctx = { models: this.init.models, judgeModel: this.init.judgeModel };
    const revived = saved ? reviveDraft(saved.draft, this.ctx) : null;
    if (revived) {
      this.draft = revived;
      this.filter = { ...emptyFilter, ...(saved?.filter ?? {}) };
      this.focusedId = saved?.focusedId ?? null;
      this.touched = new Set(saved?.touched ?? []);
    } else {
      this.draft = configToDraft(this.init.prefill, this.ctx);
      if (!this.draft.name) this.draft.name = defaultName(this.draft.model);
    }
    this.build();
    this.rpc.onNotification('prefill', ({ prefill }) => this.applyPrefill(prefill));
    this.rpc.onNotification('traceFilesChanged', () => void this.loadConversations());
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void this.submit();
      }
    });
    window.addEventListener('beforeunload', () => this.store.flush());
    this.update([]);
    await this.loadConversations();
    requestAnimationFrame(() => this.nameField.focus());
  }

  private async loadConversations(): Promise<void> {
    try {
      const { conversations } = await this.rpc.request('listConversations', {});
      this.picker.setConversations(conversations);
    } catch (error) {
      this.picker.setError(error instanceof Error ? error.message : String(error));
    }
  }

  private applyPrefill(prefill: FormPrefill): void {
    this.draft = configToDraft(prefill, this.ctx, this.draft);
    this.syncControls();
    this.picker.refresh();
    this.update(Object.keys(prefill));
  }

  // ---- building -------------------------------------------------------------------------

  private build(): void {
    const init = this.init!;
    const header = el(
      'div',
      { class: 'form-header' },
      el(
        'div',
        {},
        el('h1', {}, codicon('beaker'), 'New experiment'),
        el(
          'p',
          {},
          'Run conversations from your traces through a model and find where it made things up — in its answers and in its tool-call arguments.',
        ),
      ),
    );
    if (!init.workspaceTrusted)
      this.banners.append(
        el(
          'div',
          { class: 'banner warning' },
          codicon('shield'),
          el(
            'span',
            {},
            'This workspace is not trusted: models and judges will not be called until you trust it. Pass-through with the local detector works.',
          ),
        ),
      );

    this.root.replaceChildren(
      header,
      this.banners,
      this.section('Experiment', 'beaker', this.buildBasics()),
      this.section('Model', 'hubot', ...this.buildModel()),
      this.section('Prompt and output', 'symbol-text', ...this.buildPrompt()),
      this.section('Detection', 'search-fuzzy', ...this.buildDetection()),
      this.section('Conversations', 'comment-discussion', this.buildConversations()),
      this.buildFooter(),
    );
    this.syncControls();
  }

  private section(title: string, icon: string, ...content: Node[]): HTMLElement {
    return el('section', { class: 'fsection' }, el('h2', {}, codicon(icon), title), ...content);
  }

  private register(view: FieldView): HTMLElement {
    this.fields.set(view.key, view);
    return view.root;
  }

  private buildBasics(): Node {
    this.nameField = textField({
      id: 'f-name',
      value: this.draft.name,
      placeholder: 'e.g. support agent — gpt-4.1 vs traced',
      label: 'Name',
      onInput: (v) => this.change({ name: v }, 'name'),
    });
    this.nameField.setAttribute('maxlength', '255');
    return this.register(field('name', 'Name', { help: 'Shown in the experiments view and in reports.', forId: 'f-name' }, this.nameField));
  }

  private buildModel(): Node[] {
    this.passThrough = checkbox(
      'Pass-through — evaluate the traced responses as they are (no inference)',
      this.draft.pass_through,
      (v) => {
        const patch: Partial<FormDraft> = { pass_through: v };
        if (v && !this.draft.model.trim()) patch.model = 'traced';
        this.change(patch, 'pass_through');
        this.syncControls();
      },
      { toggle: true },
    );
    const passField = this.register(field('pass_through', 'Responses', {}, this.passThrough));

    this.modelField = textField({
      id: 'f-model',
      value: this.draft.model,
      placeholder: 'e.g. gpt-4.1-mini',
      label: 'Target model',
      onInput: (v) => this.change({ model: v }, 'model'),
    });
    const modelField = this.register(
      field(
        'model',
        'Target model',
        { help: 'The model each conversation is run with (the name your endpoint expects). Configured models:', forId: 'f-model' },
        this.modelField,
        this.modelSuggestions,
      ),
    );

    const extras = this.register(
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
          this.change({ reasoningMode: value as FormDraft['reasoningMode'] }, 'reasoning_config');
          this.syncControls();
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
      this.draft.effort,
      (v) => this.change({ effort: v as FormDraft['effort'] }, 'reasoning_config'),
      'Reasoning effort',
    );
    this.budgetField = textField({
      value: this.draft.budgetTokens,
      placeholder: 'e.g. 2048',
      type: 'number',
      label: 'Reasoning budget tokens',
      onInput: (v) => this.change({ budgetTokens: v }, 'reasoning_config'),
    });
    this.budgetField.setAttribute('min', '1');
    const reasoning = field(
      'reasoning_config',
      'Reasoning',
      { optional: true, help: 'For reasoning models: an effort level, or a budget of thinking tokens.' },
      el('div', { class: 'radio-row' }, radios, this.effortSelect, this.budgetField),
    );
    reasoning.controls.push(this.budgetField);
    const reasoningEl = this.register(reasoning);

    this.samplesField = textField({
      id: 'f-samples',
      value: this.draft.numSamples,
      type: 'number',
      label: 'Samples per conversation',
      onInput: (v) => this.change({ numSamples: v }, 'num_samples'),
    });
    this.samplesField.setAttribute('min', '1');
    this.samplesField.setAttribute('max', '10');
    this.samplesField.classList.add('number-field');
    const samples = this.register(
      field(
        'num_samples',
        'Samples per conversation',
        { help: '1 to 10 responses per conversation and configuration, to see how stable the result is.', forId: 'f-samples' },
        this.samplesField,
      ),
    );

    this.inferenceOnly = [extras, reasoningEl];
    return [passField, this.passThroughNote, el('div', { class: 'grid-2' }, modelField, samples), extras, reasoningEl];
  }

  private buildPrompt(): Node[] {
    this.overridePrompt = checkbox('Replace the system prompt in every conversation', this.draft.overrideSystemPrompt, (v) => {
      this.change({ overrideSystemPrompt: v }, 'system_prompt_override');
      this.syncControls();
    });
    this.promptArea = document.createElement('vscode-textarea') as TextArea;
    this.promptArea.setAttribute('rows', '6');
    this.promptArea.setAttribute('resize', 'vertical');
    this.promptArea.setAttribute('monospace', '');
    this.promptArea.setAttribute('placeholder', 'You are a support agent for …');
    this.promptArea.setAttribute('aria-label', 'System prompt override');
    this.promptArea.value = this.draft.systemPrompt;
    this.promptArea.addEventListener('input', () => this.change({ systemPrompt: this.promptArea.value }, 'system_prompt_override'));
    const prompt = field(
      'system_prompt_override',
      'System prompt override',
      { optional: true, help: 'Try another system prompt on the same conversations.' },
      this.overridePrompt,
      this.promptArea,
    );
    prompt.controls.push(this.promptArea);
    const promptEl = this.register(prompt);
    this.inferenceOnly.push(promptEl);

    this.useSchema = checkbox('Ask for structured output', this.draft.useOutputSchema, (v) => {
      const patch: Partial<FormDraft> = { useOutputSchema: v };
      if (v && this.draft.outputSchema.length === 0)
        patch.outputSchema = [{ key: `f${Date.now().toString(36)}`, name: '', type: 'string', is_list: false, is_optional: false }];
      this.change(patch, 'output_schema');
      this.schemaEditor.setFields(this.draft.outputSchema);
      this.syncControls();
    });
    this.schemaEditor = new OutputSchemaEditor(this.draft.outputSchema, (fields) => this.change({ outputSchema: fields }, 'output_schema'));
    const schemaEl = this.register(
      field(
        'output_schema',
        'Output schema',
        { optional: true, help: 'Fields of a JSON object the response must be; responses that do not conform are annotated.' },
        this.useSchema,
        this.schemaEditor.element,
      ),
    );
    return [promptEl, schemaEl];
  }

  private buildDetection(): Node[] {
    const list = el('div', { class: 'check-list' });
    const detector = (kind: 'local' | 'judge', label: string, desc: string) => {
      const box = checkbox(label, this.draft.detectors.includes(kind), (v) => {
        const set = new Set(this.draft.detectors);
        if (v) set.add(kind);
        else set.delete(kind);
        this.change({ detectors: (['local', 'judge'] as const).filter((k) => set.has(k)) }, 'detectors');
        this.syncControls();
      });
      this.detectorBoxes.set(kind, box);
      list.append(box, el('div', { class: 'desc' }, desc));
    };
    detector(
      'local',
      'Local checks',
      'No model, no network: tool calls against their schemas, argument values and answer specifics (numbers, dates, URLs, names) against the context.',
    );
    detector('judge', 'LLM judge', 'A model reads each response with its context and quotes what is unsupported; needs a judge model.');
    const detectors = this.register(field('detectors', 'Detectors', {}, list));

    const init = this.init!;
    const judgeOptions = [
      { value: '', label: init.judgeModel ? `Default — ${modelLabel(init.judgeModel)}` : 'Default (none in settings)' },
      ...init.models.map((m) => ({ value: modelLabel(m), label: modelLabel(m), description: m.baseURL })),
      { value: CUSTOM_JUDGE, label: 'Other model…' },
    ];
    this.judgeSelect = singleSelect(
      judgeOptions,
      this.draft.judgeModel,
      (v) => {
        this.change({ judgeModel: v }, 'judge_model');
        this.syncControls();
      },
      'Judge model',
    );
    this.judgeCustom = textField({
      value: this.draft.judgeCustomModel,
      placeholder: 'judge model name',
      label: 'Judge model name',
      onInput: (v) => this.change({ judgeCustomModel: v }, 'judge_model'),
    });
    this.judgeCustom.style.setProperty('margin-top', '6px');
    this.judgeField = field(
      'judge_model',
      'Judge model',
      { help: 'Any OpenAI-compatible model; endpoint and key as configured in settings.' },
      this.judgeSelect,
      this.judgeCustom,
    );
    this.judgeField.controls.push(this.judgeCustom);
    const judge = this.register(this.judgeField);

    this.labelSetField = textField({
      id: 'f-labels',
      value: this.draft.labelSet,
      placeholder: init.labelSetSource ? `From settings (${init.labelSetSource})` : 'Built-in labels',
      label: 'Label set file',
      onInput: (v) => this.change({ labelSet: v }, 'label_set'),
    });
    const browse = button('Browse…', {
      icon: 'folder-opened',
      secondary: true,
      onClick: async () => {
        try {
          const { path } = await this.rpc.request('browseLabelSet', {});
          if (path !== null) {
            this.labelSetField.value = path;
            this.change({ labelSet: path }, 'label_set');
          }
        } catch (error) {
          this.banner('error', error instanceof Error ? error.message : String(error));
        }
      },
    });
    const row = el('div', { class: 'field inline-row' }, this.labelSetField, browse);
    row.style.setProperty('margin-bottom', '0');
    this.renderLabels(
      init.labels.length > 0 ? init.labels : Object.entries(builtInLabels).map(([name, description]) => ({ name, description })),
    );
    const details = el('details', { class: 'labels' }, this.labelsSummary, this.labelsList);
    const labels = field(
      'label_set',
      'Label set',
      {
        optional: true,
        help: 'A JSON file of {labels: [{name, description}], domain_context} for the judge; empty uses the labels in settings or the built-in ones.',
        forId: 'f-labels',
      },
      row,
      details,
    );
    labels.controls.push(this.labelSetField);
    return [detectors, judge, this.register(labels)];
  }

  private renderLabels(labels: readonly LabelInfo[]): void {
    this.labelsSummary.textContent = `Labels in effect (${labels.length})`;
    this.labelsList.replaceChildren(
      ...labels.flatMap((l) => [el('span', { class: 'chip' }, humanizeLabel(l.name)), el('span', { class: 'dim' }, l.description)]),
    );
  }

  private buildConversations(): Node {
    this.picker = new ConversationPicker(
      {
        selected: () => this.draft.conversationIds,
        setSelected: (ids) => this.change({ conversationIds: ids }, 'conversation_ids'),
        viewChanged: (filter, focusedId) => {
          this.filter = filter;
          this.focusedId = focusedId;
          this.persist();
        },
      },
      this.filter,
      this.focusedId,
    );
    const view = field(
      'conversation_ids',
      `Conversations (1 to ${MAX_CONVERSATIONS})`,
      { help: 'From the trace files in the workspace. Click to select, Shift+click for a range, Space in the list toggles.' },
      this.picker.element,
    );
    return this.register(view);
  }

  private buildFooter(): Node {
    this.submitButton = button('Create experiment', {
      icon: 'play',
      title: 'Create and start (Ctrl+Enter)',
      onClick: () => void this.submit(),
    });
    const cancel = button('Cancel', { secondary: true, onClick: () => void this.rpc.request('close', {}).catch(() => undefined) });
    return el(
      'footer',
      { class: 'form-footer' },
      codicon('layers'),
      this.summary,
      this.issues,
      el('span', { class: 'spacer' }),
      el('span', { class: 'kbd' }, 'Ctrl+Enter'),
      cancel,
      this.submitButton,
    );
  }

  // ---- state ------------------------------------------------------------------------------

  /** Puts the draft into the controls that depend on other fields (visibility, options). */
  private syncControls(): void {
    const d = this.draft;
    if (this.nameField.value !== d.name) this.nameField.value = d.name;
    if (this.modelField.value !== d.model) this.modelField.value = d.model;
    this.passThrough.checked = d.pass_through;
    this.passThroughNote.hidden = !d.pass_through;
    const modelView = this.fields.get('model');
    const modelLabelText = modelView?.root.querySelector('.field-label')?.firstChild;
    if (modelLabelText) modelLabelText.textContent = d.pass_through ? 'Configuration name' : 'Target model';
    const modelHelp = modelView?.root.querySelector('.field-help');
    if (modelHelp)
      modelHelp.textContent = d.pass_through
        ? 'Names the traced responses in reports (e.g. the model that produced them). Configured models:'
        : 'The model each conversation is run with (the name your endpoint expects). Configured models:';
    for (const e of this.inferenceOnly) e.hidden = d.pass_through;

    // model suggestions and extra configurations
    const models = this.ctx.models;
    this.modelSuggestions.replaceChildren(
      ...(models.length === 0
        ? [el('span', { class: 'dim' }, 'none in settings — '), this.settingsLink('Configure models', 'hallucinationLab.models')]
        : models.map((m) => {
            const b = el(
              'button',
              { type: 'button', class: `suggestion${d.model === m.model ? ' active' : ''}`, title: describeModel(m) },
              modelLabel(m),
            );
            b.addEventListener('click', () => {
              this.modelField.value = m.model;
              this.change({ model: m.model, extraModels: this.draft.extraModels.filter((x) => x !== modelLabel(m)) }, 'model');
              this.syncControls();
            });
            return b;
          })),
    );
    const extraCandidates = models;
    this.extraList.replaceChildren(
      ...(extraCandidates.length === 0
        ? [
            el('span', { class: 'dim' }, 'No other model configured. '),
            this.settingsLink('Add models in settings', 'hallucinationLab.models'),
          ]
        : extraCandidates.flatMap((m) => {
            const label = modelLabel(m);
            const isTarget = m.model === d.model.trim();
            const box = checkbox(isTarget ? `${label} (the target)` : label, d.extraModels.includes(label) && !isTarget, (v) => {
              const set = new Set(this.draft.extraModels);
              if (v) set.add(label);
              else set.delete(label);
              this.change({ extraModels: models.map(modelLabel).filter((l) => set.has(l)) }, 'models');
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

    this.overridePrompt.checked = d.overrideSystemPrompt;
    this.promptArea.hidden = !d.overrideSystemPrompt;
    if (this.promptArea.value !== d.systemPrompt) this.promptArea.value = d.systemPrompt;
    this.useSchema.checked = d.useOutputSchema;
    this.schemaEditor.element.hidden = !d.useOutputSchema;

    for (const [kind, box] of this.detectorBoxes) box.checked = d.detectors.includes(kind as 'local' | 'judge');
    this.judgeField.root.hidden = !d.detectors.includes('judge');
    if (this.judgeSelect.value !== d.judgeModel) this.judgeSelect.value = d.judgeModel;
    this.judgeCustom.hidden = d.judgeModel !== CUSTOM_JUDGE;
    if (this.labelSetField.value !== d.labelSet) this.labelSetField.value = d.labelSet;
  }

  private settingsLink(text: string, query: string): HTMLElement {
    const a = el('span', { class: 'link', role: 'link', tabindex: 0 }, text);
    a.addEventListener('click', () => void this.rpc.request('openSettings', { query }).catch(() => undefined));
    return a;
  }

  private change(patch: Partial<FormDraft>, touchedKey: string): void {
    this.draft = { ...this.draft, ...patch };
    this.touched.add(touchedKey);
    this.serverErrors = clearServerErrors(this.serverErrors, [touchedKey]);
    if (touchedKey === 'conversation_ids') this.picker.refresh();
    this.update([touchedKey]);
  }

  private persist(): void {
    this.store.save({ view: 'form', draft: this.draft, filter: this.filter, focusedId: this.focusedId, touched: [...this.touched] });
  }

  /** Validates, shows errors, updates the footer, saves the draft. */
  private update(_changed: readonly string[]): void {
    this.validation = validateDraft(this.draft, this.ctx);
    const shown = visibleErrors(this.validation.errors, this.serverErrors, this.touched, this.showAll);
    for (const [key, view] of this.fields) setFieldError(view, key === 'output_schema' ? shown[key] : shown[key]);
    this.schemaEditor.showErrors(shown);
    const unplaced = Object.keys(shown).filter((k) => !this.fields.has(k) && !k.startsWith('output_schema.'));
    this.banners.querySelectorAll('.server-error').forEach((n) => n.remove());
    for (const k of unplaced)
      this.banners.append(
        el(
          'div',
          { class: 'banner error server-error', role: 'alert' },
          codicon('error'),
          el('span', {}, `${fieldTitle(k)}: ${shown[k]!.join(' ')}`),
        ),
      );

    const size = runSizeSummary(this.draft, this.ctx);
    this.summary.textContent = size.text;
    const blocking = [...new Set([...Object.keys(this.validation.errors), ...Object.keys(this.serverErrors)])];
    this.issues.className = `issues${blocking.length === 0 ? ' ok' : ''}`;
    if (blocking.length === 0) this.issues.replaceChildren(codicon('pass'), el('span', {}, 'Ready'));
    else {
      const link = el(
        'span',
        { class: 'link', role: 'button', tabindex: 0, title: 'Show every problem and go to the first' },
        blocking.slice(0, 4).map(fieldTitle).join(', ') + (blocking.length > 4 ? '…' : ''),
      );
      link.addEventListener('click', () => this.revealProblems());
      link.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') this.revealProblems();
      });
      this.issues.replaceChildren(codicon('error'), el('span', {}, `${plural(blocking.length, 'field')} to fix: `), link);
    }
    setDisabled(this.submitButton, !this.validation.valid || Object.keys(this.serverErrors).length > 0 || this.submitting);
    this.persist();
  }

  private revealProblems(): void {
    this.showAll = true;
    this.update([]);
    const first = this.root.querySelector('.field.has-error, .row-error:not(:empty)');
    first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    const control = first?.querySelector('vscode-textfield, vscode-textarea, vscode-single-select, .conv-list') as HTMLElement | null;
    control?.focus();
  }

  private banner(kind: 'error' | 'warning', message: string): void {
    this.banners.append(el('div', { class: `banner ${kind} server-error`, role: 'alert' }, codicon(kind), el('span', {}, message)));
  }

  private async submit(): Promise<void> {
    if (this.submitting) return;
    const validation = validateDraft(this.draft, this.ctx);
    if (!validation.valid) {
      this.revealProblems();
      return;
    }
    this.submitting = true;
    this.submitButton.textContent = 'Creating…';
    this.submitButton.setAttribute('icon', 'loading');
    this.submitButton.setAttribute('icon-spin', '');
    this.update([]);
    try {
      const result = await this.rpc.request('submit', { config: validation.input });
      if (!result.ok) {
        this.serverErrors = serverErrorsToFieldErrors(result.errors);
        this.showAll = true;
        this.update([]);
        this.revealProblems();
      } else {
        this.store.flush();
      }
    } catch (error) {
      this.banner('error', `The experiment could not be created: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.submitting = false;
      this.submitButton.textContent = 'Create experiment';
      this.submitButton.setAttribute('icon', 'play');
      this.submitButton.removeAttribute('icon-spin');
      this.update([]);
    }
  }
}

function describeModel(m: ModelConfig): string {
  const parts = [m.model];
  if (m.baseURL) parts.push(m.baseURL);
  if (m.temperature !== undefined) parts.push(`temperature ${m.temperature}`);
  if (m.max_tokens !== undefined) parts.push(`max ${m.max_tokens} tokens`);
  if (m.input_price_per_1m !== undefined || m.output_price_per_1m !== undefined)
    parts.push(`$${m.input_price_per_1m ?? '?'} / $${m.output_price_per_1m ?? '?'} per 1M tokens`);
  return parts.join(' · ');
}

function defaultName(model: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${model || 'experiment'} · ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
