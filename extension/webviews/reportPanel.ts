// Hosts of the report panels (one per experiment) and of the compare panel. They fetch the
// experiment resource, push a fresh snapshot when the server reports progress (throttled, only
// to visible panels — hidden pages reload and ask again), and carry out the page's actions.
import * as vscode from 'vscode';
import type { ExperimentResource } from '../../common/schema';
import type { ExperimentSummary } from '../../common/protocol';
import {
  CompareProtocol,
  ReportProtocol,
  type ConversationContext,
  type ExportFormat,
  type ReportSnapshot,
  type TraceLocation,
} from '../../common/webviewProtocol';
import type { ServerApi } from '../serverApi';
import { notify, serveRequests, throttle } from './messageRouter';
import { createPanel, labelsInEffect, log, preparePanel } from './panelKit';

const REFRESH_INTERVAL_MS = 400;
const reports = new Map<string, vscode.WebviewPanel>();
let comparePanel: { panel: vscode.WebviewPanel; setIds(ids: string[]): void } | undefined;
let activeExperimentId: string | null = null;
const activeListeners = new Set<() => void>();

/** Tells the open reports which experiment's markers are shown (call on ActiveExperimentChanged). */
export function setActiveExperimentForWebviews(id: string | null): void {
  if (activeExperimentId === id) return;
  activeExperimentId = id;
  for (const l of activeListeners) l();
}

export function openReport(context: vscode.ExtensionContext, server: ServerApi, experimentId: string): vscode.WebviewPanel {
  const existing = reports.get(experimentId);
  if (existing) {
    existing.reveal();
    return existing;
  }
  const panel = createPanel(context, 'report', 'Experiment Report');
  attachReport(context, server, panel, experimentId);
  return panel;
}

export function openCompare(context: vscode.ExtensionContext, server: ServerApi, experimentIds: string[]): vscode.WebviewPanel {
  const ids = [...new Set(experimentIds)];
  if (comparePanel) {
    comparePanel.setIds(ids);
    comparePanel.panel.reveal();
    return comparePanel.panel;
  }
  const panel = createPanel(context, 'compare', 'Compare Experiments');
  attachCompare(context, server, panel, ids);
  return panel;
}

async function conversationContexts(server: ServerApi, ids: ReadonlySet<string>): Promise<Record<string, ConversationContext>> {
  const out: Record<string, ConversationContext> = {};
  try {
    for (const c of await server.listConversations()) {
      // Workspace-relative, as a person names the file (the report shows it and exports it).
      if (ids.has(c.id)) out[c.id] = { id: c.id, file: vscode.workspace.asRelativePath(c.file, false), line: c.line, messageCount: c.messageCount, firstUserMessage: c.firstUserMessage };
    }
  } catch (error) {
    log('listConversations failed', error);
  }
  return out;
}

async function runningIds(server: ServerApi): Promise<Set<string>> {
  try {
    return new Set((await server.listExperiments()).filter((e) => e.running).map((e) => e.id));
  } catch {
    return new Set();
  }
}

/** The command (owned by the extension) opens the trace file with the annotated text selected. */
async function revealAnnotation(location: TraceLocation): Promise<Record<string, never>> {
  await vscode.commands.executeCommand('hallucinationLab.revealAnnotation', location);
  return {};
}

/** ServerClient has this event; ServerApi does not declare it (yet). */
function onActiveExperimentChanged(server: ServerApi): vscode.Event<string | null> | undefined {
  return (server as ServerApi & { onActiveExperimentChanged?: vscode.Event<string | null> }).onActiveExperimentChanged;
}

const exportFilters: Record<ExportFormat, Record<string, string[]>> = {
  json: { 'JSON': ['json'] },
  csv: { 'CSV': ['csv'] },
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

/** Wires a (new or restored) panel to the report protocol for `experimentId`. */
export function attachReport(context: vscode.ExtensionContext, server: ServerApi, panel: vscode.WebviewPanel, experimentId: string): void {
  if (!panel.webview.html) preparePanel(context, panel, 'report', 'Experiment Report');
  reports.set(experimentId, panel);
  let running = false;
  let lastName: string | null = null;

  const snapshot = async (): Promise<ReportSnapshot> => {
    const experiment = await server.getExperiment(experimentId);
    if (experiment.name !== lastName) {
      lastName = experiment.name;
      panel.title = `Report: ${experiment.name}`;
    }
    return { experiment, running, active: activeExperimentId === experimentId };
  };

  const push = throttle(async () => {
    if (!panel.visible) return;
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
        init: async () => {
          running = (await runningIds(server)).has(experimentId);
          const labels = labelsInEffect().labels;
          try {
            const snap = await snapshot();
            return { experimentId, snapshot: snap, error: null, conversations: await conversationContexts(server, new Set(snap.experiment.conversation_ids)), labels };
          } catch (error) {
            return { experimentId, snapshot: null, error: error instanceof Error ? error.message : String(error), conversations: {}, labels };
          }
        },
        refresh: async () => ({ snapshot: await snapshot() }),
        cancel: async () => ({ cancelled: await server.cancelExperiment(experimentId) }),
        resume: async ({ failedOnly }) => {
          const summary = await server.resumeExperiment(experimentId, failedOnly);
          running = summary.running;
          push.trigger();
          return { resumed: true };
        },
        setActive: async ({ active }) => {
          await server.setActiveExperiment(active ? experimentId : null);
          setActiveExperimentForWebviews(active ? experimentId : null);
          return { active };
        },
        openTraceLocation: (location) => revealAnnotation({ ...location, experiment_id: experimentId }),
        export: async ({ format, fileName, content }) => ({ path: await saveExport(format, fileName, content) }),
        compare: async ({ byConfiguration }) => {
          const others = (await server.listExperiments()).filter((e) => e.id !== experimentId);
          const items: (vscode.QuickPickItem & { id?: string })[] = [];
          if (byConfiguration) items.push({ label: '$(layers) Configurations of this experiment', description: 'side by side', id: '' });
          for (const e of others.sort((a, b) => b.created_at.localeCompare(a.created_at))) {
            items.push({ label: e.name, description: e.model, detail: `${e.id} · ${e.status_summary.completed}/${e.status_summary.total} completed · ${e.created_at}`, id: e.id });
          }
          if (items.length === 0) {
            void vscode.window.showInformationMessage('There is no other experiment to compare with.');
            return {};
          }
          const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Compare with…', placeHolder: 'Choose experiments (or this experiment’s configurations)' });
          if (!picked || picked.length === 0) return {};
          const ids = [experimentId, ...picked.map((p) => p.id).filter((id): id is string => !!id)];
          openCompare(context, server, ids);
          return {};
        },
      },
      { log },
    ),
    server.onExperimentChanged(({ experiment, deletedId }) => {
      if (deletedId === experimentId) {
        void notify(panel.webview, ReportProtocol, 'deleted', { id: experimentId });
        return;
      }
      if (experiment?.id !== experimentId) return;
      running = experiment.running;
      push.trigger();
    }),
  );
  const onActive = () => push.trigger();
  activeListeners.add(onActive);
  const activeEvent = onActiveExperimentChanged(server);
  if (activeEvent) disposables.push(activeEvent((id) => setActiveExperimentForWebviews(id)));
  panel.onDidDispose(() => {
    if (reports.get(experimentId) === panel) reports.delete(experimentId);
    activeListeners.delete(onActive);
    push.dispose();
    for (const d of disposables) d.dispose();
  });
}

/** Wires a (new or restored) panel to the compare protocol. */
export function attachCompare(context: vscode.ExtensionContext, server: ServerApi, panel: vscode.WebviewPanel, initialIds: string[]): void {
  if (!panel.webview.html) preparePanel(context, panel, 'compare', 'Compare Experiments');
  let ids = [...initialIds];
  const fetchAll = async (): Promise<ExperimentResource[]> => {
    const results = await Promise.allSettled(ids.map((id) => server.getExperiment(id)));
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
          const conversationIds = new Set(experiments.flatMap((e) => e.conversation_ids));
          let available: ExperimentSummary[] = [];
          try {
            available = await server.listExperiments();
          } catch (error) {
            log('listExperiments failed', error);
          }
          return { experimentIds: ids, experiments, available, conversations: await conversationContexts(server, conversationIds), labels: labelsInEffect().labels };
        },
        setExperiments: async ({ ids: next }) => {
          ids = [...new Set(next)];
          return { experiments: await fetchAll() };
        },
        openReport: async ({ id }) => {
          openReport(context, server, id);
          return {};
        },
        openTraceLocation: revealAnnotation,
      },
      { log },
    ),
    server.onExperimentChanged(({ experiment, deletedId }) => {
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
