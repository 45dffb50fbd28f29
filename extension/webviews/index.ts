// The webview hosts: the experiment form, the report panels and the compare panel, and the
// serializers that bring them back after a window reload.
import * as vscode from 'vscode';
import { attachForm } from './formPanel';
import { viewTypes, type WebviewHostDeps } from './panelKit';
import { attachCompare, attachReport } from './reportPanel';

export { openExperimentForm } from './formPanel';
export { openCompare, openReport } from './reportPanel';
export { viewTypes, type WebviewHostDeps } from './panelKit';

function stateField<T>(state: unknown, key: string, check: (v: unknown) => v is T): T | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const value = (state as Record<string, unknown>)[key];
  return check(value) ? value : undefined;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/**
 * Restores panels after a window reload: the form (its draft lives in the page's state), each
 * report (the page's state names its experiment) and the compare panel.
 * Needs `onWebviewPanel:<viewType>` activation events for the three view types.
 */
export function registerWebviewSerializers(hosts: WebviewHostDeps): vscode.Disposable {
  const { context } = hosts;
  const disposables = [
    vscode.window.registerWebviewPanelSerializer(viewTypes.form, {
      async deserializeWebviewPanel(panel) {
        panel.webview.html = '';
        attachForm(hosts, panel, null);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(viewTypes.report, {
      async deserializeWebviewPanel(panel, state) {
        const id = stateField(state, 'experimentId', isString);
        if (!id) {
          panel.dispose();
          return;
        }
        panel.webview.html = '';
        attachReport(hosts, panel, id);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(viewTypes.compare, {
      async deserializeWebviewPanel(panel, state) {
        const ids = stateField(state, 'experimentIds', isStringArray) ?? [];
        panel.webview.html = '';
        attachCompare(hosts, panel, ids);
      },
    }),
  ];
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}
