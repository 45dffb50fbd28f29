// The HTML shell of every webview: strict CSP with a per-load nonce, the codicon stylesheet
// and one bundled script. Pure (no `vscode` import) so it is unit-tested and reused by the
// test harness.

export type WebviewAppName = 'form' | 'report' | 'compare';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `asWebviewUri` of dist/webview/<bundle>.js. */
  scriptUri: string;
  /** The bundle is an ES module (`<script type="module">`): see `webviewBundle`. */
  module?: boolean;
  /** `asWebviewUri` of the chunks the module imports statically: fetched alongside it, not after it. */
  preloadUris?: readonly string[];
  /** `asWebviewUri` of codicon.css. */
  codiconCssUri: string;
  title: string;
  app: WebviewAppName;
  /**
   * Data the page starts from, so that it paints without asking the host first (as GitLens's
   * webviews do). Embedded as a JSON data block (not executed), read with `readInitialState`.
   */
  initialState?: unknown;
}

/**
 * Which bundle of dist/webview/ serves an app. The report bundle (report and compare) is an ES
 * module so that it can import its chunks (charts, compare) after the first paint: the nonce of
 * its script element covers the chunks it imports, so the CSP stays as strict.
 */
export function webviewBundle(app: WebviewAppName): { file: 'form.js' | 'report.js'; module: boolean } {
  return app === 'form' ? { file: 'form.js', module: false } : { file: 'report.js', module: true };
}

/** The id of the JSON block that carries `initialState`. */
export const INITIAL_STATE_ELEMENT_ID = 'hl-initial-state';

/** JSON that cannot end the <script> element it sits in, nor open a comment: every `<` is escaped. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** 32 characters from [A-Za-z0-9], from a cryptographic source. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9]{16,}$/.test(o.nonce)) throw new Error('nonce must be 16+ alphanumeric characters');
  const nonce = o.nonce;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${escapeAttribute(o.codiconCssUri)}" nonce="${nonce}">
${(o.preloadUris ?? []).map((u) => `<link rel="modulepreload" href="${escapeAttribute(u)}" nonce="${nonce}">\n`).join('')}<title>${escapeAttribute(o.title)}</title>
</head>
<body data-app="${escapeAttribute(o.app)}">
${o.initialState === undefined ? '' : `<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}">${jsonForScriptElement(o.initialState)}</script>\n`}<script${o.module ? ' type="module"' : ''} nonce="${nonce}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>
`;
}
