// The report's Export button and its menu (HTML report, items as CSV, experiment as JSON), and
// the content each format saves.
import type { ConversationContext, ExportFormat } from '../../common/webviewProtocol';
import type { ExperimentResource } from '../../common/schema';
import { button } from '../lib/controls';
import { codicon, el } from '../lib/dom';
import { experimentJson, itemsCsv, reportHtml } from '../lib/exportFormats';
import type { LabelDescriptions } from '../lib/reportViews';

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

/** What an export of the experiment in this format saves. */
export function exportContent(
  format: ExportFormat,
  e: ExperimentResource,
  conversations: Record<string, ConversationContext>,
  cssText: string,
  descriptions: LabelDescriptions,
): string {
  return format === 'json'
    ? experimentJson(e)
    : format === 'csv'
      ? itemsCsv(e, conversations)
      : reportHtml(e, { css: cssText, conversations, descriptions });
}
