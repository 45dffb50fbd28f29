// The items table's toolbar: the search field and the status, configuration, label and tool
// filters (with counts per value), the hallucinations-only box and clearing them all.
import {
  checkbox,
  iconButton,
  setSelectOptions,
  singleSelect,
  type Checkbox,
  type SingleSelect,
  type TextField,
  textField,
} from '../lib/controls';
import { el } from '../lib/dom';
import { humanizeLabel } from '../lib/format';
import { facets, statusTitles, type ItemFilter, type ItemRow } from '../lib/items';
import type { LabelDescriptions } from '../lib/reportViews';

/** What the filters tell the page. */
export interface ItemFiltersHost {
  setFilter(patch: Partial<ItemFilter>): void;
  clearFilters(): void;
}

export class ItemFilters {
  private readonly searchField: TextField;
  private readonly statusSelect: SingleSelect;
  private readonly labelSelect: SingleSelect;
  private readonly toolSelect: SingleSelect;
  private readonly configSelect: SingleSelect;
  private readonly hallucinatedBox: Checkbox;
  readonly toolbar: HTMLElement;

  /** The toolbar ends with countLabel (the table writes it). */
  constructor(
    initial: ItemFilter,
    countLabel: HTMLElement,
    private readonly host: ItemFiltersHost,
  ) {
    const f = initial;
    this.searchField = textField({
      value: f.text,
      placeholder: 'Filter items…',
      icon: 'search',
      label: 'Filter by conversation, text, label, tool',
      onInput: (v) => this.host.setFilter({ text: v }),
    });
    this.searchField.classList.add('search');
    this.searchField.title = 'Filter by conversation, text, label or tool (press /)';
    this.statusSelect = singleSelect(
      [{ value: '', label: 'All statuses' }],
      f.status,
      (v) => this.host.setFilter({ status: v as ItemFilter['status'] }),
      'Status',
    );
    this.labelSelect = singleSelect([{ value: '', label: 'All labels' }], f.label, (v) => this.host.setFilter({ label: v }), 'Label');
    this.toolSelect = singleSelect([{ value: '', label: 'All tools' }], f.tool, (v) => this.host.setFilter({ tool: v }), 'Tool');
    this.configSelect = singleSelect(
      [{ value: '', label: 'All configurations' }],
      f.modelConfig,
      (v) => this.host.setFilter({ modelConfig: v }),
      'Configuration',
    );
    this.hallucinatedBox = checkbox('With hallucinations', f.onlyHallucinated, (v) => this.host.setFilter({ onlyHallucinated: v }), {
      title: 'Only items with at least one hallucination',
    });
    const clear = iconButton('clear-all', 'Clear filters', () => this.host.clearFilters());
    this.toolbar = el(
      'div',
      { class: 'items-toolbar' },
      this.searchField,
      this.statusSelect,
      this.configSelect,
      this.labelSelect,
      this.toolSelect,
      this.hallucinatedBox,
      clear,
      countLabel,
    );
  }

  /** After the filter was cleared: the fields that hold their own value show it empty. */
  resetFields(): void {
    this.searchField.value = '';
    this.hallucinatedBox.checked = false;
  }

  focusSearch(): void {
    this.searchField.focus();
  }

  /** Fills the dropdowns with the values present in the rows and their counts. */
  render(rows: ItemRow[], f: ItemFilter, descriptions: LabelDescriptions): void {
    const all = facets(rows);
    const keep = <T extends { value: string }>(list: T[], current: string) =>
      current && !list.some((x) => x.value === current) ? [...list, { value: current, count: 0 } as unknown as T] : list;
    setSelectOptions(
      this.statusSelect,
      [
        { value: '', label: 'All statuses' },
        ...keep(all.statuses, f.status).map((s) => ({
          value: s.value,
          label: `${statusTitles[s.value as keyof typeof statusTitles] ?? s.value} (${s.count})`,
        })),
      ],
      f.status,
    );
    setSelectOptions(
      this.labelSelect,
      [
        { value: '', label: 'All labels' },
        ...keep(all.labels, f.label).map((l) => ({
          value: l.value,
          label: `${humanizeLabel(l.value)} (${l.count})`,
          description: descriptions[l.value],
        })),
      ],
      f.label,
    );
    setSelectOptions(
      this.toolSelect,
      [{ value: '', label: 'All tools' }, ...keep(all.tools, f.tool).map((t) => ({ value: t.value, label: `${t.value} (${t.count})` }))],
      f.tool,
    );
    setSelectOptions(
      this.configSelect,
      [
        { value: '', label: 'All configurations' },
        ...keep(all.modelConfigs, f.modelConfig).map((c) => ({ value: c.value, label: `${c.value} (${c.count})` })),
      ],
      f.modelConfig,
    );
    this.configSelect.hidden = all.modelConfigs.length < 2;
    this.toolSelect.hidden = all.tools.length === 0 && !f.tool;
  }
}
