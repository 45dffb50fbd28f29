// The report's first screen as static HTML, made by the host from the state it read for the
// page and written into the page's HTML: the first rows are painted as soon as VS Code writes the
// page, before the report's script is fetched (through the webview's service worker), evaluated
// and given the full state. The page then builds its live DOM and swaps it in (reportApp.ts).
// Pure (vnode trees only): the extension host renders it with `toStaticHtml`.
import type { ReportInitResult, ReportSnapshot } from '../../common/webviewProtocol';
import { FIRST_SCREEN_ELEMENT_ID } from '../../extension/webviews/html';
import { formatInt, plural } from '../lib/format';
import { buildRows, defaultSort, sortRows } from '../lib/items';
import { labelDescriptions, modelConfigsOf } from '../lib/reportChips';
import { toStaticHtml } from '../lib/staticHtml';
import { h, type VNode } from '../lib/vnode';
import { ExportMenu } from './exportMenu';
import { FIRST_ROWS, itemColumns, itemHeadCells, itemRowNode } from './itemNodes';
import { staticReportHeader } from './reportHeader';
import { CHARTS_MIN_HEIGHT, configurationsSection, metricsSection, progressSection } from './reportSections';

/**
 * The first screen of a report with its state: header, progress, metrics, room for the charts,
 * configurations and the first rows in the default order (a new page has no saved sort or filter).
 * Sections are `div`s in an inert container: nothing in it reacts before the live page replaces it.
 */
export function reportFirstScreenView(init: Pick<ReportInitResult, 'conversations' | 'labels'>, snapshot: ReportSnapshot): VNode {
  const e = snapshot.experiment;
  const rows = sortRows(buildRows(e, init.conversations), defaultSort);
  const multiConfig = modelConfigsOf(e).length > 1;
  const descriptions = labelDescriptions(init.labels);
  const configs = configurationsSection(e);
  const exportButton = new ExportMenu(() => {}).buttonNode();
  return h(
    'div',
    { class: 'report first-screen', id: FIRST_SCREEN_ELEMENT_ID, inert: true, 'aria-busy': 'true' },
    h('div', null, staticReportHeader(snapshot, exportButton)),
    h('div'),
    h('div', { class: 'section status-section' }, progressSection(snapshot)),
    h('div', { class: 'section' }, metricsSection(e)),
    h('div', { class: 'section', style: { 'min-height': CHARTS_MIN_HEIGHT } }, h('h2', null, 'Charts')),
    configs ? h('div', { class: 'section' }, configs) : null,
    h(
      'div',
      { class: 'section items-section' },
      h('h2', null, 'Items'),
      h('div', { class: 'items-toolbar' }, h('span', { class: 'count' }, rows.length === 0 ? '' : plural(rows.length, 'item'))),
      h(
        'div',
        { class: ['items', multiConfig && 'multi'], role: 'table', 'aria-label': 'Items' },
        h(
          'div',
          { role: 'rowgroup', class: 'items-headgroup' },
          h('div', { class: 'items-head', role: 'row' }, itemHeadCells(itemColumns(multiConfig), defaultSort)),
        ),
        h(
          'div',
          { class: 'items-body', role: 'rowgroup' },
          rows.slice(0, FIRST_ROWS).map((row) => itemRowNode(row, multiConfig, descriptions)),
        ),
      ),
      rows.length === 0 ? h('div', { class: 'items-empty' }, 'No items yet.') : null,
      rows.length > FIRST_ROWS ? h('div', { class: 'more-row dim' }, `${formatInt(rows.length - FIRST_ROWS)} more rows loading…`) : null,
    ),
  );
}

/** The first screen as HTML and the rules of its elements' styles (see staticHtml.ts). */
export function reportFirstScreenHtml(init: ReportInitResult): { html: string; css: string } | null {
  return init.snapshot ? toStaticHtml(reportFirstScreenView(init, init.snapshot)) : null;
}
