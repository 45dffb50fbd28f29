// The form's "Prompt and output" section: a system prompt that replaces the traced one, and an
// output schema the responses must follow; and how these controls follow the draft.
import { checkbox, type Checkbox } from '../lib/controls';
import type { FormDraft } from '../lib/formModel';
import { field } from './field';
import type { FormSectionHost } from './formSection';
import { OutputSchemaEditor } from './outputSchemaEditor';

type TextArea = HTMLElement & { value: string; invalid: boolean };

export interface PromptSectionHost extends FormSectionHost {
  /** Where fields that mean nothing in pass-through are listed (hidden then). */
  inferenceOnly: HTMLElement[];
}

export class PromptSection {
  private overridePrompt!: Checkbox;
  private promptArea!: TextArea;
  private useSchema!: Checkbox;
  schemaEditor!: OutputSchemaEditor;

  constructor(private readonly host: PromptSectionHost) {}

  build(): Node[] {
    this.overridePrompt = checkbox('Replace the system prompt in every conversation', this.host.draft().overrideSystemPrompt, (v) => {
      this.host.change({ overrideSystemPrompt: v }, 'system_prompt_override');
      this.host.syncControls();
    });
    this.promptArea = document.createElement('vscode-textarea') as TextArea;
    this.promptArea.setAttribute('rows', '6');
    this.promptArea.setAttribute('resize', 'vertical');
    this.promptArea.setAttribute('monospace', '');
    this.promptArea.setAttribute('placeholder', 'You are a support agent for …');
    this.promptArea.setAttribute('aria-label', 'System prompt override');
    this.promptArea.value = this.host.draft().systemPrompt;
    this.promptArea.addEventListener('input', () => this.host.change({ systemPrompt: this.promptArea.value }, 'system_prompt_override'));
    const prompt = field(
      'system_prompt_override',
      'System prompt override',
      { optional: true, help: 'Try another system prompt on the same conversations.' },
      this.overridePrompt,
      this.promptArea,
    );
    prompt.controls.push(this.promptArea);
    const promptEl = this.host.register(prompt);
    this.host.inferenceOnly.push(promptEl);

    this.useSchema = checkbox('Ask for structured output', this.host.draft().useOutputSchema, (v) => {
      const patch: Partial<FormDraft> = { useOutputSchema: v };
      if (v && this.host.draft().outputSchema.length === 0)
        patch.outputSchema = [{ key: `f${Date.now().toString(36)}`, name: '', type: 'string', is_list: false, is_optional: false }];
      this.host.change(patch, 'output_schema');
      this.schemaEditor.setFields(this.host.draft().outputSchema);
      this.host.syncControls();
    });
    this.schemaEditor = new OutputSchemaEditor(this.host.draft().outputSchema, (fields) =>
      this.host.change({ outputSchema: fields }, 'output_schema'),
    );
    const schemaEl = this.host.register(
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

  /** Puts the draft into this section's controls. */
  sync(d: FormDraft): void {
    this.overridePrompt.checked = d.overrideSystemPrompt;
    this.promptArea.hidden = !d.overrideSystemPrompt;
    if (this.promptArea.value !== d.systemPrompt) this.promptArea.value = d.systemPrompt;
    this.useSchema.checked = d.useOutputSchema;
    this.schemaEditor.element.hidden = !d.useOutputSchema;
  }
}
