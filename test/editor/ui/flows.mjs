// How a user creates an experiment, as small steps that can be swapped: today the command asks with
// quick inputs (a name input box, a "Pass-through" vs model pick, a multi-select of conversations, in
// whatever order the extension asks them); a webview form will replace them (answerWebviewForm).
// newExperiment() runs the command and answers whichever of the two it opened.
import { quickInput, readQuickInput, runCommand, screenshot, waitForQuickInputChange } from './harness.mjs';

export const NEW_EXPERIMENT_TITLE = 'Hallucination Lab: New Experiment';

/** The name input box: replace the proposed name with ours. */
export async function answerName(page, name) {
  const input = quickInput(page).locator('.quick-input-box input');
  await input.fill(name);
  await input.press('Enter');
}

/** The "Pass-through (copy traced responses)" vs model pick: choose pass-through. */
export async function choosePassThrough(page) {
  const input = quickInput(page).locator('.quick-input-box input');
  await input.fill('Pass-through');
  await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: /pass-through/i }).first().waitFor({ timeout: 5000 });
  await input.press('Enter');
}

/**
 * The multi-select of conversations: pick exactly `ids` (all listed ones when `ids` is null), by
 * clicking the rows' checkboxes, then OK.
 */
export async function chooseConversations(page, ids) {
  const widget = quickInput(page);
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 5000 });
  // VS Code 1.100: custom checkboxes (div.monaco-checkbox[role=checkbox][aria-checked]).
  const checkAll = widget.locator('.quick-input-header .monaco-checkbox').first();
  const allChecked = async () => (await checkAll.getAttribute('aria-checked')) === 'true';
  if (!(await allChecked())) await checkAll.click();
  if (ids !== null) {
    // From all to none, then tick the wanted rows (the list is short: all rows are rendered).
    await checkAll.click();
    for (const id of ids) {
      const row = rows.filter({ hasText: id }).first();
      await row.waitFor({ timeout: 5000 });
      await row.locator('.monaco-checkbox').first().click();
    }
  }
  const ok = widget.locator('.quick-input-action .monaco-button, .quick-input-ok .monaco-button', { hasText: /^OK$/i }).first();
  if (await ok.isVisible().catch(() => false)) await ok.click();
  else await widget.locator('.quick-input-box input').press('Enter');
}

/**
 * Runs "New Experiment" through its quick inputs, answering each by what it asks (so the order of
 * the steps may change), with a screenshot of each. Returns the titles of the steps seen.
 */
export async function answerQuickInputs(page, { name, conversationIds = null }) {
  let q = await readQuickInput(page);
  if (!q) throw new Error('New Experiment opened no quick input');
  const seen = [];
  for (let i = 0; q && i < 8; i++) {
    const what = `${q.title} ${q.placeholder}`;
    seen.push(what.trim());
    await screenshot(page, `new-experiment-step-${i + 1}`);
    if (!q.hasList) await answerName(page, name);
    else if (q.canPickMany) await chooseConversations(page, conversationIds);
    else if (q.rows.some((r) => /pass-through/i.test(r))) await choosePassThrough(page);
    else throw new Error(`unexpected quick input: ${JSON.stringify(q)}`);
    q = await waitForQuickInputChange(page, q);
  }
  if (q) throw new Error(`the quick inputs did not end: ${JSON.stringify(q)}`);
  return seen;
}

/**
 * The webview form that will replace the quick inputs (webview/form/formApp.ts, in progress: these
 * selectors follow its source and are not yet run against it). Webviews are nested iframes:
 * iframe.webview → #active-frame; Playwright's CSS pierces the vscode-elements' shadow roots.
 */
export async function answerWebviewForm(page, { name, conversationIds = null }) {
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const nameInput = frame.locator('#f-name input, input#f-name').first();
  await nameInput.waitFor({ timeout: 20_000 });
  await nameInput.fill(name);
  const pass = frame.locator('[data-field="pass_through"] vscode-checkbox').first();
  if ((await pass.getAttribute('checked')) === null) await pass.click();
  if (conversationIds === null) {
    const all = frame.locator('.picker-bar .link', { hasText: /^Select all in view/ });
    if (await all.count()) await all.first().click();
  } else {
    for (const id of conversationIds) {
      const row = frame.locator(`.conv-row[data-id="${id}"]`);
      if (!(await row.getAttribute('class'))?.includes('selected')) await row.click();
    }
  }
  await screenshot(page, 'new-experiment-form');
  await frame.locator('vscode-button, button', { hasText: 'Create experiment' }).first().click();
  return ['webview form'];
}

/** What "New Experiment" opened: its first quick input (value not ">…", so not the palette) or a webview. */
async function detectFlow(page, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const q = await readQuickInput(page);
    if (q && !q.value.startsWith('>')) return 'quickinput';
    if (await page.locator('iframe.webview').count()) return 'form';
    await page.waitForTimeout(150);
  }
  throw new Error(`"${NEW_EXPERIMENT_TITLE}" opened neither a quick input nor a webview within ${timeout / 1000} s`);
}

/**
 * F1 → New Experiment, then the flow it opened (HL_UI_FLOW=quickinput|form forces one).
 * Returns the steps seen, for the log.
 */
export async function newExperiment(page, opts) {
  await runCommand(page, NEW_EXPERIMENT_TITLE);
  const flow = process.env.HL_UI_FLOW || (await detectFlow(page));
  return flow === 'form' ? answerWebviewForm(page, opts) : answerQuickInputs(page, opts);
}
