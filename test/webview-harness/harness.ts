// Loads the built webview bundles (dist/webview/*.js) in headless Chromium, in the same HTML
// shell and CSP as the extension (extension/webviews/html.ts), with a stub `acquireVsCodeApi`
// that answers requests from fixtures and records what the page sends.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderWebviewHtml, webviewBundle, type FirstScreen, type WebviewAppName } from '../../extension/webviews/html';
import { bodyClass, themeStyle, type ThemeName } from './themes';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts', 'webview');
const ORIGIN = 'https://hl-webview.test';
const NONCE = 'HarnessNonce0123456789abcdefABCD';

export async function launch(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('Chromium not found at /usr/bin/chromium');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--headless', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
}

export interface OpenOptions {
  app: WebviewAppName;
  theme?: ThemeName;
  /**
   * Result per request method (e.g. 'report/init'); a missing method answers with an error.
   * `{ __paged: rows }` answers each request with the page its params ask for (query, file, toolCalls, offset, limit).
   */
  responses: Record<string, unknown>;
  /** What `vscode.getState()` returns at load (a restored panel). */
  state?: unknown;
  /** The state the host embeds in the page's HTML (the report's ReportBootstrap). */
  initialState?: unknown;
  width?: number;
  height?: number;
  /** Delay before answering, in ms. */
  delay?: number;
  /** The folder whose dist/webview/ is served (default: this checkout; a benchmark's baseline build). */
  distRoot?: string;
  /** Load the bundle as an ES module (default: as the extension loads this checkout's bundle). */
  moduleScript?: boolean;
  /** The report's static first screen in the HTML, as the extension writes it (extension/webviews/reportFirstScreen.ts). */
  firstScreen?: FirstScreen;
  /** Messages the host sent with the HTML: VS Code delivers them at the page's `load` event. */
  atLoad?: unknown[];
}

export interface HarnessPage {
  page: Page;
  consoleErrors: string[];
  /** Messages the page posted to the "host". */
  sent(): Promise<{ type: string; method?: string; params?: unknown; id?: number }[]>;
  state(): Promise<unknown>;
  notify(method: string, params: unknown): Promise<void>;
  cspViolations(): Promise<string[]>;
}

/** The report bundle's static chunks as esbuild.mjs lists them (the extension preloads them too). */
function preloads(distRoot: string): string[] {
  const file = path.join(distRoot, 'dist', 'webview', 'report.preload.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
}

function pageHtml(
  app: WebviewAppName,
  theme: ThemeName,
  initialState?: unknown,
  moduleScript = webviewBundle(app).module,
  distRoot = repoRoot,
  firstScreen?: FirstScreen,
): string {
  const html = renderWebviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/webview/${webviewBundle(app).file}`,
    module: moduleScript,
    preloadUris: moduleScript ? preloads(distRoot).map((rel) => `${ORIGIN}/dist/webview/${rel}`) : [],
    codiconCssUri: `${ORIGIN}/codicons/codicon.css`,
    title: app,
    app,
    initialState,
    firstScreen,
  });
  // What VS Code does around our page: theme variables on :root and the theme class on <body>.
  return html
    .replace('</head>', `<style nonce="${NONCE}">:root { ${themeStyle(theme)} }</style>\n</head>`)
    .replace('<body ', `<body class="${bodyClass[theme]}" `);
}

/**
 * The stub of VS Code's webview API, as a script string (a function would be rewritten by the
 * TypeScript loader and could not be serialised into the page).
 */
function stubScript(cfg: { responses: Record<string, unknown>; state: unknown; delay: number; atLoad: unknown[] }): string {
  return `(() => {
  const cfg = ${JSON.stringify(cfg)};
  const sent = [];
  const violations = [];
  window.__hlSent = sent;
  window.__hlState = cfg.state === null ? undefined : cfg.state;
  window.__hlViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  const deliver = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  // { __paged: rows } answers as the server pages the conversation list: query, file and tool
  // filter, then offset/limit, with the total.
  const answer = (r, p) => {
    if (!r || !Array.isArray(r.__paged)) return r;
    p = p || {};
    const terms = String(p.query || '').toLowerCase().split(/\\s+/).filter(Boolean);
    const tools = p.toolCalls || 'any';
    const match = r.__paged.filter((c) =>
      (!p.file || c.file === p.file) &&
      (tools === 'any' || (tools === 'with') === c.hasToolCalls) &&
      terms.every((t) => [c.id, c.file, c.model || '', c.firstUserMessage, c.tracedResponse].join('\\n').toLowerCase().includes(t)));
    const from = p.offset || 0;
    return { conversations: match.slice(from, from + (p.limit || 200)), total: match.length };
  };
  window.__hlDeliver = deliver;
  addEventListener('load', () => cfg.atLoad.forEach(deliver), { once: true });
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      sent.push(JSON.parse(JSON.stringify(message)));
      if (message.type !== 'request') return;
      const has = Object.prototype.hasOwnProperty.call(cfg.responses, message.method);
      setTimeout(() => {
        performance.mark('hl:response-dispatched');
        deliver(has
          ? { type: 'response', id: message.id, ok: true, result: answer(cfg.responses[message.method], message.params) }
          : { type: 'response', id: message.id, ok: false, error: { message: 'no stub for ' + message.method } });
      }, cfg.delay);
    },
    getState: () => window.__hlState,
    setState: (s) => { window.__hlState = s; },
  });
})();`;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
  '.map': 'application/json',
};

export async function openApp(browser: Browser, opts: OpenOptions): Promise<HarnessPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html')
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: pageHtml(opts.app, opts.theme ?? 'dark', opts.initialState, opts.moduleScript, opts.distRoot, opts.firstScreen),
      });
    let file: string | null = null;
    if (url.pathname.startsWith('/dist/webview/')) file = path.join(opts.distRoot ?? repoRoot, url.pathname);
    else if (url.pathname.startsWith('/codicons/'))
      file = path.join(repoRoot, 'node_modules', '@vscode', 'codicons', 'dist', path.basename(url.pathname));
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      status: 200,
      contentType: contentTypes[path.extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
  await page.addInitScript(
    stubScript({ responses: opts.responses, state: opts.state ?? null, delay: opts.delay ?? 0, atLoad: opts.atLoad ?? [] }),
  );
  await page.goto(`${ORIGIN}/index.html`);
  return {
    page,
    consoleErrors,
    sent: () => page.evaluate(() => (window as unknown as { __hlSent: never[] }).__hlSent),
    state: () => page.evaluate(() => (window as unknown as { __hlState: unknown }).__hlState),
    notify: (method, params) =>
      page.evaluate(
        ([m, p]) => (window as unknown as { __hlDeliver(d: unknown): void }).__hlDeliver({ type: 'notification', method: m, params: p }),
        [method, params] as const,
      ),
    cspViolations: () => page.evaluate(() => (window as unknown as { __hlViolations: string[] }).__hlViolations),
  };
}

/** Waits until the page's `hl:painted` mark exists (set after each snapshot is rendered and painted). */
export async function waitForPainted(page: Page, count = 1): Promise<void> {
  await page.waitForFunction((n) => performance.getEntriesByName('hl:painted').length >= n, count, { timeout: 20_000 });
}
