#!/usr/bin/env node
// The editor layer of `npm test`: the extension in a real VS Code — the lowest it supports (1.100.3)
// and the newest that code-server offers (1.139.1), both from the npm package code-server.
//  1. checks what it needs (Chromium, and an installed or installable VS Code): when missing, prints
//     "editor tests SKIPPED: <why>" and exits 0 — or fails when CI=true;
//  2. installs VS Code once (setup.mjs; cached in .vscode-test/, a second run costs nothing);
//  3. runs the extension-host suite (launch-suite.mjs) on the lowest VS Code and again on the newest
//     (installed once like the first: setup.mjs --newest; its own cache folder; the editor language
//     model tests that need a provider run only there), and the UI tests of the packaged extension
//     (ui/ui-tests.mjs);
//  4. closes with the line `editor: N passed, N failed`, and exits non-zero on any failure.
// It builds nothing: `npm run build` must have run (dist/ and out/test/editor/suite/).
//
//   node test/editor/run.mjs [--suite-only | --ui-only | --newest-only]
//   (--suite-only: the extension-host suite on both VS Codes; --newest-only: the suite on the newest only)
// Env: CHROMIUM_PATH, HL_VSCODE_CACHE / HL_VSCODE_CACHE_NEWEST (install folders), HL_EDITOR_GREP (suite tests to run),
//      HL_EDITOR_TIMEOUT (suite, s), HL_EDITOR_TOTAL_TIMEOUT (everything, s; default 570).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath, repoRoot, suiteIndex, vscodeInstall } from './paths.mjs';
import { install, isInstalled, SetupError, whyUnavailable } from './setup.mjs';
import { cleanupAll } from './cleanup.mjs';

const ci = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const suiteOnly = process.argv.includes('--suite-only');
const uiOnly = process.argv.includes('--ui-only');
const newestOnly = process.argv.includes('--newest-only');
// The whole suite runs on both VS Codes (HL_EDITOR_GREP picks tests on both).
const grep = process.env.HL_EDITOR_GREP ?? '';
const runLowest = !uiOnly && !newestOnly;
const runNewest = !uiOnly;
const runUi = !suiteOnly && !newestOnly;
const t0 = Date.now();

function closingLine(passed, failed) {
  console.log(`editor: ${passed} passed, ${failed} failed`);
}

function unavailable(why) {
  if (ci) {
    console.log(`editor tests FAILED: cannot run here (CI=true requires them): ${why}`);
    closingLine(0, 1);
    process.exit(1);
  }
  console.log(`editor tests SKIPPED: ${why}`);
  process.exit(0);
}

// A watchdog for the whole layer: its children are killed by their own cleanup on SIGTERM.
const totalTimeoutS = Number(process.env.HL_EDITOR_TOTAL_TIMEOUT ?? 570);
const watchdog = setTimeout(async () => {
  console.log(`editor tests FAILED: still running after ${totalTimeoutS} s`);
  setTimeout(() => process.exit(1), 15_000).unref();
  await cleanupAll();
  closingLine(0, 1);
  process.exit(1);
}, totalTimeoutS * 1000);
watchdog.unref();

// ---- 1. availability -------------------------------------------------------------------------
if (!chromiumPath())
  unavailable(
    process.env.CHROMIUM_PATH
      ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`
      : 'Chromium not found at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)',
  );
try {
  createRequire(path.join(repoRoot, 'package.json')).resolve('playwright-core');
} catch {
  unavailable('playwright-core is not installed (npm install)');
}
const why = runLowest || runUi ? whyUnavailable('lowest') : null;
if (why) unavailable(why);
// The newest VS Code is optional outside CI: when it cannot be installed here, its tests are skipped with the reason.
const whyNotNewest = runNewest ? whyUnavailable('newest') : null;

// Not "unavailable" but a broken build: always a failure.
const missing = [path.join(repoRoot, 'dist', 'extension.js'), suiteIndex].filter((f) => !existsSync(f));
if (missing.length) {
  console.log(`editor tests FAILED: not built: ${missing.map((f) => path.relative(repoRoot, f)).join(', ')} (run npm run build first)`);
  closingLine(0, 1);
  process.exit(1);
}

// ---- 2. VS Code ------------------------------------------------------------------------------
for (const variant of [...(runLowest || runUi ? ['lowest'] : []), ...(runNewest && !whyNotNewest ? ['newest'] : [])]) {
  const setupStart = Date.now();
  try {
    const was = isInstalled(variant);
    install({ variant });
    if (!was)
      console.log(
        `[editor] VS Code ${vscodeInstall(variant).vscodeVersion} installed in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`,
      );
  } catch (e) {
    console.log(`editor tests FAILED: VS Code install failed: ${e instanceof SetupError ? e.message : (e?.stack ?? e)}`);
    closingLine(0, 1);
    process.exit(1);
  }
}

// ---- 3. the suite, then the UI tests ----------------------------------------------------------
let passed = 0;
let failed = 0;
const summary = [];

async function suiteOn(variant, suiteGrep, label) {
  console.log(`\n[editor] extension-host suite on VS Code ${vscodeInstall(variant).vscodeVersion} (VS Code server + headless Chromium)`);
  const { launchSuite } = await import('./launch-suite.mjs');
  try {
    const r = await launchSuite({
      extension: repoRoot,
      suite: suiteIndex,
      workspace: path.join(repoRoot, 'test', 'editor', 'fixtures', 'workspace'),
      timeoutS: Number(process.env.HL_EDITOR_TIMEOUT ?? 300),
      grep: suiteGrep,
      keep: false,
      quiet: false,
      variant,
    });
    const p = r.results?.passed ?? 0;
    const f = r.results?.failed ?? 0;
    // A suite that crashed or timed out without reporting failures still counts as one failure.
    const extra = r.exitCode !== 0 && f === 0 ? 1 : 0;
    passed += p;
    failed += f + extra;
    summary.push(`${label}: ${p} passed, ${f + extra} failed (${r.seconds.toFixed(0)} s)${r.reason ? ` — ${r.reason}` : ''}`);
  } catch (e) {
    failed += 1;
    summary.push(`${label}: could not run — ${e?.message ?? e}`);
  }
}

if (runLowest) await suiteOn('lowest', grep, 'suite');
if (runNewest) {
  if (whyNotNewest && ci) {
    failed += 1;
    summary.push(`newest: cannot run here (CI=true requires it): ${whyNotNewest}`);
  } else if (whyNotNewest) summary.push(`newest: SKIPPED — ${whyNotNewest}`);
  else await suiteOn('newest', grep, `suite on the newest (${vscodeInstall('newest').vscodeVersion})`);
}

if (runUi) {
  console.log('\n[editor] UI tests of the packaged extension (code-server + headless Chromium)');
  const { runUiTests } = await import('./ui/ui-tests.mjs');
  try {
    const r = await runUiTests({ extensionDir: repoRoot });
    passed += r.passed;
    failed += r.failed + r.notRun;
    summary.push(
      `ui: ${r.passed} passed, ${r.failed} failed${r.notRun ? `, ${r.notRun} not run after a failure` : ''} (${r.seconds.toFixed(0)} s)`,
    );
  } catch (e) {
    failed += 1;
    summary.push(`ui: could not run — ${e?.message ?? e}`);
  }
}

clearTimeout(watchdog);
console.log(`\n[editor] ${summary.join('; ')}; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
closingLine(passed, failed);
process.exit(failed > 0 ? 1 : 0);
