// The report's Export button and its menu (HTML report, items as CSV, experiment as JSON). The
// content each format saves is built by ./exportContent, loaded when an export is chosen.
import type { ExportFormat } from '../../common/webviewProtocol';
import { buttonNode } from '../lib/controlNodes';
import { codicon, el } from '../lib/dom';
import { h, type VNode } from '../lib/vnode';

export class ExportMenu {
  private menu: HTMLElement | null = null;

  /** onPick runs after the menu closes, with the format chosen. */
  constructor(private readonly onPick: (format: ExportFormat) => void) {}

  get isOpen(): boolean {
    return this.menu !== null;
  }

  contains(node: Node): boolean {
    return this.menu?.contains(node) ?? false;
  }

  /** The Export button (a vnode tree: the report's header is one; see reportHeaderNode). */
  buttonNode(): VNode {
    let wrap: HTMLElement | null = null;
    return h(
      'div',
      { class: 'menu-wrap', ref: (element: Element) => (wrap = element as HTMLElement) },
      buttonNode('Export', {
        icon: 'export',
        secondary: true,
        title: 'Save the report as HTML, the items as CSV or the experiment as JSON',
        class: 'export-trigger',
        attrs: { 'aria-haspopup': 'menu' },
        onClick: () => (this.menu ? this.close() : wrap && this.open(wrap)),
      }),
    );
  }

  private open(wrap: HTMLElement): void {
    const entry = (format: ExportFormat, icon: string, label: string, hint: string) => {
      const b = el(
        'button',
        { type: 'button', class: 'menu-item', role: 'menuitem' },
        codicon(icon),
        el('span', {}, label),
        el('span', { class: 'dim' }, hint),
      );
      b.addEventListener('click', () => {
        this.close();
        this.onPick(format);
      });
      return b;
    };
    const menu = el(
      'div',
      { class: 'menu', role: 'menu' },
      entry('html', 'file-code', 'HTML report', 'self-contained page'),
      entry('csv', 'table', 'Items as CSV', 'one row per item'),
      entry('json', 'json', 'Experiment as JSON', 'the full resource'),
    );
    wrap.append(menu);
    this.menu = menu;
    (menu.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  close(): void {
    this.menu?.remove();
    this.menu = null;
  }
}
