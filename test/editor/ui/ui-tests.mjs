#!/usr/bin/env node
// UI tests of the PACKAGED extension (vsce package → code-server --install-extension), driven in
// headless Chromium as a person would: F1 → "Hallucination Lab: New Experiment", answer it, watch
// the Hallucination Lab tree and the Problems count, open a trace file and hover a marker.
// Screenshots of every step: test/artifacts/ui/*.png.
//
//   node test/editor/ui/ui-tests.mjs [--vsix <file>] [--extension <dir>]
//
// Steps run in order; a failed step stops the ones after it (they are reported as not run).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newExperiment, NEW_EXPERIMENT_TITLE } from './flows.mjs';
import {
  clearScreenshots,
  hoverText,
  notifications,
  openActivityBarContainer,
  openFile,
  problemsStatus,
  runCommand,
  screenshot,
  startSession,
  uiArtifacts,
  viewRows,
  widenSideBar,
} from './harness.mjs';
import { repoRoot } from '../paths.mjs';

const EXPERIMENT_NAME = 'ui-run pass-through';
const CONTAINER = 'Hallucination Lab';
/** How a finished experiment's status may read in the tree. */
const FINISHED = /\b(completed?|done|finished)\b/i;

export async function runUiTests({ vsix, extensionDir = repoRoot } = {}) {
  clearScreenshots();
  const results = [];
  let session;
  let stopped = null;
  const t0 = Date.now();
  const step = async (name, fn) => {
    if (stopped) {
      results.push({ name, state: 'not run' });
      console.log(`  - ${name} (not run)`);
      return;
    }
    const s0 = Date.now();
    try {
      await fn();
      results.push({ name, state: 'passed' });
      console.log(`  ✓ ${name} (${Date.now() - s0} ms)`);
    } catch (e) {
      results.push({ name, state: 'failed', error: e?.message ?? String(e) });
      console.log(`  ✗ ${name}\n      ${String(e?.message ?? e).split('\n').join('\n      ')}`);
      if (session?.page) await screenshot(session.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
      stopped = name;
    }
  };

  const state = { problemsBefore: null };
  try {
    await step('the packaged extension installs and the workbench opens the workspace', async () => {
      session = await startSession({ extensionDir, vsix });
      await screenshot(session.page, 'workbench');
    });

    await step(`the "${CONTAINER}" activity bar container shows the trace files`, async () => {
      const { page } = session;
      await openActivityBarContainer(page, CONTAINER);
      await widenSideBar(page, 480);
      const deadline = Date.now() + 30_000;
      let rows = [];
      while (Date.now() < deadline) {
        rows = await viewRows(page, 'Trace').catch(() => []);
        if (rows.some((r) => r.includes('weather.jsonl')) && rows.some((r) => r.includes('orders.jsonl'))) break;
        await page.waitForTimeout(500);
      }
      await screenshot(page, 'traces-tree');
      if (!rows.some((r) => r.includes('weather.jsonl'))) throw new Error(`the Traces view lists no weather.jsonl (rows: ${JSON.stringify(rows)})`);
      state.problemsBefore = await problemsStatus(page);
    });

    await step(`F1 → "${NEW_EXPERIMENT_TITLE}" completes a pass-through experiment`, async () => {
      const { page } = session;
      const seen = await newExperiment(page, { name: EXPERIMENT_NAME, conversationIds: null });
      console.log(`      steps: ${seen.join(' → ')}`);
      await page.waitForTimeout(500);
      await screenshot(page, 'experiment-started');
    });

    await step('the Hallucination Lab tree shows the experiment, completed', async () => {
      const { page } = session;
      await openActivityBarContainer(page, CONTAINER);
      const deadline = Date.now() + 60_000;
      let rows = [];
      while (Date.now() < deadline) {
        rows = await viewRows(page, 'Experiments').catch(() => []);
        if (rows.some((r) => r.includes(EXPERIMENT_NAME) && FINISHED.test(r))) break;
        await page.waitForTimeout(500);
      }
      await screenshot(page, 'experiments-tree');
      const row = rows.find((r) => r.includes(EXPERIMENT_NAME));
      if (!row) throw new Error(`the Experiments view does not list "${EXPERIMENT_NAME}" (rows: ${JSON.stringify(rows)}; notifications: ${JSON.stringify(await notifications(page))})`);
      if (!FINISHED.test(row)) throw new Error(`the experiment's row does not say it finished: ${JSON.stringify(row)}`);
    });

    await step('the Problems count in the status bar goes up', async () => {
      const { page } = session;
      const before = state.problemsBefore ?? { count: 0, text: '?' };
      const deadline = Date.now() + 20_000;
      let now = await problemsStatus(page);
      while (now.count <= before.count && Date.now() < deadline) {
        await page.waitForTimeout(500);
        now = await problemsStatus(page);
      }
      await screenshot(page, 'problems-count');
      if (now.count <= before.count)
        throw new Error(`status bar Problems: before "${before.text}" (${before.label}), after "${now.text}" (${now.label}): no change`);
      console.log(`      status bar Problems: "${before.text}" → "${now.text}"`);
    });

    await step('the Problems panel lists the markers', async () => {
      const { page } = session;
      await runCommand(page, 'View: Focus Problems');
      const panel = page.locator('.part.panel .markers-panel, .part.panel .markers-panel-container').first();
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      const rows = page.locator('.part.panel .markers-panel .monaco-list-row');
      await rows.first().waitFor({ timeout: 10_000 });
      // Expand everything so every marker is listed.
      const texts = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
      await screenshot(page, 'problems-panel');
      if (!texts.some((t) => /weather\.jsonl/.test(t))) throw new Error(`no Problems entry for weather.jsonl (rows: ${JSON.stringify(texts)})`);
    });

    await step('opening a trace file and hovering a marker explains it', async () => {
      const { page } = session;
      await openFile(page, 'traces/weather.jsonl');
      await page.waitForTimeout(1000);
      // Raw text in the file: "arguments": "{\"city\": \"Lyon\"}"
      const text = await hoverText(page, 'Lyon', '\\"city\\": \\"Lyon\\"', EXPERIMENT_NAME, 20_000);
      await screenshot(page, 'marker-hover');
      for (const expected of [/ungrounded[ _]parameter[ _]value/i, new RegExp(EXPERIMENT_NAME)])
        if (!expected.test(text)) throw new Error(`the hover does not mention ${expected}: ${JSON.stringify(text)}`);
    });
  } finally {
    if (session) await session.close();
  }
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.filter((r) => r.state === 'failed').length;
  const notRun = results.filter((r) => r.state === 'not run').length;
  const seconds = (Date.now() - t0) / 1000;
  console.log(`[ui] ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''} in ${seconds.toFixed(1)} s; screenshots in ${path.relative(process.cwd(), uiArtifacts)}`);
  return { passed, failed, notRun, results, seconds };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? path.resolve(process.argv[i + 1]) : undefined;
  };
  runUiTests({ vsix: arg('--vsix'), extensionDir: arg('--extension') ?? repoRoot }).then(
    (r) => process.exit(r.failed + r.notRun > 0 ? 1 : 0),
    (e) => {
      console.error(`[ui] FAILED: ${e?.stack ?? e}`);
      process.exit(2);
    },
  );
}
