// Live traces as a user sees them (issue 16): F1 → "Hallucination Lab: Start Trace Receiver"; the
// status bar says "Receiving on :PORT"; an instrumented script (the real OTel SDK exporter, pointed
// at the receiver by OTEL_EXPORTER_OTLP_ENDPOINT) sends a chat; the status bar counts the trace and
// its hallucination; its menu → "Show Live Conversations" shows the Live node with the conversation;
// clicking it opens the live file on the marked line. Screenshots of each step.
//
//   node test/editor/ui/liveFlow.mjs [--extension <dir>]     (the flow alone, in its own session)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clearScreenshots,
  notifications,
  openActivityBarContainer,
  quickInput,
  runCommand,
  screenshot,
  startSession,
  viewRows,
  widenSideBar,
} from './harness.mjs';
import { poll } from './webviews.mjs';
import { repoRoot } from '../paths.mjs';

const receiverItem = (page) => page.locator('.part.statusbar .statusbar-item', { hasText: 'Receiving on' }).first();

/** The instrumented script: resolves with the trace id it sent. */
function sendInstrumentedChat(endpoint) {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'test', 'support', 'sendOtelChat.ts')],
      { cwd: repoRoot, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`the instrumented script failed: ${stderr || error.message}`)) : resolve(stdout.trim()),
    ),
  );
}

/** Runs the flow in an open workbench; returns what it saw. Throws with what was wrong. */
export async function receiveLiveTrace(page) {
  // Only what this flow raised counts (a run of all UI steps may have shown notifications before).
  const shownBefore = new Set(await notifications(page));
  await runCommand(page, 'Hallucination Lab: Start Trace Receiver');
  const item = receiverItem(page);
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const started = (await item.innerText()).trim();
  const port = Number(/Receiving on :(\d+)/.exec(started)?.[1]);
  if (!port) throw new Error(`the status bar says "${started}"`);

  const traceId = await sendInstrumentedChat(`http://127.0.0.1:${port}`);
  const counted = await poll(
    async () => {
      const text = (await item.innerText()).trim();
      return /1 trace · 1 hallucination/.test(text) ? text : null;
    },
    { timeout: 30_000, what: 'the status bar counting the trace and its hallucination' },
  );
  await screenshot(page, 'live-status-bar');

  await item.click();
  const rows = quickInput(page).locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
  const menu = await rows.evaluateAll((rs) => rs.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()));
  await screenshot(page, 'live-receiver-menu');
  for (const entry of ['Stop Trace Receiver', 'Open Live Folder', 'Show Live Conversations', 'Copy Endpoint URL'])
    if (!menu.some((m) => m.includes(entry))) throw new Error(`the receiver menu lacks "${entry}": ${JSON.stringify(menu)}`);
  if (!menu.some((m) => m.includes(`http://127.0.0.1:${port}/v1/traces`)))
    throw new Error(`the menu shows no endpoint URL: ${JSON.stringify(menu)}`);
  await rows.filter({ hasText: 'Show Live Conversations' }).first().click();

  await openActivityBarContainer(page, 'Hallucination Lab');
  await widenSideBar(page, 480);
  const liveRows = await poll(
    async () => {
      const r = await viewRows(page, 'Experiments').catch(() => []);
      return r.some((x) => x.includes(traceId)) ? r : null;
    },
    { timeout: 15_000, what: `the Live node listing ${traceId}` },
  );
  await screenshot(page, 'live-node');
  const errors = (await notifications(page)).filter((n) => /Hallucination Lab/.test(n) && !shownBefore.has(n));
  if (errors.length) throw new Error(`notifications raised by the flow: ${JSON.stringify(errors)}`);
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: traceId }).first();
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: /^traces-\d{4}-\d{2}-\d{2}\.jsonl/ }).waitFor({ timeout: 15_000 });
  // The marker's squiggle is drawn once the diagnostics arrive.
  await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ state: 'attached', timeout: 15_000 });
  await screenshot(page, 'live-marker');
  return { port, traceId, statusBar: counted, menu, liveRows };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const i = process.argv.indexOf('--extension');
  const extensionDir = i > 0 ? path.resolve(process.argv[i + 1]) : repoRoot;
  clearScreenshots();
  // Port 0: a free port, whatever else listens on 4318 on this machine; the status bar names it.
  const session = await startSession({ extensionDir, userSettings: { 'hallucinationLab.receiver.port': 0 } });
  let code = 0;
  try {
    console.log(JSON.stringify(await receiveLiveTrace(session.page), null, 2));
  } catch (e) {
    await screenshot(session.page, 'FAILED-live').catch(() => {});
    console.error(`[live] FAILED: ${e?.stack ?? e}`);
    code = 1;
  } finally {
    await session.close();
  }
  process.exit(code);
}
