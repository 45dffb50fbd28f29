// The compare panel's per-conversation matrix: a row per conversation with each subject's
// hallucination count (shaded by count), expanding into each subject's annotations with a link
// into the trace.
import type { ConversationContext, TraceLocation } from '../../common/webviewProtocol';
import { conversationMatrix, type MatrixRow, type Subject } from '../lib/compare';
import { checkbox } from '../lib/controls';
import { el, toDom } from '../lib/dom';
import { formatInt, humanizeLabel, plural } from '../lib/format';
import { codiconNode, labelChip, type LabelDescriptions } from '../lib/reportViews';
import { h, type Child, type VNode } from '../lib/vnode';

export interface MatrixView {
  subjects: Subject[];
  baseline: number;
  onlyDiffs: boolean;
  /** Conversations whose row is expanded. */
  expanded: ReadonlySet<string>;
  conversations: Record<string, ConversationContext>;
  descriptions: LabelDescriptions;
}

export interface MatrixActions {
  setOnlyDiffs(only: boolean): void;
  toggle(conversationId: string): void;
  open(location: TraceLocation): void;
}

/** Per conversation: the hallucinations of each subject, a row expanding into each subject's annotations. */
export function conversationMatrixSection(view: MatrixView, actions: MatrixActions): Node {
  const { subjects } = view;
  const all = conversationMatrix(subjects);
  const rows = view.onlyDiffs ? all.filter((r) => r.differs) : all;
  const max = Math.max(1, ...all.flatMap((r) => r.cells.map((c) => c.count ?? 0)));
  const section = el('section', { class: 'section' });
  const only = checkbox('Only where they differ', view.onlyDiffs, (v) => actions.setOnlyDiffs(v));
  section.append(
    el(
      'h2',
      {},
      'Per conversation',
      el(
        'span',
        { class: 'sub' },
        `${formatInt(all.filter((r) => r.differs).length)} of ${plural(all.length, 'conversation')} differ · hallucinations per subject`,
      ),
    ),
    el('div', { class: 'items-toolbar' }, only),
  );
  const body: Child[] = [];
  for (const r of rows) {
    const open = view.expanded.has(r.conversationId);
    body.push(
      h(
        'tr',
        {
          class: ['row', r.differs && 'differs', open && 'expanded'],
          'data-id': r.conversationId,
          tabindex: 0,
          'aria-expanded': open ? 'true' : 'false',
        },
        h(
          'th',
          { scope: 'row' },
          h('span', { class: 'conv-id' }, r.conversationId),
          view.conversations[r.conversationId]
            ? h('div', { class: 'conv-preview' }, view.conversations[r.conversationId]!.firstUserMessage.slice(0, 160))
            : null,
        ),
        r.cells.map((c) => {
          const title =
            c.count === null
              ? c.status
                ? `not completed (${c.status})`
                : 'not in this subject'
              : c.labels.map((l) => `${humanizeLabel(l.label)} ×${l.count}`).join('\n') || 'no hallucination';
          return h(
            'td',
            { class: 'cell', title },
            c.count === null
              ? h('span', { class: 'cnt na' }, '—')
              : h(
                  'span',
                  {
                    class: ['cnt', c.count > 0 ? 'some' : 'zero'],
                    style: c.count > 0 ? { '--heat': (c.count / max).toFixed(3) } : undefined,
                  },
                  c.count > 0 ? String(c.count) : '0',
                ),
          );
        }),
      ),
    );
    if (open) body.push(h('tr', { class: 'detail-row' }, h('td', { colspan: subjects.length + 1 }, matrixDetail(r, view, actions))));
  }
  const table = toDom(
    h(
      'table',
      { class: 'grid-table matrix' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Conversation'),
          subjects.map((s, i) => h('th', { scope: 'col', class: 'cell' }, h('span', { class: ['swatch', `s${i % 8}`] }), s.name)),
        ),
      ),
      h('tbody', null, body),
    ),
  ) as HTMLTableElement;
  table.addEventListener('click', (e) => {
    const target = e.target as Element;
    if (target.closest('.detail-row')) return;
    const row = target.closest('tr.row') as HTMLElement | null;
    if (row?.dataset.id) actions.toggle(row.dataset.id);
  });
  table.addEventListener('keydown', (e) => {
    const row = (e.target as Element).closest?.('tr.row') as HTMLElement | null;
    if (row?.dataset.id && (e.key === 'Enter' || e.key === ' ') && e.target === row) {
      e.preventDefault();
      actions.toggle(row.dataset.id);
    }
  });
  section.append(el('div', { class: 'table-wrap' }, table));
  if (rows.length === 0) section.append(el('div', { class: 'items-empty' }, 'No conversation differs.'));
  return section;
}

function matrixDetail(row: MatrixRow, view: MatrixView, actions: MatrixActions): VNode {
  const { subjects, baseline } = view;
  return h(
    'div',
    { class: 'matrix-detail' },
    row.cells.map((c, i) =>
      h(
        'div',
        { class: 'col' },
        h(
          'h4',
          null,
          h('span', { class: ['swatch', `s${i % 8}`] }),
          subjects[i]!.name,
          i === baseline ? h('span', { class: 'dim' }, ' (baseline)') : null,
        ),
        c.count === null
          ? h('div', { class: 'dim' }, c.status ? `Not completed (${c.status}).` : 'Not in this subject.')
          : c.annotations.length === 0
            ? h('div', { class: 'ok-note' }, codiconNode('pass-filled'), 'No hallucination.')
            : c.annotations.map(({ item, annotation: a }) =>
                h(
                  'div',
                  { class: 'ann' },
                  labelChip(a.label, view.descriptions),
                  ' ',
                  a.text ? h('q', null, a.text) : null,
                  a.tool_name ? h('span', { class: 'dim' }, ` in ${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}`) : null,
                  h('div', { class: 'dim' }, a.explanation),
                  h(
                    'a',
                    {
                      class: 'link',
                      role: 'button',
                      tabindex: 0,
                      on: {
                        click: () =>
                          actions.open({
                            experiment_id: subjects[i]!.experimentId,
                            conversation_id: item.conversation_id,
                            message_index: a.message_index,
                            message_part_index: a.message_part_index,
                            start_offset: a.start_offset,
                            end_offset: a.end_offset,
                          }),
                      },
                    },
                    codiconNode('go-to-file'),
                    ' Open in trace',
                  ),
                ),
              ),
      ),
    ),
  );
}
