// The packaged extension in code-server (VS Code 1.100.3), driven in headless Chromium as a user
// would: packaging, installing, serving, the browser, and small helpers for the workbench's parts
// (command palette, quick input, views, status bar, editor, hovers) and screenshots.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDir, chromiumArgs, chromiumPath, codeServerEntry, quietEditorSettings, repoRoot, workspaceFixture } from '../paths.mjs';
import { freePort, killGroup, waitForHttp } from '../launch-suite.mjs';
import { onCleanup } from '../cleanup.mjs';

export const uiArtifacts = path.join(artifactsDir, 'ui');
const log = (msg) => console.log(`[ui] ${msg}`);

/**
 * What vsce should not even walk: it lists every file under the folder before applying
 * .vscodeignore, and git-ignored folders here are large (the cached VS Code in .vscode-test/,
 * node_modules/, benchmark data). The staging copy leaves out .git and whatever .gitignore names,
 * except the build output dist/ (which the package is made of).
 */
function gitIgnoredMatcher(extensionDir) {
  const keep = new Set(['dist']);
  let lines = [];
  try {
    lines = readFileSync(path.join(extensionDir, '.gitignore'), 'utf8').split('\n');
  } catch {
    /* no .gitignore */
  }
  const rules = lines
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => {
      const dirOnly = l.endsWith('/');
      const pat = l.replace(/^\//, '').replace(/\/$/, '');
      const re = new RegExp(
        `^${pat
          .split('*')
          .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*')}$`,
      );
      return { re, anchored: pat.includes('/'), dirOnly };
    });
  return (rel, isDir) => {
    if (rel === '' || keep.has(rel)) return false;
    if (rel === '.git' || rel === 'node_modules' || rel.endsWith('.vsix')) return true;
    const base = path.basename(rel);
    return rules.some((r) => (!r.dirOnly || isDir) && (r.anchored ? r.re.test(rel) : r.re.test(base)));
  };
}

/** A copy of the extension folder without git-ignored parts: what vsce packages (.vscodeignore applies). */
export function stageForPackaging(extensionDir, dest) {
  const ignored = gitIgnoredMatcher(extensionDir);
  cpSync(extensionDir, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(extensionDir, src).split(path.sep).join('/');
      let isDir = false;
      try {
        isDir = statSync(src).isDirectory();
      } catch {
        return false;
      }
      return !ignored(rel, isDir);
    },
  });
  return dest;
}

/** `vsce package --no-dependencies` of `extensionDir` into a temp folder; returns the .vsix path. */
export function packageExtension(extensionDir, outDir) {
  const vsix = path.join(outDir, 'extension.vsix');
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [
    vsce,
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--skip-license',
    '--allow-star-activation',
    '--out',
    vsix,
  ];
  const t0 = Date.now();
  const staged = stageForPackaging(extensionDir, path.join(outDir, 'package-stage'));
  const r = spawnSync(process.execPath, args, { cwd: staged, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  rmSync(staged, { recursive: true, force: true });
  if (r.status !== 0 || !existsSync(vsix))
    throw new Error(
      `vsce package failed (exit ${r.status ?? r.signal}):\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`,
    );
  const files = /(\d+) files?/.exec(r.stdout ?? '')?.[1];
  log(
    `packaged ${path.relative(process.cwd(), extensionDir) || '.'} in ${((Date.now() - t0) / 1000).toFixed(1)} s${files ? ` (${files} files)` : ''}`,
  );
  return vsix;
}

/** Everything one UI session needs: temp dirs, the installed .vsix, code-server and a page. */
/**
 * `extraFiles`: {relative path: content} written into the workspace copy (files only the UI
 * tests need, e.g. a trace with hostile HTML, so the suite's fixture stays as it is).
 */
export async function startSession({ extensionDir = repoRoot, vsix, fixture = workspaceFixture, userSettings = {}, extraFiles = {} } = {}) {
  const t0 = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hl-editor-ui-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  cpSync(fixture, workspace, { recursive: true });
  for (const [rel, content] of Object.entries(extraFiles)) {
    mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    writeFileSync(path.join(workspace, rel), content);
  }
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        ...quietEditorSettings,
        'extensions.ignoreRecommendations': true,
        'workbench.tips.enabled': false,
        'editor.wordWrap': 'on',
        'editor.minimap.enabled': false,
        'editor.hover.delay': 200,
        'chat.commandCenter.enabled': false,
        ...userSettings,
      },
      null,
      2,
    ),
  );
  mkdirSync(uiArtifacts, { recursive: true });

  vsix ??= packageExtension(extensionDir, tmp);
  const env = { ...process.env, VSCODE_AGENT_FOLDER: path.join(tmp, 'agent') };
  const install = spawnSync(
    process.execPath,
    [codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { encoding: 'utf8', env, timeout: 120_000 },
  );
  if (install.status !== 0) throw new Error(`--install-extension failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
  log(
    `installed ${readdirSync(extensionsDir)
      .filter((d) => !d.startsWith('.') && d !== 'extensions.json')
      .join(', ')}`,
  );

  const port = await freePort();
  const serverLog = createWriteStream(path.join(uiArtifacts, 'code-server.log'));
  const server = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  server.stdout.pipe(serverLog, { end: false });
  server.stderr.pipe(serverLog, { end: false });
  let alive = true;
  server.on('exit', () => (alive = false));

  const session = { tmp, workspace, userDataDir, extensionsDir, port, server, browser: null, page: null, consoleLines: [] };
  let closed = false;
  let unregister = () => {};
  session.close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    if (session.browser) await session.browser.close().catch(() => {});
    await killGroup(server, 'code-server');
    serverLog.end();
    rmSync(tmp, { recursive: true, force: true });
  };
  unregister = onCleanup(session.close);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, () => alive);
    const { chromium } = await import('playwright-core');
    session.browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...chromiumArgs, '--headless'] });
    const context = await session.browser.newContext({ viewport: { width: 1440, height: 900 } });
    session.page = await context.newPage();
    const consoleLog = createWriteStream(path.join(uiArtifacts, 'browser-console.log'));
    session.page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    session.page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e}\n`));
    await session.page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 60_000,
    });
    await session.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await session.page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    log(`workbench up in ${((Date.now() - t0) / 1000).toFixed(1)} s (code-server on port ${port})`);
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

// ---- screenshots -----------------------------------------------------------------------------

let shotNo = 0;
export async function screenshot(page, name) {
  const file = path.join(uiArtifacts, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  log(`  screenshot ${path.relative(repoRoot, file)}`);
  return file;
}

export function clearScreenshots() {
  mkdirSync(uiArtifacts, { recursive: true });
  for (const f of readdirSync(uiArtifacts)) if (f.endsWith('.png')) rmSync(path.join(uiArtifacts, f));
  shotNo = 0;
}

// ---- the workbench's parts -------------------------------------------------------------------

export const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputBox = (page) => page.locator('.quick-input-widget .quick-input-box input');

/** F1, type the command's title, run it. Waits for the command to be listed (extensions load late). */
export async function runCommand(page, title, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await quickInputBox(page).waitFor({ state: 'visible', timeout: 10_000 });
    await quickInputBox(page).fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3000 });
      await quickInputBox(page).press('Enter');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${title}" not found in the command palette within ${timeout} ms`, { cause: e });
    }
  }
}

/** The visible quick input: its title, placeholder, whether it has a list with checkboxes, its rows. */
export async function readQuickInput(page) {
  const widget = quickInput(page);
  if (!(await widget.isVisible())) return null;
  return widget.evaluate((w) => {
    const visible = (el) => !!el && el.offsetParent !== null && getComputedStyle(el).display !== 'none';
    const rows = [...w.querySelectorAll('.quick-input-list .monaco-list-row')].map(
      (r) => r.getAttribute('aria-label') ?? r.textContent ?? '',
    );
    const input = w.querySelector('.quick-input-box input');
    return {
      title: w.querySelector('.quick-input-title')?.textContent ?? '',
      placeholder: input?.getAttribute('placeholder') ?? '',
      value: input?.value ?? '',
      canPickMany:
        visible(w.querySelector('.quick-input-header .monaco-checkbox')) ||
        !!w.querySelector('.quick-input-list .monaco-list-row .monaco-checkbox'),
      hasList: visible(w.querySelector('.quick-input-list')) && rows.length > 0,
      rows,
      message: w.querySelector('.quick-input-message')?.textContent ?? '',
    };
  });
}

/**
 * Waits until the quick input shows something different from `previous`, or closes for good: an
 * extension asking several questions closes one quick input before it opens the next, so "closed"
 * counts only once it has lasted `settleMs`.
 */
export async function waitForQuickInputChange(page, previous, timeout = 15_000, settleMs = 2000) {
  const key = (q) => (q ? `${q.title}|${q.placeholder}|${q.hasList}|${q.rows.length}` : 'closed');
  const deadline = Date.now() + timeout;
  let closedSince = null;
  for (;;) {
    const q = await readQuickInput(page);
    if (q && key(q) !== key(previous)) return q;
    if (!q) {
      closedSince ??= Date.now();
      if (Date.now() - closedSince >= settleMs) return null;
    } else closedSince = null;
    if (Date.now() > deadline) throw new Error(`the quick input stayed at "${previous?.title || previous?.placeholder}"`);
    await page.waitForTimeout(150);
  }
}

/** Opens a view container from the activity bar by its title (e.g. "Hallucination Lab"). */
export async function openActivityBarContainer(page, title) {
  const sidebarTitle = page.locator('.part.sidebar .composite.title', { hasText: new RegExp(title, 'i') }).first();
  if (await sidebarTitle.isVisible().catch(() => false)) return;
  const item = page
    .locator(`.part.activitybar .action-item[aria-label^="${title}"], .part.activitybar a.action-label[aria-label^="${title}"]`)
    .first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await item.click();
  await sidebarTitle.waitFor({ state: 'visible', timeout: 10_000 });
}

/** Drags the sash at the side bar's right edge so that it is `width` px wide (long tree rows). */
export async function widenSideBar(page, width = 480) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The rows of a view pane in the side bar (by the pane's header title), as text. */
export async function viewRows(page, paneTitle) {
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: new RegExp(paneTitle, 'i') }) }).first();
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane
    .locator('.pane-body .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()));
}

/** The Problems entry of the status bar: its text and the sum of the numbers it shows. */
export async function problemsStatus(page) {
  const item = page.locator('.part.statusbar #status\\.problems, .part.statusbar [id="status.problems"]').first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  const label = (await item.getAttribute('aria-label')) ?? '';
  const text = (await item.innerText()).replace(/\s+/g, ' ').trim();
  const count = (text.match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
  return { text, label, count };
}

/** Ctrl+P, the file's name, Enter; waits for its editor tab. */
export async function openFile(page, relPath) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await quickInputBox(page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInputBox(page).fill(relPath);
  const base = path.basename(relPath);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).first().waitFor({ timeout: 15_000 });
  await quickInputBox(page).press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: base }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/**
 * The screen rectangle of the characters `needle` in the active editor, found in the rendered
 * lines (the editor wraps lines, so the whole JSONL line is on screen). `occurrenceContext` is a
 * longer raw text that contains needle once, to pick the right occurrence.
 */
export async function textRect(page, needle, occurrenceContext = needle) {
  return page
    .locator('.editor-instance .monaco-editor .view-lines')
    .first()
    .evaluate(
      (root, { needle, ctx }) => {
        // Concatenate the text nodes of all view lines (a wrapped line is several view lines).
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let all = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          nodes.push({ node: n, start: all.length });
          all += n.textContent.replace(/\u00a0/g, ' ');
        }
        const at = all.indexOf(ctx);
        if (at < 0) return null;
        const start = at + ctx.indexOf(needle);
        const end = start + needle.length;
        const locate = (offset) => {
          for (let i = nodes.length - 1; i >= 0; i--)
            if (nodes[i].start <= offset) return { node: nodes[i].node, offset: offset - nodes[i].start };
          return null;
        };
        const a = locate(start);
        const b = locate(end - 1);
        const range = document.createRange();
        range.setStart(a.node, a.offset);
        range.setEnd(b.node, b.offset + 1);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      },
      { needle, ctx: occurrenceContext },
    );
}

/** Moves the mouse onto `needle` in the active editor and waits for a hover containing `expect`. */
export async function hoverText(page, needle, occurrenceContext, expect, timeout = 15_000) {
  const rect = await textRect(page, needle, occurrenceContext);
  if (!rect) throw new Error(`${JSON.stringify(occurrenceContext)} is not rendered in the editor`);
  const deadline = Date.now() + timeout;
  let last = '';
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(rect.x + rect.width / 2 + (attempt % 2), rect.y + rect.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)').first();
    try {
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      last = (await hover.innerText()).trim();
      if (!expect || last.includes(expect)) return last;
    } catch {
      /* not shown yet */
    }
    if (Date.now() > deadline)
      throw new Error(`no hover mentioning ${JSON.stringify(expect)} on ${JSON.stringify(needle)} (last hover: ${JSON.stringify(last)})`);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
  }
}

/** Visible notification toasts, as text. */
export async function notifications(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((ts) => ts.map((t) => t.textContent?.trim() ?? ''));
}
