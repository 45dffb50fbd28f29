// The report's static first screen (webview/report/firstScreen.ts) in Chromium, in the HTML the
// extension writes: its rows are painted before the page's script has its state, they are the
// same markup as the rows the live page builds (itemRow.ts), and the live page replaces the
// first screen (and its stylesheet) once the state has come, under the same CSP.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ReportInitResult } from '../../common/webviewProtocol';
import { reportFirstScreenHtml } from '../../webview/report/firstScreen';
import { FIRST_ROWS } from '../../webview/report/itemNodes';
import { artifactsDir, openApp, repoRoot, waitForPainted, type launch } from './harness';

/** The CSS the extension sends with the first screen (reportFirstScreen.ts bundles the same files as text). */
export function firstScreenCss(rules: string): string {
  return [...['base.css', 'report.css', 'firstScreen.css'].map((f) => readFileSync(path.join(repoRoot, 'webview', f), 'utf8')), rules].join(
    '\n',
  );
}

/**
 * Elements as tag, sorted attributes and children: markup compared without attribute order. A
 * script string (a function would be rewritten by the TypeScript loader, as in harness.ts).
 */
const canonicalScript = `(sel, n) => {
  const walk = (node) => {
    // An empty text node (a view's '' child) is no markup: static HTML cannot hold one.
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ? JSON.stringify(node.textContent) : '';
    if (!(node instanceof Element)) return '';
    const attrs = [...node.attributes].map((a) => a.name + '=' + JSON.stringify(a.value)).sort();
    return '<' + node.localName + ' ' + attrs.join(' ') + '>' + [...node.childNodes].map(walk).join('') + '</' + node.localName + '>';
  };
  return [...document.querySelectorAll(sel)].slice(0, n).map(walk);
}`;

function canonical(page: Page, selector: string, count: number): Promise<string[]> {
  return page.evaluate(`(${canonicalScript})(${JSON.stringify(selector)}, ${count})`);
}

export async function firstScreenScreens(
  browser: Awaited<ReturnType<typeof launch>>,
  init: ReportInitResult,
  check: (condition: boolean, message: string) => void,
): Promise<void> {
  const page = reportFirstScreenHtml(init);
  check(page !== null, 'first screen: made from a state with an experiment');
  if (!page) return;
  // The state comes late, as from a host busy elsewhere: the first screen must stand alone meanwhile.
  const h = await openApp(browser, {
    app: 'report',
    theme: 'dark',
    responses: { 'report/init': init },
    firstScreen: { html: page.html, css: firstScreenCss(page.css) },
    delay: 1500,
  });
  await h.page.waitForFunction(() => performance.getEntriesByName('hl:first-screen-painted').length > 0, null, { timeout: 20_000 });
  const staticRows = await h.page.locator('#hl-first-screen .items-body .row').count();
  const expected = Math.min(FIRST_ROWS, init.snapshot?.experiment.items.length ?? 0);
  check(staticRows === expected, `first screen: ${expected} rows painted before the page has its state (${staticRows})`);
  check((await h.page.locator('main.report').count()) === 0, 'first screen: the live page is not attached before its state came');
  const marked = await h.page.evaluate(`performance.getEntriesByName('hl:first-screen-painted')[0].detail.rows`);
  check(marked === expected, `first screen: its paint mark counts the rows it showed (${String(marked)})`);
  const cardValue = await h.page.locator('#hl-first-screen .card[data-metric="hallucination_rate"] .card-value').textContent();
  check(!!cardValue && /%$/.test(cardValue), `first screen: the metric cards are filled (${cardValue})`);
  const header = await canonical(h.page, '#hl-first-screen .report-header', 1);
  const rows = await canonical(h.page, '#hl-first-screen .items-body .row', FIRST_ROWS);
  const head = await canonical(h.page, '#hl-first-screen .items-head', 1);
  const metrics = await canonical(h.page, '#hl-first-screen .card', 50);
  await h.page.screenshot({ path: path.join(artifactsDir, 'report-first-screen.png') });

  await waitForPainted(h.page);
  check((await h.page.locator('#hl-first-screen').count()) === 0, 'first screen: replaced by the live page');
  const sheets = await h.page.evaluate('[document.adoptedStyleSheets.length, document.querySelectorAll("#hl-first-screen-style").length]');
  check(
    JSON.stringify(sheets) === '[0,1]',
    `first screen: its stylesheet stays the page's, the bundle's CSS is not adopted a second time (adopted, kept: ${JSON.stringify(sheets)})`,
  );
  const liveRows = await canonical(h.page, 'main.report .items-body .row', FIRST_ROWS);
  const firstDifferent = rows.findIndex((r, i) => r !== liveRows[i]);
  check(
    firstDifferent === -1 && rows.length === liveRows.length,
    `first screen: its rows are the live page's markup${firstDifferent >= 0 ? ` (row ${firstDifferent}: ${rows[firstDifferent]} ≠ ${liveRows[firstDifferent]})` : ''}`,
  );
  const liveHead = await canonical(h.page, 'main.report .items-head', 1);
  check(head[0] === liveHead[0], `first screen: the column heads are the live page's (${head[0]} ≠ ${liveHead[0]})`);
  const liveMetrics = await canonical(h.page, 'main.report .card', 50);
  check(JSON.stringify(metrics) === JSON.stringify(liveMetrics), 'first screen: the metric cards are the live page’s');
  // The live header's buttons are defined controls by now (their shadow roots do not show here).
  const liveHeader = await canonical(h.page, 'main.report .report-header', 1);
  const at = [...(header[0] ?? '')].findIndex((c, i) => c !== liveHeader[0]?.[i]);
  check(
    header[0] === liveHeader[0],
    `first screen: the header is the live page's (from ${at}: ${header[0]?.slice(at - 80, at + 200)} ≠ ${liveHeader[0]?.slice(at - 80, at + 200)})`,
  );
  await h.page.screenshot({ path: path.join(artifactsDir, 'report-first-screen-live.png') });
  check((await h.cspViolations()).length === 0, `first screen: no CSP violation ${JSON.stringify(await h.cspViolations())}`);
  check(h.consoleErrors.length === 0, `first screen: no console error ${JSON.stringify(h.consoleErrors)}`);
  const asked = (await h.sent()).filter((m) => m.type === 'request').map((m) => m.method);
  check(asked[0] === 'report/init', `first screen without its state sent along: the page asks for it (${JSON.stringify(asked)})`);
  await h.page.context().close();

  // As the extension does it: the state follows the HTML, VS Code delivers it at the page's load.
  const sentAlong = await openApp(browser, {
    app: 'report',
    theme: 'dark',
    responses: { 'report/ready': { snapshot: null } },
    firstScreen: { html: page.html, css: firstScreenCss(page.css) },
    atLoad: [{ type: 'notification', method: 'report/firstState', params: init }],
  });
  await waitForPainted(sentAlong.page);
  const along = (await sentAlong.sent()).filter((m) => m.type === 'request').map((m) => m.method);
  check(
    JSON.stringify(along) === '["report/ready"]',
    `first screen with its state sent along: the page only says ready (${JSON.stringify(along)})`,
  );
  check(
    (await sentAlong.page.locator('main.report .items-body .row').count()) === init.snapshot!.experiment.items.length,
    'first screen with its state sent along: every row in the live page',
  );
  const kept = await sentAlong.page.evaluate('window.__hlEarlyMessages');
  check(
    kept === null,
    `first screen with its state sent along: the loader's list is dropped once read (${JSON.stringify(kept)?.slice(0, 80)})`,
  );
  check(
    (await sentAlong.cspViolations()).length === 0 && sentAlong.consoleErrors.length === 0,
    'first screen with its state sent along: no CSP violation, no console error',
  );
  await sentAlong.page.context().close();
}
