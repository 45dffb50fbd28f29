// Small shared pieces of the report's views (vnode trees): label descriptions, codicons, the
// configurations of an experiment, label and status chips, and the detection-notes lines.
import { builtInLabels, type ExperimentItem, type ExperimentResource } from '../../common/schema';
import type { LabelInfo } from '../../common/webviewProtocol';
import { labelColorIndex } from './chartData';
import { formatInt, humanizeLabel, plural } from './format';
import { displayStatus, statusIcons, statusTitles, statusTooltip } from './items';
import { h, type Child, type VNode } from './vnode';
import { own } from './ownRecord';

export type LabelDescriptions = Readonly<Record<string, string>>;

export function labelDescriptions(labels: readonly LabelInfo[]): Record<string, string> {
  const out: Record<string, string> = { ...builtInLabels };
  for (const l of labels) out[l.name] = l.description;
  return out;
}

export function codiconNode(name: string, extra?: string): VNode {
  return h('span', { class: ['codicon', `codicon-${name}`, extra], 'aria-hidden': 'true' });
}

/** The configurations of an experiment, in a stable order. */
export function modelConfigsOf(experiment: Pick<ExperimentResource, 'metrics_by_model' | 'items'>): string[] {
  const set = new Set(Object.keys(experiment.metrics_by_model));
  for (const item of experiment.items) set.add(item.model_config);
  return [...set].sort((a, b) => a.localeCompare(b));
}

export function labelChip(label: string, descriptions: LabelDescriptions, count?: number): VNode {
  return h(
    'span',
    { class: ['chip', `l${labelColorIndex(label)}`], title: `${label}${own(descriptions, label) ? ` — ${own(descriptions, label)}` : ''}` },
    humanizeLabel(label),
    count !== undefined && count > 1 ? h('span', { class: 'chip-count' }, `×${count}`) : null,
  );
}

export function statusChip(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): VNode {
  const status = displayStatus(item);
  return h(
    'span',
    { class: ['status', `st-${status}`], title: statusTooltip(item) },
    codiconNode(statusIcons[status], status === 'in_progress' ? 'codicon-modifier-spin' : undefined),
    statusTitles[status],
  );
}

/**
 * What the detectors said about the item itself (e.g. schema checks skipped: no tool definitions)
 * and how many annotations the minConfidence setting hid: muted lines, not findings.
 */
export function detectionNotes(item: Pick<ExperimentItem, 'detection_notes' | 'hidden_annotations'>): VNode | null {
  const notes = item.detection_notes ?? [];
  const hidden = item.hidden_annotations ?? 0;
  if (notes.length === 0 && hidden === 0) return null;
  return h(
    'ul',
    { class: 'detection-notes' },
    notes.map((n) => h('li', { class: 'dim' }, codiconNode('info'), n)),
    hidden > 0
      ? h(
          'li',
          { class: 'dim', 'data-hidden': hidden },
          codiconNode('eye-closed'),
          `${formatInt(hidden)} hidden below the confidence threshold`,
        )
      : null,
  );
}

/** The report-level line next to the metrics: annotations hidden by minConfidence over all items. */
export function hiddenAnnotationsLine(hidden: number): VNode | null {
  if (hidden === 0) return null;
  return h(
    'p',
    {
      class: 'hidden-note dim',
      title: 'Found by a detector with a confidence below the minConfidence setting; not counted in the metrics',
    },
    codiconNode('eye-closed'),
    `${plural(hidden, 'annotation')} hidden below the confidence threshold (minConfidence setting)`,
  );
}

/** Top labels of a row, as chips ("+2" when there are more). */
export function labelChips(labels: readonly { label: string; count: number }[], descriptions: LabelDescriptions, max = 3): Child[] {
  const shown = labels.slice(0, max).map((l) => labelChip(l.label, descriptions, l.count));
  if (labels.length > max)
    shown.push(
      h(
        'span',
        {
          class: 'chip more',
          title: labels
            .slice(max)
            .map((l) => `${l.label} ×${l.count}`)
            .join('\n'),
        },
        `+${labels.length - max}`,
      ),
    );
  return shown;
}
