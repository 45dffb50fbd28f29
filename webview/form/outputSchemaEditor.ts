// The output schema editor: rows of name / type / is_list / is_optional that can be added,
// removed and reordered. Rows are keyed so focus stays put while typing and moving.
import { outputFieldTypes } from '../../common/schema';
import { checkbox, iconButton, singleSelect, textField, type TextField } from '../lib/controls';
import { el } from '../lib/dom';
import { addOutputField, moveOutputField, removeOutputField, updateOutputField, type OutputFieldDraft } from '../lib/formModel';
import { showErrors } from './field';

export class OutputSchemaEditor {
  readonly element = el('div', { class: 'schema-editor' });
  private readonly tbody = el('tbody');
  private readonly preview = el('div', { class: 'schema-preview' });
  private rows = new Map<string, { tr: HTMLTableRowElement; name: TextField; error: HTMLElement }>();

  constructor(
    private fields: OutputFieldDraft[],
    private readonly onChange: (fields: OutputFieldDraft[]) => void,
  ) {
    const table = el(
      'table',
      { class: 'schema-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, '#'),
          el('th', {}, 'Name'),
          el('th', {}, 'Type'),
          el('th', {}, 'List'),
          el('th', {}, 'Optional'),
          el('th', {}, el('span', { class: 'sr-only' }, 'Actions')),
        ),
      ),
      this.tbody,
    );
    const add = el('vscode-button', { secondary: true, icon: 'add' }, 'Add field');
    add.addEventListener('click', () => this.commit(addOutputField(this.fields), true));
    this.element.append(table, el('div', {}, add), this.preview);
    this.render();
  }

  setFields(fields: OutputFieldDraft[]): void {
    this.fields = fields;
    this.render();
  }

  private commit(fields: OutputFieldDraft[], structural: boolean, focusKey?: string): void {
    this.fields = fields;
    this.onChange(fields);
    if (structural) this.render(focusKey ?? fields[fields.length - 1]?.key);
    else this.renderPreview();
  }

  private render(focusKey?: string): void {
    const keep = new Set(this.fields.map((f) => f.key));
    for (const key of [...this.rows.keys()]) if (!keep.has(key)) this.rows.delete(key);
    const trs = this.fields.map((f, i) => {
      const tr = this.rowFor(f, i);
      return tr;
    });
    this.tbody.replaceChildren(...trs);
    if (this.fields.length === 0)
      this.tbody.append(
        el(
          'tr',
          {},
          el('td', { colspan: 6, class: 'dim' }, 'No field yet. The response must then be a JSON object with no declared field.'),
        ),
      );
    this.renderPreview();
    if (focusKey) requestAnimationFrame(() => this.rows.get(focusKey)?.name.focus());
  }

  private rowFor(f: OutputFieldDraft, index: number): HTMLTableRowElement {
    // Rebuilt every structural render (cheap: a handful of rows); values come from the draft.
    const name = textField({
      value: f.name,
      placeholder: 'field_name',
      label: `Field ${index + 1} name`,
      onInput: (v) => this.commit(updateOutputField(this.fields, f.key, { name: v }), false),
    });
    const type = singleSelect(
      outputFieldTypes.map((t) => ({ value: t, label: t })),
      f.type,
      (v) => this.commit(updateOutputField(this.fields, f.key, { type: v as OutputFieldDraft['type'] }), false),
      `Field ${index + 1} type`,
    );
    const list = checkbox('', f.is_list, (v) => this.commit(updateOutputField(this.fields, f.key, { is_list: v }), false), {
      title: 'A list of values',
    });
    list.setAttribute('aria-label', `Field ${index + 1} is a list`);
    const optional = checkbox('', f.is_optional, (v) => this.commit(updateOutputField(this.fields, f.key, { is_optional: v }), false), {
      title: 'May be absent',
    });
    optional.setAttribute('aria-label', `Field ${index + 1} is optional`);
    const up = iconButton('arrow-up', 'Move up', () => this.commit(moveOutputField(this.fields, f.key, -1), true, f.key));
    const down = iconButton('arrow-down', 'Move down', () => this.commit(moveOutputField(this.fields, f.key, 1), true, f.key));
    const remove = iconButton('trash', 'Remove field', () =>
      this.commit(removeOutputField(this.fields, f.key), true, this.fields[index + 1]?.key ?? this.fields[index - 1]?.key),
    );
    up.disabled = index === 0;
    down.disabled = index === this.fields.length - 1;
    const error = el('div', { class: 'row-error', role: 'alert' });
    const tr = el(
      'tr',
      { 'data-key': f.key },
      el('td', { class: 'idx' }, String(index + 1)),
      el('td', { class: 'name' }, name, error),
      el('td', { class: 'type' }, type),
      el('td', { class: 'flag' }, list),
      el('td', { class: 'flag' }, optional),
      el('td', { class: 'ops' }, up, down, remove),
    );
    this.rows.set(f.key, { tr, name, error });
    return tr;
  }

  private renderPreview(): void {
    if (this.fields.length === 0) {
      this.preview.textContent = '';
      return;
    }
    const lines = this.fields.map((f) => `  ${f.name || '…'}${f.is_optional ? '?' : ''}: ${f.type}${f.is_list ? '[]' : ''}`);
    this.preview.textContent = `{\n${lines.join('\n')}\n}`;
  }

  /** Errors keyed `output_schema.<i>.<field>`, shown on the row's name cell. */
  showErrors(errors: Readonly<Record<string, string[]>>): void {
    this.fields.forEach((f, i) => {
      const row = this.rows.get(f.key);
      if (!row) return;
      const messages = Object.entries(errors)
        .filter(([k]) => k.startsWith(`output_schema.${i}.`))
        .flatMap(([, m]) => m);
      showErrors(row.error, [row.name], messages);
    });
  }
}
