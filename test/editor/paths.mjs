// Where things live: the repo, the cached VS Code (from the npm package code-server), Chromium.
// Shared by setup.mjs, launch-suite.mjs, the UI tests and run.mjs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

export const editorTestDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(editorTestDir, '..', '..');

/** The install cache: git-ignored (`.vscode-test/`), survives between runs. Overridable for CI caches. */
export const cacheDir = process.env.HL_VSCODE_CACHE
  ? path.resolve(process.env.HL_VSCODE_CACHE)
  : path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerDir = path.join(cacheDir, 'node_modules', 'code-server');
export const vscodeDir = path.join(codeServerDir, 'lib', 'vscode');
/** The bare VS Code server (extension host + web workbench): used for the extension-host suite. */
export const serverMain = path.join(vscodeDir, 'out', 'server-main.js');
/** code-server's CLI: installs a .vsix and serves the workbench like a user's code-server. */
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const markerFile = path.join(cacheDir, '.install-complete');

export const workspaceFixture = path.join(editorTestDir, 'fixtures', 'workspace');
export const suiteIndex = path.join(repoRoot, 'out', 'test', 'editor', 'suite', 'index.js');
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts');

/** Chromium: $CHROMIUM_PATH when set (and only it), else Debian's. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((c) => existsSync(c)) ?? null;
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** User settings for a quiet test editor: no trust prompt, telemetry, updates or start page. */
export const quietEditorSettings = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'git.enabled': false,
};
