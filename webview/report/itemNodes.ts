// The items table's column heads and rows as vnode trees. The live page builds its rows by
// cloning a template (itemRow.ts: the bulk of the DOM, built fast); the static first screen the
// host sends before the page's script runs uses `itemRowNode`, the same markup (the webview
// harness compares both).
import { labelColorIndex } from '../lib/chartData';
import { formatDuration, formatInt, humanizeLabel } from '../lib/format';
import {
  displayStatus,
  statusIcons,
  statusReason,
  statusTitles,
  statusTooltip,
  type ItemRow,
  type SortKey,
  type SortState,
} from '../lib/items';
import { codiconNode, type LabelDescriptions } from '../lib/reportChips';
import { h, type VNode } from '../lib/vnode';

/** Rows built before the first paint, by the live page and in the static first screen. */
export const FIRST_ROWS = 24;

export interface ItemColumn {
  key: SortKey | null;
  label: string;
  num?: boolean;
  title?: string;
}

export function itemColumns(multiConfig: boolean): ItemColumn[] {
  return [
    { key: null, label: '' },
    { key: 'conversation', label: 'Conversation' },
    ...(multiConfig ? [{ key: 'model_config' as const, label: 'Configuration' }] : []),
    { key: 'status', label: 'Status' },
    { key: 'hallucinations', label: 'Halluc.', num: true, title: 'Hallucinations (annotations)' },
    { key: null, label: 'Labels' },
    { key: 'latency', label: 'Latency', num: true },
    { key: 'input_tokens', label: 'In', num: true, title: 'Input tokens' },
    { key: 'output_tokens', label: 'Out', num: true, title: 'Output tokens' },
  ];
}

/** The column heads; a sortable one is a button (`onSort` absent: inert). */
export function itemHeadCells(columns: readonly ItemColumn[], sort: SortState, onSort?: (key: SortKey) => void): VNode[] {
  return columns.map((c) => {
    const cls = c.num ? 'cell num' : 'cell';
    if (!c.key) return h('div', { role: 'columnheader', class: cls }, h('span', null, c.label));
    const key = c.key;
    const active = sort.key === key;
    return h(
      'div',
      { role: 'columnheader', class: cls, 'aria-sort': active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined },
      h(
        'button',
        {
          type: 'button',
          title: c.title ? `Sort by ${c.title.toLowerCase()}` : `Sort by ${c.label.toLowerCase()}`,
          on: onSort ? { click: () => onSort(key) } : undefined,
        },
        c.label,
        active ? codiconNode(sort.dir === 'asc' ? 'arrow-up' : 'arrow-down') : null,
      ),
    );
  });
}

function labelChip(label: string, count: number, descriptions: LabelDescriptions): VNode {
  return h(
    'span',
    { class: `chip l${labelColorIndex(label)}`, title: `${label}${descriptions[label] ? ` — ${descriptions[label]}` : ''}` },
    humanizeLabel(label),
    count > 1 ? h('span', { class: 'chip-count' }, `×${count}`) : null,
  );
}

/** One collapsed row, as renderItemRow (itemRow.ts) builds it. */
export function itemRowNode(row: ItemRow, multiConfig: boolean, descriptions: LabelDescriptions): VNode {
  const i = row.item;
  const shown = displayStatus(i);
  const first = row.conversation?.firstUserMessage ?? '';
  const why = statusReason(i);
  const cell = (cls: string, ...children: Parameters<typeof h>[2][]) =>
    h('div', { role: 'cell', class: `cell ${cls}`.trim() }, ...children);
  return h(
    'div',
    { class: 'row', role: 'row', tabindex: '0', 'data-id': i.id, 'aria-expanded': 'false' },
    cell('chev', codiconNode('chevron-right')),
    cell(
      'conv-cell',
      h(
        'div',
        { class: 'conv-id', title: row.conversation ? `${row.conversation.file}:${row.conversation.line + 1}` : i.conversation_id },
        i.conversation_id,
        i.sample_index > 0 ? h('span', { class: 'dim' }, ` #${i.sample_index + 1}`) : null,
      ),
      first ? h('div', { class: 'conv-preview', title: first.slice(0, 600) }, first.slice(0, 200)) : null,
    ),
    multiConfig ? cell('cfg', i.model_config) : null,
    cell(
      '',
      h(
        'span',
        { class: `status st-${shown}`, title: statusTooltip(i) },
        h('span', {
          'aria-hidden': 'true',
          class: `codicon codicon-${statusIcons[shown]}${shown === 'in_progress' ? ' codicon-modifier-spin' : ''}`,
        }),
        h('span', null, statusTitles[shown]),
      ),
    ),
    cell(
      'num',
      i.status === 'completed'
        ? h('span', { class: `hcount ${row.hallucinations > 0 ? 'some' : 'none'}` }, String(row.hallucinations))
        : h('span', { class: 'dim' }, '—'),
    ),
    cell(
      'labels-cell',
      why ? h('span', { class: shown === 'skipped' ? 'skip-reason' : 'fail-reason', title: why }, why.slice(0, 160)) : null,
      row.labels.slice(0, 3).map((l) => labelChip(l.label, l.count, descriptions)),
      row.labels.length > 3
        ? h(
            'span',
            {
              class: 'chip more',
              title: row.labels
                .slice(3)
                .map((l) => `${l.label} ×${l.count}`)
                .join('\n'),
            },
            `+${row.labels.length - 3}`,
          )
        : null,
    ),
    cell('num', formatDuration(i.latency_ms)),
    cell('num', formatInt(i.input_tokens)),
    cell('num', formatInt(i.output_tokens)),
  );
}
