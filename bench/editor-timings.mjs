#!/usr/bin/env node
// What a user waits for in the real editor (code-server 4.100.3 = VS Code 1.100.3, headless
// Chromium, the packaged extension), this build beside a baseline build (a git revision, by
// default the commit this branch started from), both sessions alive at once and their steps
// interleaved so that machine load falls on both:
//  - report first paint: click on the experiment's Open Report action (300 items, ~1,000 annotations) in the
//    Experiments view → the report panel → first rows painted; measured by the webview itself
//    from its own navigation start (performance.timeOrigin) to its `hl:painted` mark, and from the
//    click; p50/p90 over --opens panel opens (each open is a new webview);
//  - activation to ready: a window reloaded with the Hallucination Lab views open → VS Code
//    activates the extension (its exthost.log line) → both views populated (Trace Files lists
//    travel.jsonl, Experiments the experiment); --reloads times;
//  - a window whose workspace has no trace file and no store: the views open (activation), and no
//    server process is started (checked in the process table, after a check that the same probe
//    does see the server of the first session).
//
//   npm run build && HL_VSCODE_CACHE=… node bench/editor-timings.mjs [--opens 10] [--reloads 3]
//                                                       [--baseline <git ref>] [--no-baseline] [--report-only]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/editor/paths.mjs';
import { openActivityBarContainer, packageExtension, runCommand, startSession, viewRows } from '../test/editor/ui/harness.mjs';
import { describeWebviews, poll, webviewFrame } from '../test/editor/ui/webviews.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const OPENS = Number(arg('--opens', 10));
/** Only the report's first paint: no window reloads, no window without trace files. */
const REPORT_ONLY = process.argv.includes('--report-only');
const RELOADS = REPORT_ONLY ? 0 : Number(arg('--reloads', 3));
const GOAL_P90_MS = 300;
const CONTAINER = 'Hallucination Lab';
const EXPERIMENT_NAME = 'bench report 300 items';
const log = (m) => console.log(`[bench] ${m}`);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

// ---- builds ------------------------------------------------------------------------------------

/** The production build of a git revision in a folder of its own (cached by commit). */
function buildRevision(ref) {
  const sha = execFileSync('git', ['rev-parse', ref], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const dir = path.join(repoRoot, 'bench', '.data', `build-${sha.slice(0, 12)}`);
  if (!existsSync(path.join(dir, 'dist', 'webview', 'report.js'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const archive = spawnSync('git', ['archive', '--format=tar', sha], { cwd: repoRoot, maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new Error(`git archive ${sha} failed: ${archive.stderr}`);
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    buildProduction(dir);
  }
  return { dir, sha };
}

function buildProduction(dir) {
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the build in ${dir} failed:\n${r.stdout}\n${r.stderr}`);
}

/** Bytes of the report page's first load: report.js and the chunks it imports statically (ES module imports). */
function reportFirstLoad(dir) {
  const webview = path.join(dir, 'dist', 'webview');
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"();]*?from\s*)?["'](\.[^"']+)["']/g))
      visit(path.resolve(path.dirname(file), m[1]));
  };
  visit(path.join(webview, 'report.js'));
  const bytes = [...seen].reduce((n, f) => n + statSync(f).size, 0);
  const chunksDir = path.join(webview, 'chunks');
  const lazy = existsSync(chunksDir)
    ? readdirSync(chunksDir)
        .map((f) => path.join(chunksDir, f))
        .filter((f) => f.endsWith('.js') && !seen.has(f))
        .reduce((n, f) => n + statSync(f).size, 0)
    : 0;
  return { files: seen.size, bytes, lazy };
}

function makeWorkspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hl-bench-editor-ws-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'lib', 'reportWorkspace.ts'), dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the workspace could not be made:\n${r.stderr}`);
  return { dir, ...JSON.parse(r.stdout.trim().split('\n').at(-1)) };
}

function emptyWorkspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hl-bench-editor-empty-'));
  writeFileSync(path.join(dir, 'README.md'), '# A project without trace files\n');
  return dir;
}

// ---- probes ------------------------------------------------------------------------------------

/** Processes running a dist/server.js under `extensionsDir` (the session's installed extension). */
function serverProcesses(extensionsDir) {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return out.split('\n').filter((l) => l.includes(extensionsDir) && /dist[\\/]server\.js/.test(l));
}

/** Epoch ms of each activation of our extension in the session's extension-host logs (local time stamps). */
function activationTimes(userDataDir) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost\.log$/.test(e.name)) files.push(p); // remoteexthost.log in code-server
    }
  };
  if (existsSync(path.join(userDataDir, 'logs'))) walk(path.join(userDataDir, 'logs'));
  const times = [];
  for (const f of files)
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) .*_doActivateExtension hallucination-lab\./.exec(line);
      if (m) times.push(new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime());
    }
  return times.sort((a, b) => a - b);
}

async function viewsPopulated(page) {
  const traces = await viewRows(page, 'Trace Files').catch(() => []);
  const experiments = await viewRows(page, 'Experiments').catch(() => []);
  return traces.some((r) => r.includes('travel.jsonl')) && experiments.some((r) => r.includes(EXPERIMENT_NAME));
}

// ---- measurements --------------------------------------------------------------------------------

/** Click on the experiment → the report webview paints its first rows. */
async function openReportOnce(session) {
  const { page } = session;
  await runCommand(page, 'View: Close All Editors');
  await poll(async () => !/report/.test(await describeWebviews(page)), { timeout: 15_000, what: 'no report webview left' });
  await openActivityBarContainer(page, CONTAINER);
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Experiments/i }) }).first();
  const row = pane.locator('.pane-body .monaco-list-row', { hasText: EXPERIMENT_NAME }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  // The experiment's inline "Open Report" action (shown on hover), as a user opens it.
  await row.hover();
  const action = row.locator('.actions .action-label[aria-label^="Open Report"]').first();
  await action.waitFor({ state: 'visible', timeout: 10_000 });
  const clickedAt = Date.now();
  await action.click();
  const frame = await webviewFrame(page, 'report', {
    timeout: 60_000,
    ready: (f) => f.evaluate(() => performance.getEntriesByName('hl:painted').length > 0),
  });
  // The first rows: painted from the page's HTML (its static first screen, after the `load` event
  // VS Code waits for to show the frame), or, in a build without one, by the page's script.

  const r = await frame.evaluate(
    ({ clickedAt }) => {
      const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
      const painted = mark('hl:first-screen-painted') ?? mark('hl:painted');
      const resources = performance.getEntriesByType('resource');
      const script = resources.find((r) => /\/report\.js(\?|$)/.test(r.name));
      // The stylesheet link is the first thing in the written page's head (before the first
      // screen): its request marks the moment VS Code wrote the extension's HTML into fake.html.
      const css = resources.find((r) => /\/codicon\.css(\?|$)/.test(r.name));
      const fake = performance.getEntriesByType('navigation')[0];
      return {
        fakeLoaded: fake ? fake.responseEnd : null,
        // VS Code's fake.html goes through the webview service worker: when the browser got to run it.
        workerStart: fake && fake.workerStart > 0 ? fake.workerStart : null,
        // A page with a static first screen marks the end of its parsing (its stylesheet comes after `load`).
        written: mark('hl:first-screen-parsed') ?? (css ? css.startTime : null),
        fromNavigation: painted,
        fromClick: performance.timeOrigin + painted - clickedAt,
        navigationAfterClick: performance.timeOrigin - clickedAt,
        scriptRequested: script ? script.startTime : null,
        scriptLoaded: script ? script.responseEnd : null,
        data: mark('hl:data'),
        live: mark('hl:painted'),
        // The browser's own: text first painted in the frame (VS Code keeps the frame hidden until the
        // page's load event), whichever build wrote it.
        contentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        // The rows the first paint showed: the static first screen's, or the live page's.
        rows: performance.getEntriesByName('hl:first-screen-painted')[0]?.detail?.rows ?? document.querySelectorAll('.items .row').length,
      };
    },
    { clickedAt },
  );
  // The page settles (all rows built, charts drawn) before the next open: what one open still
  // loads must not fall into the next one's clock (VS Code's webview service worker serves both).
  await poll(() => frame.evaluate(() => ['hl:rows-complete', 'hl:phase:charts'].every((m) => performance.getEntriesByName(m).length > 0)), {
    timeout: 20_000,
    what: 'the report settled',
  }).catch(() => log('the report did not settle within 20 s'));
  await page.waitForTimeout(500);
  return r;
}

/** Reload the window (the views stay open) → activation → both views populated. */
async function reloadToReady(session) {
  const { page } = session;
  const before = activationTimes(session.userDataDir).length;
  await page.reload({ waitUntil: 'domcontentloaded' });
  const navigationStart = await page.evaluate(() => performance.timeOrigin);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The workbench restores the side bar it showed: clicking the activity bar icon while that is
  // under way would toggle the side bar off. Click only if the views do not come back by themselves.
  const restored = await page
    .locator('.part.sidebar .pane-header', { hasText: /Experiments/i })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  if (!restored) await openActivityBarContainer(page, CONTAINER);
  await poll(() => viewsPopulated(page), { timeout: 90_000, interval: 50, what: 'both views populated' });
  const readyAt = Date.now();
  const activations = activationTimes(session.userDataDir);
  const activatedAt = activations.length > before ? activations.at(-1) : null;
  return {
    windowToReady: readyAt - navigationStart,
    windowToActivation: activatedAt === null ? null : activatedAt - navigationStart,
    activationToReady: activatedAt === null ? null : readyAt - activatedAt,
  };
}

// ---- statistics --------------------------------------------------------------------------------

function pct(values, q) {
  const s = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
const summary = (values) => `p50 ${ms(pct(values, 0.5))}  p90 ${ms(pct(values, 0.9))}  (${ms(pct(values, 0))}–${ms(pct(values, 1))})`;

function printReport(sessions, ws) {
  console.log(`\nreport for ${ws.items} items / ${ws.annotations} annotations, ${OPENS} panel opens per build (interleaved)`);
  for (const s of sessions) {
    const o = s.opens;
    console.log(`  ${s.build.name}`);
    console.log(`    webview navigation start → first rows painted: ${summary(o.map((x) => x.fromNavigation))}`);
    console.log(`    click on Open Report → first rows painted: ${summary(o.map((x) => x.fromClick))}`);
    console.log(
      `    webview navigation start → first contentful paint (the browser's paint timing): ${summary(o.map((x) => x.contentfulPaint))}`,
    );
    console.log(`      of which click → webview navigation start: ${summary(o.map((x) => x.navigationAfterClick))}`);
    console.log(`      navigation → service worker runs for fake.html: ${summary(o.map((x) => x.workerStart))}`);
    console.log(
      `      navigation → fake.html loaded: ${summary(o.map((x) => x.fakeLoaded))}; → page written (first screen: parsed): ${summary(o.map((x) => x.written))}`,
    );
    console.log(
      `      navigation → report.js requested: ${summary(o.map((x) => x.scriptRequested))}; → loaded: ${summary(o.map((x) => x.scriptLoaded))}`,
    );
    console.log(
      `      navigation → state read (hl:data): ${summary(o.map((x) => x.data))}; → live page painted: ${summary(o.map((x) => x.live))}`,
    );
    console.log(
      `      page written → first rows painted (this page's own part): ${summary(o.map((x) => (x.written === null ? null : x.fromNavigation - x.written)))}`,
    );
    console.log(`    rows on the first paint: ${[...new Set(o.map((x) => x.rows))].join(', ')}`);
    const p90 = pct(
      o.map((x) => x.fromNavigation),
      0.9,
    );
    console.log(`    goal p90 ≤ ${GOAL_P90_MS} ms from navigation start: ${p90 <= GOAL_P90_MS ? 'MET' : 'MISSED'}`);
  }
}

function printActivation(sessions) {
  console.log(`\nactivation to ready, ${RELOADS} window reloads per build with the views open (interleaved)`);
  for (const s of sessions) {
    const r = s.reloads;
    console.log(`  ${s.build.name}`);
    console.log(`    extension activated (exthost.log) → both views populated: ${summary(r.map((x) => x.activationToReady))}`);
    console.log(
      `    window navigation start → activated: ${summary(r.map((x) => x.windowToActivation))}; → ready: ${summary(r.map((x) => x.windowToReady))}`,
    );
  }
}

// ---- main --------------------------------------------------------------------------------------

async function main() {
  const withBaseline = !process.argv.includes('--no-baseline');
  const baseRef = arg('--baseline', execFileSync('git', ['merge-base', 'HEAD', 'main'], { cwd: repoRoot, encoding: 'utf8' }).trim());
  log(`machine: ${os.cpus().length} CPUs, load average ${load()}`);
  buildProduction(repoRoot);
  const builds = [{ name: 'this build', dir: repoRoot }];
  if (withBaseline) {
    const base = buildRevision(baseRef);
    builds.unshift({ name: `baseline ${base.sha.slice(0, 8)}`, dir: base.dir });
  }
  for (const b of builds) {
    const fl = reportFirstLoad(b.dir);
    log(
      `${b.name}: report first load ${(fl.bytes / 1024).toFixed(0)} KB in ${fl.files} file(s), ${(fl.lazy / 1024).toFixed(0)} KB in chunks loaded later`,
    );
  }
  const ws = makeWorkspace();
  log(`workspace: ${ws.items} items, ${ws.annotations} annotations (experiment ${ws.experimentId})`);
  const pack = mkdtempSync(path.join(os.tmpdir(), 'hl-bench-editor-vsix-'));
  const sessions = [];
  try {
    for (const [i, b] of builds.entries()) {
      const out = path.join(pack, String(i));
      mkdirSync(out);
      b.vsix = packageExtension(b.dir, out);
    }
    for (const b of builds) {
      const session = await startSession({ vsix: b.vsix, fixture: ws.dir });
      sessions.push({ build: b, session, opens: [], reloads: [] });
      await openActivityBarContainer(session.page, CONTAINER);
      await poll(() => viewsPopulated(session.page), { timeout: 120_000, what: `${b.name}: both views populated` });
    }
    // The probe of the no-server check must see a running server.
    const seen = serverProcesses(sessions[0].session.extensionsDir);
    if (seen.length === 0) throw new Error('the process probe finds no server in a window that shows experiments: it cannot be trusted');

    for (let i = 0; i < OPENS; i++) {
      for (const s of i % 2 ? [...sessions].reverse() : sessions) s.opens.push(await openReportOnce(s.session));
      log(
        `open ${i + 1}/${OPENS}: ${sessions.map((s) => `${s.build.name} ${ms(s.opens.at(-1).fromNavigation)} (service worker ${ms(s.opens.at(-1).workerStart)})`).join(', ')} (load ${load()})`,
      );
    }
    printReport(sessions, ws);
    for (const s of sessions) await runCommand(s.session.page, 'View: Close All Editors');
    for (let i = 0; i < RELOADS; i++) {
      for (const s of i % 2 ? [...sessions].reverse() : sessions)
        s.reloads.push(
          await reloadToReady(s.session).catch((e) => {
            log(`${s.build.name}: reload ${i + 1} not measured: ${e.message.split('\n')[0]}`);
            return { windowToReady: null, windowToActivation: null, activationToReady: null };
          }),
        );
      log(`reload ${i + 1}/${RELOADS}: ${sessions.map((s) => `${s.build.name} ${ms(s.reloads.at(-1).activationToReady)}`).join(', ')}`);
    }
    if (RELOADS > 0) printActivation(sessions);
  } finally {
    for (const s of sessions) await s.session.close();
  }

  if (REPORT_ONLY) {
    rmSync(pack, { recursive: true, force: true });
    rmSync(ws.dir, { recursive: true, force: true });
    console.log(`load average at the end: ${load()}`);
    return;
  }
  // A window with nothing to show: the views open, the extension activates, no server starts.
  const current = builds.at(-1);
  const empty = await startSession({ vsix: current.vsix, fixture: emptyWorkspace() });
  let emptyResult;
  try {
    await openActivityBarContainer(empty.page, CONTAINER);
    await poll(async () => activationTimes(empty.userDataDir).length > 0, { timeout: 60_000, what: 'the extension activated' });
    await empty.page.waitForTimeout(5000);
    emptyResult = { activated: activationTimes(empty.userDataDir).length, servers: serverProcesses(empty.extensionsDir).length };
  } catch (e) {
    console.log(`\nworkspace without trace files: not measured (${e.message.split('\n')[0]})`);
    return;
  } finally {
    await empty.close();
    rmSync(pack, { recursive: true, force: true });
    rmSync(ws.dir, { recursive: true, force: true });
  }

  console.log(
    `\nworkspace without trace files or store, views opened: extension activated ${emptyResult.activated} time(s), ` +
      `server processes ${emptyResult.servers} ${emptyResult.servers === 0 ? '(none started: as required)' : '(STARTED: not as required)'}`,
  );
  console.log(`load average at the end: ${load()}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
