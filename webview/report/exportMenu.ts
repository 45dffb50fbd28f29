// The report's Export button and its menu (HTML report, items as CSV, experiment as JSON). The
// content each format saves is built by ./exportContent, loaded when an export is chosen.
import type { ExportFormat } from '../../common/webviewProtocol';
import { button } from '../lib/controls';
import { codicon, el } from '../lib/dom';

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

  button(): HTMLElement {
    const wrap = el('div', { class: 'menu-wrap' });
    wrap.style.setProperty('position', 'relative');
    const trigger = button('Export', {
      icon: 'export',
      secondary: true,
      title: 'Save the report as HTML, the items as CSV or the experiment as JSON',
    });
    trigger.classList.add('export-trigger');
    trigger.setAttribute('aria-haspopup', 'menu');
    trigger.addEventListener('click', () => (this.menu ? this.close() : this.open(wrap)));
    wrap.append(trigger);
    return wrap;
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
