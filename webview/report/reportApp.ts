// The report panel: header and actions, live status, metric cards, charts, configurations and
// the items table. Snapshots come from the host (init, then a notification per change); the
// page keeps its own view state (sort, filters, expanded rows) in vscode.setState.
import type { ExperimentResource } from '../../common/schema';
import {
  ReportProtocol,
  type AnnotationLocation,
  type ConversationContext,
  type ExportFormat,
  type ReportInitResult,
  type ReportSnapshot,
} from '../../common/webviewProtocol';
import { statusBar } from '../lib/charts';
import {
  button,
  checkbox,
  iconButton,
  setSelectOptions,
  singleSelect,
  textField,
  type Checkbox,
  type SingleSelect,
  type TextField,
} from '../lib/controls';
import { codicon, el, mount, toDom } from '../lib/dom';
import { experimentJson, exportFileName, itemsCsv, reportHtml } from '../lib/exportFormats';
import { formatDateTime, formatDuration, formatInt, humanizeLabel, plural } from '../lib/format';
import {
  buildRows,
  defaultSort,
  emptyItemFilter,
  facets,
  failureCounts,
  filterRows,
  hiddenAnnotationCount,
  nextSort,
  rowSignature,
  sortRows,
  statusTitles,
  type ItemFilter,
  type ItemRow,
  type SortKey,
  type SortState,
} from '../lib/items';
import {
  chartCards,
  configurationTable,
  hiddenAnnotationsLine,
  itemDetail,
  labelDescriptions,
  metricCards,
  modelConfigsOf,
  type LabelDescriptions,
} from '../lib/reportViews';
import { createRpcClient, type RpcClient } from '../lib/rpc';
import { persistentState, windowTransport } from '../lib/vscodeApi';
import { h } from '../lib/vnode';
import { finishedText, progressText } from '../lib/statusText';
import { renderItemRow } from './itemRow';
import { readReportBootstrap } from './initialState';

export interface ReportViewState {
  view: 'report';
  experimentId: string | null;
  sort: SortState;
  filter: ItemFilter;
  expanded: string[];
}

const PAGE = 500;
/** Rows built before the first paint; the rest are filled in idle time. */
const SYNC_ROWS = 24;
const IDLE_CHUNK = 60;
const MAX_FLASH = 12;

function whenIdle(task: () => void): void {
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

export class ReportApp {
  private readonly rpc: RpcClient<typeof ReportProtocol>;
  private readonly store = persistentState<ReportViewState>();
  private state: ReportViewState;
  private snapshot: ReportSnapshot | null = null;
  private conversations: Record<string, ConversationContext> = {};
  private descriptions: LabelDescriptions = labelDescriptions([]);
  private rows: ItemRow[] = [];
  private rowEntries = new Map<string, RowEntry>();
  private shown = PAGE;
  private renderToken = 0;
  private headerKey = '';
  private chartsKey = '';
  private deleted = false;
  private busy = new Set<string>();
  private readonly cssText: string;

  // long-lived elements
  private readonly root = el('main', { class: 'report' });
  private readonly headerHost = el('div');
  private readonly bannerHost = el('div');
  private readonly statusHost = el('section', { class: 'section status-section', 'aria-live': 'polite' });
  private readonly metricsHost = el('section', { class: 'section' });
  private readonly chartsHost = el('section', { class: 'section' });
  private readonly configsHost = el('section', { class: 'section' });
  private readonly itemsSection = el('section', { class: 'section items-section' });
  private readonly tbody = el('div', { class: 'items-body', role: 'rowgroup' });
  private readonly theadRow = el('div', { class: 'items-head', role: 'row' });
  private readonly table = el('div', { class: 'items', role: 'table', 'aria-label': 'Items' });
  private readonly countLabel = el('span', { class: 'count' });
  private readonly emptyRow = el('div', { class: 'items-empty' });
  private readonly moreHost = el('div', { class: 'more-row' });
  private searchField!: TextField;
  private statusSelect!: SingleSelect;
  private labelSelect!: SingleSelect;
  private toolSelect!: SingleSelect;
  private configSelect!: SingleSelect;
  private hallucinatedBox!: Checkbox;
  private exportMenu: HTMLElement | null = null;

  constructor(cssText: string) {
    this.cssText = cssText;
    this.rpc = createRpcClient(ReportProtocol, windowTransport());
    const saved = this.store.load();
    this.state = {
      view: 'report',
      experimentId: saved?.experimentId ?? null,
      sort: saved?.sort ?? defaultSort,
      filter: { ...emptyItemFilter, ...(saved?.filter ?? {}) },
      expanded: saved?.expanded ?? [],
    };
  }

  async start(): Promise<void> {
    document.body.append(this.root);
    this.root.append(
      this.headerHost,
      this.bannerHost,
      this.statusHost,
      this.metricsHost,
      this.chartsHost,
      this.configsHost,
      this.itemsSection,
    );
    this.buildItemsSection();
    this.renderLoading();
    this.rpc.onNotification('snapshot', (snapshot) => {
      performance.mark('hl:data');
      this.applySnapshot(snapshot);
    });
    this.rpc.onNotification('deleted', () => {
      this.deleted = true;
      this.headerKey = '';
      this.renderHeader();
      this.showBanner('error', 'This experiment was deleted. What is shown is its last state.');
    });
    document.addEventListener('keydown', (e) => this.onKeyDown(e));
    document.addEventListener('click', (e) => {
      if (this.exportMenu && !this.exportMenu.contains(e.target as Node) && !(e.target as Element).closest?.('.export-trigger'))
        this.closeExportMenu();
    });
    // The host embeds the state in the HTML: no request before the first paint. Then the page
    // says it listens; the answer carries a newer snapshot when the experiment changed since
    // the HTML was made (also when this is the same HTML loaded again after being hidden).
    const embedded = readReportBootstrap();
    if (embedded) {
      this.applyInit(embedded);
      if (embedded.snapshot) void this.ready();
      return;
    }
    try {
      this.applyInit(await this.rpc.request('init', {}));
    } catch (error) {
      this.renderError(error instanceof Error ? error.message : String(error));
    }
  }

  private async ready(): Promise<void> {
    try {
      const { snapshot } = await this.rpc.request('ready', {});
      if (!snapshot) return;
      performance.mark('hl:data');
      this.applySnapshot(snapshot);
    } catch (error) {
      this.showBanner('error', error instanceof Error ? error.message : String(error));
    }
  }

  private applyInit(init: ReportInitResult): void {
    performance.mark('hl:data');
    this.state.experimentId = init.experimentId;
    this.conversations = init.conversations;
    this.descriptions = labelDescriptions(init.labels);
    this.persist();
    if (init.snapshot) this.applySnapshot(init.snapshot);
    else this.renderError(init.error ?? 'The experiment could not be loaded.');
  }

  private persist(): void {
    this.store.save(this.state);
  }

  // ---- snapshot -------------------------------------------------------------------------

  private applySnapshot(snapshot: ReportSnapshot): void {
    const first = this.snapshot === null;
    this.snapshot = snapshot;
    this.rows = buildRows(snapshot.experiment, this.conversations);
    const phase = (name: string) => performance.mark(`hl:phase:${name}`);
    this.renderHeader();
    this.renderStatus();
    phase('header');
    const e = snapshot.experiment;
    const chartsKey = JSON.stringify([e.metrics, e.metrics_by_model, e.status_summary, hiddenAnnotationCount(e.items)]);
    if (chartsKey !== this.chartsKey) {
      this.chartsKey = chartsKey;
      mount(this.metricsHost, [
        h('h2', null, 'Metrics', h('span', { class: 'sub' }, this.metricsSubtitle(e))),
        metricCards(e),
        hiddenAnnotationsLine(hiddenAnnotationCount(e.items)),
      ]);
      phase('metrics');
      // The first paint does not wait for the charts (the slowest section to build): they
      // follow in the next task after it; live updates redraw them in place.
      if (first) this.renderChartsAfterPaint();
      else this.renderCharts(e);
      const configs = configurationTable(e);
      this.configsHost.hidden = configs === null;
      if (configs)
        mount(this.configsHost, [
          h('h2', null, 'Configurations', h('span', { class: 'sub' }, 'best value of each metric marked')),
          configs,
        ]);
    }
    if (!this.deleted) this.bannerHost.replaceChildren();
    // The filter dropdowns (counts per status/label/tool) are below the fold: refreshing them
    // makes each select measure the page, so it waits until the report is painted.
    requestAnimationFrame(() => setTimeout(() => whenIdle(() => this.renderFilters()), 0));
    this.renderTable(!first);
    phase('table');
    performance.mark('hl:rendered');
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('hl:painted');
        performance.measure('hl:data-to-painted', 'hl:data', 'hl:painted');
      }, 0),
    );
  }

  private chartsToken = 0;

  private renderCharts(e: ExperimentResource): void {
    this.chartsToken++;
    this.chartsHost.style.removeProperty('min-height');
    mount(this.chartsHost, [h('h2', null, 'Charts'), chartCards(e, { live: true })]);
    performance.mark('hl:phase:charts');
  }

  private renderChartsAfterPaint(): void {
    const token = ++this.chartsToken;
    // Room for the charts meanwhile, so the sections below do not jump when they arrive.
    this.chartsHost.style.setProperty('min-height', '320px');
    mount(this.chartsHost, [h('h2', null, 'Charts')]);
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (token === this.chartsToken && this.snapshot) this.renderCharts(this.snapshot.experiment);
      }, 0),
    );
  }

  private metricsSubtitle(e: ExperimentResource): string {
    const completed = e.status_summary.completed;
    return completed === e.status_summary.total
      ? `over all ${plural(completed, 'item')}`
      : `over ${formatInt(completed)} completed of ${plural(e.status_summary.total, 'item')}`;
  }

  // ---- header ---------------------------------------------------------------------------

  private renderLoading(): void {
    this.headerHost.replaceChildren(
      el(
        'header',
        { class: 'report-header' },
        el('div', { class: 'title-block' }, el('h1', {}, el('vscode-progress-ring'), 'Loading report…')),
      ),
    );
  }

  private renderError(message: string): void {
    this.headerHost.replaceChildren(
      el('header', { class: 'report-header' }, el('div', { class: 'title-block' }, el('h1', {}, 'Report unavailable'))),
    );
    this.showBanner('error', message, button('Retry', { icon: 'refresh', secondary: true, onClick: () => void this.refresh() }));
  }

  private showBanner(kind: 'error' | 'info' | 'warning', message: string, action?: HTMLElement): void {
    this.bannerHost.replaceChildren(
      el(
        'div',
        { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
        codicon(kind === 'error' ? 'error' : kind === 'warning' ? 'warning' : 'info'),
        el('span', {}, message),
        action ?? null,
      ),
    );
    this.bannerHost.style.setProperty('margin-top', '12px');
  }

  private runState(e: ExperimentResource, running: boolean): { text: string; icon: string; cls: string } {
    const s = e.status_summary;
    if (running) return { text: 'Running', icon: 'loading', cls: 'running' };
    if (s.total > 0 && s.completed + s.failed === s.total) {
      const split = failureCounts(e.items);
      // Skipped items alone (nothing to judge) leave the run complete, not failed.
      return split.failed > 0
        ? { text: finishedText(split), icon: 'warning', cls: 'failed' }
        : { text: finishedText(split), icon: 'pass-filled', cls: 'done' };
    }
    return { text: 'Stopped', icon: 'debug-pause', cls: '' };
  }

  private renderHeader(): void {
    const snap = this.snapshot;
    if (!snap) return;
    const e = snap.experiment;
    const s0 = e.status_summary;
    const key = JSON.stringify([
      e.id,
      e.name,
      e.model,
      e.completed_at,
      snap.running,
      snap.active,
      this.deleted,
      s0.total,
      s0.completed,
      s0.failed,
      s0.pending + s0.in_progress + s0.inference_completed,
      Object.keys(e.metrics_by_model),
    ]);
    if (key === this.headerKey) return;
    this.headerKey = key;
    const configs = modelConfigsOf(e);
    const state = this.runState(e, snap.running && !this.deleted);
    const stateBadge = el(
      'span',
      { class: `badge outline run-state ${state.cls}` },
      codicon(state.icon, state.icon === 'loading' ? 'codicon-modifier-spin' : ''),
      state.text,
    );
    const sub = el('div', { class: 'subtitle' });
    const item = (icon: string, text: string, title?: string) => el('span', { class: 'item', title }, codicon(icon), text);
    sub.append(
      item('beaker', e.id, 'Experiment id'),
      item('hubot', configs.length > 1 ? configs.join(' vs ') : e.model, 'Model configuration(s)'),
      item('calendar', formatDateTime(e.created_at), `Created ${e.created_at}`),
      item('person', e.created_by, 'Created by'),
    );
    if (e.completed_at)
      sub.append(item('watch', formatDuration(Date.parse(e.completed_at) - Date.parse(e.created_at)), `Completed ${e.completed_at}`));
    if (e.pass_through)
      sub.append(el('span', { class: 'badge', title: 'Traced responses were evaluated as they are (no inference)' }, 'pass-through'));
    if (e.reasoning_config)
      sub.append(
        el(
          'span',
          { class: 'badge outline', title: 'Reasoning configuration' },
          'effort' in e.reasoning_config
            ? `reasoning: ${e.reasoning_config.effort}`
            : `reasoning: ${formatInt(e.reasoning_config.budget_tokens)} tokens`,
        ),
      );
    if (e.system_prompt_override !== null)
      sub.append(el('span', { class: 'badge outline', title: e.system_prompt_override.slice(0, 500) }, 'system prompt override'));
    if (e.output_schema)
      sub.append(
        el(
          'span',
          {
            class: 'badge outline',
            title: e.output_schema.map((f) => `${f.name}: ${f.type}${f.is_list ? '[]' : ''}${f.is_optional ? '?' : ''}`).join('\n'),
          },
          `output schema · ${plural(e.output_schema.length, 'field')}`,
        ),
      );

    const actions = el('div', { class: 'actions' });
    const s = e.status_summary;
    if (snap.running && !this.deleted)
      actions.append(
        button('Cancel', {
          icon: 'debug-stop',
          secondary: true,
          title: 'Stop the run (completed items are kept)',
          onClick: () => void this.act('cancel', () => this.rpc.request('cancel', {})),
        }),
      );
    else if (!this.deleted && s.pending + s.in_progress + s.inference_completed > 0)
      actions.append(
        button('Resume', {
          icon: 'debug-continue',
          secondary: true,
          title: 'Run the items that have not finished',
          onClick: () => void this.act('resume', () => this.rpc.request('resume', { failedOnly: false })),
        }),
      );
    if (!snap.running && !this.deleted && s.failed > 0)
      actions.append(
        button('Retry failed', {
          icon: 'refresh',
          secondary: true,
          title: `Run the ${s.failed} failed item${s.failed === 1 ? '' : 's'} again`,
          onClick: () => void this.act('retry', () => this.rpc.request('resume', { failedOnly: true })),
        }),
      );
    actions.append(
      button(snap.active ? 'Markers shown' : 'Show markers', {
        icon: snap.active ? 'eye' : 'eye-closed',
        secondary: true,
        disabled: this.deleted,
        title: snap.active
          ? 'This experiment’s hallucinations are marked in the trace files — click to hide them'
          : 'Mark this experiment’s hallucinations in the trace files',
        onClick: () =>
          void this.act('active', async () => {
            const r = await this.rpc.request('setActive', { active: !snap.active });
            if (this.snapshot) this.snapshot = { ...this.snapshot, active: r.active };
            this.headerKey = '';
            this.renderHeader();
          }),
      }),
      button('Compare…', {
        icon: 'diff-multiple',
        secondary: true,
        disabled: this.deleted,
        title:
          configs.length > 1
            ? 'Compare the configurations of this experiment, or with other experiments'
            : 'Compare with other experiments',
        onClick: () => void this.act('compare', () => this.rpc.request('compare', { byConfiguration: configs.length > 1 })),
      }),
      this.exportButton(),
      iconButton('refresh', 'Refresh', () => void this.refresh()),
    );
    this.headerHost.replaceChildren(
      el('header', { class: 'report-header' }, el('div', { class: 'title-block' }, el('h1', {}, e.name, stateBadge), sub), actions),
    );
  }

  private exportButton(): HTMLElement {
    const wrap = el('div', { class: 'menu-wrap' });
    wrap.style.setProperty('position', 'relative');
    const trigger = button('Export', {
      icon: 'export',
      secondary: true,
      title: 'Save the report as HTML, the items as CSV or the experiment as JSON',
    });
    trigger.classList.add('export-trigger');
    trigger.setAttribute('aria-haspopup', 'menu');
    trigger.addEventListener('click', () => (this.exportMenu ? this.closeExportMenu() : this.openExportMenu(wrap)));
    wrap.append(trigger);
    return wrap;
  }

  private openExportMenu(wrap: HTMLElement): void {
    const entry = (format: ExportFormat, icon: string, label: string, hint: string) => {
      const b = el(
        'button',
        { type: 'button', class: 'menu-item', role: 'menuitem' },
        codicon(icon),
        el('span', {}, label),
        el('span', { class: 'dim' }, hint),
      );
      b.addEventListener('click', () => {
        this.closeExportMenu();
        void this.exportAs(format);
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
    this.exportMenu = menu;
    (menu.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  private closeExportMenu(): void {
    this.exportMenu?.remove();
    this.exportMenu = null;
  }

  private async exportAs(format: ExportFormat): Promise<void> {
    const snap = this.snapshot;
    if (!snap) return;
    const e = snap.experiment;
    const content =
      format === 'json'
        ? experimentJson(e)
        : format === 'csv'
          ? itemsCsv(e, this.conversations)
          : reportHtml(e, { css: this.cssText, conversations: this.conversations, descriptions: this.descriptions });
    await this.act(`export-${format}`, () => this.rpc.request('export', { format, fileName: exportFileName(e, format), content }));
  }

  /** Runs an action once at a time; failures show as a banner. */
  private async act(key: string, run: () => Promise<unknown>): Promise<void> {
    if (this.busy.has(key)) return;
    this.busy.add(key);
    try {
      await run();
    } catch (error) {
      this.showBanner('error', error instanceof Error ? error.message : String(error));
    } finally {
      this.busy.delete(key);
    }
  }

  private async refresh(): Promise<void> {
    await this.act('refresh', async () => {
      const r = await this.rpc.request('refresh', {});
      performance.mark('hl:data');
      if (r.snapshot) this.applySnapshot(r.snapshot);
    });
  }

  private renderStatus(): void {
    const e = this.snapshot!.experiment;
    const s = e.status_summary;
    mount(this.statusHost, [
      h('h2', null, 'Progress', h('span', { class: 'sub' }, progressText(s, failureCounts(e.items), this.snapshot!.running))),
      statusBar(s),
    ]);
  }

  // ---- items ----------------------------------------------------------------------------

  private buildItemsSection(): void {
    const f = this.state.filter;
    this.searchField = textField({
      value: f.text,
      placeholder: 'Filter items…',
      icon: 'search',
      label: 'Filter by conversation, text, label, tool',
      onInput: (v) => this.setFilter({ text: v }),
    });
    this.searchField.classList.add('search');
    this.searchField.title = 'Filter by conversation, text, label or tool (press /)';
    this.statusSelect = singleSelect(
      [{ value: '', label: 'All statuses' }],
      f.status,
      (v) => this.setFilter({ status: v as ItemFilter['status'] }),
      'Status',
    );
    this.labelSelect = singleSelect([{ value: '', label: 'All labels' }], f.label, (v) => this.setFilter({ label: v }), 'Label');
    this.toolSelect = singleSelect([{ value: '', label: 'All tools' }], f.tool, (v) => this.setFilter({ tool: v }), 'Tool');
    this.configSelect = singleSelect(
      [{ value: '', label: 'All configurations' }],
      f.modelConfig,
      (v) => this.setFilter({ modelConfig: v }),
      'Configuration',
    );
    this.hallucinatedBox = checkbox('With hallucinations', f.onlyHallucinated, (v) => this.setFilter({ onlyHallucinated: v }), {
      title: 'Only items with at least one hallucination',
    });
    const clear = iconButton('clear-all', 'Clear filters', () => {
      this.state.filter = { ...emptyItemFilter };
      this.searchField.value = '';
      this.hallucinatedBox.checked = false;
      this.renderFilters();
      this.renderTable(false);
      this.persist();
    });
    const toolbar = el(
      'div',
      { class: 'items-toolbar' },
      this.searchField,
      this.statusSelect,
      this.configSelect,
      this.labelSelect,
      this.toolSelect,
      this.hallucinatedBox,
      clear,
      this.countLabel,
    );
    this.table.append(el('div', { role: 'rowgroup', class: 'items-headgroup' }, this.theadRow), this.tbody);
    this.tbody.addEventListener('click', (e) => this.onTableClick(e));
    this.tbody.addEventListener('keydown', (e) => {
      const row = (e.target as Element).closest?.('.row');
      if (row && (e.key === 'Enter' || e.key === ' ') && e.target === row) {
        e.preventDefault();
        this.toggleRow((row as HTMLElement).dataset.id!);
      }
    });
    this.itemsSection.append(el('h2', {}, 'Items'), toolbar, this.table, this.emptyRow, this.moreHost);
  }

  private setFilter(patch: Partial<ItemFilter>): void {
    this.state.filter = { ...this.state.filter, ...patch };
    this.shown = PAGE;
    this.renderTable(false);
    this.persist();
  }

  private renderFilters(): void {
    const all = facets(this.rows);
    const f = this.state.filter;
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
          description: this.descriptions[l.value],
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

  private multiConfig(): boolean {
    return this.snapshot ? modelConfigsOf(this.snapshot.experiment).length > 1 : false;
  }

  private columns(): { key: SortKey | null; label: string; num?: boolean; title?: string }[] {
    const multiConfig = this.multiConfig();
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

  private renderHead(): void {
    const sort = this.state.sort;
    this.theadRow.replaceChildren(
      ...this.columns().map((c) => {
        const th = el('div', { role: 'columnheader', class: c.num ? 'cell num' : 'cell' });
        if (!c.key) {
          th.append(el('span', {}, c.label));
          return th;
        }
        const key = c.key;
        const active = sort.key === key;
        if (active) th.setAttribute('aria-sort', sort.dir === 'asc' ? 'ascending' : 'descending');
        const b = el(
          'button',
          { type: 'button', title: c.title ? `Sort by ${c.title.toLowerCase()}` : `Sort by ${c.label.toLowerCase()}` },
          c.label,
          active ? codicon(sort.dir === 'asc' ? 'arrow-up' : 'arrow-down') : null,
        );
        b.addEventListener('click', () => {
          this.state.sort = nextSort(this.state.sort, key);
          this.renderTable(false);
          this.persist();
        });
        th.append(b);
        return th;
      }),
    );
  }

  /**
   * Keyed update of the rows: unchanged rows keep their DOM (and focus, expansion), changed ones
   * are rebuilt (and flash). New rows beyond the first screenful start as fixed-height
   * placeholders filled in idle time, so the first paint of a big report is not held up.
   */
  private renderTable(flashChanges: boolean): void {
    this.renderHead();
    const token = ++this.renderToken;
    const visible = sortRows(filterRows(this.rows, this.state.filter), this.state.sort);
    const expanded = new Set(this.state.expanded);
    const multiConfig = this.multiConfig();
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
    const total = this.rows.length;
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
    return renderItemRow(row, expanded, multiConfig, this.descriptions);
  }

  private renderDetailRow(row: ItemRow): HTMLElement {
    const detail = itemDetail(row.item, row.conversation, this.descriptions, { onOpen: (loc) => void this.openLocation(loc) });
    return toDom(h('div', { class: 'detail-row', role: 'row' }, h('div', { role: 'cell' }, detail))) as HTMLElement;
  }

  private async openLocation(location: AnnotationLocation): Promise<void> {
    const experimentId = this.snapshot?.experiment.id ?? this.state.experimentId;
    if (!experimentId) return;
    await this.act('open', () => this.rpc.request('openTraceLocation', { ...location, experiment_id: experimentId }));
  }

  private onTableClick(event: Event): void {
    const target = event.target as Element;
    if (target.closest('.detail-row')) return;
    const row = target.closest('.row') as HTMLElement | null;
    if (row?.dataset.id) this.toggleRow(row.dataset.id);
  }

  private toggleRow(id: string): void {
    const set = new Set(this.state.expanded);
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.state.expanded = [...set];
    this.persist();
    this.renderTable(false);
    const row = this.tbody.querySelector(`.row[data-id="${CSS.escape(id)}"]`) as HTMLElement | null;
    row?.focus({ preventScroll: true });
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.exportMenu) {
      this.closeExportMenu();
      return;
    }
    const inField = (e.target as Element).closest?.('vscode-textfield, input, textarea');
    if (!inField && (e.key === '/' || ((e.ctrlKey || e.metaKey) && e.key === 'f'))) {
      e.preventDefault();
      this.searchField.focus();
    }
    if (!inField && (e.key === 'j' || e.key === 'k')) {
      const rows = [...this.tbody.querySelectorAll<HTMLElement>('.row')];
      const current = rows.indexOf(document.activeElement as HTMLElement);
      const next = rows[Math.max(0, Math.min(rows.length - 1, current + (e.key === 'j' ? 1 : -1)))];
      next?.focus();
    }
  }
}
