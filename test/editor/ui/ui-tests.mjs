#!/usr/bin/env node
// UI tests of the PACKAGED extension (vsce package → code-server --install-extension), driven in
// headless Chromium as a person would:
//  - F1 → "Hallucination Lab: New Experiment" opens the webview form; fill it (name, pass-through,
//    four chosen conversations) and submit; the report replaces the form and fills in;
//  - expand items: the conversation with the hallucinated spans highlighted; trace text that is
//    HTML (<img onerror>, </script>) shows as text; a highlighted span and an "open in trace"
//    button open the trace file with exactly the annotated characters selected;
//  - the Hallucination Lab tree, the Problems count and panel, a hover on a marker;
//  - "Set API Key…", then an inference experiment against a local OpenAI-compatible server (a
//    child process, 2 s per answer, one at a time): the report updates live while it runs;
//  - "Compare…" in that report → the compare panel with both experiments;
//  - live traces: "Start Trace Receiver", a script instrumented with the real OTel SDK sends a chat,
//    the status bar counts it, the Live node lists it and its marker is on the live file (liveFlow.mjs);
//  - the report's info line: tags edited (Escape cancels, Enter saves), a comment on the experiment,
//    on an annotation and on an item, then the Experiments view filtered by the new tag (infoLineFlow.mjs;
//    last, because it leaves the view filtered).
// Screenshots of every step: test/artifacts/ui/*.png.
//
//   node test/editor/ui/ui-tests.mjs [--vsix <file>] [--extension <dir>]
//
// Steps run in order; a failed step stops the ones after it (they are reported as not run).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newExperiment, NEW_EXPERIMENT_TITLE } from './flows.mjs';
import { receiveLiveTrace } from './liveFlow.mjs';
import { editInfoLine } from './infoLineFlow.mjs';
import {
  clearScreenshots,
  hoverText,
  notifications,
  openActivityBarContainer,
  openFile,
  problemsStatus,
  quickInput,
  readQuickInput,
  runCommand,
  screenshot,
  startSession,
  textRect,
  uiArtifacts,
  viewRows,
  widenSideBar,
} from './harness.mjs';
import { activeTabLabel, clickTab, poll, selectionRects, statusBarSelection, waitInFrame, webviewFrame } from './webviews.mjs';
import { startMockEndpoint } from './mockEndpoint.mjs';
import { repoRoot, workspaceFixture } from '../paths.mjs';

const EXPERIMENT_NAME = 'ui-run pass-through';
const INFERENCE_NAME = 'ui-run mock-model';
const MODEL = 'mock-model';
const CONTAINER = 'Hallucination Lab';
/** How a finished experiment's status may read in the tree. */
const FINISHED = /\b(completed?|done|finished)\b/i;
/** Chosen in the form (greeting-ada is left out): one hallucination in each but weather-rome. */
const CONVERSATIONS = ['weather-paris', 'price-kettle', 'weather-rome', 'hostile-html'];
/** The mock endpoint answers each request after this long; the runner sends one at a time. */
const MOCK_LATENCY_MS = 2500;
const API_KEY = `sk-hl-ui-${Date.now().toString(36)}`;

// A trace whose text is HTML that would run if a page inserted it as markup. Only in the UI
// tests' workspace copy (traces/** is a trace-file glob of the fixture's settings).
const IMG = '<img src=x onerror=alert(1)>';
const CLOSE_SCRIPT = '</script><script>alert(document.domain)</script>';
const HOSTILE_TRACE = `${JSON.stringify({
  id: 'hostile-html',
  messages: [
    { role: 'system', content: 'You are a shop assistant. Quote prices from the catalogue only.' },
    { role: 'user', content: `What does the ${IMG} lamp cost? ${CLOSE_SCRIPT}` },
    { role: 'assistant', content: `The ${IMG} lamp costs 77 euros. ${CLOSE_SCRIPT} <b>bold?</b>` },
  ],
  model: 'traced-model',
})}\n`;

/** Where `needle` is in line `lineNo` (0-based) of a fixture file, inside the raw text `context`: 1-based columns. */
function rawColumns(rel, lineNo, context, needle) {
  const line = readFileSync(path.join(workspaceFixture, rel), 'utf8').split('\n')[lineNo];
  const at = line.indexOf(context);
  if (at < 0) throw new Error(`${JSON.stringify(context)} is not on line ${lineNo + 1} of ${rel}`);
  const start = at + context.indexOf(needle);
  return { line: lineNo + 1, startCol: start + 1, endCol: start + needle.length + 1 };
}

/** The report's row of a conversation (rows are keyed by item id; the conversation id is shown). */
function itemRow(frame, conversationId) {
  return frame.locator('.items .row', { has: frame.locator('.conv-id', { hasText: new RegExp(`^${conversationId}$`) }) });
}

/** The report's state, read from its page: what a person sees, in numbers. */
function readReport(frame) {
  return frame.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    const card = (key) => text(`.card[data-metric="${key}"] .card-value`);
    return {
      title: document.querySelector('.report-header h1')?.firstChild?.textContent ?? null,
      runState: text('.run-state'),
      progress: text('.status-section h2 .sub'),
      statusSegments: document.querySelectorAll('.status-bar .seg').length,
      statusLabel: document.querySelector('.status-bar')?.getAttribute('aria-label') ?? null,
      rate: card('hallucination_rate'),
      total: card('total_hallucinations'),
      free: card('hallucination_free_count'),
      // the design's metric cards; the review card ("Unreviewed") is counted apart
      cards: document.querySelectorAll('.cards .card:not([data-metric="review"])').length,
      unreviewed: card('review'),
      charts: [...document.querySelectorAll('.charts .chart-card h3')].map((h) => h.firstChild?.textContent ?? ''),
      chartBars: document.querySelectorAll('.charts svg .bar').length,
      rows: [...document.querySelectorAll('.items .row:not(.placeholder)')].map((r) => ({
        id: r.querySelector('.conv-id')?.firstChild?.textContent ?? null,
        status: r.querySelector('.status')?.textContent?.trim(),
        count: r.querySelector('.hcount')?.textContent?.trim() ?? null,
      })),
    };
  });
}

export async function runUiTests({ vsix, extensionDir = repoRoot } = {}) {
  clearScreenshots();
  const results = [];
  let session;
  let mock;
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
      console.log(
        `  ✗ ${name}\n      ${String(e?.message ?? e)
          .split('\n')
          .join('\n      ')}`,
      );
      if (session?.page) await screenshot(session.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
      stopped = name;
    }
  };

  const state = { problemsBefore: null, dialogs: [], cspViolations: [], pageErrors: [] };
  try {
    await step('the packaged extension installs and the workbench opens the workspace', async () => {
      mock = await startMockEndpoint({ latencyMs: MOCK_LATENCY_MS, apiKey: API_KEY });
      session = await startSession({
        extensionDir,
        vsix,
        extraFiles: { 'traces/hostile.jsonl': HOSTILE_TRACE },
        userSettings: {
          'hallucinationLab.models': [{ model: MODEL, baseURL: mock.url }],
          'hallucinationLab.concurrency': 1,
          // A free port for the live traces step, whatever else listens on 4318 on this machine.
          'hallucinationLab.receiver.port': 0,
        },
      });
      const { page } = session;
      // Any dialog (alert from injected markup) or CSP refusal in any frame is a failure, reported at the end.
      page.on('dialog', (d) => {
        state.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => {});
      });
      page.on('console', (m) => {
        if (
          /Content Security Policy|Refused to (execute|load|apply)/i.test(m.text()) &&
          /vscode-resource|fake\.html|webview/i.test(`${m.location()?.url ?? ''} ${m.text()}`)
        )
          state.cspViolations.push(m.text().slice(0, 300));
      });
      page.on('pageerror', (e) => state.pageErrors.push(String(e?.message ?? e).slice(0, 300)));
      await screenshot(page, 'workbench');
    });

    await step(`the "${CONTAINER}" activity bar container shows the trace files`, async () => {
      const { page } = session;
      await openActivityBarContainer(page, CONTAINER);
      await widenSideBar(page, 420);
      const files = ['weather.jsonl', 'orders.jsonl', 'hostile.jsonl'];
      const deadline = Date.now() + 30_000;
      let rows = [];
      while (Date.now() < deadline) {
        rows = await viewRows(page, 'Trace').catch(() => []);
        if (files.every((f) => rows.some((r) => r.includes(f)))) break;
        await page.waitForTimeout(500);
      }
      await screenshot(page, 'traces-tree');
      for (const f of files)
        if (!rows.some((r) => r.includes(f))) throw new Error(`the Traces view lists no ${f} (rows: ${JSON.stringify(rows)})`);
      state.problemsBefore = await problemsStatus(page);
    });

    await step(
      `F1 → "${NEW_EXPERIMENT_TITLE}": the form creates a pass-through experiment on ${CONVERSATIONS.length} chosen conversations`,
      async () => {
        const { page } = session;
        // A model is configured, so the form proposes it: pass-through names its configuration "traced".
        const r = await newExperiment(page, { name: EXPERIMENT_NAME, passThrough: true, model: 'traced', conversationIds: CONVERSATIONS });
        console.log(`      steps: ${r.seen.join(' → ')}`);
        state.submittedAt = r.clickedAt;
      },
    );

    await step('the report opens in place of the form and fills in: header, progress bar, metric cards, charts, items', async () => {
      const { page } = session;
      // The webview takes 1–5 s to appear (VS Code's webview service worker, then the bundle);
      // a screenshot taken before that is blank — wait for what a person would look at.
      const frame = await webviewFrame(page, 'report', { timeout: 30_000 });
      const loadedAt = Date.now();
      await waitInFrame(
        frame,
        (n) => {
          const rows = document.querySelectorAll('.items .row:not(.placeholder)').length;
          const done = /Completed/.test(document.querySelector('.run-state')?.textContent ?? '');
          return rows === n &&
            done &&
            document.querySelector('.card[data-metric="hallucination_rate"]') &&
            document.querySelector('.charts svg')
            ? true
            : null;
        },
        CONVERSATIONS.length,
        { timeout: 30_000, what: `the report to show the completed experiment (cards, charts, ${CONVERSATIONS.length} rows)` },
      );
      const report = await readReport(frame);
      console.log(
        `      report on screen ${((loadedAt - state.submittedAt) / 1000).toFixed(1)} s after submit, filled ${((Date.now() - state.submittedAt) / 1000).toFixed(1)} s after`,
      );
      await screenshot(page, 'report');
      const tab = await activeTabLabel(page);
      if (!tab.includes(`Report: ${EXPERIMENT_NAME}`)) throw new Error(`the active tab is "${tab}", not the report`);
      const expect = (what, got, want) => {
        if (got !== want)
          throw new Error(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (report: ${JSON.stringify(report)})`);
      };
      expect('title', report.title, EXPERIMENT_NAME);
      expect('hallucination rate', report.rate, '75.0%');
      expect('hallucinations', report.total, '3');
      expect('hallucination-free', report.free, '1');
      expect('progress', report.progress, '4 of 4 items done (100%)');
      expect('status bar', report.statusLabel, 'Completed 4');
      expect('metric cards', report.cards, 10);
      // nobody has reviewed yet: every one of the 3 hallucinations is unreviewed
      expect('unreviewed', report.unreviewed, '3');
      if (report.charts.length < 4 || report.chartBars < 2)
        throw new Error(`charts: ${JSON.stringify(report.charts)} with ${report.chartBars} bars`);
      expect(
        'rows',
        report.rows
          .map((r) => `${r.id}:${r.count}`)
          .sort()
          .join(' '),
        'hostile-html:1 price-kettle:1 weather-paris:1 weather-rome:0',
      );
    });

    await step('expanding items shows each conversation with its hallucinations highlighted', async () => {
      const { page } = session;
      const frame = await webviewFrame(page, 'report');
      for (const id of ['weather-paris', 'price-kettle']) await itemRow(frame, id).click();
      const marks = await waitInFrame(
        frame,
        () => {
          const ms = [...document.querySelectorAll('.detail-row mark.hl')].map((m) => ({
            text: m.textContent,
            inArgs: !!m.closest('pre.args'),
            link: m.getAttribute('role'),
          }));
          return ms.length >= 2 ? ms : null;
        },
        undefined,
        { timeout: 10_000, what: 'two highlighted spans in the expanded rows' },
      );
      const lyon = marks.find((m) => m.text === 'Lyon');
      const price = marks.find((m) => m.text === '42');
      if (!lyon || !lyon.inArgs)
        throw new Error(`no highlight on exactly "Lyon" in the tool call's arguments (marks: ${JSON.stringify(marks)})`);
      if (!price || price.inArgs) throw new Error(`no highlight on exactly "42" in the answer text (marks: ${JSON.stringify(marks)})`);
      const detail = (await frame.locator('.detail-row').allInnerTexts()).join('\n');
      for (const expected of [
        /What's the weather in Paris today\?/,
        /get_weather/,
        /How much is the blue kettle\?/,
        /Ungrounded parameter value/,
        /Fabricated number/,
        /traces\/weather\.jsonl:1/,
      ])
        if (!expected.test(detail)) throw new Error(`the expanded rows do not show ${expected}: ${JSON.stringify(detail.slice(0, 600))}`);
      await frame.locator('.items-section > h2').evaluate((h) => h.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'report-items-expanded');
    });

    await step(
      'trace text holding <img onerror> and </script> shows as text in the report (no element, no script, no dialog)',
      async () => {
        const { page } = session;
        const frame = await webviewFrame(page, 'report');
        await itemRow(frame, 'hostile-html').click();
        const seen = await waitInFrame(
          frame,
          () => {
            const row = [...document.querySelectorAll('.items .row')].find(
              (r) => r.querySelector('.conv-id')?.textContent === 'hostile-html',
            );
            const detail = row?.nextElementSibling?.classList.contains('detail-row') ? row.nextElementSibling : null;
            if (!detail) return null;
            return {
              detail: detail.innerText,
              preview: row.querySelector('.conv-preview')?.textContent ?? '',
              marks: [...detail.querySelectorAll('mark.hl')].map((m) => m.textContent),
              imgs: document.querySelectorAll('img').length,
              onerror: document.querySelectorAll('[onerror]').length,
              bold: detail.querySelectorAll('b').length,
              scripts: [...document.scripts].filter((s) => /alert/.test(s.textContent ?? '') || /(^|\/)x$/.test(s.src)).length,
            };
          },
          undefined,
          { timeout: 10_000, what: 'the hostile-html item expanded' },
        );
        await frame
          .locator('.detail-row mark.hl', { hasText: '77' })
          .evaluate((m) => m.closest('.detail-row')?.scrollIntoView({ block: 'center' }));
        await screenshot(page, 'report-hostile-html-as-text');
        const problems = [];
        if (seen.imgs) problems.push(`${seen.imgs} <img> element(s) in the page`);
        if (seen.onerror) problems.push(`${seen.onerror} element(s) with an onerror attribute`);
        if (seen.bold) problems.push('<b> became an element');
        if (seen.scripts) problems.push(`${seen.scripts} injected <script>`);
        for (const literal of [IMG, CLOSE_SCRIPT, '<b>bold?</b>'])
          if (!seen.detail.includes(literal)) problems.push(`the text ${JSON.stringify(literal)} is not shown as text`);
        if (!seen.preview.includes(IMG))
          problems.push(`the row's preview does not show ${JSON.stringify(IMG)} as text: ${JSON.stringify(seen.preview)}`);
        if (JSON.stringify(seen.marks) !== '["77"]')
          problems.push(`expected exactly the fabricated "77" highlighted (marks: ${JSON.stringify(seen.marks)})`);
        if (state.dialogs.length) problems.push(`dialogs opened: ${JSON.stringify(state.dialogs)}`);
        if (problems.length) throw new Error(`${problems.join('; ')}\n(detail: ${JSON.stringify(seen.detail.slice(0, 600))})`);
      },
    );

    await step('clicking the highlighted "Lyon" opens weather.jsonl with exactly "Lyon" selected', async () => {
      const { page } = session;
      const frame = await webviewFrame(page, 'report');
      await frame.locator('.detail-row mark.hl', { hasText: 'Lyon' }).click();
      await poll(async () => (await activeTabLabel(page)).includes('weather.jsonl'), {
        timeout: 10_000,
        what: 'weather.jsonl to be the active editor',
      });
      const want = rawColumns('traces/weather.jsonl', 0, '\\"city\\": \\"Lyon\\"', 'Lyon');
      const sel = await poll(
        async () => {
          const s = await statusBarSelection(page);
          return s.selected > 0 ? s : null;
        },
        { timeout: 10_000, what: 'a selection in the editor' },
      );
      await page.waitForTimeout(300);
      await screenshot(page, 'open-in-trace-lyon');
      if (sel.line !== want.line || sel.col !== want.endCol || sel.selected !== 4)
        throw new Error(
          `status bar "${sel.text}": expected Ln ${want.line}, Col ${want.endCol} (4 selected) — "Lyon" at columns ${want.startCol}–${want.endCol - 1}`,
        );
      // And on screen: the selection highlight sits on the rendered characters "Lyon".
      const rects = await selectionRects(page);
      const lyon = await textRect(page, 'Lyon', '\\"city\\": \\"Lyon\\"');
      const covers = rects.some(
        (r) => Math.abs(r.x - lyon.x) < 3 && Math.abs(r.width - lyon.width) < 3 && Math.abs(r.y - lyon.y) < lyon.height,
      );
      if (!covers) throw new Error(`the selection highlight ${JSON.stringify(rects)} is not on the text "Lyon" ${JSON.stringify(lyon)}`);
      console.log(`      ${sel.text}`);
    });

    await step(
      'back in the report (reloaded, rows still expanded), "open in trace" of "42" selects exactly "42" in orders.jsonl',
      async () => {
        const { page } = session;
        await clickTab(page, `Report: ${EXPERIMENT_NAME}`);
        // The page was torn down while hidden: this is a fresh load that restores its view state.
        const frame = await webviewFrame(page, 'report', {
          ready: (f) => f.evaluate(() => document.querySelectorAll('.detail-row').length === 3),
        });
        const open = frame
          .locator('.ann-table tr', { has: frame.locator('q', { hasText: /^42$/ }) })
          .locator('button[aria-label="Open in trace"]');
        await open.click();
        await poll(async () => (await activeTabLabel(page)).includes('orders.jsonl'), {
          timeout: 10_000,
          what: 'orders.jsonl to be the active editor',
        });
        const want = rawColumns('traces/shop/orders.jsonl', 0, 'the price is 42 euros', '42');
        const sel = await poll(
          async () => {
            const s = await statusBarSelection(page);
            return s.selected > 0 ? s : null;
          },
          { timeout: 10_000, what: 'a selection in the editor' },
        );
        await screenshot(page, 'open-in-trace-42');
        if (sel.line !== want.line || sel.col !== want.endCol || sel.selected !== 2)
          throw new Error(`status bar "${sel.text}": expected Ln ${want.line}, Col ${want.endCol} (2 selected)`);
        console.log(`      ${sel.text}`);
      },
    );

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
      if (!row)
        throw new Error(
          `the Experiments view does not list "${EXPERIMENT_NAME}" (rows: ${JSON.stringify(rows)}; notifications: ${JSON.stringify(await notifications(page))})`,
        );
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
      const texts = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') || r.textContent || ''));
      await screenshot(page, 'problems-panel');
      if (!texts.some((t) => /weather\.jsonl/.test(t)))
        throw new Error(`no Problems entry for weather.jsonl (rows: ${JSON.stringify(texts)})`);
    });

    await step('opening a trace file and hovering a marker explains it', async () => {
      const { page } = session;
      // Opened by "open in trace" above: its tab is there (else, Quick Open).
      if (await page.locator('.part.editor .tabs-container .tab', { hasText: 'weather.jsonl' }).count())
        await clickTab(page, 'weather.jsonl');
      else await openFile(page, 'traces/weather.jsonl');
      await poll(async () => (await activeTabLabel(page)).includes('weather.jsonl'), {
        timeout: 10_000,
        what: 'weather.jsonl to be the active editor',
      });
      await page.waitForTimeout(500);
      // Raw text in the file: "arguments": "{\"city\": \"Lyon\"}"
      const text = await hoverText(page, 'Lyon', '\\"city\\": \\"Lyon\\"', EXPERIMENT_NAME, 20_000);
      await page.waitForTimeout(400); // the hover fades in
      await screenshot(page, 'marker-hover');
      for (const expected of [/ungrounded[ _]parameter[ _]value/i, new RegExp(EXPERIMENT_NAME)])
        if (!expected.test(text)) throw new Error(`the hover does not mention ${expected}: ${JSON.stringify(text)}`);
      await page.mouse.move(5, 5);
      await runCommand(page, 'View: Hide Panel');
    });

    await step('F1 → "Hallucination Lab: Set API Key…" stores the endpoint\'s key (a password input)', async () => {
      const { page } = session;
      await runCommand(page, 'Hallucination Lab: Set API Key');
      const input = quickInput(page).locator('.quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      const q = await poll(
        async () => {
          const r = await readQuickInput(page);
          return r && !r.value.startsWith('>') && /API key/i.test(`${r.title} ${r.placeholder}`) ? r : null;
        },
        { timeout: 10_000, what: 'the API key input box' },
      );
      if ((await input.getAttribute('type')) !== 'password')
        throw new Error(`the key input is not a password field (${JSON.stringify(q)})`);
      await input.fill(API_KEY);
      await screenshot(page, 'set-api-key');
      await input.press('Enter');
      await poll(async () => /API key saved/.test(await page.locator('.part.statusbar').innerText()), {
        timeout: 10_000,
        what: 'the status bar to say the API key was saved',
      });
    });

    await step(`the form creates an inference experiment on "${MODEL}"; its report updates live while it runs`, async () => {
      const { page } = session;
      const r = await newExperiment(page, {
        name: INFERENCE_NAME,
        passThrough: false,
        model: MODEL,
        conversationIds: CONVERSATIONS,
        shot: 'inference-form',
      });
      const states = [];
      let runningShot = false;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const frame = await webviewFrame(page, 'report', {
          timeout: 30_000,
          ready: (f) => f.evaluate(() => !!document.querySelector('.run-state')),
        });
        const s = await frame
          .evaluate(() => ({
            title: document.querySelector('.report-header h1')?.firstChild?.textContent ?? '',
            run: document.querySelector('.run-state')?.textContent?.trim() ?? '',
            progress: document.querySelector('.status-section h2 .sub')?.textContent ?? '',
            cancel: [...document.querySelectorAll('.report-header vscode-button')].some((b) => b.textContent?.trim() === 'Cancel'),
          }))
          .catch(() => null);
        if (s && s.title === INFERENCE_NAME) {
          const key = `${s.run} | ${s.progress}${s.cancel ? ' | Cancel' : ''}`;
          if (states.at(-1) !== key) states.push(key);
          if (!runningShot && /Running/.test(s.run) && /^[1-9]/.test(s.progress)) {
            await screenshot(page, 'inference-report-running');
            runningShot = true;
          }
          if (/Completed|Finished/.test(s.run)) break;
        }
        if (Date.now() > deadline) throw new Error(`the inference experiment did not finish (report states: ${JSON.stringify(states)})`);
        await page.waitForTimeout(200);
      }
      console.log(`      report states seen (${((Date.now() - r.clickedAt) / 1000).toFixed(1)} s): ${states.join('  →  ')}`);
      const live = states.filter((k) => /Running/.test(k) && /Cancel/.test(k) && /^\S+ \| [1-9]\d* of 4/.test(k));
      if (!runningShot || live.length === 0)
        throw new Error(`the report did not show the run in progress (some items done, Cancel offered): ${JSON.stringify(states)}`);
      if (new Set(states.map((k) => k.split(' | ')[1]?.split(' ')[0])).size < 3)
        throw new Error(`the progress did not move step by step in the open report: ${JSON.stringify(states)}`);
    });

    await step('the finished inference report shows latency, tokens and their charts', async () => {
      const { page } = session;
      const frame = await webviewFrame(page, 'report', {
        ready: (f) => f.evaluate(() => /Completed/.test(document.querySelector('.run-state')?.textContent ?? '')),
      });
      const report = await readReport(frame);
      const extra = await frame.evaluate(() => {
        const card = (key) => document.querySelector(`.card[data-metric="${key}"] .card-value`)?.textContent?.trim() ?? null;
        const chart = (title) =>
          [...document.querySelectorAll('.charts .chart-card')].find((c) => c.querySelector('h3')?.firstChild?.textContent === title);
        return {
          avgLatency: card('avg_response_latency_ms'),
          inputTokens: card('total_input_tokens'),
          outputTokens: card('total_output_tokens'),
          latencyChart: !!chart('Latency distribution')?.querySelector('svg'),
          tokensChart: !!chart('Tokens per item')?.querySelector('svg'),
          latencies: [...document.querySelectorAll('.items .row:not(.placeholder)')].map(
            (r) => r.children[r.children.length - 3]?.textContent ?? '',
          ),
        };
      });
      await frame
        .locator('.section', { has: frame.locator('h2', { hasText: 'Metrics' }) })
        .first()
        .evaluate((s) => s.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'inference-report');
      const stats = await mock.stats();
      console.log(
        `      ${JSON.stringify({ ...extra, rows: report.rows.map((x) => x.status), endpointRequests: stats.count, maxConcurrent: stats.maxConcurrent })}`,
      );
      const problems = [];
      if (report.rows.length !== 4 || !report.rows.every((x) => x.status === 'Completed'))
        problems.push(`rows: ${JSON.stringify(report.rows)}`);
      if (!extra.avgLatency || extra.avgLatency === '—') problems.push(`average latency: ${extra.avgLatency}`);
      if (!extra.inputTokens || extra.inputTokens === '0' || !extra.outputTokens || extra.outputTokens === '0')
        problems.push(`tokens: ${extra.inputTokens} in, ${extra.outputTokens} out`);
      if (!extra.latencyChart || !extra.tokensChart) problems.push(`charts: latency ${extra.latencyChart}, tokens ${extra.tokensChart}`);
      if (extra.latencies.some((l) => !/\d/.test(l))) problems.push(`row latencies: ${JSON.stringify(extra.latencies)}`);
      // The mock answers 401 to any other key: four answered requests mean the stored key was used.
      if (stats.count < 4) problems.push(`the endpoint answered ${stats.count} requests`);
      if (problems.length) throw new Error(problems.join('; '));
    });

    await step('"Compare…" in the report → the compare panel shows both experiments side by side', async () => {
      const { page } = session;
      const report = await webviewFrame(page, 'report');
      await report.locator('.report-header vscode-button', { hasText: 'Compare' }).click();
      // The host asks which experiments, with a multi-select quick pick in the workbench.
      const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: EXPERIMENT_NAME }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.locator('.monaco-checkbox').first().click();
      await screenshot(page, 'compare-pick');
      await quickInput(page).locator('.quick-input-box input').press('Enter');
      const frame = await webviewFrame(page, 'compare', {
        timeout: 30_000,
        ready: (f) => f.evaluate(() => document.querySelectorAll('.subject-head').length >= 2 && !!document.querySelector('.matrix')),
      });
      const seen = await frame.evaluate(() => ({
        subjects: [...document.querySelectorAll('.subject-head .name')].map((n) => n.firstChild?.textContent ?? ''),
        metricRows: document.querySelectorAll('.compare-table tbody tr').length,
        conversations: [...document.querySelectorAll('.matrix tr.row')].map((r) => r.dataset.id).sort(),
        differ: document.querySelector('.matrix')?.closest('section')?.querySelector('h2 .sub')?.textContent ?? '',
        imgs: document.querySelectorAll('img').length,
      }));
      await page.mouse.move(700, 860);
      await screenshot(page, 'compare');
      if (![INFERENCE_NAME, EXPERIMENT_NAME].every((n) => seen.subjects.includes(n)))
        throw new Error(`compare subjects: ${JSON.stringify(seen.subjects)}`);
      if (JSON.stringify(seen.conversations) !== JSON.stringify([...CONVERSATIONS].sort()))
        throw new Error(`compare rows: ${JSON.stringify(seen.conversations)}`);
      if (seen.metricRows < 10) throw new Error(`only ${seen.metricRows} metric rows`);
      if (seen.imgs) throw new Error(`${seen.imgs} <img> in the compare page`);
      const tab = await activeTabLabel(page);
      if (!tab.includes('Compare Experiments')) throw new Error(`the active tab is "${tab}"`);
      // Per conversation: weather-paris in both; expanded, each side says what it found.
      await frame.locator('.matrix tr.row[data-id="weather-paris"]').click();
      const sides = await waitInFrame(
        frame,
        () => {
          const cols = [...document.querySelectorAll('.matrix .detail-row .matrix-detail .col')].map((c) => c.innerText);
          return cols.length === 2 ? cols : null;
        },
        undefined,
        { timeout: 5000, what: 'the expanded weather-paris row with both subjects' },
      );
      const traced = sides.find((t) => t.includes(EXPERIMENT_NAME));
      if (!traced || !/Lyon/.test(traced) || !/Open in trace/.test(traced))
        throw new Error(`the pass-through side should show "Lyon" with "Open in trace": ${JSON.stringify(sides)}`);
      await frame.locator('.matrix').evaluate((m) => m.closest('section')?.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'compare-per-conversation');
      console.log(`      ${seen.subjects.join(' vs ')}: ${seen.differ}`);
    });

    await step('Ctrl+. on a marker → "Dismiss — not a hallucination…" with a reason: the marker and one problem go', async () => {
      const { page } = session;
      await runCommand(page, 'View: Close All Editor Groups');
      await openFile(page, 'traces/weather.jsonl');
      await page.waitForTimeout(500);
      const before = await problemsStatus(page);
      // The cursor on "Lyon" (raw text: "arguments": "{\"city\": \"Lyon\"}"), then the quick fixes.
      const rect = await textRect(page, 'Lyon', '\\"city\\": \\"Lyon\\"');
      if (!rect) throw new Error('"Lyon" is not rendered in weather.jsonl');
      await page.mouse.click(rect.x + rect.width / 2, rect.y + rect.height / 2);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget').first();
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      console.log('      Ctrl+. opened the quick fixes');
      const dismiss = menu.locator('.monaco-list-row', { hasText: 'Dismiss — not a hallucination' }).first();
      await dismiss.waitFor({ state: 'visible', timeout: 10_000 });
      const offered = await menu.locator('.monaco-list-row').evaluateAll((rs) => rs.map((r) => r.textContent?.trim() ?? ''));
      await screenshot(page, 'review-quick-fixes');
      if (!offered.some((t) => /Confirm hallucination/.test(t)) || !offered.some((t) => /Change label/.test(t)))
        throw new Error(`quick fixes offered: ${JSON.stringify(offered)}`);
      // By keyboard, as a person would (the menu's pointer block takes mouse clicks): down to Dismiss, Enter.
      for (let i = 0; i < 5; i++) {
        const focused =
          (await menu
            .locator('.monaco-list-row.focused')
            .first()
            .textContent()
            .catch(() => '')) ?? '';
        if (/Dismiss — not a hallucination/.test(focused)) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      const input = quickInput(page).locator('.quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('the user moved to Lyon earlier in the chat');
      await screenshot(page, 'review-dismiss-reason');
      await input.press('Enter');
      const after = await poll(
        async () => {
          const now = await problemsStatus(page);
          return now.count === before.count - 1 ? now : null;
        },
        { timeout: 15_000, what: `the Problems count to go from ${before.count} to ${before.count - 1}` },
      );
      await page.waitForTimeout(300);
      await screenshot(page, 'review-dismissed');
      console.log(`      status bar Problems: "${before.text}" → "${after.text}"`);
    });

    await step(
      '"Start Trace Receiver", a real OTel exporter sends a chat: counted, listed under Live, marked on the live file',
      async () => {
        await runCommand(session.page, 'View: Close All Editor Groups');
        const seen = await receiveLiveTrace(session.page);
        console.log(`      port ${seen.port}: "${seen.statusBar}"; trace ${seen.traceId} marked on the live file`);
      },
    );

    await step(
      "the report's info line: tags edited and saved, comments on the experiment, an annotation and an item; the view filtered by tag",
      async () => {
        await runCommand(session.page, 'View: Close All Editor Groups');
        const seen = await editInfoLine(session.page);
        console.log(`      tags ${JSON.stringify(seen.tagged.tags)}; ${seen.commented.comments}`);
      },
    );

    await step('no webview raised a dialog, a CSP violation or an uncaught error', async () => {
      const problems = [
        ...state.dialogs.map((d) => `dialog ${d}`),
        ...state.cspViolations.map((c) => `CSP: ${c}`),
        ...state.pageErrors.filter((e) => /hallucination|report|form|compare/i.test(e)).map((e) => `error: ${e}`),
      ];
      if (problems.length) throw new Error(problems.join('\n'));
    });
  } finally {
    if (session) await session.close();
    if (mock) await mock.close();
  }
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.filter((r) => r.state === 'failed').length;
  const notRun = results.filter((r) => r.state === 'not run').length;
  const seconds = (Date.now() - t0) / 1000;
  console.log(
    `[ui] ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''} in ${seconds.toFixed(1)} s; screenshots in ${path.relative(process.cwd(), uiArtifacts)}`,
  );
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
