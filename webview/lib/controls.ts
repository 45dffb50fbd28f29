// Small factories over @vscode-elements controls, so the apps read as what they build.
import { codicon } from './dom';

export interface ButtonOptions {
  icon?: string;
  secondary?: boolean;
  title?: string;
  disabled?: boolean;
  iconOnly?: boolean;
  onClick?: (event: Event) => void;
}

export function button(label: string, opts: ButtonOptions = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  if (opts.icon) b.setAttribute('icon', opts.icon);
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.title) b.title = opts.title;
  if (opts.disabled) b.setAttribute('disabled', '');
  if (opts.iconOnly) b.setAttribute('icon-only', '');
  if (opts.iconOnly) b.setAttribute('aria-label', label);
  else b.textContent = label;
  if (opts.onClick)
    b.addEventListener('click', (e) => {
      if (!b.hasAttribute('disabled')) opts.onClick!(e);
    });
  return b;
}

export function setDisabled(el: Element, disabled: boolean): void {
  if (disabled) el.setAttribute('disabled', '');
  else el.removeAttribute('disabled');
}

/** A plain codicon button (lighter than vscode-button for dense toolbars and rows). */
export function iconButton(icon: string, title: string, onClick: (event: MouseEvent) => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'icon-btn';
  b.title = title;
  b.setAttribute('aria-label', title);
  b.append(codicon(icon));
  b.addEventListener('click', onClick);
  return b;
}

export interface SelectOption {
  value: string;
  label: string;
  description?: string;
}

export type SingleSelect = HTMLElement & { value: string };

export function singleSelect(
  options: readonly SelectOption[],
  value: string,
  onChange: (value: string) => void,
  label?: string,
): SingleSelect {
  const select = document.createElement('vscode-single-select') as SingleSelect;
  if (label) select.setAttribute('aria-label', label);
  setSelectOptions(select, options, value);
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/**
 * Replaces the options (only when they differ, to keep an open dropdown steady). Through the
 * `options` property, not <vscode-option> children: reading slotted options costs the select a
 * layout of the whole page per option (innerText), hundreds of ms beside a big table.
 */
export function setSelectOptions(select: SingleSelect, options: readonly SelectOption[], value: string): void {
  const signature = JSON.stringify(options);
  const target = select as SingleSelect & {
    options: { label: string; value: string; description: string; selected: boolean; disabled: boolean }[];
  };
  const changed = select.dataset.options !== signature;
  if (changed) {
    select.dataset.options = signature;
    target.options = options.map((o) => ({
      label: o.label,
      value: o.value,
      description: o.description ?? '',
      selected: o.value === value,
      disabled: false,
    }));
  }
  // `options` does not select anything by itself, and the face only repaints on an update.
  if (changed || select.value !== value) {
    select.value = value;
    (select as SingleSelect & { requestUpdate?: () => void }).requestUpdate?.();
  }
}

export type TextField = HTMLElement & { value: string; invalid: boolean };

export function textField(opts: {
  value: string;
  placeholder?: string;
  type?: string;
  icon?: string;
  label?: string;
  onInput: (value: string) => void;
  id?: string;
}): TextField {
  const field = document.createElement('vscode-textfield') as TextField;
  if (opts.id) field.id = opts.id;
  if (opts.placeholder) field.setAttribute('placeholder', opts.placeholder);
  if (opts.type) field.setAttribute('type', opts.type);
  if (opts.label) field.setAttribute('aria-label', opts.label);
  field.value = opts.value;
  if (opts.icon) {
    const icon = codicon(opts.icon);
    icon.slot = 'content-before';
    field.append(icon);
  }
  field.addEventListener('input', () => opts.onInput(field.value));
  return field;
}

export type Checkbox = HTMLElement & { checked: boolean; disabled: boolean; indeterminate: boolean };

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  opts: { toggle?: boolean; title?: string } = {},
): Checkbox {
  const box = document.createElement('vscode-checkbox') as Checkbox;
  box.setAttribute('label', label);
  if (opts.toggle) box.setAttribute('toggle', '');
  if (opts.title) box.title = opts.title;
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  return box;
}
