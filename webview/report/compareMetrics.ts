// The compare panel's metrics table: each metric per subject, its delta against the baseline, the
// best value starred, and how many conversations got worse or better than in the baseline.
import { conversationMatrix, metricRows, regressionCounts, type Subject } from '../lib/compare';
import { toDom } from '../lib/dom';
import { codiconNode } from '../lib/reportViews';
import { h } from '../lib/vnode';

/** Every metric per subject with its delta against the baseline, the best starred, and the per-conversation regressions. */
export function compareMetricsTable(subjects: Subject[], baseline: number): Node {
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
