// Hosts of the report panels (one per experiment) and of the compare panel. A report opens with
// one round trip to the server (GetReportState); its answer becomes the page's first screen as
// static HTML (header, figures, first rows: painted before the page's script is even fetched),
// and follows the HTML as `report/firstState`, kept by the page until its script reads it; the
// page then says `ready` (as GitLens's webviews do). A page that missed it asks `init` (answered
// from what was read unless the experiment changed since). When no first screen can be made, the
// state is embedded in the HTML instead. Only once the page asked do snapshots go to it, since
// VS Code may drop a message sent to a page that is not listening yet. Each ExperimentChanged
// of its experiment becomes one snapshot (throttled, only to a visible page; a hidden page is torn
// down, reloads from its HTML when shown and says `ready` again); a change of the shown markers is
// sent from the last snapshot, without asking the server again.
import * as vscode from 'vscode';
import * as P from '../../common/protocol';
import type { ExperimentResource } from '../../common/schema';
import {
  CompareProtocol,
  ReportProtocol,
  type ConversationContext,
  type ExportFormat,
  type ReportInitResult,
  type ReportSnapshot,
  type TraceLocation,
} from '../../common/webviewProtocol';
import { notify, serveRequests, throttle } from './messageRouter';
import { REVIEW_COMMANDS, reviewAuthor } from '../reviewCommands';
import type { FirstScreen } from './html';
import { createPanel, log, preparePanel, type WebviewHostDeps } from './panelKit';
import { reportFirstScreen } from './reportFirstScreen';

const REFRESH_INTERVAL_MS = 400;
const REPORT_TITLE = 'Experiment Report';
const reports = new Map<string, vscode.WebviewPanel>();
let comparePanel: { panel: vscode.WebviewPanel; setIds(ids: string[]): void } | undefined;

export function openReport(hosts: WebviewHostDeps, experimentId: string): vscode.WebviewPanel {
  const existing = reports.get(experimentId);
  if (existing) {
    existing.reveal();
    return existing;
  }
  const panel = createPanel(hosts.context, 'report', REPORT_TITLE);
  attachReport(hosts, panel, experimentId);
  return panel;
}

export function openCompare(hosts: WebviewHostDeps, experimentIds: string[]): vscode.WebviewPanel {
  const ids = [...new Set(experimentIds)];
  if (comparePanel) {
    comparePanel.setIds(ids);
    comparePanel.panel.reveal();
    return comparePanel.panel;
  }
  const panel = createPanel(hosts.context, 'compare', 'Compare Experiments');
  attachCompare(hosts, panel, ids);
  return panel;
}

/** Workspace-relative, as a person names the file (the report shows it and exports it). */
function conversationContexts(conversations: readonly P.ConversationSummary[]): Record<string, ConversationContext> {
  const out: Record<string, ConversationContext> = Object.create(null) as Record<string, ConversationContext>;
  for (const c of conversations)
    out[c.id] = {
      id: c.id,
      file: vscode.workspace.asRelativePath(c.file, false),
      line: c.line,
      messageCount: c.messageCount,
      firstUserMessage: c.firstUserMessage,
    };
  return out;
}

/** The command (owned by the extension) opens the trace file with the annotated text selected. */
async function revealAnnotation(location: TraceLocation): Promise<Record<string, never>> {
  await vscode.commands.executeCommand('hallucinationLab.revealAnnotation', location);
  return {};
}

const exportFilters: Record<ExportFormat, Record<string, string[]>> = {
  json: { JSON: ['json'] },
  csv: { CSV: ['csv'] },
  html: { 'HTML report': ['html'] },
};

async function saveExport(format: ExportFormat, fileName: string, content: string): Promise<string | null> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const safeName = fileName.replace(/[\\/:*?"<>|]+/g, '-');
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, safeName) : undefined,
    filters: exportFilters[format],
    saveLabel: 'Export',
    title: `Export ${format === 'html' ? 'the report as HTML' : format === 'csv' ? 'the items as CSV' : 'the experiment as JSON'}`,
  });
  if (!target) return null;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  const open = format === 'html' ? 'Open in Browser' : 'Open';
  void vscode.window.showInformationMessage(`Exported ${vscode.workspace.asRelativePath(target)}`, open).then((choice) => {
    if (choice === 'Open in Browser') void vscode.env.openExternal(target);
    else if (choice === 'Open') void vscode.window.showTextDocument(target);
  });
  return target.fsPath;
}

/** Wires a (new or restored) panel to the report protocol for `experimentId` and gives it its page. */
export function attachReport(hosts: WebviewHostDeps, panel: vscode.WebviewPanel, experimentId: string): void {
  const { context, server, active, settings } = hosts;
  reports.set(experimentId, panel);
  let running = false;
  /** The last snapshot the page has (embedded or sent): a change of the markers is sent from it. */
  let last: ReportSnapshot | null = null;
  /** While the page's own setActive is answered: its answer carries the change, not a snapshot. */
  let answeringSetActive = false;
  /** A panel closed while its state was on the way gets no page and no title. */
  let disposed = false;
  /** This load of the page listens (it said `ready`); false again when it is hidden (torn down). */
  let pageListens = false;
  /** The experiment (or its markers) changed since the state embedded in the HTML was read. */
  let changedSinceEmbedded = false;
  /** The state the page's first screen was made from: the page's `init` gets it (with the last snapshot) while nothing changed. */
  let firstScreenState: ReportInitResult | null = null;

  const setTitle = (experiment: ExperimentResource) => {
    const title = `Report: ${experiment.name}`;
    if (!disposed && panel.title !== title) panel.title = title;
  };
  const snapshot = async (): Promise<ReportSnapshot> => {
    const experiment = await server.request(P.GetExperiment, { id: experimentId });
    setTitle(experiment);
    last = { experiment, running, active: active.id === experimentId };
    return last;
  };

  /** What the page shows first, embedded in its HTML: one request to the server. */
  const initialState = async (): Promise<ReportInitResult> => {
    const labels = settings.labels.labels;
    try {
      const state = await server.request(P.GetReportState, { id: experimentId });
      // The server answers in order: every change notified before this answer is in it.
      changedSinceEmbedded = false;
      running = state.running;
      setTitle(state.experiment);
      last = { experiment: state.experiment, running, active: active.id === experimentId };
      return { experimentId, snapshot: last, error: null, conversations: conversationContexts(state.conversations), labels };
    } catch (error) {
      return { experimentId, snapshot: null, error: error instanceof Error ? error.message : String(error), conversations: {}, labels };
    }
  };

  const push = throttle(async () => {
    if (!panel.visible || !pageListens) return;
    try {
      await notify(panel.webview, ReportProtocol, 'snapshot', await snapshot());
    } catch (error) {
      log(`refresh of ${experimentId} failed`, error);
    }
  }, REFRESH_INTERVAL_MS);

  const disposables: vscode.Disposable[] = [];
  disposables.push(
    serveRequests(
      panel.webview,
      ReportProtocol,
      {
        // Only a page without its state asks: loaded again after being hidden, or the state sent
        // along with its first screen came after its script had started.
        init: async () => {
          const init = firstScreenState && !changedSinceEmbedded && last ? { ...firstScreenState, snapshot: last } : await initialState();
          pageListens = true;
          return init;
        },
        ready: async () => {
          pageListens = true;
          return { snapshot: changedSinceEmbedded ? await snapshot() : null };
        },
        refresh: async () => ({ snapshot: await snapshot() }),
        cancel: async () => ({ cancelled: (await server.request(P.CancelExperiment, { id: experimentId })).cancelled }),
        // The snapshot follows from the server's ExperimentChanged, once.
        resume: async ({ failedOnly }) => {
          running = (await server.request(P.ResumeExperiment, { id: experimentId, failedOnly })).experiment.running;
          return { resumed: true };
        },
        setActive: async ({ active: on }) => {
          answeringSetActive = true;
          try {
            await active.show(on ? experimentId : null);
          } finally {
            answeringSetActive = false;
          }
          if (last) last = { ...last, active: on };
          return { active: on };
        },
        openTraceLocation: (location) => revealAnnotation({ ...location, experiment_id: experimentId }),
        // The same commands as the markers' quick fixes (they ask for the reason or the label).
        review: async ({ annotation_id, action, label }) => {
          const command = { confirm: REVIEW_COMMANDS.confirm, dismiss: REVIEW_COMMANDS.dismiss, label: REVIEW_COMMANDS.changeLabel }[
            action
          ];
          const done: unknown = await vscode.commands.executeCommand(command, {
            experimentId,
            annotationId: annotation_id,
            ...(label ? { label } : {}),
          });
          return { done: done !== undefined };
        },
        comment: async ({ annotation_id, item_id }) => {
          const done: unknown = await vscode.commands.executeCommand(REVIEW_COMMANDS.comment, {
            experimentId,
            ...(annotation_id ? { annotationId: annotation_id } : { itemId: item_id }),
          });
          return { done: done !== undefined };
        },
        export: async ({ format, fileName, content }) => ({ path: await saveExport(format, fileName, content) }),
        // The server announces the change (ExperimentChanged): the snapshot follows.
        updateInfo: async ({ tags, comment }) => {
          const info = await server.request(P.UpdateExperimentInfo, {
            id: experimentId,
            ...(tags ? { tags } : {}),
            ...(comment ? { comment, author: reviewAuthor(settings) } : {}),
          });
          return { tags: info.tags, comments: info.comments.length };
        },
        compare: async ({ byConfiguration }) => {
          const others = (await server.request(P.ListExperiments, {})).experiments.filter((e) => e.id !== experimentId);
          const items: (vscode.QuickPickItem & { id?: string })[] = [];
          if (byConfiguration) items.push({ label: '$(layers) Configurations of this experiment', description: 'side by side', id: '' });
          for (const e of others.sort((a, b) => b.created_at.localeCompare(a.created_at))) {
            items.push({
              label: e.name,
              description: e.model,
              detail: `${e.id} · ${e.status_summary.completed}/${e.status_summary.total} completed · ${e.created_at}`,
              id: e.id,
            });
          }
          if (items.length === 0) {
            void vscode.window.showInformationMessage('There is no other experiment to compare with.');
            return {};
          }
          const picked = await vscode.window.showQuickPick(items, {
            canPickMany: true,
            title: 'Compare with…',
            placeHolder: 'Choose experiments (or this experiment’s configurations)',
          });
          if (!picked || picked.length === 0) return {};
          const ids = [experimentId, ...picked.map((p) => p.id).filter((id): id is string => !!id)];
          openCompare(hosts, ids);
          return {};
        },
      },
      { log },
    ),
    server.on(P.ExperimentChanged, ({ experiment, deletedId }) => {
      if (deletedId === experimentId) {
        void notify(panel.webview, ReportProtocol, 'deleted', { id: experimentId });
        return;
      }
      if (experiment?.id !== experimentId) return;
      running = experiment.running;
      changedSinceEmbedded = true;
      push.trigger();
    }),
    active.onDidChange((id) => {
      const isActive = id === experimentId;
      if (!last || last.active === isActive || answeringSetActive) return;
      last = { ...last, active: isActive };
      changedSinceEmbedded = true;
      if (panel.visible && pageListens) void notify(panel.webview, ReportProtocol, 'snapshot', last);
    }),
    // A hidden page is torn down (retainContextWhenHidden is off): it listens again after `ready`.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) pageListens = false;
    }),
  );
  panel.onDidDispose(() => {
    disposed = true;
    if (reports.get(experimentId) === panel) reports.delete(experimentId);
    push.dispose();
    for (const d of disposables) d.dispose();
  });
  void initialState().then((state) => {
    if (disposed) return;
    const title = state.snapshot ? `Report: ${state.snapshot.experiment.name}` : REPORT_TITLE;
    let firstScreen: FirstScreen | null = null;
    try {
      firstScreen = reportFirstScreen(state);
    } catch (error) {
      log(`the first screen of ${experimentId} could not be made; the state is embedded instead`, error);
    }
    firstScreenState = firstScreen ? state : null;
    if (!firstScreen) {
      preparePanel(context, panel, 'report', title, state);
      return;
    }
    preparePanel(context, panel, 'report', title, undefined, firstScreen);
    // On its way while VS Code loads the page (its service worker alone takes up to a second on
    // a busy machine): the page's script finds it kept, without asking.
    void notify(panel.webview, ReportProtocol, 'firstState', state);
  });
}

/** Wires a (new or restored) panel to the compare protocol. */
export function attachCompare(hosts: WebviewHostDeps, panel: vscode.WebviewPanel, initialIds: string[]): void {
  const { context, server, settings } = hosts;
  if (!panel.webview.html) preparePanel(context, panel, 'compare', 'Compare Experiments');
  let ids = [...initialIds];
  const fetchAll = async (): Promise<ExperimentResource[]> => {
    const results = await Promise.allSettled(ids.map((id) => server.request(P.GetExperiment, { id })));
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  };
  const push = throttle(async () => {
    if (!panel.visible) return;
    await notify(panel.webview, CompareProtocol, 'experiments', { experiments: await fetchAll() });
  }, REFRESH_INTERVAL_MS * 2);

  const disposables: vscode.Disposable[] = [];
  disposables.push(
    serveRequests(
      panel.webview,
      CompareProtocol,
      {
        init: async () => {
          const experiments = await fetchAll();
          const conversationIds = [...new Set(experiments.flatMap((e) => e.conversation_ids))];
          const [available, conversations] = await Promise.all([
            server.request(P.ListExperiments, {}).then(
              (r) => r.experiments,
              (error: unknown) => (log('listExperiments failed', error), []),
            ),
            server.request(P.ListConversations, { ids: conversationIds }).then(
              (r) => conversationContexts(r.conversations),
              (error: unknown) => (log('listConversations failed', error), {}),
            ),
          ]);
          return { experimentIds: ids, experiments, available, conversations, labels: settings.labels.labels };
        },
        setExperiments: async ({ ids: next }) => {
          ids = [...new Set(next)];
          return { experiments: await fetchAll() };
        },
        openReport: async ({ id }) => {
          openReport(hosts, id);
          return {};
        },
        openTraceLocation: revealAnnotation,
      },
      { log },
    ),
    server.on(P.ExperimentChanged, ({ experiment, deletedId }) => {
      if ((experiment && ids.includes(experiment.id)) || (deletedId && ids.includes(deletedId))) push.trigger();
    }),
  );
  comparePanel = {
    panel,
    setIds(next) {
      ids = next;
      // The page keeps the experiments it asked for in its state: reload it with the new set.
      preparePanel(context, panel, 'compare', 'Compare Experiments');
    },
  };
  panel.onDidDispose(() => {
    if (comparePanel?.panel === panel) comparePanel = undefined;
    push.dispose();
    for (const d of disposables) d.dispose();
  });
}
