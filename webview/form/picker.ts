// The conversation picker: search, filter by file and by tool calls, a preview of the focused
// conversation, select all in view, and a live counter that enforces the 1..100 limit.
import { MAX_CONVERSATIONS } from '../../common/schema';
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
import {
  baseName,
  deselectAllInView,
  fileFacets,
  filterConversations,
  missingSelections,
  selectAllInView,
  selectionCounter,
  toggleConversation,
  viewSelectionState,
  type ConversationFilter,
  type SelectionChange,
} from '../lib/selection';

const PAGE = 200;

export interface PickerHost {
  selected(): string[];
  setSelected(ids: string[]): void;
  /** Filter / focus changed (persisted with the draft). */
  viewChanged(filter: ConversationFilter, focusedId: string | null): void;
}

export class ConversationPicker {
  readonly element = el('div', { class: 'picker' });
  private conversations: ConversationSummary[] = [];
  private visible: ConversationSummary[] = [];
  private shown = PAGE;
  private loading = true;
  private error: string | null = null;
  private lastClicked: string | null = null;
  private notice: string | null = null;

  private readonly search: TextField;
  private readonly fileSelect: SingleSelect;
  private readonly toolSelect: SingleSelect;
  private readonly selectedOnly: Checkbox;
  private readonly headerBox = el('span', { class: 'cb', role: 'checkbox', tabindex: 0, 'aria-label': 'Select all in view' });
  private readonly selectAllLabel = el('span', { class: 'link' });
  private readonly clearLink = el('span', { class: 'link' }, 'Clear selection');
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
        this.counter,
      ),
      this.notices,
      el('div', { class: 'picker-body' }, this.list, this.preview),
    );
    this.render();
  }

  setConversations(list: ConversationSummary[]): void {
    this.conversations = list;
    this.loading = false;
    this.error = null;
    const files = fileFacets(list);
    if (this.filter.file && !files.some((f) => f.file === this.filter.file)) this.filter = { ...this.filter, file: '' };
    setSelectOptions(
      this.fileSelect,
      [
        { value: '', label: `All files (${formatInt(list.length)})` },
        ...files.map((f) => ({ value: f.file, label: `${baseName(f.file)} (${f.count})`, description: f.file })),
      ],
      this.filter.file,
    );
    this.render();
  }

  setError(message: string): void {
    this.loading = false;
    this.error = message;
    this.render();
  }

  /** The selection changed from outside (prefill); redraw marks and counter. */
  refresh(): void {
    this.render();
  }

  focusList(): void {
    this.list.focus();
  }

  private setFilter(patch: Partial<ConversationFilter>): void {
    this.filter = { ...this.filter, ...patch };
    this.shown = PAGE;
    this.host.viewChanged(this.filter, this.focusedId);
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
      if ((e.target as Element).closest('.conv-more')) {
        this.shown += PAGE;
        this.render();
      }
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
    const ids = this.visible.slice(0, this.shown).map((c) => c.id);
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

  private render(): void {
    const selectedList = this.host.selected();
    const selected = new Set(selectedList);
    this.visible = filterConversations(this.conversations, this.filter, selected);
    const counter = selectionCounter(selectedList.length);
    const atLimit = selectedList.length >= MAX_CONVERSATIONS;
    this.counter.className = `counter ${counter.tone}`;
    const meter = el('span', { class: 'meter' }, el('span'));
    (meter.firstChild as HTMLElement).style.setProperty('width', `${Math.min(100, (counter.count / counter.limit) * 100)}%`);
    this.counter.replaceChildren(codicon(atLimit ? 'warning' : 'checklist'), el('span', {}, counter.text), meter);
    this.counter.title = atLimit
      ? `Limit reached: an experiment takes at most ${MAX_CONVERSATIONS} conversations.`
      : `Select 1 to ${MAX_CONVERSATIONS} conversations.`;

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
    if (this.loading) rows.push(el('div', { class: 'conv-empty' }, el('vscode-progress-ring'), 'Loading conversations…'));
    else if (this.error) rows.push(el('div', { class: 'conv-empty' }, codicon('error'), ` ${this.error}`));
    else if (this.conversations.length === 0)
      rows.push(
        el(
          'div',
          { class: 'conv-empty' },
          'No conversation found. Add JSON or JSONL trace files to the workspace (or choose trace files), then come back.',
        ),
      );
    else if (this.visible.length === 0) rows.push(el('div', { class: 'conv-empty' }, 'No conversation matches the filters.'));
    for (const c of this.visible.slice(0, this.shown)) {
      const isSelected = selected.has(c.id);
      const blocked = !isSelected && atLimit;
      const row = el(
        'div',
        {
          class: `conv-row${isSelected ? ' selected' : ''}${blocked ? ' blocked' : ''}${c.id === this.focusedId ? ' focused' : ''}`,
          role: 'option',
          'aria-selected': isSelected ? 'true' : 'false',
          'aria-disabled': blocked ? 'true' : undefined,
          'data-id': c.id,
          title: blocked ? `Limit reached: at most ${MAX_CONVERSATIONS} conversations` : undefined,
        },
        el('span', { class: 'cb' }, codicon('check')),
        el(
          'div',
          { class: 'conv-main' },
          el(
            'div',
            { class: 'conv-top' },
            el('span', { class: 'conv-id' }, c.id),
            el('span', { class: 'where', title: c.file }, `${baseName(c.file)}:${c.line + 1}`),
            c.hasToolCalls ? el('span', { class: 'badge outline', title: 'Has tool calls' }, codicon('symbol-method'), 'tools') : null,
            el('span', { class: 'badge outline' }, `${c.messageCount} msgs`),
            c.model ? el('span', { class: 'badge outline', title: 'Traced model' }, c.model) : null,
          ),
          el(
            'div',
            { class: 'conv-line' },
            el('span', { class: 'who' }, 'User'),
            el('span', { class: 'txt' }, c.firstUserMessage.slice(0, 300) || '—'),
          ),
          el(
            'div',
            { class: 'conv-line' },
            el('span', { class: 'who' }, 'Traced'),
            el('span', { class: 'txt' }, c.tracedResponse.slice(0, 300) || '—'),
          ),
        ),
      );
      rows.push(row);
    }
    if (this.visible.length > this.shown)
      rows.push(
        el(
          'div',
          { class: 'conv-more' },
          button(`Show ${formatInt(Math.min(PAGE, this.visible.length - this.shown))} more`, { secondary: true }),
        ),
      );
    this.list.replaceChildren(...rows);
    this.renderPreview();

    const notes: Node[] = [];
    if (this.notice) notes.push(el('div', { class: 'banner warning', role: 'status' }, codicon('warning'), el('span', {}, this.notice)));
    const missing = this.loading || this.error ? [] : missingSelections(selectedList, this.conversations);
    if (missing.length > 0) {
      const remove = el('span', { class: 'link' }, 'Remove them');
      remove.addEventListener('click', () =>
        this.apply({ selected: selectedList.filter((id) => !missing.includes(id)), added: 0, removed: missing.length, skipped: 0 }),
      );
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

  private renderPreview(): void {
    const c = this.conversations.find((x) => x.id === this.focusedId) ?? this.visible[0];
    if (!c) {
      this.preview.replaceChildren(el('div', { class: 'empty' }, 'Select a conversation to preview it.'));
      return;
    }
    this.preview.replaceChildren(
      el('h3', {}, c.id),
      el(
        'div',
        { class: 'meta' },
        el('span', { title: c.file }, codicon('file'), ` ${c.file}:${c.line + 1}`),
        el('span', {}, codicon('comment-discussion'), ` ${plural(c.messageCount, 'message')}`),
        c.hasToolCalls ? el('span', {}, codicon('symbol-method'), ' tool calls') : null,
        c.model ? el('span', {}, codicon('hubot'), ` ${c.model}`) : null,
      ),
      el('div', { class: 'block-title' }, codicon('account'), 'First user message'),
      el('div', { class: `block${c.firstUserMessage ? '' : ' empty'}` }, c.firstUserMessage || 'No user message.'),
      el('div', { class: 'block-title' }, codicon('sparkle'), 'Traced response'),
      el('div', { class: `block${c.tracedResponse ? '' : ' empty'}` }, c.tracedResponse || 'No traced response.'),
    );
  }
}
