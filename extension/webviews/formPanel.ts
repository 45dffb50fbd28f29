// Host of the "New Experiment" form: answers the page's requests from the server and settings;
// on a valid submit, creates the experiment, opens its report and closes the form.
import * as vscode from 'vscode';
import type { ExperimentConfigInput } from '../../common/schema';
import { FormProtocol, type FormPrefill } from '../../common/webviewProtocol';
import * as P from '../../common/protocol';
import { notify, serveRequests } from './messageRouter';
import { createPanel, log, preparePanel, type WebviewHostDeps } from './panelKit';
import { openReport } from './reportPanel';
import { followWithProgress } from '../experimentProgress';
import { conversationPage, lookupConversations, relativeTraceFiles } from './formConversations';

const TITLE = 'New Experiment';
let current: vscode.WebviewPanel | undefined;

export function openExperimentForm(hosts: WebviewHostDeps, opts: { prefill?: Partial<ExperimentConfigInput> } = {}): vscode.WebviewPanel {
  if (current) {
    current.reveal();
    if (opts.prefill) void notify(current.webview, FormProtocol, 'prefill', { prefill: opts.prefill as never });
    return current;
  }
  const panel = createPanel(hosts.context, 'form', TITLE);
  attachForm(hosts, panel, (opts.prefill ?? null) as FormPrefill | null);
  return panel;
}

/** Wires a (new or restored) panel to the form protocol. The page restores its own draft. */
export function attachForm(hosts: WebviewHostDeps, panel: vscode.WebviewPanel, prefill: FormPrefill | null): void {
  const { context, server, settings } = hosts;
  preparePanelIfRestored(context, panel);
  current = panel;
  const disposables: vscode.Disposable[] = [];
  disposables.push(
    serveRequests(
      panel.webview,
      FormProtocol,
      {
        init: async () => {
          const labels = settings.labels;
          return {
            // Configured endpoints first, then the editor's language models (issue 19).
            models: [...settings.models, ...settings.current.editorModels],
            editorModels: settings.editorModelInfos,
            judgeModel: settings.judgeModel,
            labels: labels.labels,
            labelSetSource: labels.source,
            traceFiles: await server.request(P.ListTraceFiles, {}).then(
              (r) => relativeTraceFiles(r.files),
              () => [],
            ),
            prefill: prefill as never,
            workspaceTrusted: vscode.workspace.isTrusted,
          };
        },
        // One page at a time, searched and filtered on the server (an index may hold millions).
        listConversations: (params) => conversationPage(server, params),
        lookupConversations: ({ ids }) => lookupConversations(server, ids),
        submit: async ({ config }) => {
          const result = await server.request(P.CreateExperiment, { config });
          if (!result.ok) return { ok: false as const, errors: result.errors };
          openReport(hosts, result.experiment.id);
          void followWithProgress(server, result.experiment);
          // Answer first, then close: the page is gone after dispose.
          setTimeout(() => panel.dispose(), 0);
          return { ok: true as const, experimentId: result.experiment.id };
        },
        estimate: async ({ config }) => server.request(P.EstimateExperiment, { config }),
        browseLabelSet: async () => {
          const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
          const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            canSelectFiles: true,
            canSelectFolders: false,
            defaultUri: folder,
            filters: { 'Label set (JSON)': ['json'] },
            openLabel: 'Use label set',
            title: 'Choose a label set file',
          });
          const uri = picked?.[0];
          return { path: uri ? vscode.workspace.asRelativePath(uri, false) : null };
        },
        openSettings: async ({ query }) => {
          await vscode.commands.executeCommand('workbench.action.openSettings', query);
          return {};
        },
        close: () => {
          setTimeout(() => panel.dispose(), 0);
          return {};
        },
      },
      { log },
    ),
    settings.onDidChange((s) => {
      void notify(panel.webview, FormProtocol, 'modelsChanged', {
        models: [...s.models, ...s.editorModels],
        editorModels: settings.editorModelInfos,
      });
    }),
    server.on(P.IndexChanged, ({ files }) => {
      if (panel.visible) void notify(panel.webview, FormProtocol, 'traceFilesChanged', { files: relativeTraceFiles(files) });
    }),
  );
  panel.onDidDispose(() => {
    if (current === panel) current = undefined;
    for (const d of disposables) d.dispose();
  });
}

function preparePanelIfRestored(context: vscode.ExtensionContext, panel: vscode.WebviewPanel): void {
  // A created panel already has its page; a restored one gets options and page again.
  if (!panel.webview.html) preparePanel(context, panel, 'form', TITLE);
}
