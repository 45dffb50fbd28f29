#!/usr/bin/env node
// Runs the extension-host test suite (out/test/editor/suite/index.js) inside a real VS Code 1.100.3:
// the VS Code server from the cached code-server install (see setup.mjs) serves the workbench, and
// headless Chromium opens it with extensionDevelopmentPath / extensionTestsPath in the payload, as
// @vscode/test-electron does with a desktop VS Code. The workbench calls `codeAutomationExit(code)`
// when the suite's run() settles.
//
//   node test/editor/launch-suite.mjs [--extension <dir>] [--suite <index.js>] [--workspace <dir>]
//                                     [--timeout <s>] [--grep <re>] [--keep] [--quiet]
//                                     [--allow-no-results]  (a --suite of another runner, e.g.
//                                     @vscode/test-cli's runner.cjs, writes no results file)
//                                     [--newest]  (the newest VS Code, paths.mjs VARIANTS.newest)
//
// On the newest VS Code, the test extension test/editor/fixtures/lm-provider is installed first
// (packaged with vsce): it registers deterministic language models for the editor language model tests.
// The workspace is a fresh temp copy of test/editor/fixtures/workspace/: nothing in the repo changes.
// The suite writes its results (JSON) to $HL_EDITOR_RESULTS; this script prints them, keeps the logs
// under test/artifacts/editor/, and exits with the suite's exit code (2 on timeout or launch failure).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  artifactsDir,
  chromiumArgs,
  chromiumPath,
  quietEditorSettings,
  repoRoot,
  lmProviderFixture,
  suiteIndex,
  vscodeInstall,
  workspaceFixture,
} from './paths.mjs';
import { isInstalled } from './setup.mjs';
import { onCleanup } from './cleanup.mjs';

const log = (msg) => console.log(`[suite] ${msg}`);

function parseArgs(argv) {
  const opts = {
    extension: repoRoot,
    suite: suiteIndex,
    workspace: workspaceFixture,
    timeoutS: Number(process.env.HL_EDITOR_TIMEOUT ?? 300),
    grep: process.env.HL_EDITOR_GREP ?? '',
    keep: false,
    quiet: false,
    variant: 'lowest',
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--extension') opts.extension = path.resolve(next());
    else if (a === '--suite') opts.suite = path.resolve(next());
    else if (a === '--workspace') opts.workspace = path.resolve(next());
    else if (a === '--timeout') opts.timeoutS = Number(next());
    else if (a === '--grep') opts.grep = next();
    else if (a === '--keep') opts.keep = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--allow-no-results') opts.allowNoResults = true;
    else if (a === '--newest') opts.variant = 'newest';
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`server exited before answering at ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
      lastErr = new Error(`HTTP ${res.status}`);
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer at ${url} within ${timeoutMs} ms (${lastErr?.message ?? ''})`);
}

/** Kills a process started with `detached: true` and everything it started (its process group). */
export async function killGroup(child, name = 'process') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 4000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
  clearTimeout(t);
  try {
    process.kill(-child.pid, 'SIGKILL'); // stragglers in the group (extension host, language server)
  } catch {
    /* all gone */
  }
  void name;
}

/** A fresh temp copy of the workspace fixture (the tests may write .hallucination-lab/ into it). */
export function copyWorkspace(fixture, into) {
  const dest = path.join(into, 'workspace');
  cpSync(fixture, dest, { recursive: true });
  return dest;
}

/** Packages test/editor/fixtures/lm-provider (vsce) and installs it into the suite's extensions folder. */
function installLmProvider(vscode, tmp, userDataDir, extensionsDir) {
  const vsix = path.join(tmp, 'lm-provider.vsix');
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const stage = path.join(tmp, 'lm-provider');
  cpSync(lmProviderFixture, stage, { recursive: true });
  const pack = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--allow-star-activation', '--out', vsix],
    { cwd: stage, encoding: 'utf8', timeout: 120_000 },
  );
  if (pack.status !== 0) throw new Error(`vsce package of the lm-provider fixture failed:\n${pack.stdout}\n${pack.stderr}`);
  const install = spawnSync(
    vscode.nodeBinary,
    [
      vscode.serverMain,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--accept-server-license-terms',
    ],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VSCODE_AGENT_FOLDER: path.join(tmp, 'agent') } },
  );
  if (install.status !== 0) throw new Error(`--install-extension of the lm-provider fixture failed:\n${install.stdout}\n${install.stderr}`);
  log('installed the test language model provider (fixtures/lm-provider)');
}

export async function launchSuite(opts) {
  const variant = opts.variant ?? 'lowest';
  const vscode = vscodeInstall(variant);
  if (!isInstalled(variant))
    throw new Error(
      `VS Code ${vscode.vscodeVersion} is not installed: run node test/editor/setup.mjs${variant === 'newest' ? ' --newest' : ''} first`,
    );
  const chromium = chromiumPath();
  if (!chromium) throw new Error('Chromium not found (/usr/bin/chromium or $CHROMIUM_PATH)');
  if (!existsSync(opts.suite)) throw new Error(`suite not built: ${opts.suite} (run npm run build)`);
  if (!existsSync(path.join(opts.extension, 'package.json'))) throw new Error(`no extension at ${opts.extension}`);

  const t0 = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hl-editor-suite-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const resultsFile = path.join(tmp, 'results.json');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(quietEditorSettings, null, 2));
  const workspace = copyWorkspace(opts.workspace, tmp);
  // The test language model provider, installed like a user's extension: the workbench takes one
  // extensionDevelopmentPath only (its payload is a Map). Only where it can register models.
  if (vscode.lmProvider) installLmProvider(vscode, tmp, userDataDir, extensionsDir);
  const logDir = path.join(artifactsDir, 'editor');
  mkdirSync(logDir, { recursive: true });
  for (const stale of ['results.json', 'timeout.png']) rmSync(path.join(logDir, stale), { force: true });
  const serverLogPath = path.join(logDir, 'server.log');
  const consoleLogPath = path.join(logDir, 'browser-console.log');
  const serverLog = createWriteStream(serverLogPath);
  const consoleLog = createWriteStream(consoleLogPath);

  const port = await freePort();
  const host = '127.0.0.1';
  log(`VS Code server on http://${host}:${port}  workspace ${workspace}`);
  log(`VS Code ${vscode.vscodeVersion} on Node ${vscode.nodeBinary === process.execPath ? process.version : vscode.nodePackage.version}`);
  const server = spawn(
    vscode.nodeBinary,
    [
      vscode.serverMain,
      '--host',
      host,
      '--port',
      String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      ...vscode.serverArgs,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // Read by test/editor/suite/index.ts inside the extension host (it inherits the server's env).
        HL_EDITOR_RESULTS: resultsFile,
        HL_EDITOR_GREP: opts.grep,
        // The version the smoke test expects (the suite runs on the lowest and the newest VS Code).
        HL_EDITOR_VSCODE_VERSION: vscode.vscodeVersion,
        // The suite looks for secrets in the logs VS Code writes there (logs/<time>/exthost1/…).
        HL_EDITOR_USER_DATA: userDataDir,
        VSCODE_AGENT_FOLDER: path.join(tmp, 'agent'),
      },
    },
  );
  server.stdout.pipe(serverLog, { end: false });
  server.stderr.pipe(serverLog, { end: false });
  let serverAlive = true;
  server.on('exit', () => (serverAlive = false));

  let browser;
  let exitCode = 2;
  let reason = '';
  let timer;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => {});
    await killGroup(server, 'VS Code server');
    serverLog.end();
    consoleLog.end();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  };
  const unregister = onCleanup(cleanup);

  try {
    await waitForHttp(`http://${host}:${port}/version`, 60_000, () => serverAlive);
    log(`server up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const { chromium: pwChromium } = await import('playwright-core');
    browser = await pwChromium.launch({ executablePath: chromium, headless: true, args: [...chromiumArgs, '--headless'] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e}\n`));

    let settle;
    const settled = new Promise((resolve) => (settle = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => settle({ code: Number(code) }));
    timer = setTimeout(() => settle({ timeout: true }), opts.timeoutS * 1000);
    server.on('exit', (code, sig) => settle({ serverExit: `${code ?? sig}` }));

    const remote = (p) => `vscode-remote://${host}:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(opts.extension)],
      ['extensionTestsPath', remote(opts.suite)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://${host}:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    log(`workbench opened; suite running (timeout ${opts.timeoutS} s)`);

    const outcome = await settled;
    if (outcome.timeout) {
      reason = `TIMEOUT after ${opts.timeoutS} s`;
      try {
        const partial = JSON.parse(readFileSync(resultsFile, 'utf8'));
        if (partial.running) reason += ` — still running: "${partial.running}"`;
      } catch {
        reason += ' — the suite reported nothing (did the extension host start?)';
      }
      await page.screenshot({ path: path.join(logDir, 'timeout.png') }).catch(() => {});
    } else if (outcome.serverExit) reason = `VS Code server exited (${outcome.serverExit})`;
    else exitCode = outcome.code;
  } catch (e) {
    reason = `launch failed: ${e?.message ?? e}`;
  }

  // Results written by the suite.
  let results = null;
  if (existsSync(resultsFile)) {
    try {
      results = JSON.parse(readFileSync(resultsFile, 'utf8'));
      writeFileSync(path.join(logDir, 'results.json'), JSON.stringify(results, null, 2));
    } catch (e) {
      reason ||= `unreadable results: ${e.message}`;
    }
  }
  unregister();
  await cleanup();

  const seconds = (Date.now() - t0) / 1000;
  if (results && !opts.quiet) printResults(results);
  if (!results && !(opts.allowNoResults && exitCode === 0)) {
    reason ||= 'the suite wrote no results (did run() start? is HL_EDITOR_RESULTS passed to the extension host?)';
    if (exitCode === 0) exitCode = 2;
  }
  if (results && exitCode === 0 && results.failed > 0) exitCode = 1;
  if (results && exitCode === 0 && results.complete === false) {
    reason ||= 'the suite did not finish';
    exitCode = 2;
  }
  if (reason) {
    log(`ERROR: ${reason}`);
    log(`logs: ${path.relative(process.cwd(), serverLogPath)}, ${path.relative(process.cwd(), consoleLogPath)}`);
    const tail = readTail(consoleLogPath, 40);
    if (tail) console.log(`[suite] last lines of the workbench console:\n${tail}`);
  }
  log(`exit code ${exitCode} after ${seconds.toFixed(1)} s`);
  return { exitCode, results, reason, seconds };
}

function readTail(file, n) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

export function printResults(results) {
  for (const t of results.tests ?? []) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.fullTitle}${t.duration != null ? ` (${t.duration} ms)` : ''}`);
  }
  for (const [i, f] of (results.failures ?? []).entries()) {
    console.log(`\n  ${i + 1}) ${f.fullTitle}\n     ${String(f.message).split('\n').join('\n     ')}`);
    const at = String(f.stack ?? '')
      .split('\n')
      .filter((l) => /^\s*at /.test(l))
      .slice(0, 4);
    if (at.length) console.log(`     ${at.map((l) => l.trim()).join('\n     ')}`);
  }
  console.log(
    `\n[suite] ${results.passed} passed, ${results.failed} failed, ${results.pending ?? 0} pending (${results.durationMs ?? '?'} ms in the extension host)`,
  );
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv);
  } catch (e) {
    console.error(`[suite] ${e.message}`);
    process.exit(2);
  }
  launchSuite(opts).then(
    (r) => process.exit(r.exitCode),
    (e) => {
      console.error(`[suite] FAILED: ${e?.message ?? e}`);
      process.exit(2);
    },
  );
}
