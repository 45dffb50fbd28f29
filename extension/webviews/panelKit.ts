// What every webview host needs from VS Code: panel options limited to our own files, the HTML
// shell with fresh nonce, and the settings the pages show.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { builtInLabels, labelSetSchema, modelConfigSchema, type ModelConfig } from '../../common/schema';
import type { LabelInfo } from '../../common/webviewProtocol';
import { createNonce, renderWebviewHtml, type WebviewAppName } from './html';

export const viewTypes = {
  form: 'hallucinationLab.form',
  report: 'hallucinationLab.report',
  compare: 'hallucinationLab.compare',
} as const;

/** The packaged extension ships codicon.css/.ttf in dist/webview; in development they come from node_modules. */
function codiconRoot(context: vscode.ExtensionContext): vscode.Uri {
  const packaged = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  if (fs.existsSync(vscode.Uri.joinPath(packaged, 'codicon.css').fsPath)) return packaged;
  return vscode.Uri.joinPath(context.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist');
}

export function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  const roots = [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')];
  const codicons = codiconRoot(context);
  if (!roots.some((r) => r.toString() === codicons.toString())) roots.push(codicons);
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: roots, retainContextWhenHidden: false, enableFindWidget: true };
}

/** Sets the page of `panel` for `app` (the report bundle serves both report and compare). */
export function setPanelHtml(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, app: WebviewAppName, title: string): void {
  const webview = panel.webview;
  const bundle = app === 'form' ? 'form' : 'report';
  webview.html = renderWebviewHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
    codiconCssUri: webview.asWebviewUri(vscode.Uri.joinPath(codiconRoot(context), 'codicon.css')).toString(),
    title,
    app,
  });
}

export function createPanel(context: vscode.ExtensionContext, app: WebviewAppName, title: string, column = vscode.ViewColumn.Active): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(viewTypes[app], title, { viewColumn: column, preserveFocus: false }, webviewOptions(context));
  preparePanel(context, panel, app, title);
  return panel;
}

/** For created and for restored (deserialized) panels alike. */
export function preparePanel(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, app: WebviewAppName, title: string): void {
  panel.webview.options = webviewOptions(context);
  panel.title = title;
  const icon = vscode.Uri.joinPath(context.extensionUri, 'media', app === 'form' ? 'beaker.svg' : 'report.svg');
  if (fs.existsSync(icon.fsPath)) panel.iconPath = icon;
  setPanelHtml(context, panel, app, title);
}

export function log(message: string, error?: unknown): void {
  console.error(`[hallucination-lab webview] ${message}`, error ?? '');
}

// ---- settings the pages show ------------------------------------------------------------

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('hallucinationLab');
}

/** `hallucinationLab.models`: the valid entries (invalid ones are reported by the settings owner). */
export function configuredModels(): ModelConfig[] {
  const raw = section().get<unknown[]>('models') ?? [];
  return (Array.isArray(raw) ? raw : []).flatMap((m) => {
    const parsed = modelConfigSchema.safeParse(m);
    return parsed.success ? [parsed.data] : [];
  });
}

export function configuredJudgeModel(): ModelConfig | null {
  const parsed = modelConfigSchema.safeParse(section().get('judgeModel'));
  return parsed.success ? parsed.data : null;
}

/** The labels in effect: the settings' label set, or the built-in labels. */
export function labelsInEffect(): { labels: LabelInfo[]; source: string | null } {
  const parsed = labelSetSchema.safeParse(section().get('labelSet'));
  if (parsed.success) return { labels: parsed.data.labels, source: 'settings' };
  return { labels: Object.entries(builtInLabels).map(([name, description]) => ({ name, description })), source: null };
}
