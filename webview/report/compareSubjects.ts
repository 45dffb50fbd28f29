// Choosing what the compare panel compares: the picker of experiments (and of the configurations
// of a multi-configuration experiment), and the subject heads that pick the baseline.
import type { ExperimentResource } from '../../common/schema';
import type { ExperimentSummary } from '../../common/protocol';
import { subjectKey, type Subject } from '../lib/compare';
import { checkbox, iconButton } from '../lib/controls';
import { el } from '../lib/dom';
import { formatDateTime, plural } from '../lib/format';
import { modelConfigsOf } from '../lib/reportViews';

export interface PickerView {
  available: readonly ExperimentSummary[];
  /** The experiments loaded (their configurations can be picked). */
  experiments: readonly ExperimentResource[];
  experimentIds: readonly string[];
  subjectKeys: readonly string[];
}

export interface PickerActions {
  toggleExperiment(id: string, checked: boolean): void;
  toggleSubject(key: string, checked: boolean): void;
}

export interface HeadActions {
  chooseBaseline(index: number): void;
  remove(key: string): void;
  openReport(experimentId: string): void;
}

/** Every stored experiment to tick, and under an experiment with several configurations, each of them. */
export function subjectPicker(view: PickerView, actions: PickerActions): Node {
  const list = el('div', { class: 'subject-picker' });
  const loaded = new Map(view.experiments.map((e) => [e.id, e]));
  const selectedIds = new Set(view.experimentIds);
  const sorted = [...view.available].sort((a, b) => b.created_at.localeCompare(a.created_at));
  list.append(el('div', { class: 'group' }, 'Experiments'));
  for (const summary of sorted) {
    const box = checkbox(
      `${summary.name} — ${summary.model} · ${formatDateTime(summary.created_at)} · ${plural(summary.status_summary.total, 'item')}`,
      selectedIds.has(summary.id),
      (checked) => actions.toggleExperiment(summary.id, checked),
    );
    list.append(box);
    const experiment = loaded.get(summary.id);
    const configs = experiment ? modelConfigsOf(experiment) : [];
    if (experiment && configs.length > 1) {
      const nested = el('div', { class: 'nested' });
      for (const c of configs)
        nested.append(
          checkbox(`${c} (configuration)`, view.subjectKeys.includes(subjectKey(experiment.id, c)), (checked) =>
            actions.toggleSubject(subjectKey(experiment.id, c), checked),
          ),
        );
      list.append(nested);
    }
  }
  if (sorted.length === 0) list.append(el('div', { class: 'dim' }, 'No stored experiment.'));
  return el('section', { class: 'section' }, list);
}

/** A head per subject: click to make it the baseline, open its report, remove it. */
export function subjectHeads(subjects: Subject[], baseline: number, actions: HeadActions): Node {
  const wrap = el('div', { class: 'subject-heads' });
  subjects.forEach((s, i) => {
    const isBase = i === Math.min(baseline, subjects.length - 1);
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
        actions.openReport(s.experimentId);
      }),
      iconButton('close', 'Remove from the comparison', (e) => {
        e.stopPropagation();
        actions.remove(s.key);
      }),
    );
    const choose = () => actions.chooseBaseline(i);
    head.addEventListener('click', choose);
    head.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') choose();
    });
    if (isBase) head.insertBefore(el('span', { class: 'sr-only' }, 'Baseline: '), head.firstChild);
    wrap.append(head);
  });
  return wrap;
}
