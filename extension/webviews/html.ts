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
  /**
   * The page's first screen as static HTML (the report's, from webview/report/firstScreen.ts) and
   * its CSS. With it the page paints from its HTML alone: the stylesheet, the module and its
   * preloads are requested only after the page's `load` event, by a small inline script, because
   * VS Code shows a webview's frame only at that event (or 200 ms after writing the page).
   */
  firstScreen?: FirstScreen;
}

export interface FirstScreen {
  html: string;
  css: string;
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

/** The static first screen (see `WebviewHtmlOptions.firstScreen`) and its stylesheet: the page replaces both. */
export const FIRST_SCREEN_ELEMENT_ID = 'hl-first-screen';
export const FIRST_SCREEN_STYLE_ID = 'hl-first-screen-style';
/**
 * Where the inline loader keeps the messages that arrive before the page's script listens (the
 * host sends the page's state with its HTML; VS Code delivers it at the page's `load` event).
 */
export const EARLY_MESSAGES_GLOBAL = '__hlEarlyMessages';
/** The JSON block listing what the page loads after its `load` event (see `deferredLoader`). */
const DEFERRED_ELEMENT_ID = 'hl-deferred';

/**
 * Run in the page (inline, under the nonce, at the end of the body). It marks when the first
 * screen is parsed and keeps the messages that come before the page's script. After `load`, which
 * VS Code waits for to show the frame, it marks when the first screen is painted (with its row
 * count) and adds the stylesheet, the module's preloads and the module, with its own nonce.
 */
const deferredLoader = `(() => {
  performance.mark('hl:first-screen-parsed');
  const early = [];
  window.${EARLY_MESSAGES_GLOBAL} = early;
  // Until the page's script takes the list (and drops it): then the listener goes too.
  const keep = (event) => {
    if (window.${EARLY_MESSAGES_GLOBAL} === early) early.push(event.data);
    else removeEventListener('message', keep);
  };
  addEventListener('message', keep);
  const nonce = document.currentScript.nonce;
  const plan = JSON.parse(document.getElementById('${DEFERRED_ELEMENT_ID}').textContent);
  addEventListener('load', () => {
    const rows = document.querySelectorAll('#${FIRST_SCREEN_ELEMENT_ID} .items-body .row').length;
    requestAnimationFrame(() => setTimeout(() => performance.mark('hl:first-screen-painted', { detail: { rows } }), 0));
    const add = (parent, tag, attrs) => {
      const node = document.createElement(tag);
      Object.assign(node, attrs, { nonce });
      parent.append(node);
    };
    for (const s of plan.styles) add(document.head, 'link', { rel: 'stylesheet', id: s.id, href: s.href });
    for (const href of plan.preloads) add(document.head, 'link', { rel: 'modulepreload', href });
    add(document.body, 'script', { type: plan.module ? 'module' : '', src: plan.script });
  }, { once: true });
})();`;

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

/** The head's first lines, the same in both shells: charset, the CSP with its nonce, viewport. */
function headMeta(o: WebviewHtmlOptions): string {
  return `<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">`;
}

/** The state the page reads before its first message, as an inert JSON element (or nothing). */
function initialStateElement(o: WebviewHtmlOptions): string {
  return o.initialState === undefined
    ? ''
    : `<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}">${jsonForScriptElement(o.initialState)}</script>\n`;
}

export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9]{16,}$/.test(o.nonce)) throw new Error('nonce must be 16+ alphanumeric characters');
  if (o.firstScreen) return renderFirstScreenHtml(o, o.firstScreen);
  const nonce = o.nonce;
  return `<!DOCTYPE html>
<html lang="en">
<head>
${headMeta(o)}
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${escapeAttribute(o.codiconCssUri)}" nonce="${nonce}">
${(o.preloadUris ?? []).map((u) => `<link rel="modulepreload" href="${escapeAttribute(u)}" nonce="${nonce}">\n`).join('')}<title>${escapeAttribute(o.title)}</title>
</head>
<body data-app="${escapeAttribute(o.app)}">
${initialStateElement(o)}<script${o.module ? ' type="module"' : ''} nonce="${nonce}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** The shell with a static first screen: see `WebviewHtmlOptions.firstScreen`. */
function renderFirstScreenHtml(o: WebviewHtmlOptions, first: FirstScreen): string {
  // The CSS is ours (the bundled stylesheets and the first screen's rules), never trace text; it
  // still may not end its element.
  if (/<\/style/i.test(first.css)) throw new Error('the first screen CSS may not contain </style');
  const nonce = o.nonce;
  const plan = {
    styles: [{ id: 'vscode-codicon-stylesheet', href: o.codiconCssUri }],
    preloads: o.preloadUris ?? [],
    script: o.scriptUri,
    module: o.module ?? false,
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
${headMeta(o)}
<style id="${FIRST_SCREEN_STYLE_ID}" nonce="${nonce}">
${first.css}
</style>
<title>${escapeAttribute(o.title)}</title>
</head>
<body data-app="${escapeAttribute(o.app)}">
${first.html}
${initialStateElement(o)}<script type="application/json" id="${DEFERRED_ELEMENT_ID}">${jsonForScriptElement(plan)}</script>
<script nonce="${nonce}">${deferredLoader}</script>
</body>
</html>
`;
}
