// The form's "Detection" section: which detectors run (local checks, LLM judge), the judge model
// and the label set the judge uses (with the labels in effect); and how these controls follow the draft.
import { builtInLabels, type ModelConfig } from '../../common/schema';
import type { FormInitResult, FormProtocol, LabelInfo } from '../../common/webviewProtocol';
import {
  button,
  checkbox,
  setSelectOptions,
  singleSelect,
  textField,
  type Checkbox,
  type SelectOption,
  type SingleSelect,
  type TextField,
} from '../lib/controls';
import { el } from '../lib/dom';
import { humanizeLabel } from '../lib/format';
import { CUSTOM_JUDGE, modelLabel, type FormDraft } from '../lib/formModel';
import type { RpcClient } from '../lib/rpc';
import { field, type FieldView } from './field';
import type { FormSectionHost } from './formSection';

export interface DetectionSectionHost extends FormSectionHost {
  init(): FormInitResult;
  rpc: RpcClient<typeof FormProtocol>;
  banner(kind: 'error' | 'warning', message: string): void;
  /** The models offered (configured, then the editor's language models: they can change while the form is open). */
  models(): readonly ModelConfig[];
}

export class DetectionSection {
  private detectorBoxes = new Map<string, Checkbox>();
  private judgeSelect!: SingleSelect;
  private judgeCustom!: TextField;
  private judgeField!: FieldView;
  private labelSetField!: TextField;
  private labelsList = el('div', { class: 'labels-list' });
  private labelsSummary = el('summary');

  constructor(private readonly host: DetectionSectionHost) {}

  build(): Node[] {
    const list = el('div', { class: 'check-list' });
    const detector = (kind: 'local' | 'judge', label: string, desc: string) => {
      const box = checkbox(label, this.host.draft().detectors.includes(kind), (v) => {
        const set = new Set(this.host.draft().detectors);
        if (v) set.add(kind);
        else set.delete(kind);
        this.host.change({ detectors: (['local', 'judge'] as const).filter((k) => set.has(k)) }, 'detectors');
        this.host.syncControls();
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
    const detectors = this.host.register(field('detectors', 'Detectors', {}, list));

    const init = this.host.init();
    this.judgeSelect = singleSelect(
      this.judgeOptions(),
      this.host.draft().judgeModel,
      (v) => {
        this.host.change({ judgeModel: v }, 'judge_model');
        this.host.syncControls();
      },
      'Judge model',
    );
    this.judgeCustom = textField({
      value: this.host.draft().judgeCustomModel,
      placeholder: 'judge model name',
      label: 'Judge model name',
      onInput: (v) => this.host.change({ judgeCustomModel: v }, 'judge_model'),
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
    const judge = this.host.register(this.judgeField);

    this.labelSetField = textField({
      id: 'f-labels',
      value: this.host.draft().labelSet,
      placeholder: init.labelSetSource ? `From settings (${init.labelSetSource})` : 'Built-in labels',
      label: 'Label set file',
      onInput: (v) => this.host.change({ labelSet: v }, 'label_set'),
    });
    const browse = button('Browse…', {
      icon: 'folder-opened',
      secondary: true,
      onClick: async () => {
        try {
          const { path } = await this.host.rpc.request('browseLabelSet', {});
          if (path !== null) {
            this.labelSetField.value = path;
            this.host.change({ labelSet: path }, 'label_set');
          }
        } catch (error) {
          this.host.banner('error', error instanceof Error ? error.message : String(error));
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
    return [detectors, judge, this.host.register(labels)];
  }

  private renderLabels(labels: readonly LabelInfo[]): void {
    this.labelsSummary.textContent = `Labels in effect (${labels.length})`;
    this.labelsList.replaceChildren(
      ...labels.flatMap((l) => [el('span', { class: 'chip' }, humanizeLabel(l.name)), el('span', { class: 'dim' }, l.description)]),
    );
  }

  /** The judge choices: the default, every offered model (the editor's too), another one. */
  private judgeOptions(): SelectOption[] {
    const init = this.host.init();
    return [
      { value: '', label: init.judgeModel ? `Default — ${modelLabel(init.judgeModel)}` : 'Default (none in settings)' },
      ...this.host.models().map((m) => ({
        value: modelLabel(m),
        label: modelLabel(m),
        description: m.source === 'vscode-lm' ? 'editor language model' : m.baseURL,
      })),
      { value: CUSTOM_JUDGE, label: 'Other model…' },
    ];
  }

  /** Puts the draft into this section's controls. */
  sync(d: FormDraft): void {
    setSelectOptions(this.judgeSelect, this.judgeOptions(), d.judgeModel);
    for (const [kind, box] of this.detectorBoxes) box.checked = d.detectors.includes(kind as 'local' | 'judge');
    this.judgeField.root.hidden = !d.detectors.includes('judge');
    if (this.judgeSelect.value !== d.judgeModel) this.judgeSelect.value = d.judgeModel;
    this.judgeCustom.hidden = d.judgeModel !== CUSTOM_JUDGE;
    if (this.labelSetField.value !== d.labelSet) this.labelSetField.value = d.labelSet;
  }
}
