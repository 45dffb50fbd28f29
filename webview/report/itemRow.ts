// Fast construction of the items table rows: a row template built once and cloned, then filled
// through textContent / attributes only (the rows are the bulk of the report's DOM).
import { labelColorIndex } from '../lib/chartData';
import { formatDuration, formatInt, humanizeLabel } from '../lib/format';
import { displayStatus, statusIcons, statusReason, statusTitles, statusTooltip, type ItemRow } from '../lib/items';
import type { LabelDescriptions } from '../lib/reportViews';

const templates = new Map<boolean, HTMLElement>();

function cell(cls: string): HTMLElement {
  const div = document.createElement('div');
  div.setAttribute('role', 'cell');
  div.className = `cell ${cls}`.trim();
  return div;
}

function template(multiConfig: boolean): HTMLElement {
  let row = templates.get(multiConfig);
  if (row) return row;
  row = document.createElement('div');
  row.className = 'row';
  row.setAttribute('role', 'row');
  row.tabIndex = 0;
  const chev = cell('chev');
  const icon = document.createElement('span');
  icon.className = 'codicon codicon-chevron-right';
  icon.setAttribute('aria-hidden', 'true');
  chev.append(icon);
  const conv = cell('conv-cell');
  const id = document.createElement('div');
  id.className = 'conv-id';
  const preview = document.createElement('div');
  preview.className = 'conv-preview';
  conv.append(id, preview);
  const status = cell('');
  const chip = document.createElement('span');
  chip.className = 'status';
  const statusIcon = document.createElement('span');
  statusIcon.setAttribute('aria-hidden', 'true');
  chip.append(statusIcon, document.createElement('span'));
  status.append(chip);
  const count = cell('num');
  count.append(document.createElement('span'));
  row.append(chev, conv, ...(multiConfig ? [cell('cfg')] : []), status, count, cell('labels-cell'), cell('num'), cell('num'), cell('num'));
  templates.set(multiConfig, row);
  return row;
}

function labelChipElement(label: string, count: number, descriptions: LabelDescriptions): HTMLElement {
  const chip = document.createElement('span');
  chip.className = `chip l${labelColorIndex(label)}`;
  chip.title = `${label}${descriptions[label] ? ` — ${descriptions[label]}` : ''}`;
  chip.textContent = humanizeLabel(label);
  if (count > 1) {
    const n = document.createElement('span');
    n.className = 'chip-count';
    n.textContent = `×${count}`;
    chip.append(n);
  }
  return chip;
}

export function renderItemRow(row: ItemRow, expanded: boolean, multiConfig: boolean, descriptions: LabelDescriptions): HTMLElement {
  const i = row.item;
  const el = template(multiConfig).cloneNode(true) as HTMLElement;
  el.dataset.id = i.id;
  el.setAttribute('aria-expanded', expanded ? 'true' : 'false');
  if (expanded) el.classList.add('expanded');
  const cells = el.children;
  let c = 1;
  // conversation
  const conv = cells[c++] as HTMLElement;
  const idEl = conv.firstElementChild as HTMLElement;
  idEl.textContent = i.conversation_id;
  idEl.title = row.conversation ? `${row.conversation.file}:${row.conversation.line + 1}` : i.conversation_id;
  if (i.sample_index > 0) {
    const sample = document.createElement('span');
    sample.className = 'dim';
    sample.textContent = ` #${i.sample_index + 1}`;
    idEl.append(sample);
  }
  const preview = conv.lastElementChild as HTMLElement;
  const first = row.conversation?.firstUserMessage ?? '';
  if (first) {
    preview.textContent = first.slice(0, 200);
    preview.title = first.slice(0, 600);
  } else preview.remove();
  if (multiConfig) (cells[c++] as HTMLElement).textContent = i.model_config;
  // status
  const status = (cells[c++] as HTMLElement).firstElementChild as HTMLElement;
  const shown = displayStatus(i);
  status.classList.add(`st-${shown}`);
  status.title = statusTooltip(i);
  (status.firstElementChild as HTMLElement).className =
    `codicon codicon-${statusIcons[shown]}${shown === 'in_progress' ? ' codicon-modifier-spin' : ''}`;
  (status.lastElementChild as HTMLElement).textContent = statusTitles[shown];
  // hallucinations
  const count = (cells[c++] as HTMLElement).firstElementChild as HTMLElement;
  if (i.status === 'completed') {
    count.className = `hcount ${row.hallucinations > 0 ? 'some' : 'none'}`;
    count.textContent = String(row.hallucinations);
  } else {
    count.className = 'dim';
    count.textContent = '—';
  }
  // labels (or why it failed or was skipped)
  const labels = cells[c++] as HTMLElement;
  const why = statusReason(i);
  if (why) {
    const reason = document.createElement('span');
    reason.className = shown === 'skipped' ? 'skip-reason' : 'fail-reason';
    reason.textContent = why.slice(0, 160);
    reason.title = why;
    labels.append(reason);
  }
  for (const l of row.labels.slice(0, 3)) labels.append(labelChipElement(l.label, l.count, descriptions));
  if (row.labels.length > 3) {
    const more = document.createElement('span');
    more.className = 'chip more';
    more.title = row.labels
      .slice(3)
      .map((l) => `${l.label} ×${l.count}`)
      .join('\n');
    more.textContent = `+${row.labels.length - 3}`;
    labels.append(more);
  }
  (cells[c++] as HTMLElement).textContent = formatDuration(i.latency_ms);
  (cells[c++] as HTMLElement).textContent = formatInt(i.input_tokens);
  (cells[c] as HTMLElement).textContent = formatInt(i.output_tokens);
  return el;
}
