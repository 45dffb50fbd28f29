// The experiment's stacked status bar with its legend (the report's header and the exported page).
import type { StatusSummary } from '../../common/schema';
import { formatInt } from './format';
import { h, type VNode } from './vnode';

export const statusOrder = ['completed', 'inference_completed', 'in_progress', 'pending', 'failed', 'skipped'] as const;

export function statusSegments(summary: StatusSummary): { status: (typeof statusOrder)[number]; count: number; fraction: number }[] {
  const total = Math.max(summary.total, 1);
  return statusOrder.filter((k) => summary[k] > 0).map((status) => ({ status, count: summary[status], fraction: summary[status] / total }));
}

export const statusLabels: Record<(typeof statusOrder)[number], string> = {
  completed: 'Completed',
  inference_completed: 'Detecting',
  in_progress: 'Running',
  pending: 'Pending',
  failed: 'Failed',
  skipped: 'Skipped',
};

/** The stacked status bar with its legend. */
export function statusBar(summary: StatusSummary): VNode {
  const segments = statusSegments(summary);
  return h(
    'div',
    { class: 'status-bar-wrap' },
    h(
      'div',
      {
        class: 'status-bar',
        role: 'img',
        'aria-label': segments.map((g) => `${statusLabels[g.status]} ${g.count}`).join(', ') || 'No items',
      },
      segments.map((g) =>
        h('span', {
          class: ['seg', `st-${g.status}`],
          style: { 'flex-grow': g.count },
          title: `${statusLabels[g.status]}: ${formatInt(g.count)} of ${formatInt(summary.total)}`,
        }),
      ),
    ),
    h(
      'div',
      { class: 'legend status-legend' },
      statusOrder.map((k) =>
        h(
          'span',
          { class: ['legend-item', summary[k] === 0 && 'zero'] },
          h('span', { class: ['swatch', `st-${k}`] }),
          `${statusLabels[k]} `,
          h('strong', null, formatInt(summary[k])),
        ),
      ),
    ),
  );
}
