// The conversation picker: search, filter by file and by tool calls (on the server, one page at a
// time: an index may hold millions), a preview of the focused conversation, select all in view,
// and a live counter that enforces the 1..100 limit. The selection's rows are kept here, so it
// survives paging and searching.
import { MAX_CONVERSATIONS } from '../../common/schema';
import { MAX_LOOKUP_IDS } from '../../common/webviewProtocol';
import type { ConversationSummary } from '../../common/protocol';
import {
  button,
  checkbox,
  setSelectOptions,
  singleSelect,
  textField,
  type Checkbox,
  type SingleSelect,
  type TextField,
} from '../lib/controls';
import { codicon, el } from '../lib/dom';
import { formatInt, plural } from '../lib/format';
import { ConversationPager, debounce, SelectedRows, sameQuery, type FetchPage, type PageQuery } from '../lib/conversationPager';
import { conversationPreview, conversationRow } from './conversationRow';
import {
  baseName,
  deselectAllInView,
  filterConversations,
  selectAllInView,
  selectionCounter,
  toggleConversation,
  viewSelectionState,
  type ConversationFilter,
  type SelectionChange,
} from '../lib/selection';

/** Quiet time after the last keystroke before the search goes to the server. */
const SEARCH_DEBOUNCE_MS = 250;

export interface PickerHost {
  selected(): string[];
  setSelected(ids: string[]): void;
  /** Filter / focus changed (persisted with the draft). */
  viewChanged(filter: ConversationFilter, focusedId: string | null): void;
  /** One page of the conversations that match (the server searches and filters). */
  fetchPage: FetchPage;
  /** The rows of these ids still in the index. */
  lookup(ids: string[]): Promise<ConversationSummary[]>;
}

export class ConversationPicker {
  readonly element = el('div', { class: 'picker' });
  private readonly pager: ConversationPager;
  private readonly selectedRows = new SelectedRows();
  /** Selected ids the last lookup did not find in the index. */
  private missing: string[] = [];
  private visible: ConversationSummary[] = [];
  private files: { file: string; count: number }[] = [];
  private lastClicked: string | null = null;
  private notice: string | null = null;
  private readonly searchLater = debounce(() => {
    if (!sameQuery(this.serverQuery(), this.pager.currentQuery)) void this.pager.reset(this.serverQuery());
  }, SEARCH_DEBOUNCE_MS);
  private readonly moreObserver: IntersectionObserver | null;

  private readonly search: TextField;
  private readonly fileSelect: SingleSelect;
  private readonly toolSelect: SingleSelect;
  private readonly selectedOnly: Checkbox;
  private readonly headerBox = el('span', { class: 'cb', role: 'checkbox', tabindex: 0, 'aria-label': 'Select all in view' });
  private readonly selectAllLabel = el('span', { class: 'link' });
  private readonly clearLink = el('span', { class: 'link' }, 'Clear selection');
  private readonly shownCount = el('span', { class: 'dim shown-count', 'aria-live': 'polite' });
  private readonly counter = el('span', { class: 'counter', 'aria-live': 'polite' });
  private readonly list = el('div', {
    class: 'conv-list',
    role: 'listbox',
    'aria-multiselectable': 'true',
    'aria-label': 'Conversations',
    tabindex: 0,
  });
  private readonly preview = el('div', { class: 'preview-pane', 'aria-live': 'polite' });
  private readonly notices = el('div', { class: 'banners' });

  constructor(
    private readonly host: PickerHost,
    private filter: ConversationFilter,
    private focusedId: string | null,
  ) {
    this.pager = new ConversationPager(host.fetchPage, () => this.render());
    // Scrolling to the end of the list loads the next page (the button does the same by click or keyboard).
    this.moreObserver =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver(
            (entries) => {
              if (entries.some((e) => e.isIntersecting)) void this.pager.loadMore();
            },
            { root: this.list },
          );
    this.search = textField({
      value: filter.search,
      placeholder: 'Search id, file, model, messages…',
      icon: 'search',
      label: 'Search conversations',
      onInput: (v) => this.setFilter({ search: v }),
    });
    this.search.classList.add('search');
    this.fileSelect = singleSelect([{ value: '', label: 'All files' }], filter.file, (v) => this.setFilter({ file: v }), 'Trace file');
    this.toolSelect = singleSelect(
      [
        { value: 'any', label: 'With or without tool calls' },
        { value: 'with', label: 'With tool calls' },
        { value: 'without', label: 'Without tool calls' },
      ],
      filter.toolCalls,
      (v) => this.setFilter({ toolCalls: v as ConversationFilter['toolCalls'] }),
      'Tool calls',
    );
    this.selectedOnly = checkbox('Selected only', filter.selectedOnly, (v) => this.setFilter({ selectedOnly: v }));
    this.headerBox.append(codicon('check'));
    const toggleAll = () => this.toggleAllInView();
    this.headerBox.addEventListener('click', toggleAll);
    this.headerBox.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        toggleAll();
      }
    });
    this.selectAllLabel.addEventListener('click', toggleAll);
    this.clearLink.addEventListener('click', () =>
      this.apply({ selected: [], added: 0, removed: this.host.selected().length, skipped: 0 }),
    );
    this.list.addEventListener('click', (e) => this.onListClick(e as MouseEvent));
    this.list.addEventListener('keydown', (e) => this.onListKey(e));
    this.element.append(
      el('div', { class: 'picker-toolbar' }, this.search, this.fileSelect, this.toolSelect, this.selectedOnly),
      el(
        'div',
        { class: 'picker-bar' },
        this.headerBox,
        this.selectAllLabel,
        el('span', { class: 'dim' }, '·'),
        this.clearLink,
        el('span', { class: 'spacer' }),
        this.shownCount,
        this.counter,
      ),
      this.notices,
      el('div', { class: 'picker-body' }, this.list, this.preview),
    );
    this.render();
  }

  /** The trace files (workspace-relative, with their conversation counts) offered by the file filter. */
  setFiles(files: readonly { file: string; conversationCount: number }[]): void {
    this.files = files.filter((f) => f.conversationCount > 0).map((f) => ({ file: f.file, count: f.conversationCount }));
    this.files.sort((a, b) => a.file.localeCompare(b.file));
    const all = this.files.reduce((n, f) => n + f.count, 0);
    setSelectOptions(
      this.fileSelect,
      [
        { value: '', label: `All files (${formatInt(all)})` },
        ...this.files.map((f) => ({ value: f.file, label: `${baseName(f.file)} (${formatInt(f.count)})`, description: f.file })),
      ],
      this.filter.file,
    );
  }

  /** Fetches the first page again and checks the selection is still in the index (load, index changed). */
  async reload(): Promise<void> {
    if (this.filter.file && this.files.length > 0 && !this.files.some((f) => f.file === this.filter.file))
      this.filter = { ...this.filter, file: '' };
    await Promise.all([this.pager.reset(this.serverQuery()), this.lookupSelection()]);
  }

  /** Labels for selected ids the picker has not seen (a restored draft, a prefill), and which ones left the index. */
  async lookupSelection(): Promise<void> {
    const ids = this.host.selected().slice(0, MAX_LOOKUP_IDS);
    if (ids.length === 0) {
      this.missing = [];
      return this.render();
    }
    try {
      const found = await this.host.lookup(ids);
      this.missing = this.selectedRows.looked(ids, found);
    } catch {
      // Unknown is not missing: without an answer nothing is offered for removal.
      this.missing = [];
    }
    this.render();
  }

  /** The selection changed from outside (prefill); redraw marks and counter. */
  refresh(): void {
    this.render();
  }

  focusList(): void {
    this.list.focus();
  }

  private serverQuery(): PageQuery {
    return { query: this.filter.search, file: this.filter.file, toolCalls: this.filter.toolCalls };
  }

  private setFilter(patch: Partial<ConversationFilter>): void {
    this.filter = { ...this.filter, ...patch };
    this.host.viewChanged(this.filter, this.focusedId);
    if (!sameQuery(this.serverQuery(), this.pager.currentQuery)) {
      if (patch.search !== undefined) this.searchLater();
      else void this.pager.reset(this.serverQuery());
    }
    this.render();
  }

  private apply(change: SelectionChange): void {
    this.host.setSelected(change.selected);
    this.notice =
      change.skipped > 0 ? `${plural(change.skipped, 'conversation')} not added: an experiment takes at most ${MAX_CONVERSATIONS}.` : null;
    this.render();
  }

  private toggleAllInView(): void {
    const selected = this.host.selected();
    const ids = this.visible.map((c) => c.id);
    const state = viewSelectionState(new Set(selected), ids);
    this.apply(state === 'all' ? deselectAllInView(selected, ids) : selectAllInView(selected, ids));
  }

  private onListClick(e: MouseEvent): void {
    const row = (e.target as Element).closest('.conv-row') as HTMLElement | null;
    if (!row?.dataset.id) {
      if ((e.target as Element).closest('.conv-more')) void this.pager.loadMore();
      return;
    }
    const id = row.dataset.id;
    if (e.shiftKey && this.lastClicked) {
      const ids = this.visible.map((c) => c.id);
      const a = ids.indexOf(this.lastClicked);
      const b = ids.indexOf(id);
      if (a >= 0 && b >= 0) {
        const range = ids.slice(Math.min(a, b), Math.max(a, b) + 1);
        this.apply(selectAllInView(this.host.selected(), range));
        this.setFocus(id);
        return;
      }
    }
    this.lastClicked = id;
    this.setFocus(id);
    this.apply(toggleConversation(this.host.selected(), id));
  }

  private onListKey(e: KeyboardEvent): void {
    const ids = this.visible.map((c) => c.id);
    if (ids.length === 0) return;
    const index = this.focusedId ? ids.indexOf(this.focusedId) : -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = ids[Math.max(0, Math.min(ids.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)))]!;
      this.setFocus(next);
      this.render();
      this.list.querySelector(`[data-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const id = this.focusedId && ids.includes(this.focusedId) ? this.focusedId : ids[0]!;
      this.setFocus(id);
      this.apply(toggleConversation(this.host.selected(), id));
    } else if ((e.ctrlKey || e.metaKey) && e.key === 'a') {
      e.preventDefault();
      this.toggleAllInView();
    }
  }

  private setFocus(id: string): void {
    this.focusedId = id;
    this.host.viewChanged(this.filter, id);
  }

  /**
   * The rows in view: the loaded pages, or with "selected only" the selected rows the picker
   * knows (kept across pages and searches) that match the search and filters.
   */
  private rowsInView(selectedList: readonly string[], selected: ReadonlySet<string>): ConversationSummary[] {
    if (!this.filter.selectedOnly) return this.pager.rows;
    return filterConversations(this.selectedRows.rowsOf(selectedList), { ...this.filter, selectedOnly: false }, selected);
  }

  private render(): void {
    const selectedList = this.host.selected();
    const selected = new Set(selectedList);
    this.selectedRows.remember(this.pager.rows, selected);
    this.visible = this.rowsInView(selectedList, selected);
    const counter = selectionCounter(selectedList.length);
    const atLimit = selectedList.length >= MAX_CONVERSATIONS;
    this.counter.className = `counter ${counter.tone}`;
    const meter = el('span', { class: 'meter' }, el('span'));
    (meter.firstChild as HTMLElement).style.setProperty('width', `${Math.min(100, (counter.count / counter.limit) * 100)}%`);
    this.counter.replaceChildren(codicon(atLimit ? 'warning' : 'checklist'), el('span', {}, counter.text), meter);
    this.counter.title = atLimit
      ? `Limit reached: an experiment takes at most ${MAX_CONVERSATIONS} conversations.`
      : `Select 1 to ${MAX_CONVERSATIONS} conversations.`;
    this.shownCount.textContent = this.shownText();

    const viewState = viewSelectionState(
      selected,
      this.visible.map((c) => c.id),
    );
    this.headerBox.className = `cb ${viewState === 'all' ? 'on' : viewState === 'some' ? 'some' : ''}`;
    this.headerBox.replaceChildren(codicon(viewState === 'some' ? 'remove' : 'check'));
    this.headerBox.setAttribute('aria-checked', viewState === 'all' ? 'true' : viewState === 'some' ? 'mixed' : 'false');
    this.selectAllLabel.textContent =
      viewState === 'all'
        ? `Deselect all in view (${formatInt(this.visible.length)})`
        : `Select all in view (${formatInt(this.visible.length)})`;
    this.clearLink.hidden = selectedList.length === 0;

    const rows: Node[] = [];
    const pager = this.pager;
    const firstPageLoading = pager.total === null && pager.loading;
    if (firstPageLoading && !this.filter.selectedOnly)
      rows.push(el('div', { class: 'conv-empty' }, el('vscode-progress-ring'), 'Loading conversations…'));
    else if (pager.error && pager.rows.length === 0 && !this.filter.selectedOnly)
      rows.push(el('div', { class: 'conv-empty' }, codicon('error'), ` ${pager.error}`));
    else if (this.visible.length === 0 && this.isUnfiltered() && pager.total === 0)
      rows.push(
        el(
          'div',
          { class: 'conv-empty' },
          'No conversation found. Add JSON or JSONL trace files to the workspace (or choose trace files), then come back.',
        ),
      );
    else if (this.visible.length === 0 && !pager.loading)
      rows.push(el('div', { class: 'conv-empty' }, 'No conversation matches the filters.'));
    for (const c of this.visible)
      rows.push(
        conversationRow(c, { selected: selected.has(c.id), blocked: !selected.has(c.id) && atLimit, focused: c.id === this.focusedId }),
      );
    this.moreObserver?.disconnect();
    if (!this.filter.selectedOnly && pager.rows.length > 0 && (pager.hasMore || pager.error)) {
      const more = pager.error
        ? el('div', { class: 'conv-more' }, codicon('error'), ` ${pager.error} `, button('Try again', { secondary: true }))
        : el(
            'div',
            { class: 'conv-more' },
            pager.loading
              ? el('vscode-progress-ring')
              : button(`Show ${formatInt(Math.min(pager.pageSize, (pager.total ?? 0) - pager.rows.length))} more`, { secondary: true }),
          );
      rows.push(more);
      if (!pager.loading && !pager.error) this.moreObserver?.observe(more);
    }
    this.list.replaceChildren(...rows);
    this.preview.replaceChildren(...conversationPreview(this.previewed()));

    const notes: Node[] = [];
    if (this.notice) notes.push(el('div', { class: 'banner warning', role: 'status' }, codicon('warning'), el('span', {}, this.notice)));
    const missing = this.missing.filter((id) => selected.has(id));
    if (missing.length > 0) {
      const remove = el('span', { class: 'link' }, 'Remove them');
      remove.addEventListener('click', () => {
        this.missing = [];
        this.apply({ selected: selectedList.filter((id) => !missing.includes(id)), added: 0, removed: missing.length, skipped: 0 });
      });
      notes.push(
        el(
          'div',
          { class: 'banner warning' },
          codicon('warning'),
          el(
            'span',
            {},
            `${plural(missing.length, 'selected conversation')} ${missing.length === 1 ? 'is' : 'are'} no longer in the trace index (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}). `,
            remove,
          ),
        ),
      );
    }
    this.notices.replaceChildren(...notes);
  }

  private isUnfiltered(): boolean {
    return !this.filter.search.trim() && !this.filter.file && this.filter.toolCalls === 'any' && !this.filter.selectedOnly;
  }

  /** "200 of 5,000": the rows in view out of all that match on the server. */
  private shownText(): string {
    if (this.filter.selectedOnly) return `${formatInt(this.visible.length)} of ${formatInt(this.host.selected().length)} selected`;
    const total = this.pager.total;
    if (total === null) return '';
    return `${formatInt(this.pager.rows.length)} of ${formatInt(total)} ${total === 1 ? 'conversation' : 'conversations'}`;
  }

  private previewed(): ConversationSummary | undefined {
    const id = this.focusedId;
    const focused = id === null ? undefined : (this.visible.find((c) => c.id === id) ?? this.selectedRows.get(id));
    return focused ?? this.visible[0];
  }
}
