// The report's configuration table: each metric per model configuration side by side, the best
// value of each marked (absent when the experiment has a single configuration).
import { type ExperimentResource } from '../../common/schema';
import { metricDefs } from './metricDefs';
import { h, type VNode } from './vnode';
import { own } from './ownRecord';
import { codiconNode, modelConfigsOf } from './reportChips';
import { bestIndex } from './metricCardsView';

export function configurationTable(experiment: ExperimentResource): VNode | null {
  const configs = modelConfigsOf(experiment);
  if (configs.length < 2) return null;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'grid-table config-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Metric'),
          configs.map((c, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: ['swatch', `s${i % 8}`] }), c)),
        ),
      ),
      h(
        'tbody',
        null,
        metricDefs.map((def) => {
          const values = configs.map((c) => own(experiment.metrics_by_model, c)?.[def.key] ?? null);
          const best = bestIndex(def.key, values);
          return h(
            'tr',
            null,
            h('th', { scope: 'row', title: def.description }, def.label),
            values.map((v, i) =>
              h('td', { class: ['num', i === best && 'best'] }, def.format(v), i === best ? codiconNode('star-full', 'best-icon') : null),
            ),
          );
        }),
      ),
    ),
  );
}
