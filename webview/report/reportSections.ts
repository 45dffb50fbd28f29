// The contents of the report's sections that are plain vnode trees (progress, metrics,
// configurations): the live page mounts them, the static first screen (firstScreen.ts) sends
// them as HTML before the page's script has loaded. One definition, so both show the same.
import type { ExperimentResource } from '../../common/schema';
import type { ReportSnapshot } from '../../common/webviewProtocol';
import { configurationTable } from '../lib/configurationTableView';
import { formatInt, plural } from '../lib/format';
import { failureCounts, hiddenAnnotationCount } from '../lib/items';
import { metricCards } from '../lib/metricCardsView';
import { hiddenAnnotationsLine } from '../lib/reportChips';
import { staleVerdictsLine } from '../lib/reviewCell';
import { statusBar } from '../lib/statusBar';
import { progressText } from '../lib/statusText';
import { h, type Child } from '../lib/vnode';

/** Room kept for the charts until their chunk has drawn them, so the sections below do not jump. */
export const CHARTS_MIN_HEIGHT = '320px';

export function progressSection(snapshot: ReportSnapshot): Child[] {
  const e = snapshot.experiment;
  const s = e.status_summary;
  return [h('h2', null, 'Progress', h('span', { class: 'sub' }, progressText(s, failureCounts(e.items), snapshot.running))), statusBar(s)];
}

function metricsSubtitle(e: ExperimentResource): string {
  const completed = e.status_summary.completed;
  return completed === e.status_summary.total
    ? `over all ${plural(completed, 'item')}`
    : `over ${formatInt(completed)} completed of ${plural(e.status_summary.total, 'item')}`;
}

export function metricsSection(e: ExperimentResource): Child[] {
  return [
    h('h2', null, 'Metrics', h('span', { class: 'sub' }, metricsSubtitle(e))),
    metricCards(e),
    hiddenAnnotationsLine(hiddenAnnotationCount(e.items)),
    staleVerdictsLine(e.stale_verdicts),
  ];
}

/** Null when the experiment has one configuration (the section is hidden). */
export function configurationsSection(e: ExperimentResource): Child[] | null {
  const configs = configurationTable(e);
  return configs ? [h('h2', null, 'Configurations', h('span', { class: 'sub' }, 'best value of each metric marked')), configs] : null;
}
