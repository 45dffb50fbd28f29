// The report's items table: sortable column heads, one row per item (expandable to its detail),
// built by key so live updates touch only the rows that changed, paged and filled in idle time.
import type { Annotation, ExperimentItem } from '../../common/schema';
import type { AnnotationLocation } from '../../common/webviewProtocol';
import type { ReviewAction } from '../lib/reviewCell';
import { button } from '../lib/controls';
import { el, toDom } from '../lib/dom';
import { formatInt, plural } from '../lib/format';
import { filterRows, nextSort, rowSignature, sortRows, type ItemRow, type SortKey } from '../lib/items';
import { itemDetail } from '../lib/itemDetailView';
import type { LabelDescriptions } from '../lib/reportChips';
import { h } from '../lib/vnode';
import { FIRST_ROWS, itemColumns, itemHeadCells } from './itemNodes';
import { renderItemRow } from './itemRow';
import type { ReportViewState } from './reportApp';

export const PAGE = 500;
/** Rows built before the first paint; the rest are filled in idle time. */
const SYNC_ROWS = FIRST_ROWS;
const IDLE_CHUNK = 60;
const MAX_FLASH = 12;

export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 60 });
  else setTimeout(task, 0);
}

interface DeferredRow {
  /** What stands in the row's place until it is built: a placeholder, or the row's previous DOM. */
  placeholder: HTMLElement;
  row: ItemRow;
  signature: string;
  expanded: boolean;
  flash: boolean;
}

interface RowEntry {
  signature: string;
  expanded: boolean;
  row: HTMLElement;
  detail: HTMLElement | null;
}

/** What the table reads from and tells the page. */
export interface ItemsTableHost {
  /** The page's view state: the table reads the filter and changes the sort and expanded rows. */
  state(): ReportViewState;
  rows(): ItemRow[];
  descriptions(): LabelDescriptions;
  multiConfig(): boolean;
  persist(): void;
  openLocation(location: AnnotationLocation): void;
  /** A person's verdict on an annotation (the Review buttons of an expanded item). */
  review(annotation: Annotation, action: ReviewAction): void;
  /** Comment… on an item itself (not a verdict). */
  commentOnItem(item: ExperimentItem): void;
}

export class ItemsTable {
  private rowEntries = new Map<string, RowEntry>();
  private shown = PAGE;
  private renderToken = 0;
  private readonly tbody = el('div', { class: 'items-body', role: 'rowgroup' });
  private readonly theadRow = el('div', { class: 'items-head', role: 'row' });
  readonly table = el('div', { class: 'items', role: 'table', 'aria-label': 'Items' });
  readonly countLabel = el('span', { class: 'count' });
  readonly emptyRow = el('div', { class: 'items-empty' });
  readonly moreHost = el('div', { class: 'more-row' });

  constructor(private readonly host: ItemsTableHost) {
    this.table.append(el('div', { role: 'rowgroup', class: 'items-headgroup' }, this.theadRow), this.tbody);
    this.tbody.addEventListener('click', (e) => this.onTableClick(e));
    this.tbody.addEventListener('keydown', (e) => {
      const row = (e.target as Element).closest?.('.row');
      if (row && (e.key === 'Enter' || e.key === ' ') && e.target === row) {
        e.preventDefault();
        this.toggleRow((row as HTMLElement).dataset.id!);
      }
    });
  }

  /** Back to the first page of rows (the filter changed). */
  resetPaging(): void {
    this.shown = PAGE;
  }

  /** j/k: focus the next or previous row. */
  moveFocus(key: 'j' | 'k'): void {
    const rows = [...this.tbody.querySelectorAll<HTMLElement>('.row')];
    const current = rows.indexOf(document.activeElement as HTMLElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, current + (key === 'j' ? 1 : -1)))];
    next?.focus();
  }

  private renderHead(): void {
    const columns = itemColumns(this.host.multiConfig());
    const onSort = (key: SortKey) => {
      this.host.state().sort = nextSort(this.host.state().sort, key);
      this.renderTable(false);
      this.host.persist();
    };
    this.theadRow.replaceChildren(...itemHeadCells(columns, this.host.state().sort, onSort).map((cell) => toDom(cell)));
  }

  /**
   * Keyed update of the rows: unchanged rows keep their DOM (and focus, expansion), changed ones
   * are rebuilt (and flash). New rows beyond the first screenful start as fixed-height
   * placeholders filled in idle time, so the first paint of a big report is not held up.
   */
  renderTable(flashChanges: boolean): void {
    this.renderHead();
    const token = ++this.renderToken;
    const visible = sortRows(filterRows(this.host.rows(), this.host.state().filter), this.host.state().sort);
    const expanded = new Set(this.host.state().expanded);
    const multiConfig = this.host.multiConfig();
    this.table.classList.toggle('multi', multiConfig);
    const nodes: Node[] = [];
    const seen = new Set<string>();
    const deferred: DeferredRow[] = [];
    let built = 0;
    // Flash what changed only when it is a handful of rows (a live item finishing), not a whole
    // refresh: background animations repaint every frame.
    if (flashChanges) {
      let changedCount = 0;
      for (const row of visible.slice(0, this.shown)) {
        const entry = this.rowEntries.get(row.item.id);
        if (entry && entry.signature !== `${rowSignature(row)}|${multiConfig ? 1 : 0}` && ++changedCount > MAX_FLASH) break;
      }
      if (changedCount > MAX_FLASH) flashChanges = false;
    }
    for (const row of visible.slice(0, this.shown)) {
      const id = row.item.id;
      seen.add(id);
      const signature = `${rowSignature(row)}|${multiConfig ? 1 : 0}`;
      const isExpanded = expanded.has(id);
      let entry = this.rowEntries.get(id);
      const changed = entry !== undefined && entry.signature !== signature;
      if (!entry || changed || entry.expanded !== isExpanded) {
        if (built >= SYNC_ROWS && !isExpanded && entry?.expanded !== true) {
          // Past the first screenful: a new row starts as a placeholder, a changed one shows its
          // previous state for a moment; both are (re)built in idle time.
          const placeholder = entry?.row ?? el('div', { class: 'row placeholder', role: 'row', 'aria-busy': 'true' });
          deferred.push({ placeholder, row, signature, expanded: isExpanded, flash: changed && flashChanges });
          nodes.push(placeholder);
          continue;
        }
        built++;
        entry = this.buildEntry(row, signature, isExpanded, changed && flashChanges);
      }
      nodes.push(entry.row);
      if (entry.detail) nodes.push(entry.detail);
    }
    for (const id of [...this.rowEntries.keys()]) if (!seen.has(id)) this.rowEntries.delete(id);
    this.tbody.replaceChildren(...nodes);
    this.fillPlaceholders(token, deferred);
    const total = this.host.rows().length;
    this.countLabel.textContent =
      visible.length === total ? plural(total, 'item') : `${formatInt(visible.length)} of ${plural(total, 'item')}`;
    this.emptyRow.hidden = visible.length > 0;
    this.emptyRow.textContent = total === 0 ? 'No items yet.' : 'No item matches the filters.';
    this.moreHost.replaceChildren();
    if (visible.length > this.shown) {
      this.moreHost.append(
        button(`Show ${formatInt(Math.min(PAGE, visible.length - this.shown))} more`, {
          secondary: true,
          onClick: () => {
            this.shown += PAGE;
            this.renderTable(false);
          },
        }),
      );
    }
  }

  private buildEntry(row: ItemRow, signature: string, expanded: boolean, flash: boolean): RowEntry {
    const rowEl = this.renderRow(row, expanded, this.table.classList.contains('multi'));
    if (flash) rowEl.classList.add('flash');
    const entry: RowEntry = { signature, expanded, row: rowEl, detail: expanded ? this.renderDetailRow(row) : null };
    this.rowEntries.set(row.item.id, entry);
    return entry;
  }

  private fillPlaceholders(token: number, deferred: DeferredRow[]): void {
    if (deferred.length === 0) {
      performance.mark('hl:rows-complete');
      return;
    }
    let next = 0;
    // Start after the coming frame is painted, then build in idle time.
    const start = () => requestAnimationFrame(() => setTimeout(() => whenIdle(step), 0));
    const step = () => {
      if (token !== this.renderToken) return; // a newer render replaced these rows
      const end = Math.min(deferred.length, next + IDLE_CHUNK);
      for (; next < end; next++) {
        const d = deferred[next]!;
        const entry = this.buildEntry(d.row, d.signature, d.expanded, d.flash);
        if (d.placeholder.isConnected) d.placeholder.replaceWith(entry.row);
      }
      if (next < deferred.length) whenIdle(step);
      else performance.mark('hl:rows-complete');
    };
    start();
  }

  private renderRow(row: ItemRow, expanded: boolean, multiConfig: boolean): HTMLElement {
    return renderItemRow(row, expanded, multiConfig, this.host.descriptions());
  }

  private renderDetailRow(row: ItemRow): HTMLElement {
    const detail = itemDetail(row.item, row.conversation, this.host.descriptions(), {
      onOpen: (loc) => this.host.openLocation(loc),
      onReview: (a, action) => this.host.review(a, action),
      onItemComment: (item) => this.host.commentOnItem(item),
    });
    return toDom(h('div', { class: 'detail-row', role: 'row' }, h('div', { role: 'cell' }, detail))) as HTMLElement;
  }

  private onTableClick(event: Event): void {
    const target = event.target as Element;
    if (target.closest('.detail-row')) return;
    const row = target.closest('.row') as HTMLElement | null;
    if (row?.dataset.id) this.toggleRow(row.dataset.id);
  }

  private toggleRow(id: string): void {
    const set = new Set(this.host.state().expanded);
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.host.state().expanded = [...set];
    this.host.persist();
    this.renderTable(false);
    const row = this.tbody.querySelector(`.row[data-id="${CSS.escape(id)}"]`) as HTMLElement | null;
    row?.focus({ preventScroll: true });
  }
}
