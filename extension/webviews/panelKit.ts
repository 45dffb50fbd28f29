// What every webview host needs: the server, the settings and the active experiment (one owner
// each, passed in), panel options limited to our own files, and the HTML shell with a fresh nonce.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { z } from 'zod';
import type { ActiveExperiment } from '../activeExperiment';
import type { ServerConnection } from '../serverClient';
import type { SettingsOwner } from '../settings';
import { createNonce, renderWebviewHtml, webviewBundle, type FirstScreen, type WebviewAppName } from './html';

export interface WebviewHostDeps {
  context: vscode.ExtensionContext;
  server: ServerConnection;
  settings: SettingsOwner;
  active: ActiveExperiment;
}

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
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: roots,
    retainContextWhenHidden: false,
    enableFindWidget: true,
  };
}

const preloadManifestSchema = z.array(z.string().regex(/^chunks\/[\w.-]+\.js$/));

/**
 * The chunks the report bundle imports statically, as esbuild.mjs lists them beside it
 * (dist/webview/report.preload.json; read at each page, as a rebuild renames them). Without the
 * list the page still loads: the browser finds the chunks in report.js, one round trip later.
 */
function reportPreloads(context: vscode.ExtensionContext): vscode.Uri[] {
  const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  try {
    const parsed = preloadManifestSchema.safeParse(
      JSON.parse(fs.readFileSync(vscode.Uri.joinPath(root, 'report.preload.json').fsPath, 'utf8')),
    );
    return parsed.success ? parsed.data.map((rel) => vscode.Uri.joinPath(root, ...rel.split('/'))) : [];
  } catch {
    return []; // no list (a build without one): no preloads
  }
}

/** Sets the page of `panel` for `app` (the report bundle serves both report and compare). */
export function setPanelHtml(
  context: vscode.ExtensionContext,
  panel: vscode.WebviewPanel,
  app: WebviewAppName,
  title: string,
  initialState?: unknown,
  firstScreen?: FirstScreen,
): void {
  const webview = panel.webview;
  const bundle = webviewBundle(app);
  webview.html = renderWebviewHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', bundle.file)).toString(),
    module: bundle.module,
    preloadUris: bundle.module ? reportPreloads(context).map((u) => webview.asWebviewUri(u).toString()) : [],
    codiconCssUri: webview.asWebviewUri(vscode.Uri.joinPath(codiconRoot(context), 'codicon.css')).toString(),
    title,
    app,
    initialState,
    firstScreen,
  });
}

/** A panel without its page yet: the host sets it with `preparePanel` (with the page's initial state or first screen, if any). */
export function createPanel(
  context: vscode.ExtensionContext,
  app: WebviewAppName,
  title: string,
  column = vscode.ViewColumn.Active,
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewTypes[app], title, { viewColumn: column, preserveFocus: false }, webviewOptions(context));
}

/** For created and for restored (deserialized) panels alike. */
export function preparePanel(
  context: vscode.ExtensionContext,
  panel: vscode.WebviewPanel,
  app: WebviewAppName,
  title: string,
  initialState?: unknown,
  firstScreen?: FirstScreen,
): void {
  panel.webview.options = webviewOptions(context);
  panel.title = title;
  const icon = vscode.Uri.joinPath(context.extensionUri, 'media', app === 'form' ? 'beaker.svg' : 'report.svg');
  if (fs.existsSync(icon.fsPath)) panel.iconPath = icon;
  setPanelHtml(context, panel, app, title, initialState, firstScreen);
}

export function log(message: string, error?: unknown): void {
  console.error(`[hallucination-lab webview] ${message}`, error ?? '');
}
