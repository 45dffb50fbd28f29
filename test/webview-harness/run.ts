// Renders the form, the report (finished and live) and compare in dark, light and high-contrast
// themes, saves PNG screenshots to test/artifacts/webview/, and checks along the way: no CSP
// violation, no console error, hostile trace text shown as text, the limit and validation
// behaviour of the form. Run after building: `node esbuild.mjs && node --import tsx test/webview-harness/run.ts`.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { builtInLabels } from '../../common/schema';
import { artifactsDir, launch, openApp, waitForPainted, type HarnessPage } from './harness';
import { conversationContexts, conversationSummaries, experimentFixture, experimentSummary, XSS_TEXT } from './fixtures';
import type { ThemeName } from './themes';
import { firstScreenScreens } from './firstScreen';
import type { ReportInitResult } from '../../common/webviewProtocol';

const only = process.argv.slice(2);
const failures: string[] = [];
function check(condition: boolean, message: string): void {
  if (!condition) failures.push(message);
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
}

const labels = Object.entries(builtInLabels).map(([name, description]) => ({ name, description }));
const models = [
  { id: 'gpt-4.1', model: 'gpt-4.1', input_price_per_1m: 2, output_price_per_1m: 8 },
  { id: 'gpt-4.1-mini', model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6 },
  { id: 'local-llama', model: 'llama3.1:8b', baseURL: 'http://localhost:11434/v1' },
];

async function shot(h: HarnessPage, name: string, fullPage = true): Promise<string> {
  const file = path.join(artifactsDir, `${name}.png`);
  await h.page.screenshot({ path: file, fullPage });
  return file;
}

async function common(h: HarnessPage, what: string): Promise<void> {
  check((await h.cspViolations()).length === 0, `${what}: no CSP violation ${JSON.stringify(await h.cspViolations())}`);
  check(h.consoleErrors.length === 0, `${what}: no console error ${JSON.stringify(h.consoleErrors)}`);
}

function traceFilesOf(list: ReturnType<typeof conversationSummaries>) {
  const counts = new Map<string, number>();
  for (const c of list) counts.set(c.file, (counts.get(c.file) ?? 0) + 1);
  return [...counts].map(([file, conversationCount]) => ({ file, conversationCount, isTrace: true, problems: [] }));
}

function formResponses(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'form/init': {
      models,
      judgeModel: { id: 'judge', model: 'gpt-4.1' },
      labels,
      labelSetSource: null,
      traceFiles: traceFilesOf(conversationSummaries(140)),
      prefill: null,
      workspaceTrusted: true,
    },
    // The stub answers every request of a method alike: one page that is the whole list.
    'form/listConversations': { conversations: conversationSummaries(140), total: 140 },
    'form/lookupConversations': { conversations: conversationSummaries(140) },
    'form/submit': {
      ok: false,
      errors: [
        { path: 'name', message: 'an experiment with this name already exists' },
        { path: 'model', message: 'model "gpt-4.1" is not served by the endpoint' },
      ],
    },
    ...extra,
  };
}

async function formScreens(browser: Awaited<ReturnType<typeof launch>>, theme: ThemeName): Promise<void> {
  const h = await openApp(browser, { app: 'form', theme, responses: formResponses(), height: 1000 });
  await h.page.waitForSelector('.conv-row');
  await h.page.waitForTimeout(300);
  // Select a few conversations, add an output schema, choose an extra configuration.
  const rows = h.page.locator('.conv-row');
  for (let i = 0; i < 4; i++) await rows.nth(i).click();
  await h.page.locator('vscode-checkbox[label="gpt-4.1-mini"]').click();
  await h.page.locator('vscode-checkbox[label="Ask for structured output"]').click();
  await h.page.locator('vscode-checkbox[label="LLM judge"]').click();
  await h.page.waitForTimeout(200);
  const nameInput = h.page.locator('.schema-table vscode-textfield').first();
  await nameInput.click();
  await h.page.keyboard.type('answer');
  await h.page.locator('vscode-button', { hasText: 'Add field' }).click();
  await h.page.keyboard.type('1bad name');
  await h.page.waitForTimeout(300);
  const counter = await h.page.locator('.counter').textContent();
  check(counter?.includes('4 / 100') === true, `form ${theme}: counter shows 4 / 100 (${counter})`);
  const errorText = await h.page.locator('.row-error').allTextContents();
  check(
    errorText.some((t) => t.includes('letters, digits')),
    `form ${theme}: output field name error inline (${errorText.join('|')})`,
  );
  check(
    (await h.page.locator('vscode-button[disabled]', { hasText: 'Create experiment' }).count()) === 1,
    `form ${theme}: submit disabled while invalid`,
  );
  await shot(h, `form-${theme}`);
  await h.page.screenshot({ path: path.join(artifactsDir, `form-${theme}-viewport.png`) });

  if (theme === 'dark') {
    // Fix the error, submit: server errors come back beside their fields.
    await h.page.locator('.schema-table vscode-textfield').nth(1).click();
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.type('confidence');
    await h.page.waitForTimeout(200);
    check(
      (await h.page.locator('vscode-button[disabled]', { hasText: 'Create experiment' }).count()) === 0,
      'form: submit enabled when valid',
    );
    await h.page.locator('vscode-button', { hasText: 'Create experiment' }).click();
    await h.page.waitForSelector('.field[data-field="model"].has-error');
    const modelError = await h.page.locator('.field[data-field="model"] .field-error').textContent();
    check(modelError?.includes('not served') === true, `form: server error shown at the model field (${modelError})`);
    const submitted = (await h.sent()).find((m) => m.method === 'form/submit');
    const config = (submitted?.params as { config?: Record<string, unknown> })?.config;
    check(
      Array.isArray(config?.conversation_ids) && (config!.conversation_ids as string[]).length === 4,
      'form: submitted config carries the 4 selected conversations',
    );
    check(
      Array.isArray(config?.models) && (config!.models as unknown[]).length === 1,
      'form: submitted config carries the extra configuration',
    );
    await shot(h, 'form-dark-server-errors', false);
    const state = (await h.state()) as { draft?: { conversationIds?: string[] } };
    check(state?.draft?.conversationIds?.length === 4, 'form: draft saved in webview state');
    await common(h, 'form');
    await h.page.context().close();

    // Restored draft (window reload): the state comes back; the limit holds on "select all".
    const restored = await openApp(browser, { app: 'form', theme, responses: formResponses(), state, height: 1000 });
    await restored.page.waitForSelector('.conv-row.selected');
    check((await restored.page.locator('.conv-row.selected').count()) === 4, 'form: restored draft keeps the 4 selections');
    await restored.page.locator('.picker-bar .link').first().click();
    await restored.page.waitForTimeout(200);
    const c2 = await restored.page.locator('.counter').textContent();
    check(c2?.includes('100 / 100') === true, `form: select all in view stops at the limit (${c2})`);
    check((await restored.page.locator('.conv-row.blocked').count()) > 0, 'form: unselected rows blocked at the limit');
    await restored.page.locator('.picker').scrollIntoViewIfNeeded();
    await restored.page.screenshot({ path: path.join(artifactsDir, 'form-dark-limit.png') });
    await common(restored, 'form restored');
    await restored.page.context().close();
    return;
  }
  if (theme === 'light') {
    // Reasoning budget, a system prompt, then pass-through (inference-only fields go away).
    await h.page.locator('vscode-radio[label="Token budget"]').click();
    await h.page.waitForTimeout(100);
    check(
      await h.page.locator('vscode-textfield[aria-label="Reasoning budget tokens"]').isVisible(),
      'form: token budget field shown for the budget mode',
    );
    await h.page.locator('vscode-textfield[aria-label="Reasoning budget tokens"]').click();
    await h.page.keyboard.type('0');
    await h.page.locator('vscode-checkbox[label="Replace the system prompt in every conversation"]').click();
    await h.page.waitForTimeout(200);
    const budgetError = await h.page.locator('.field[data-field="reasoning_config"] .field-error').textContent();
    check(budgetError?.includes('positive whole number') === true, `form: budget error inline (${budgetError})`);
    await h.page.locator('.field[data-field="model"]').scrollIntoViewIfNeeded();
    await h.page.screenshot({ path: path.join(artifactsDir, 'form-light-reasoning.png') });
    await h.page.locator('vscode-checkbox[label^="Pass-through"]').click();
    await h.page.waitForTimeout(200);
    check(!(await h.page.locator('.field[data-field="reasoning_config"]').isVisible()), 'form: pass-through hides reasoning');
    check(
      !(await h.page.locator('.field[data-field="system_prompt_override"]').isVisible()),
      'form: pass-through hides the system prompt override',
    );
    await h.page.evaluate(() => window.scrollTo(0, 0));
    await h.page.screenshot({ path: path.join(artifactsDir, 'form-light-passthrough.png') });
    // A prefill from the host (e.g. "re-run with…") lands in the open form.
    await h.notify('form/prefill', { prefill: { name: 'Prefilled run', conversation_ids: ['conv-010', 'conv-011'] } });
    await h.page.waitForTimeout(200);
    check(
      (await h.page.locator('vscode-textfield#f-name').evaluate((e) => (e as HTMLElement & { value: string }).value)) === 'Prefilled run',
      'form: prefill notification fills the name',
    );
  }
  await common(h, `form ${theme}`);
  await h.page.context().close();
}

/**
 * The picker over 450 conversations answered page by page (issue 14, item 11): 200 rows at first,
 * "N of TOTAL", the next page on scrolling to the end, one server query per pause in typing, and
 * the selection kept across pages and searches.
 */
async function formPaging(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const all = conversationSummaries(450);
  const h = await openApp(browser, {
    app: 'form',
    responses: formResponses({ 'form/listConversations': { __paged: all }, 'form/lookupConversations': { conversations: all } }),
    height: 1000,
  });
  const rows = h.page.locator('.conv-row');
  const shown = () => h.page.locator('.shown-count').textContent();
  const pageRequests = async () => (await h.sent()).filter((m) => m.method === 'form/listConversations');
  await h.page.waitForSelector('.conv-row');
  check((await rows.count()) === 200, `paging: the first page holds 200 rows (${await rows.count()})`);
  check((await shown()) === '200 of 450 conversations', `paging: the count says 200 of 450 (${await shown()})`);
  for (let i = 0; i < 3; i++) await rows.nth(i).click();
  await h.page.locator('.conv-list').evaluate((list) => list.scrollTo(0, list.scrollHeight));
  await h.page.waitForFunction(() => document.querySelectorAll('.conv-row').length === 400, null, { timeout: 5000 }).catch(() => undefined);
  check((await rows.count()) === 400, `paging: scrolling to the end loads the next page (${await rows.count()} rows)`);
  const before = (await pageRequests()).length;
  await h.page.locator('vscode-textfield.search').click();
  await h.page.keyboard.type('conv-44', { delay: 30 });
  await h.page
    .waitForFunction(() => document.querySelector('.shown-count')?.textContent === '10 of 10 conversations', null, { timeout: 5000 })
    .catch(() => undefined);
  const typed = (await pageRequests()).slice(before);
  check(
    typed.length < 'conv-44'.length && (typed.at(-1)?.params as { query?: string } | undefined)?.query === 'conv-44',
    `paging: the search goes to the host when the typing pauses, not once per key (${JSON.stringify(typed.map((m) => m.params))})`,
  );
  check((await shown()) === '10 of 10 conversations', `paging: the search is answered by the host (${await shown()})`);
  const counter = await h.page.locator('.counter').textContent();
  check(counter?.includes('3 / 100') === true, `paging: the selection survives paging and searching (${counter})`);
  await h.page.locator('vscode-checkbox[label="Selected only"]').click();
  await h.page.waitForTimeout(200);
  check((await rows.count()) === 0, 'paging: "Selected only" with a search that none of them matches shows none');
  await h.page.locator('vscode-textfield.search').click();
  await h.page.keyboard.press('Control+A');
  await h.page.keyboard.press('Backspace');
  await h.page.waitForTimeout(500);
  const selectedIds = await h.page.locator('.conv-row').evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.id));
  check(
    JSON.stringify(selectedIds) === JSON.stringify(['conv-001', 'conv-002', 'conv-003']),
    `paging: "Selected only" shows the selection kept across pages (${JSON.stringify(selectedIds)})`,
  );
  await h.page.locator('.picker').scrollIntoViewIfNeeded();
  await h.page.screenshot({ path: path.join(artifactsDir, 'form-dark-paging.png') });
  await common(h, 'form paging');
  await h.page.context().close();
}

function reportResponses(live: boolean): Record<string, unknown> {
  const experiment = experimentFixture({ live });
  return {
    'report/init': {
      experimentId: experiment.id,
      snapshot: { experiment, running: live, active: !live },
      error: null,
      conversations: conversationContexts(100),
      labels,
    },
    'report/openTraceLocation': {},
    'report/export': { path: '/tmp/x' },
  };
}

async function reportScreens(browser: Awaited<ReturnType<typeof launch>>, theme: ThemeName): Promise<void> {
  const h = await openApp(browser, { app: 'report', theme, responses: reportResponses(false), height: 1100 });
  await waitForPainted(h.page);
  await h.page.waitForTimeout(400);
  await h.page.screenshot({ path: path.join(artifactsDir, `report-${theme}-top.png`) });
  const chartsTop = await h.page.locator('.charts').evaluate((e) => e.getBoundingClientRect().top + window.scrollY - 40);
  await h.page.screenshot({
    path: path.join(artifactsDir, `report-${theme}-charts.png`),
    fullPage: true,
    clip: { x: 0, y: chartsTop, width: 1280, height: 1250 },
  });
  // Expand the row whose response contains hostile HTML.
  await h.page
    .locator('.items .row', { hasText: 'conv-004', has: h.page.locator('.hcount.some') })
    .first()
    .click();
  await h.page.waitForSelector('.detail');
  const detailText = await h.page.locator('.detail').first().textContent();
  check(
    detailText?.includes('<img src=x onerror=') === true && detailText.includes('</script>'),
    `report ${theme}: hostile trace text shown as text`,
  );
  check((await h.page.locator('.detail img, .detail script').count()) === 0, `report ${theme}: no element created from trace text`);
  check(
    (await h.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)) === undefined,
    `report ${theme}: no script ran from trace text`,
  );
  check((await h.page.locator('.detail mark.hl').count()) >= 2, `report ${theme}: hallucinated spans highlighted`);
  const notes = (await h.page.locator('.detail .detection-notes').first().textContent()) ?? '';
  check(
    notes.includes('not checked against a schema') && /\d hidden below the confidence threshold/.test(notes),
    `report ${theme}: the expanded item shows its detection notes and hidden count (${notes})`,
  );
  const hiddenLine = (await h.page.locator('.hidden-note').textContent()) ?? '';
  check(
    /^\d+ annotations hidden below the confidence threshold/.test(hiddenLine),
    `report ${theme}: hidden annotations summed (${hiddenLine})`,
  );
  await h.page.locator('.detail').first().scrollIntoViewIfNeeded();
  await h.page.evaluate(() => window.scrollBy(0, -120));
  await h.page.screenshot({ path: path.join(artifactsDir, `report-${theme}-item.png`) });
  if (theme === 'dark') {
    await h.page
      .locator('.detail')
      .first()
      .screenshot({ path: path.join(artifactsDir, 'report-dark-item-detail.png') });
    await shot(h, 'report-dark-full');
    await h.page.locator('.detail mark.hl').first().click();
    const open = (await h.sent()).find((m) => m.method === 'report/openTraceLocation');
    const at = open?.params as { conversation_id: string; experiment_id: string; end_offset?: number } | undefined;
    check(
      at?.conversation_id === 'conv-004' && at.experiment_id === 'exp_20251121_support' && typeof at.end_offset === 'number',
      'report: clicking a marker asks the host to open the trace location',
    );
    // Sorting and filtering
    await h.page.locator('.items-head button', { hasText: 'Halluc.' }).click();
    const firstCount = await h.page.locator('.items .row .hcount').first().textContent();
    check(Number(firstCount) >= 5, `report: sorted by hallucinations, most first (${firstCount})`);
    await h.page.locator('vscode-checkbox[label="With hallucinations"]').click();
    await h.page.waitForTimeout(150);
    const count = await h.page.locator('.items-toolbar .count').textContent();
    check(/^\d+ of 300 items$/.test(count ?? ''), `report: "with hallucinations" filters the items (${count})`);
    const statusOptions = await h.page
      .locator('vscode-single-select[aria-label="Status"]')
      .evaluate((e) => (e as unknown as { options: { label: string }[] }).options.map((o) => o.label));
    check(statusOptions.includes('Completed (300)'), `report: status filter offers counts (${statusOptions.join(', ')})`);
    await h.page.locator('vscode-checkbox[label="With hallucinations"]').click();
    await h.page.locator('.export-trigger').click();
    await h.page.locator('.menu-item', { hasText: 'HTML report' }).click();
    await h.page.waitForTimeout(300);
    const exp = (await h.sent()).find((m) => m.method === 'report/export') as { params: { content: string; fileName: string } } | undefined;
    check(
      !!exp &&
        exp.params.content.startsWith('<!DOCTYPE html>') &&
        !exp.params.content.includes('<img src=x') &&
        exp.params.content.includes('&lt;img src=x'),
      'report: HTML export escapes trace text',
    );
    if (exp) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(artifactsDir, 'export-report.html'), exp.params.content);
    }
  }
  await common(h, `report ${theme}`);
  await h.page.context().close();
}

async function exportScreens(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(`file://${path.join(artifactsDir, 'export-report.html')}`);
  await page.screenshot({ path: path.join(artifactsDir, 'export-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page
    .locator('details.item-details')
    .nth(3)
    .evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.screenshot({ path: path.join(artifactsDir, 'export-dark.png') });
  await context.close();
}

async function liveScreens(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const h = await openApp(browser, { app: 'report', theme: 'dark', responses: reportResponses(true), height: 900 });
  await waitForPainted(h.page);
  check((await h.page.locator('vscode-button', { hasText: 'Cancel' }).count()) === 1, 'report live: cancel offered while running');
  await h.page.waitForTimeout(300);
  await h.page.screenshot({ path: path.join(artifactsDir, 'report-dark-live.png') });
  await h.page.waitForFunction(() => performance.getEntriesByName('hl:rows-complete').length >= 1);
  await h.page.locator('.items-section h2').scrollIntoViewIfNeeded();
  await h.page.evaluate(() => window.scrollBy(0, document.querySelector('.items-section')!.getBoundingClientRect().top));
  await h.page.waitForTimeout(200);
  await h.page.screenshot({ path: path.join(artifactsDir, 'report-dark-live-items.png') });
  const skipChip = h.page.locator('.items .row .status.st-skipped').first();
  check(
    (await skipChip.textContent()) === 'Skipped' &&
      ((await skipChip.getAttribute('title')) ?? '').startsWith('Skipped: the conversation has no response'),
    'report live: a conversation without a response reads as skipped, with its reason',
  );
  const progress = (await h.page.locator('.status-section h2 .sub').textContent()) ?? '';
  check(/· 1 skipped/.test(progress), `report live: progress counts the skip apart from failures (${progress})`);
  // Progress: a new snapshot updates rows in place.
  const done = experimentFixture({ live: false });
  await h.notify('report/snapshot', { experiment: done, running: false, active: false });
  await waitForPainted(h.page, 2);
  check((await h.page.locator('vscode-button', { hasText: 'Cancel' }).count()) === 0, 'report live: cancel gone when finished');
  await common(h, 'report live');
  await h.page.context().close();
}

/**
 * The report as the extension opens it: its state embedded in the HTML. The page paints without
 * a request, then says `ready`; when the experiment changed since the HTML was made (or the page
 * is the same HTML loaded again after being hidden), the answer carries the newer snapshot.
 */
async function embeddedStateScreens(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const initialState = reportResponses(true)['report/init'];
  const fresh = await openApp(browser, {
    app: 'report',
    theme: 'dark',
    responses: { 'report/ready': { snapshot: null } },
    initialState,
    delay: 300,
  });
  await waitForPainted(fresh.page);
  const rowsAtFirstPaint = await fresh.page.locator('.items-body .row').count();
  check(rowsAtFirstPaint > 0, `report embedded: rows painted from the embedded state before any answer (${rowsAtFirstPaint})`);
  await fresh.page.waitForTimeout(500);
  const sentFirst = (await fresh.sent()).filter((m) => m.type === 'request').map((m) => m.method);
  check(JSON.stringify(sentFirst) === '["report/ready"]', `report embedded: the page only says ready (sent ${JSON.stringify(sentFirst)})`);
  const chartsShown = await fresh.page
    .locator('.charts')
    .waitFor({ timeout: 5000 })
    .then(
      () => true,
      () => false,
    );
  check(chartsShown, 'report embedded: charts follow the first paint');
  const leftScripts = await fresh.page.evaluate(() => [...document.scripts].filter((s) => !s.src).length);
  check(leftScripts === 0, `report embedded: the data block is gone once read, only the bundle script is left (${leftScripts} other)`);
  check(
    (await fresh.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)) === undefined,
    'report embedded: no script ran from the trace text in the embedded state',
  );
  await common(fresh, 'report embedded');
  await fresh.page.context().close();

  const experiment = experimentFixture({ live: false });
  const changed = await openApp(browser, {
    app: 'report',
    theme: 'dark',
    initialState,
    responses: { 'report/ready': { snapshot: { experiment, running: false, active: false } } },
  });
  await waitForPainted(changed.page, 2);
  check(
    (await changed.page.locator('vscode-button', { hasText: 'Cancel' }).count()) === 0,
    'report embedded: a newer snapshot in the answer to ready replaces the embedded one',
  );
  await common(changed, 'report embedded, changed since');
  await changed.page.context().close();
}

/**
 * The review of annotations in an expanded item: each shows who said what (a dismissal with its
 * reason, a person's own annotation, one carried over), and Confirm / Dismiss / Label… ask the host.
 */
async function reviewScreens(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const base = experimentFixture({ live: false });
  const at = '2026-12-03T10:15:00.000Z';
  let n = 0;
  const experiment = {
    ...base,
    items: base.items.map((item) => ({
      ...item,
      annotations: item.annotations.map((a, i) => ({
        ...a,
        id: `a-${String(++n).padStart(16, '0')}`,
        ...(item.conversation_id === 'conv-004' && i === 0
          ? { review: { verdict: 'dismissed' as const, author: 'ann', at, comment: 'the order number is in the lookup result' } }
          : item.conversation_id === 'conv-004' && i === 1
            ? { review: { verdict: 'confirmed' as const, author: 'bo', at, carried_from: 'exp_20251120_support' } }
            : {}),
      })),
    })),
  };
  const h = await openApp(browser, {
    app: 'report',
    theme: 'dark',
    height: 1000,
    responses: {
      ...reportResponses(false),
      'report/init': {
        experimentId: experiment.id,
        snapshot: { experiment, running: false, active: true },
        error: null,
        conversations: conversationContexts(100),
        labels,
      },
      'report/review': { done: true },
    },
  });
  await waitForPainted(h.page);
  await h.page
    .locator('.items .row', { hasText: 'conv-004', has: h.page.locator('.hcount.some') })
    .first()
    .click();
  await h.page.waitForSelector('.detail .review-actions');
  const states = await h.page.locator('.detail .review-state').allTextContents();
  check(
    states.some((t) => /^Dismissed by ann · 2026-12-03 10:15 UTC/.test(t) && t.includes('the order number is in the lookup result')),
    `review: a dismissal shows who, when and why (${JSON.stringify(states.slice(0, 3))})`,
  );
  check(
    states.some((t) => /Confirmed by bo .*carried over/.test(t)),
    'review: a verdict carried over says so',
  );
  const table = h.page.locator('.detail .ann-table').first();
  await table.scrollIntoViewIfNeeded();
  await table.screenshot({ path: path.join(artifactsDir, 'report-dark-review.png') });
  // Keyboard: Tab reaches the buttons, Enter presses them.
  await h.page.locator('.detail .review-actions .review-dismiss:not([disabled])').first().focus();
  await h.page.keyboard.press('Enter');
  await h.page.waitForTimeout(200);
  const review = (await h.sent()).find((m) => m.method === 'report/review');
  const params = review?.params as { annotation_id?: string; action?: string } | undefined;
  check(
    params?.action === 'dismiss' && /^a-\d{16}$/.test(params.annotation_id ?? ''),
    `review: Dismiss asks the host (${JSON.stringify(params)})`,
  );
  await common(h, 'report review');
  await h.page.context().close();
}

async function compareScreens(browser: Awaited<ReturnType<typeof launch>>, theme: ThemeName): Promise<void> {
  const a = experimentFixture({ id: 'exp_a', name: 'Baseline prompt', configs: ['gpt-4.1'], seed: 3, conversations: 40 });
  const b = experimentFixture({
    id: 'exp_b',
    name: 'Grounded prompt v2',
    configs: ['gpt-4.1'],
    seed: 11,
    conversations: 40,
    annotations: 260,
  });
  const c = experimentFixture({ id: 'exp_c', name: 'gpt-4.1 vs mini', configs: ['gpt-4.1', 'gpt-4.1-mini'], seed: 5, conversations: 40 });
  const h = await openApp(browser, {
    app: 'compare',
    theme,
    height: 1000,
    responses: {
      'compare/init': {
        experimentIds: ['exp_a', 'exp_b'],
        experiments: [a, b],
        available: [a, b, c].map((e) => experimentSummary(e)),
        conversations: conversationContexts(40),
        labels,
      },
      'compare/setExperiments': { experiments: [a, b, c] },
      'compare/openTraceLocation': {},
      'compare/openReport': {},
    },
  });
  await h.page.waitForSelector('.compare-table');
  await h.page.locator('.matrix tr.row.differs').first().click();
  await h.page.waitForTimeout(300);
  await shot(h, `compare-${theme}`);
  check((await h.page.locator('.delta.better, .delta.worse').count()) > 0, `compare ${theme}: deltas shown`);
  if (theme === 'dark') {
    await h.page.locator('.matrix-detail .link').first().click();
    const open = (await h.sent()).find((m) => m.method === 'compare/openTraceLocation')?.params as { experiment_id?: string } | undefined;
    check(open?.experiment_id === 'exp_a', `compare: "open in trace" names the subject's experiment (${open?.experiment_id})`);
    await h.page.locator('vscode-button', { hasText: 'Choose…' }).click();
    await h.page.locator('vscode-checkbox[label^="gpt-4.1 vs mini"]').click();
    await h.page.waitForFunction(() => document.querySelectorAll('.subject-head').length === 3);
    check((await h.page.locator('.subject-head').count()) === 3, 'compare: adding an experiment from the picker adds a subject');
    await h.page.locator('vscode-checkbox[label^="gpt-4.1-mini (configuration)"]').click();
    await h.page.waitForFunction(() => document.querySelectorAll('.subject-head').length === 4);
    await h.page.screenshot({ path: path.join(artifactsDir, 'compare-dark-picker.png') });
  }
  await common(h, `compare ${theme}`);
  await h.page.context().close();
}

async function main(): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  const browser = await launch();
  try {
    const themes: ThemeName[] = ['dark', 'light', 'hc'];
    for (const theme of themes) {
      if (!only.length || only.includes('form')) await formScreens(browser, theme);
      if (!only.length || only.includes('report')) await reportScreens(browser, theme);
      if (!only.length || only.includes('compare')) await compareScreens(browser, theme);
    }
    if (!only.length || only.includes('form') || only.includes('paging')) await formPaging(browser);
    if (!only.length || only.includes('live')) await liveScreens(browser);
    if (!only.length || only.includes('embedded')) await embeddedStateScreens(browser);
    if (!only.length || only.includes('first-screen'))
      await firstScreenScreens(browser, reportResponses(false)['report/init'] as ReportInitResult, check);
    if (!only.length || only.includes('review')) await reviewScreens(browser);
    if (!only.length || only.includes('report')) await exportScreens(browser);
  } finally {
    await browser.close();
  }
  console.log(failures.length ? `\n${failures.length} check(s) failed` : '\nall checks passed');
  console.log(`screenshots: ${artifactsDir}`);
  process.exit(failures.length ? 1 : 0);
}

void XSS_TEXT;
void main();
