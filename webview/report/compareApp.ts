// The compare panel: two or more experiments (or the configurations of one) side by side —
// metrics with deltas against a baseline, labels per subject, and per conversation which one
// hallucinated where. This class holds the state and talks to the host; the views are
// compareSubjects.ts (picker, subject heads), compareMetrics.ts and compareMatrix.ts.
import type { ExperimentResource } from '../../common/schema';
import { CompareProtocol, type ConversationContext, type TraceLocation } from '../../common/webviewProtocol';
import type { ExperimentSummary } from '../../common/protocol';
import { barChart } from '../lib/charts';
import { allSubjects, defaultSubjectKeys, labelComparison, pickSubjects, type Subject } from '../lib/compare';
import { button } from '../lib/controls';
import { codicon, el, toDom } from '../lib/dom';
import { labelDescriptions, type LabelDescriptions } from '../lib/reportViews';
import { createRpcClient, type RpcClient } from '../lib/rpc';
import { persistentState, windowTransport } from '../lib/vscodeApi';
import { h } from '../lib/vnode';
import { conversationMatrixSection } from './compareMatrix';
import { compareMetricsTable } from './compareMetrics';
import { subjectHeads, subjectPicker } from './compareSubjects';

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
    this.rpc = createRpcClient(CompareProtocol, windowTransport());
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
    if (this.pickerOpen)
      parts.push(
        subjectPicker(
          {
            available: this.available,
            experiments: this.experiments,
            experimentIds: this.state.experimentIds,
            subjectKeys: this.state.subjectKeys,
          },
          {
            toggleExperiment: (id, checked) => void this.toggleExperiment(id, checked),
            toggleSubject: (key, checked) => this.toggleSubject(key, checked),
          },
        ),
      );
    parts.push(
      subjectHeads(subjects, this.state.baseline, {
        chooseBaseline: (i) => this.update({ baseline: i }),
        remove: (key) => this.update({ subjectKeys: this.state.subjectKeys.filter((k) => k !== key), baseline: 0 }),
        openReport: (id) => void this.rpc.request('openReport', { id }),
      }),
    );
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
      parts.push(compareMetricsTable(subjects, baseline));
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
      parts.push(
        conversationMatrixSection(
          {
            subjects,
            baseline,
            onlyDiffs: this.state.onlyDiffs,
            expanded: new Set(this.state.expanded),
            conversations: this.conversations,
            descriptions: this.descriptions,
          },
          {
            setOnlyDiffs: (onlyDiffs) => this.update({ onlyDiffs }),
            toggle: (id) => this.toggle(id),
            open: (location) => void this.open(location),
          },
        ),
      );
    }
    this.root.replaceChildren(...parts);
    performance.mark('hl:rendered');
  }

  /** Changes the view state, keeps it across reloads, and draws again. */
  private update(change: Partial<CompareViewState>): void {
    Object.assign(this.state, change);
    this.persist();
    this.render();
  }

  private toggleSubject(key: string, checked: boolean): void {
    const keys = this.state.subjectKeys.filter((k) => k !== key);
    if (checked) keys.push(key);
    this.update({ subjectKeys: keys, baseline: 0 });
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
    this.update({ expanded: [...set] });
  }
}
