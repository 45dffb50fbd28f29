// The compare panel: two or more experiments (or the configurations of one) side by side —
// metrics with deltas against a baseline, labels per subject, and per conversation which one
// hallucinated where.
import type { ExperimentResource } from '../../common/schema';
import type { CompareProtocol, ConversationContext, TraceLocation } from '../../common/webviewProtocol';
import { compareMethods } from '../../common/webviewMethods';
import type { ExperimentSummary } from '../../common/protocol';
import { barChart } from '../lib/charts';
import {
  allSubjects,
  conversationMatrix,
  defaultSubjectKeys,
  labelComparison,
  metricRows,
  pickSubjects,
  regressionCounts,
  subjectKey,
  type MatrixRow,
  type Subject,
} from '../lib/compare';
import { button, checkbox, iconButton } from '../lib/controls';
import { codicon, el, toDom } from '../lib/dom';
import { formatDateTime, formatInt, humanizeLabel, plural } from '../lib/format';
import { codiconNode, labelChip, labelDescriptions, modelConfigsOf, type LabelDescriptions } from '../lib/reportViews';
import { createRpcClient, type RpcClient } from '../lib/rpc';
import { persistentState, windowTransport } from '../lib/vscodeApi';
import { h, type Child, type VNode } from '../lib/vnode';

export interface CompareViewState {
  view: 'compare';
  experimentIds: string[];
  subjectKeys: string[];
  baseline: number;
  onlyDiffs: boolean;
  expanded: string[];
}

export class CompareApp {
  private readonly rpc: RpcClient<typeof CompareProtocol>;
  private readonly store = persistentState<CompareViewState>();
  private state: CompareViewState;
  private experiments: ExperimentResource[] = [];
  private available: ExperimentSummary[] = [];
  private conversations: Record<string, ConversationContext> = {};
  private descriptions: LabelDescriptions = labelDescriptions([]);
  private pickerOpen = false;
  private readonly root = el('main', { class: 'report compare' });

  constructor() {
    this.rpc = createRpcClient<typeof CompareProtocol>(compareMethods, windowTransport());
    const saved = this.store.load();
    this.state = {
      view: 'compare',
      experimentIds: saved?.experimentIds ?? [],
      subjectKeys: saved?.subjectKeys ?? [],
      baseline: saved?.baseline ?? 0,
      onlyDiffs: saved?.onlyDiffs ?? false,
      expanded: saved?.expanded ?? [],
    };
  }

  async start(): Promise<void> {
    document.body.append(this.root);
    this.root.append(el('h1', {}, el('vscode-progress-ring'), 'Loading comparison…'));
    this.rpc.onNotification('experiments', ({ experiments }) => {
      performance.mark('hl:data');
      this.setExperiments(experiments, false);
    });
    try {
      const init = await this.rpc.request('init', {});
      performance.mark('hl:data');
      this.available = init.available;
      this.conversations = init.conversations;
      this.descriptions = labelDescriptions(init.labels);
      const sameSet = init.experimentIds.join('\n') === this.state.experimentIds.join('\n');
      this.state.experimentIds = init.experimentIds;
      this.setExperiments(init.experiments, !sameSet || this.state.subjectKeys.length === 0);
    } catch (error) {
      this.root.replaceChildren(
        el('div', { class: 'banner error' }, codicon('error'), el('span', {}, error instanceof Error ? error.message : String(error))),
      );
    }
  }

  private setExperiments(experiments: ExperimentResource[], resetSubjects: boolean): void {
    this.experiments = experiments;
    const all = allSubjects(experiments);
    const valid = this.state.subjectKeys.filter((k) => all.some((s) => s.key === k));
    if (resetSubjects || valid.length === 0) this.state.subjectKeys = defaultSubjectKeys(experiments);
    else this.state.subjectKeys = valid;
    if (this.state.baseline >= this.state.subjectKeys.length) this.state.baseline = 0;
    this.persist();
    this.render();
  }

  private persist(): void {
    this.store.save(this.state);
  }

  private subjects(): Subject[] {
    return pickSubjects(allSubjects(this.experiments), this.state.subjectKeys);
  }

  private render(): void {
    const subjects = this.subjects();
    const header = el(
      'header',
      { class: 'report-header' },
      el(
        'div',
        { class: 'title-block' },
        el('h1', {}, codicon('diff-multiple'), 'Compare'),
        el(
          'div',
          { class: 'subtitle' },
          subjects.length >= 2
            ? `${subjects.length} subjects · deltas against the baseline (click a subject to make it the baseline)`
            : 'Choose at least two experiments or configurations',
        ),
      ),
      el(
        'div',
        { class: 'actions' },
        button(this.pickerOpen ? 'Done' : 'Choose…', {
          icon: this.pickerOpen ? 'check' : 'checklist',
          secondary: !this.pickerOpen,
          onClick: () => {
            this.pickerOpen = !this.pickerOpen;
            this.render();
          },
        }),
      ),
    );
    const parts: Node[] = [header];
    if (this.pickerOpen) parts.push(this.picker());
    parts.push(this.subjectHeads(subjects));
    if (subjects.length < 2) {
      parts.push(
        el(
          'div',
          { class: 'banner info' },
          codicon('info'),
          el('span', {}, 'Pick two or more experiments, or the configurations of a multi-configuration experiment, with “Choose…”.'),
        ),
      );
    } else {
      const baseline = Math.min(this.state.baseline, subjects.length - 1);
      parts.push(this.metricsTable(subjects, baseline));
      const labels = labelComparison(subjects);
      parts.push(
        toDom(
          h(
            'section',
            { class: 'section' },
            h('h2', null, 'Hallucinations by label'),
            labels.categories.length
              ? h('div', { class: 'chart-card' }, barChart(labels, { title: 'Hallucinations by label per subject', width: 640 }))
              : h('p', { class: 'empty-note' }, 'No hallucination in any subject.'),
          ),
        ),
      );
      parts.push(this.matrix(subjects, baseline));
    }
    this.root.replaceChildren(...parts);
    performance.mark('hl:rendered');
  }

  private picker(): Node {
    const list = el('div', { class: 'subject-picker' });
    const loaded = new Map(this.experiments.map((e) => [e.id, e]));
    const selectedIds = new Set(this.state.experimentIds);
    const sorted = [...this.available].sort((a, b) => b.created_at.localeCompare(a.created_at));
    list.append(el('div', { class: 'group' }, 'Experiments'));
    for (const summary of sorted) {
      const box = checkbox(
        `${summary.name} — ${summary.model} · ${formatDateTime(summary.created_at)} · ${plural(summary.status_summary.total, 'item')}`,
        selectedIds.has(summary.id),
        (checked) => void this.toggleExperiment(summary.id, checked),
      );
      list.append(box);
      const experiment = loaded.get(summary.id);
      const configs = experiment ? modelConfigsOf(experiment) : [];
      if (experiment && configs.length > 1) {
        const nested = el('div', { class: 'nested' });
        for (const c of configs) nested.append(this.subjectBox(subjectKey(experiment.id, c), `${c} (configuration)`));
        list.append(nested);
      }
    }
    if (sorted.length === 0) list.append(el('div', { class: 'dim' }, 'No stored experiment.'));
    return el('section', { class: 'section' }, list);
  }

  private subjectBox(key: string, label: string): Node {
    return checkbox(label, this.state.subjectKeys.includes(key), (checked) => {
      const keys = this.state.subjectKeys.filter((k) => k !== key);
      if (checked) keys.push(key);
      this.state.subjectKeys = keys;
      this.state.baseline = 0;
      this.persist();
      this.render();
    });
  }

  private async toggleExperiment(id: string, checked: boolean): Promise<void> {
    const ids = this.state.experimentIds.filter((x) => x !== id);
    if (checked) ids.push(id);
    if (ids.length === 0) {
      this.render();
      return;
    }
    try {
      const { experiments } = await this.rpc.request('setExperiments', { ids });
      this.state.experimentIds = ids;
      // Whole experiments are the subjects, plus configurations already chosen that still exist.
      const keys = this.state.subjectKeys.filter((k) => ids.some((i) => k === i || k.startsWith(`${i}::`)));
      if (checked) keys.push(id);
      this.state.subjectKeys = keys;
      this.setExperiments(experiments, keys.length === 0);
    } catch (error) {
      this.root.prepend(
        el('div', { class: 'banner error' }, codicon('error'), el('span', {}, error instanceof Error ? error.message : String(error))),
      );
    }
  }

  private subjectHeads(subjects: Subject[]): Node {
    const wrap = el('div', { class: 'subject-heads' });
    subjects.forEach((s, i) => {
      const isBase = i === Math.min(this.state.baseline, subjects.length - 1);
      const head = el(
        'div',
        {
          class: `subject-head s${i % 8}${isBase ? ' baseline' : ''}`,
          title: isBase ? 'Baseline' : 'Click to use as the baseline',
          role: 'button',
          tabindex: 0,
        },
        el('span', { class: 'swatch' }),
        el(
          'div',
          {},
          el('div', { class: 'name' }, s.name, isBase ? el('span', { class: 'badge outline' }, 'baseline') : null),
          el('div', { class: 'detail-line' }, s.detail),
        ),
        iconButton('go-to-file', 'Open this experiment’s report', (e) => {
          e.stopPropagation();
          void this.rpc.request('openReport', { id: s.experimentId });
        }),
        iconButton('close', 'Remove from the comparison', (e) => {
          e.stopPropagation();
          this.state.subjectKeys = this.state.subjectKeys.filter((k) => k !== s.key);
          this.state.baseline = 0;
          this.persist();
          this.render();
        }),
      );
      const choose = () => {
        this.state.baseline = i;
        this.persist();
        this.render();
      };
      head.addEventListener('click', choose);
      head.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') choose();
      });
      if (isBase) head.insertBefore(el('span', { class: 'sr-only' }, 'Baseline: '), head.firstChild);
      wrap.append(head);
    });
    return wrap;
  }

  private metricsTable(subjects: Subject[], baseline: number): Node {
    const rows = metricRows(subjects, baseline);
    const regressions = regressionCounts(conversationMatrix(subjects), baseline);
    const table = h(
      'table',
      { class: 'grid-table compare-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Metric'),
          subjects.map((s, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: ['swatch', `s${i % 8}`] }), s.name)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row', title: r.def.description }, r.def.label),
            r.values.map((v, i) =>
              h(
                'td',
                { class: ['num', i === r.best && 'best'] },
                r.def.format(v),
                i === r.best ? codiconNode('star-full', 'best-icon') : null,
                r.deltas[i]!.text ? h('span', { class: ['delta', r.deltas[i]!.tone] }, r.deltas[i]!.text) : null,
              ),
            ),
          ),
        ),
        h(
          'tr',
          null,
          h(
            'th',
            {
              scope: 'row',
              title: 'Conversations where this subject hallucinated and the baseline did not (worse), and the reverse (better)',
            },
            'vs baseline',
          ),
          regressions.map((r, i) =>
            h(
              'td',
              { class: 'num reg' },
              i === baseline
                ? h('span', { class: 'dim' }, 'baseline')
                : [h('span', { class: 'worse' }, `${r.worse} worse`), ' · ', h('span', { class: 'better' }, `${r.better} better`)],
            ),
          ),
        ),
      ),
    );
    return toDom(h('section', { class: 'section' }, h('h2', null, 'Metrics'), h('div', { class: 'table-wrap' }, table)));
  }

  private matrix(subjects: Subject[], baseline: number): Node {
    const all = conversationMatrix(subjects);
    const rows = this.state.onlyDiffs ? all.filter((r) => r.differs) : all;
    const max = Math.max(1, ...all.flatMap((r) => r.cells.map((c) => c.count ?? 0)));
    const expanded = new Set(this.state.expanded);
    const section = el('section', { class: 'section' });
    const only = checkbox('Only where they differ', this.state.onlyDiffs, (v) => {
      this.state.onlyDiffs = v;
      this.persist();
      this.render();
    });
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
      const open = expanded.has(r.conversationId);
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
            this.conversations[r.conversationId]
              ? h('div', { class: 'conv-preview' }, this.conversations[r.conversationId]!.firstUserMessage.slice(0, 160))
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
      if (open)
        body.push(h('tr', { class: 'detail-row' }, h('td', { colspan: subjects.length + 1 }, this.matrixDetail(r, subjects, baseline))));
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
      if (row?.dataset.id) this.toggle(row.dataset.id);
    });
    table.addEventListener('keydown', (e) => {
      const row = (e.target as Element).closest?.('tr.row') as HTMLElement | null;
      if (row?.dataset.id && (e.key === 'Enter' || e.key === ' ') && e.target === row) {
        e.preventDefault();
        this.toggle(row.dataset.id);
      }
    });
    section.append(el('div', { class: 'table-wrap' }, table));
    if (rows.length === 0) section.append(el('div', { class: 'items-empty' }, 'No conversation differs.'));
    return section;
  }

  private matrixDetail(row: MatrixRow, subjects: Subject[], baseline: number): VNode {
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
                    labelChip(a.label, this.descriptions),
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
                            void this.open({
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

  private async open(location: TraceLocation): Promise<void> {
    try {
      await this.rpc.request('openTraceLocation', location);
    } catch {
      /* the host shows its own error */
    }
  }

  private toggle(id: string): void {
    const set = new Set(this.state.expanded);
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.state.expanded = [...set];
    this.persist();
    this.render();
  }
}
