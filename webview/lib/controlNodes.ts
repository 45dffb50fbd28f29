// The controls of controls.ts as vnode trees (vnode.ts), for views that are also sent as static
// HTML before the page's script runs (the report's first screen): the same markup either way.
import { codiconNode } from './reportChips';
import { h, type VNode } from './vnode';

export interface ButtonNodeOptions {
  icon?: string;
  secondary?: boolean;
  title?: string;
  disabled?: boolean;
  iconOnly?: boolean;
  /** Extra classes of the element. */
  class?: string;
  /** Extra attributes (e.g. `aria-haspopup`). */
  attrs?: Record<string, string>;
  onClick?: (event: Event) => void;
}

/** A `<vscode-button>`, as `button()` of controls.ts builds it; a disabled one ignores clicks. */
export function buttonNode(label: string, opts: ButtonNodeOptions = {}): VNode {
  const onClick = opts.onClick;
  return h(
    'vscode-button',
    {
      class: opts.class,
      icon: opts.icon,
      secondary: opts.secondary,
      title: opts.title,
      disabled: opts.disabled,
      'icon-only': opts.iconOnly,
      'aria-label': opts.iconOnly ? label : undefined,
      ...opts.attrs,
      on: onClick
        ? {
            click: (event: Event) => {
              if (!(event.currentTarget as Element).hasAttribute('disabled')) onClick(event);
            },
          }
        : undefined,
    },
    opts.iconOnly ? null : label,
  );
}

/** A plain codicon button, as `iconButton()` of controls.ts builds it. */
export function iconButtonNode(icon: string, title: string, onClick?: (event: Event) => void): VNode {
  return h(
    'button',
    { type: 'button', class: 'icon-btn', title, 'aria-label': title, on: onClick ? { click: onClick } : undefined },
    codiconNode(icon),
  );
}
