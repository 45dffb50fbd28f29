// The experiment form: every field of the configuration, validated as you type with the same
// zod schema the server uses, the draft kept in the webview state (hide/show, window reload),
// and the server's own errors brought back beside their fields. This file holds the page's
// state, validation and submit; the Model, Prompt and Detection sections live in their own modules.
import { MAX_CONVERSATIONS } from '../../common/schema';
import type { EditorModelInfo } from '../../common/editorModels';
import { FormProtocol, type FormInitResult, type FormPrefill } from '../../common/webviewProtocol';
import { button, setDisabled, textField, type TextField } from '../lib/controls';
import { codicon, el } from '../lib/dom';
import { plural } from '../lib/format';
import { configToDraft, emptyDraft, reviveDraft, runSizeSummary, type FormContext, type FormDraft } from '../lib/formModel';
import { emptyFilter, type ConversationFilter } from '../lib/selection';
import { createRpcClient } from '../lib/rpc';
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
import { DetectionSection } from './detectionSection';
import { field, setFieldError, type FieldView } from './field';
import type { FormSectionHost } from './formSection';
import { ModelSection } from './modelSection';
import { ConversationPicker } from './picker';
import { PromptSection } from './promptSection';
import { estimateNodes } from './estimateView';

export interface FormViewState {
  view: 'form';
  draft: FormDraft;
  filter: ConversationFilter;
  focusedId: string | null;
  touched: string[];
}

export class FormApp {
  private readonly rpc = createRpcClient(FormProtocol, windowTransport());
  private readonly store = persistentState<FormViewState>();
  private ctx: FormContext = { models: [], judgeModel: null };
  private init: FormInitResult | null = null;
  /** The editor's language models (their configurations are in ctx.models too); null until the editor said. */
  private editorModels: readonly EditorModelInfo[] = [];
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
  /** The cost estimate above Create, asked for again (debounced) as the form changes. */
  private readonly estimate = el('div', { class: 'estimate', 'aria-live': 'polite' });
  private estimateTimer: ReturnType<typeof setTimeout> | undefined;
  private estimateSent = '';

  private nameField!: TextField;
  private picker!: ConversationPicker;

  // the sections, each owning its controls
  private readonly sectionHost: FormSectionHost = {
    draft: () => this.draft,
    change: (patch, touchedKey) => this.change(patch, touchedKey),
    syncControls: () => this.syncControls(),
    register: (view) => this.register(view),
  };
  private readonly modelSection = new ModelSection({
    ...this.sectionHost,
    models: () => this.ctx.models,
    editorModels: () => this.editorModels,
    settingsLink: (text, query) => this.settingsLink(text, query),
  });
  private readonly promptSection = new PromptSection({ ...this.sectionHost, inferenceOnly: this.modelSection.inferenceOnly });
  private readonly detectionSection = new DetectionSection({
    ...this.sectionHost,
    init: () => this.init!,
    rpc: this.rpc,
    banner: (kind, message) => this.banner(kind, message),
    models: () => this.ctx.models,
  });

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
    this.editorModels = this.init.editorModels ?? [];
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
    this.rpc.onNotification('modelsChanged', ({ models, editorModels }) => {
      this.ctx = { ...this.ctx, models };
      this.editorModels = editorModels;
      this.syncControls();
    });
    this.rpc.onNotification('traceFilesChanged', ({ files }) => {
      this.picker.setFiles(files);
      void this.picker.reload();
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void this.submit();
      }
    });
    window.addEventListener('beforeunload', () => this.store.flush());
    this.update([]);
    this.picker.setFiles(this.init.traceFiles);
    await this.picker.reload();
    requestAnimationFrame(() => this.nameField.focus());
  }

  private applyPrefill(prefill: FormPrefill): void {
    this.draft = configToDraft(prefill, this.ctx, this.draft);
    this.syncControls();
    this.picker.refresh();
    if (prefill.conversation_ids) void this.picker.lookupSelection();
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
      this.section('Model', 'hubot', ...this.modelSection.build()),
      this.section('Prompt and output', 'symbol-text', ...this.promptSection.build()),
      this.section('Detection', 'search-fuzzy', ...this.detectionSection.build()),
      this.section('Conversations', 'comment-discussion', this.buildConversations()),
      this.estimate,
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
    const tagsField = textField({
      id: 'f-tags',
      value: this.draft.tags ?? '',
      placeholder: 'e.g. baseline, judge-v3',
      label: 'Tags',
      onInput: (v) => this.change({ tags: v }, 'tags'),
    });
    return el(
      'div',
      {},
      this.register(field('name', 'Name', { help: 'Shown in the experiments view and in reports.', forId: 'f-name' }, this.nameField)),
      this.register(
        field('tags', 'Tags', { help: 'Comma-separated; stored with the experiment (editable later).', forId: 'f-tags' }, tagsField),
      ),
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
        fetchPage: (request) => this.rpc.request('listConversations', request),
        lookup: async (ids) => (await this.rpc.request('lookupConversations', { ids })).conversations,
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
    this.modelSection.sync(d);
    this.promptSection.sync(d);
    this.detectionSection.sync(d);
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
    this.promptSection.schemaEditor.showErrors(shown);
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
    this.scheduleEstimate();
    this.persist();
  }

  /** Asks the server for the estimate 400 ms after the last change to a valid configuration. */
  private scheduleEstimate(): void {
    clearTimeout(this.estimateTimer);
    const validation = this.validation;
    if (!validation?.valid) {
      this.estimateSent = '';
      this.estimate.replaceChildren(...estimateNodes({ ok: false, errors: [] }));
      return;
    }
    const key = JSON.stringify(validation.input);
    if (key === this.estimateSent) return;
    this.estimateTimer = setTimeout(() => {
      this.estimateSent = key;
      this.estimate.replaceChildren(...estimateNodes(null));
      this.rpc.request('estimate', { config: validation.input }).then(
        (result) => {
          if (this.estimateSent === key) this.estimate.replaceChildren(...estimateNodes(result));
        },
        (error: unknown) => {
          if (this.estimateSent === key)
            this.estimate.replaceChildren(...estimateNodes({ error: error instanceof Error ? error.message : String(error) }));
        },
      );
    }, 400);
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

function defaultName(model: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${model || 'experiment'} · ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
