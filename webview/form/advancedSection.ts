// The Model section's compact "Advanced" fold: the target's request parameters (tool_choice,
// top_p, seed, stop, logprobs/top_logprobs, user) and the sampling mode. Closed by default; it
// opens by itself when something in it is set or wrong, so nothing set is ever hidden unawares.
import { checkbox, singleSelect, textField, type Checkbox, type SingleSelect, type TextField } from '../lib/controls';
import { el } from '../lib/dom';
import { advancedToParameters, type AdvancedDraft, type FormDraft, type ToolChoiceMode } from '../lib/formModel';
import { field } from './field';
import type { FormSectionHost } from './formSection';

export class AdvancedFold {
  private details = el('details', { class: 'advanced' });
  private toolChoice!: SingleSelect;
  private toolFunction!: TextField;
  private topP!: TextField;
  private seed!: TextField;
  private stop!: HTMLElement & { value: string };
  private logprobs!: Checkbox;
  private topLogprobs!: TextField;
  private user!: TextField;
  private sampling!: SingleSelect;

  constructor(private readonly host: FormSectionHost) {}

  private set(patch: Partial<AdvancedDraft>): void {
    this.host.change({ advanced: { ...this.host.draft().advanced, ...patch } }, 'model_parameters');
    this.host.syncControls();
  }

  build(): HTMLElement {
    const a = this.host.draft().advanced;
    this.toolChoice = singleSelect(
      [
        { value: '', label: 'Provider default' },
        { value: 'auto', label: 'auto' },
        { value: 'none', label: 'none' },
        { value: 'required', label: 'required' },
        { value: 'function', label: 'A named function…' },
      ],
      a.toolChoice,
      (v) => this.set({ toolChoice: v as ToolChoiceMode }),
      'tool_choice',
    );
    this.toolFunction = textField({
      value: a.toolFunction,
      placeholder: 'function name',
      label: 'tool_choice function',
      onInput: (v) => this.set({ toolFunction: v }),
    });
    const number = (value: string, placeholder: string, label: string, onInput: (v: string) => void) => {
      const f = textField({ value, placeholder, label, onInput });
      f.classList.add('number-field');
      return f;
    };
    this.topP = number(a.topP, '0–1', 'top_p', (v) => this.set({ topP: v }));
    this.seed = number(a.seed, 'e.g. 42', 'seed', (v) => this.set({ seed: v }));
    this.topLogprobs = number(a.topLogprobs, '0–20', 'top_logprobs', (v) => this.set({ topLogprobs: v }));
    this.user = textField({ value: a.user, placeholder: 'end-user id', label: 'user', onInput: (v) => this.set({ user: v }) });
    this.stop = document.createElement('vscode-textarea') as HTMLElement & { value: string };
    this.stop.setAttribute('rows', '2');
    this.stop.setAttribute('placeholder', 'one stop sequence per line (at most 4)');
    this.stop.setAttribute('aria-label', 'stop');
    this.stop.value = a.stop;
    this.stop.addEventListener('input', () => this.set({ stop: this.stop.value }));
    this.logprobs = checkbox('logprobs — keep each token’s probability (shown under the markers)', a.logprobs, (v) =>
      this.set({ logprobs: v }),
    );
    this.sampling = singleSelect(
      [
        { value: 'every', label: 'Every configuration for every conversation' },
        { value: 'random', label: 'One configuration drawn at random per sample' },
      ],
      this.host.draft().sampling,
      (v) => {
        this.host.change({ sampling: v === 'random' ? 'random' : 'every' }, 'sampling');
        this.host.syncControls();
      },
      'Sampling',
    );
    const row = (label: string, ...controls: Node[]) =>
      el('div', { class: 'adv-row' }, el('span', { class: 'adv-label' }, label), ...controls);
    const params = this.host.register(
      field(
        'model_parameters',
        'Request parameters of the target',
        { optional: true, help: 'Sent as the chat-completions fields of the same names; empty fields are not sent.' },
        row('tool_choice', this.toolChoice, this.toolFunction),
        row('top_p', this.topP),
        row('seed', this.seed),
        row('stop', this.stop),
        row('logprobs', this.logprobs, el('span', { class: 'adv-label' }, 'top_logprobs'), this.topLogprobs),
        row('user', this.user),
      ),
    );
    const sampling = this.host.register(
      field(
        'sampling',
        'Sampling',
        { help: 'Random: each sample of a conversation runs on one configuration drawn at random (the same draw on resume).' },
        this.sampling,
      ),
    );
    this.details.replaceChildren(el('summary', {}, 'Advanced'), params, sampling);
    return this.details;
  }

  sync(d: FormDraft): void {
    const a = d.advanced;
    if (this.toolChoice.value !== a.toolChoice) this.toolChoice.value = a.toolChoice;
    this.toolFunction.hidden = a.toolChoice !== 'function';
    for (const [f, v] of [
      [this.toolFunction, a.toolFunction],
      [this.topP, a.topP],
      [this.seed, a.seed],
      [this.topLogprobs, a.topLogprobs],
      [this.user, a.user],
      [this.stop, a.stop],
    ] as const)
      if (f.value !== v) f.value = v;
    this.logprobs.checked = a.logprobs;
    if (this.sampling.value !== d.sampling) this.sampling.value = d.sampling;
    // Something set in the fold is never out of sight.
    if (advancedToParameters(a) || d.sampling === 'random') (this.details as HTMLDetailsElement).open = true;
  }
}
