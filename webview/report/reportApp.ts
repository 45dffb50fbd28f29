// The report panel: header and actions, live status, metric cards, charts, configurations and
// the items table. Snapshots come from the host (init, then a notification per change); the
// page keeps its own view state (sort, filters, expanded rows) in vscode.setState. This file
// wires the sections together; each section lives in its own module.
import type { Annotation, ExperimentResource } from '../../common/schema';
import type { ReviewAction } from '../lib/reviewCell';
import type {
  ReportProtocol,
  AnnotationLocation,
  ConversationContext,
  ExportFormat,
  ReportInitResult,
  ReportSnapshot,
} from '../../common/webviewProtocol';
import { reportMethods } from '../../common/webviewMethods';
import { button } from '../lib/controls';
import { codicon, el, mount } from '../lib/dom';
import {
  buildRows,
  defaultSort,
  emptyItemFilter,
  hiddenAnnotationCount,
  type ItemFilter,
  type ItemRow,
  type SortState,
} from '../lib/items';
import type * as ChartCardsModule from '../lib/chartCardsView';
import { labelDescriptions, modelConfigsOf, type LabelDescriptions } from '../lib/reportChips';
import { createRpcClient, type RpcClient } from '../lib/rpc';
import { persistentState, windowTransport } from '../lib/vscodeApi';
import { h } from '../lib/vnode';
import { ExportMenu } from './exportMenu';
import { ItemFilters } from './itemFilters';
import { ItemsTable, whenIdle } from './itemsTable';
import { readReportBootstrap, takeEarlyReportState } from './initialState';
import { FIRST_SCREEN_ELEMENT_ID } from '../../extension/webviews/html';
import { reportHeader, reportHeaderKey } from './reportHeader';
// The views by their own modules, not through ../lib/reportViews: that one gathers the charts too,
// which are a chunk loaded after the first paint.
import { CHARTS_MIN_HEIGHT, configurationsSection, metricsSection, progressSection } from './reportSections';

export interface ReportViewState {
  view: 'report';
  experimentId: string | null;
  sort: SortState;
  filter: ItemFilter;
  expanded: string[];
}

export class ReportApp {
  private readonly rpc: RpcClient<typeof ReportProtocol>;
  private readonly store = persistentState<ReportViewState>();
  private state: ReportViewState;
  private snapshot: ReportSnapshot | null = null;
  private conversations: Record<string, ConversationContext> = {};
  private descriptions: LabelDescriptions = labelDescriptions([]);
  private rows: ItemRow[] = [];
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
  private readonly itemsTable = new ItemsTable({
    state: () => this.state,
    rows: () => this.rows,
    descriptions: () => this.descriptions,
    multiConfig: () => this.multiConfig(),
    persist: () => this.persist(),
    openLocation: (location) => void this.openLocation(location),
    review: (annotation, action) => void this.review(annotation, action),
    commentOnItem: (item) => void this.act(`comment-${item.id}`, () => this.rpc.request('comment', { item_id: item.id })),
  });
  private filters!: ItemFilters;
  private readonly exportMenu = new ExportMenu((format) => void this.exportAs(format));

  constructor(cssText: string) {
    this.cssText = cssText;
    this.rpc = createRpcClient<typeof ReportProtocol>(reportMethods, windowTransport());
    const saved = this.store.load();
    this.state = {
      view: 'report',
      experimentId: saved?.experimentId ?? null,
      sort: saved?.sort ?? defaultSort,
      filter: { ...emptyItemFilter, ...(saved?.filter ?? {}) },
      expanded: saved?.expanded ?? [],
    };
  }

  /** The static first screen the host wrote into the HTML, until the live DOM replaces it. */
  private firstScreen: HTMLElement | null = document.getElementById(FIRST_SCREEN_ELEMENT_ID);

  async start(): Promise<void> {
    // With a first screen the live DOM is built aside and swapped in once it shows the state.
    if (!this.firstScreen) document.body.append(this.root);
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
      if (this.exportMenu.isOpen && !this.exportMenu.contains(e.target as Node) && !(e.target as Element).closest?.('.export-trigger'))
        this.exportMenu.close();
    });
    // The state came without a request: embedded in the HTML, or (a page written with its first
    // screen) sent along with it and kept by the page's inline loader. Then the page says it
    // listens; the answer carries a newer snapshot when the experiment changed since the state
    // was read. Otherwise (the same HTML loaded again after being hidden) it asks for the state.
    const embedded = readReportBootstrap() ?? takeEarlyReportState();
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
    // Verdicts change the review figures and the stale line without changing the metrics.
    const chartsKey = JSON.stringify([
      e.metrics,
      e.metrics_by_model,
      e.status_summary,
      hiddenAnnotationCount(e.items),
      e.unreviewed_count,
      e.feedback_scores,
      e.stale_verdicts,
    ]);
    if (chartsKey !== this.chartsKey) {
      this.chartsKey = chartsKey;
      mount(this.metricsHost, metricsSection(e));
      phase('metrics');
      // The first paint does not wait for the charts (the slowest section to build, and a chunk
      // of their own): they are loaded and drawn after it; live updates redraw them in place.
      if (first) this.renderChartsAfterPaint();
      else this.renderCharts(e);
      const configs = configurationsSection(e);
      this.configsHost.hidden = configs === null;
      if (configs) mount(this.configsHost, configs);
    }
    if (!this.deleted) this.bannerHost.replaceChildren();
    // The filter dropdowns (counts per status/label/tool) are below the fold: refreshing them
    // makes each select measure the page, so it waits until the report is painted.
    requestAnimationFrame(() => setTimeout(() => whenIdle(() => this.renderFilters()), 0));
    this.renderTable(!first);
    phase('table');
    this.replaceFirstScreen();
    performance.mark('hl:rendered');
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('hl:painted');
        performance.measure('hl:data-to-painted', 'hl:data', 'hl:painted');
      }, 0),
    );
  }

  private chartsToken = 0;
  /** The charts' chunk (chartCardsView.ts and charts.ts): asked for after the first paint, then kept. */
  private chartsModule: Promise<typeof ChartCardsModule> | null = null;

  private renderCharts(e: ExperimentResource): void {
    const token = ++this.chartsToken;
    this.chartsModule ??= import('../lib/chartCardsView.js');
    this.chartsModule.then(
      ({ chartCards }) => {
        // A newer snapshot's charts are on their way: these would be stale.
        if (token !== this.chartsToken) return;
        this.chartsHost.style.removeProperty('min-height');
        mount(this.chartsHost, [h('h2', null, 'Charts'), chartCards(e, { live: true })]);
        performance.mark('hl:phase:charts');
      },
      (error: unknown) => {
        this.chartsModule = null;
        this.showBanner('error', `The charts could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private renderChartsAfterPaint(): void {
    const token = ++this.chartsToken;
    // Room for the charts meanwhile, so the sections below do not jump when they arrive.
    this.chartsHost.style.setProperty('min-height', CHARTS_MIN_HEIGHT);
    mount(this.chartsHost, [h('h2', null, 'Charts')]);
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (token === this.chartsToken && this.snapshot) this.renderCharts(this.snapshot.experiment);
      }, 0),
    );
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

  /** The live DOM takes the place of the static first screen (same markup, so nothing jumps). */
  private replaceFirstScreen(): void {
    if (!this.firstScreen) return;
    this.firstScreen.replaceWith(this.root);
    this.firstScreen = null;
  }

  private renderError(message: string): void {
    this.replaceFirstScreen();
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

  private renderHeader(): void {
    const snap = this.snapshot;
    if (!snap) return;
    const key = reportHeaderKey(snap, this.deleted);
    if (key === this.headerKey) return;
    this.headerKey = key;
    this.headerHost.replaceChildren(
      reportHeader(snap, this.deleted, {
        rpc: this.rpc,
        act: (key, run) => this.act(key, run),
        onActiveChanged: (active) => {
          if (this.snapshot) this.snapshot = { ...this.snapshot, active };
          this.headerKey = '';
          this.renderHeader();
        },
        exportButton: this.exportMenu.buttonNode(),
        refresh: () => this.refresh(),
      }),
    );
  }

  private async exportAs(format: ExportFormat): Promise<void> {
    const snap = this.snapshot;
    if (!snap) return;
    const e = snap.experiment;
    await this.act(`export-${format}`, async () => {
      const { exportContent, exportFileName } = await import('./exportContent.js');
      const content = exportContent(format, e, this.conversations, this.cssText, this.descriptions);
      return this.rpc.request('export', { format, fileName: exportFileName(e, format), content });
    });
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
    mount(this.statusHost, progressSection(this.snapshot!));
  }

  // ---- items ----------------------------------------------------------------------------

  private buildItemsSection(): void {
    this.filters = new ItemFilters(this.state.filter, this.itemsTable.countLabel, {
      setFilter: (patch) => this.setFilter(patch),
      clearFilters: () => {
        this.state.filter = { ...emptyItemFilter };
        this.filters.resetFields();
        this.renderFilters();
        this.renderTable(false);
        this.persist();
      },
    });
    const t = this.itemsTable;
    this.itemsSection.append(el('h2', {}, 'Items'), this.filters.toolbar, t.table, t.emptyRow, t.moreHost);
  }

  private setFilter(patch: Partial<ItemFilter>): void {
    this.state.filter = { ...this.state.filter, ...patch };
    this.itemsTable.resetPaging();
    this.renderTable(false);
    this.persist();
  }

  private renderFilters(): void {
    this.filters.render(this.rows, this.state.filter, this.descriptions);
  }

  private renderTable(flashChanges: boolean): void {
    this.itemsTable.renderTable(flashChanges);
  }

  private multiConfig(): boolean {
    return this.snapshot ? modelConfigsOf(this.snapshot.experiment).length > 1 : false;
  }

  private async openLocation(location: AnnotationLocation): Promise<void> {
    const experimentId = this.snapshot?.experiment.id ?? this.state.experimentId;
    if (!experimentId) return;
    await this.act('open', () => this.rpc.request('openTraceLocation', { ...location, experiment_id: experimentId }));
  }

  /** Confirm / Dismiss / Label / Comment on one annotation: the host asks what it needs; the snapshot with the change follows. */
  private async review(annotation: Annotation, action: ReviewAction): Promise<void> {
    if (!annotation.id) return;
    if (action === 'comment') {
      await this.act(`comment-${annotation.id}`, () => this.rpc.request('comment', { annotation_id: annotation.id! }));
      return;
    }
    const label = annotation.review?.verdict === 'relabelled' ? annotation.review.label : annotation.label;
    await this.act(`review-${annotation.id}`, () =>
      this.rpc.request('review', { annotation_id: annotation.id!, action, ...(label ? { label } : {}) }),
    );
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.exportMenu.isOpen) {
      this.exportMenu.close();
      return;
    }
    const inField = (e.target as Element).closest?.('vscode-textfield, input, textarea');
    if (!inField && (e.key === '/' || ((e.ctrlKey || e.metaKey) && e.key === 'f'))) {
      e.preventDefault();
      this.filters.focusSearch();
    }
    if (!inField && (e.key === 'j' || e.key === 'k')) {
      this.itemsTable.moveFocus(e.key);
    }
  }
}
