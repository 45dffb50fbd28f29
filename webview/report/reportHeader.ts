// The report's header: the experiment's title, run state and facts (model, dates, options), and
// its actions (cancel/resume/retry, markers, compare, export, refresh). Built again only when
// what it shows changes (see reportHeaderKey).
import type { ExperimentResource } from '../../common/schema';
import type { ReportProtocol, ReportSnapshot } from '../../common/webviewProtocol';
import { buttonNode, iconButtonNode } from '../lib/controlNodes';
import { toDom } from '../lib/dom';
import { formatDateTime, formatDuration, formatInt, plural } from '../lib/format';
import { failureCounts } from '../lib/items';
import { codiconNode, modelConfigsOf } from '../lib/reportChips';
import { experimentComments, reportInfoLine, type InfoEditing } from '../lib/reportInfoLine';
import type { RpcClient } from '../lib/rpc';
import { finishedText } from '../lib/statusText';
import { h, type VNode } from '../lib/vnode';

/** What the header's buttons need from the page. */
export interface ReportHeaderContext {
  rpc: RpcClient<typeof ReportProtocol>;
  /** Runs an action once at a time; failures show as a banner. */
  act(key: string, run: () => Promise<unknown>): Promise<void>;
  /** The host answered a markers toggle: the page records the new state and redraws the header. */
  onActiveChanged(active: boolean): void;
  /** The Export button and its menu (ExportMenu.buttonNode). */
  exportButton: VNode;
  refresh(): Promise<void>;
}

export function runState(e: ExperimentResource, running: boolean): { text: string; icon: string; cls: string } {
  const s = e.status_summary;
  if (running) return { text: 'Running', icon: 'loading', cls: 'running' };
  if (s.total > 0 && s.completed + s.failed + s.skipped === s.total) {
    const split = failureCounts(e.items);
    // Skipped items alone (nothing to judge) leave the run complete, not failed.
    return split.failed > 0
      ? { text: finishedText(split), icon: 'warning', cls: 'failed' }
      : { text: finishedText(split), icon: 'pass-filled', cls: 'done' };
  }
  return { text: 'Stopped', icon: 'debug-pause', cls: '' };
}

/** Everything the header shows; the header is rebuilt only when this changes. */
export function reportHeaderKey(snap: ReportSnapshot, deleted: boolean): string {
  const e = snap.experiment;
  const s0 = e.status_summary;
  return JSON.stringify([
    e.id,
    e.name,
    e.model,
    e.completed_at,
    snap.running,
    snap.active,
    deleted,
    s0.total,
    s0.completed,
    s0.failed,
    s0.skipped,
    s0.pending + s0.in_progress + s0.inference_completed,
    Object.keys(e.metrics_by_model),
    e.tags ?? [],
    experimentComments(e).length,
  ]);
}

/** What the header's buttons do (absent in the static first screen, whose buttons are inert). */
export interface ReportHeaderHandlers {
  cancel(): void;
  resume(): void;
  retryFailed(): void;
  toggleActive(): void;
  compare(): void;
  refresh(): void;
}

/**
 * The header as a vnode tree: the live page renders it with its handlers, the host sends it as
 * static HTML before the page's script has loaded (the same markup, so the swap does not show).
 */
export function reportHeaderNode(
  snap: ReportSnapshot,
  deleted: boolean,
  parts: { infoLine: VNode; exportButton: VNode; on?: ReportHeaderHandlers },
): VNode {
  const e = snap.experiment;
  const on = parts.on;
  const configs = modelConfigsOf(e);
  const state = runState(e, snap.running && !deleted);
  const stateBadge = h(
    'span',
    { class: `badge outline run-state ${state.cls}` },
    codiconNode(state.icon, state.icon === 'loading' ? 'codicon-modifier-spin' : undefined),
    state.text,
  );
  const item = (icon: string, text: string, title?: string) => h('span', { class: 'item', title }, codiconNode(icon), text);
  const sub = h(
    'div',
    { class: 'subtitle' },
    item('beaker', e.id, 'Experiment id'),
    item('hubot', configs.length > 1 ? configs.join(' vs ') : e.model, 'Model configuration(s)'),
    item('calendar', formatDateTime(e.created_at), `Created ${e.created_at}`),
    item('person', e.created_by, 'Created by'),
    e.completed_at
      ? item('watch', formatDuration(Date.parse(e.completed_at) - Date.parse(e.created_at)), `Completed ${e.completed_at}`)
      : null,
    e.pass_through
      ? h('span', { class: 'badge', title: 'Traced responses were evaluated as they are (no inference)' }, 'pass-through')
      : null,
    e.reasoning_config
      ? h(
          'span',
          { class: 'badge outline', title: 'Reasoning configuration' },
          'effort' in e.reasoning_config
            ? `reasoning: ${e.reasoning_config.effort}`
            : `reasoning: ${formatInt(e.reasoning_config.budget_tokens)} tokens`,
        )
      : null,
    e.system_prompt_override !== null
      ? h('span', { class: 'badge outline', title: e.system_prompt_override.slice(0, 500) }, 'system prompt override')
      : null,
    e.output_schema
      ? h(
          'span',
          {
            class: 'badge outline',
            title: e.output_schema.map((f) => `${f.name}: ${f.type}${f.is_list ? '[]' : ''}${f.is_optional ? '?' : ''}`).join('\n'),
          },
          `output schema · ${plural(e.output_schema.length, 'field')}`,
        )
      : null,
  );

  const s = e.status_summary;
  const actions = h(
    'div',
    { class: 'actions' },
    snap.running && !deleted
      ? buttonNode('Cancel', { icon: 'debug-stop', secondary: true, title: 'Stop the run (completed items are kept)', onClick: on?.cancel })
      : !deleted && s.pending + s.in_progress + s.inference_completed > 0
        ? buttonNode('Resume', {
            icon: 'debug-continue',
            secondary: true,
            title: 'Run the items that have not finished',
            onClick: on?.resume,
          })
        : null,
    !snap.running && !deleted && s.failed > 0
      ? buttonNode('Retry failed', {
          icon: 'refresh',
          secondary: true,
          title: `Run the ${s.failed} failed item${s.failed === 1 ? '' : 's'} again`,
          onClick: on?.retryFailed,
        })
      : null,
    buttonNode(snap.active ? 'Markers shown' : 'Show markers', {
      icon: snap.active ? 'eye' : 'eye-closed',
      secondary: true,
      disabled: deleted,
      title: snap.active
        ? 'This experiment’s hallucinations are marked in the trace files — click to hide them'
        : 'Mark this experiment’s hallucinations in the trace files',
      onClick: on?.toggleActive,
    }),
    buttonNode('Compare…', {
      icon: 'diff-multiple',
      secondary: true,
      disabled: deleted,
      title:
        configs.length > 1 ? 'Compare the configurations of this experiment, or with other experiments' : 'Compare with other experiments',
      onClick: on?.compare,
    }),
    parts.exportButton,
    iconButtonNode('refresh', 'Refresh', on?.refresh),
  );
  return h(
    'header',
    { class: 'report-header' },
    h('div', { class: 'title-block' }, h('h1', null, e.name, stateBadge), sub, parts.infoLine),
    actions,
  );
}

/** The header of the static first screen: no editing open, inert buttons. */
export function staticReportHeader(snap: ReportSnapshot, exportButton: VNode): VNode {
  const inert = { edit: () => {}, saveTags: () => {}, addComment: () => {} };
  return reportHeaderNode(snap, false, {
    infoLine: h('div', { class: 'info-line-host' }, reportInfoLine(snap.experiment, null, inert)),
    exportButton,
  });
}

export function reportHeader(snap: ReportSnapshot, deleted: boolean, ctx: ReportHeaderContext): HTMLElement {
  const configs = modelConfigsOf(snap.experiment);
  const on: ReportHeaderHandlers = {
    cancel: () => void ctx.act('cancel', () => ctx.rpc.request('cancel', {})),
    resume: () => void ctx.act('resume', () => ctx.rpc.request('resume', { failedOnly: false })),
    retryFailed: () => void ctx.act('retry', () => ctx.rpc.request('resume', { failedOnly: true })),
    toggleActive: () =>
      void ctx.act('active', async () => {
        const r = await ctx.rpc.request('setActive', { active: !snap.active });
        ctx.onActiveChanged(r.active);
      }),
    compare: () => void ctx.act('compare', () => ctx.rpc.request('compare', { byConfiguration: configs.length > 1 })),
    refresh: () => void ctx.refresh(),
  };
  const infoLineHost = h('div', { class: 'info-line-host', ref: (host: Element) => infoLine(host, snap.experiment, deleted, ctx) });
  return toDom(reportHeaderNode(snap, deleted, { infoLine: infoLineHost, exportButton: ctx.exportButton, on })) as HTMLElement;
}

/**
 * The field open in the header's info line and what it holds: the header is rebuilt whenever what
 * it shows changes (a running experiment's progress), and the person's typing must survive that.
 * One report per page, so one per module.
 */
let openField: { mode: Exclude<InfoEditing, null>; draft?: string } | null = null;

/** Tags (editable) and comments (Add comment); redrawn here while a field opens or closes. */
function infoLine(host: Element, e: ExperimentResource, deleted: boolean, ctx: ReportHeaderContext): void {
  const draw = () =>
    host.replaceChildren(toDom(reportInfoLine(e, openField?.mode ?? null, deleted ? undefined : handlers, openField?.draft)));
  const save = (key: string, params: { tags: string[] } | { comment: string }) =>
    void ctx.act(key, async () => {
      // Closed before the answer: the snapshot that follows may rebuild the header first.
      const was = openField;
      openField = null;
      try {
        await ctx.rpc.request('updateInfo', params);
      } catch (error) {
        // Kept open with the text when the server refused it (the banner says why).
        openField = was;
        draw();
        throw error;
      }
      draw();
    });
  const handlers = {
    edit: (mode: InfoEditing) => {
      openField = mode ? { mode } : null;
      draw();
    },
    typed: (text: string) => {
      if (openField) openField.draft = text;
    },
    saveTags: (tags: string[]) => save('tags', { tags }),
    addComment: (comment: string) => save('comment', { comment }),
  };
  draw();
}
