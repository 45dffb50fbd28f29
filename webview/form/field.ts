// A labelled form field with its help text and its inline error.
import { codicon, el } from '../lib/dom';

export interface FieldView {
  key: string;
  root: HTMLElement;
  error: HTMLElement;
  /** Controls that get the `invalid` look when the field has an error. */
  controls: HTMLElement[];
}

export function field(
  key: string,
  label: string,
  opts: { help?: string; optional?: boolean; forId?: string },
  ...content: (Node | null | false)[]
): FieldView {
  const errorId = `err-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const labelEl = el(
    opts.forId ? 'label' : 'div',
    { class: 'field-label', for: opts.forId },
    label,
    opts.optional ? el('span', { class: 'opt' }, 'optional') : null,
  );
  const error = el('div', { class: 'field-error', id: errorId, role: 'alert', 'aria-live': 'polite' });
  const root = el(
    'div',
    { class: 'field', 'data-field': key },
    labelEl,
    opts.help ? el('div', { class: 'field-help' }, opts.help) : null,
    ...content.filter((c): c is Node => !!c),
    error,
  );
  const controls = content.filter((c): c is HTMLElement => c instanceof HTMLElement && c.tagName.startsWith('VSCODE-'));
  for (const c of controls) c.setAttribute('aria-describedby', errorId);
  return { key, root, error, controls };
}

export function showErrors(target: HTMLElement, controls: readonly HTMLElement[], messages: readonly string[] | undefined): void {
  const list = messages ?? [];
  const signature = list.join('\n');
  if (target.dataset.sig !== signature) {
    target.dataset.sig = signature;
    target.replaceChildren(...(list.length ? [codicon('error'), el('span', {}, list.join(' '))] : []));
  }
  for (const c of controls) (c as HTMLElement & { invalid?: boolean }).invalid = list.length > 0;
  target.closest('.field')?.classList.toggle('has-error', list.length > 0);
}

export function setFieldError(view: FieldView, messages: readonly string[] | undefined): void {
  showErrors(view.error, view.controls, messages);
}
