// How a user creates an experiment: "New Experiment" opens the webview form (answerWebviewForm);
// "New Experiment (Quick Pick)" asks with quick inputs (a name input box, a "Pass-through" vs model
// pick, a multi-select of conversations, in whatever order the extension asks them).
// newExperiment() runs the command and answers whichever of the two it opened.
import { quickInput, readQuickInput, runCommand, screenshot, waitForQuickInputChange } from './harness.mjs';
import { poll, webviewFrame } from './webviews.mjs';

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
  await quickInput(page)
    .locator('.quick-input-list .monaco-list-row', { hasText: /pass-through/i })
    .first()
    .waitFor({ timeout: 5000 });
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
 * The webview form (webview/form/formApp.ts): the name, pass-through on or off, the model, the conversations — exactly
 * `conversationIds` (all of them when null) by clicking their rows — checks that the footer
 * counts them and says "Ready", then "Create experiment". Screenshots of the filled form.
 * Returns the steps seen and the time the button was clicked.
 */
export async function answerWebviewForm(page, { name, conversationIds = null, passThrough = true, model, shot = 'new-experiment-form' }) {
  const frame = await webviewFrame(page, 'form', {
    timeout: 30_000,
    ready: (f) => f.evaluate(() => document.querySelectorAll('.conv-row').length > 0),
  });
  // The form must show the trace text as text (a trace may hold HTML).
  const injected = await frame.evaluate(() => document.querySelectorAll('img, [onerror]').length);
  if (injected) throw new Error(`the form holds ${injected} <img>/[onerror] elements: trace text was parsed as HTML`);

  const nameInput = frame.locator('#f-name input').first();
  await nameInput.fill(name);
  const pass = frame.locator('[data-field="pass_through"] vscode-checkbox').first();
  if ((await pass.evaluate((c) => c.checked)) !== passThrough) await pass.click();
  if ((await pass.evaluate((c) => c.checked)) !== passThrough)
    throw new Error(`the pass-through switch did not turn ${passThrough ? 'on' : 'off'}`);
  // The target model (with pass-through: the name of the traced responses' configuration).
  if (model !== undefined) await frame.locator('#f-model input').first().fill(model);
  await screenshot(page, `${shot}-top`);

  const selected = () => frame.locator('.conv-row.selected').evaluateAll((rows) => rows.map((r) => r.dataset.id).sort());
  if ((await selected()).length) await frame.locator('.picker-bar .link', { hasText: 'Clear selection' }).click();
  if (conversationIds === null)
    await frame
      .locator('.picker-bar .link', { hasText: /^Select all/ })
      .first()
      .click();
  else for (const id of conversationIds) await frame.locator(`.conv-row[data-id="${id}"]`).click();
  const want =
    conversationIds === null
      ? await frame.locator('.conv-row').evaluateAll((rows) => rows.map((r) => r.dataset.id).sort())
      : [...conversationIds].sort();
  const got = await selected();
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`selected conversations ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`);

  const footer = await poll(
    async () => {
      const t = await frame.locator('.form-footer').innerText();
      return new RegExp(`\\b${want.length} items?\\b`).test(t) && /Ready/.test(t) ? t : null;
    },
    { timeout: 5000, what: `the form footer to count ${want.length} items and say Ready` },
  );
  // The cost estimate above Create follows a valid form (debounced): it must come, not stay "until valid".
  const estimate = await poll(
    async () => {
      const t = (await frame.locator('.estimate').innerText()).trim();
      return /^Estimate:|Estimate: /.test(t) ? t : null;
    },
    { timeout: 10_000, what: 'the cost estimate above Create' },
  );
  await frame.locator('.conv-list').scrollIntoViewIfNeeded();
  await screenshot(page, `${shot}-conversations`);
  const clickedAt = Date.now();
  await frame.locator('.form-footer vscode-button', { hasText: 'Create experiment' }).click();
  return { seen: [`webview form (${footer.replace(/\s+/g, ' ').trim()})`, `estimate (${estimate.split('\n')[0]})`], clickedAt };
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
 * Returns {seen: the steps seen, for the log; clickedAt: when the experiment was submitted}.
 */
export async function newExperiment(page, opts) {
  await runCommand(page, NEW_EXPERIMENT_TITLE);
  const flow = process.env.HL_UI_FLOW || (await detectFlow(page));
  if (flow === 'form') return answerWebviewForm(page, opts);
  return { seen: await answerQuickInputs(page, opts), clickedAt: Date.now() };
}
