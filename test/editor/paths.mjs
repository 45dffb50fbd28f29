// Where things live: the repo, the cached VS Code (from the npm package code-server), Chromium.
// Shared by setup.mjs, launch-suite.mjs, the UI tests and run.mjs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

/**
 * The VS Codes the editor tests run on: the lowest supported (engines ^1.100.0; the whole suite)
 * and the newest that the npm package code-server offers and that runs here (the editor
 * language model tests: `vscode.lm.registerLanguageModelChatProvider` needs VS Code ≥ 1.104).
 * code-server ≥ 4.133 declares Node 24: that Node comes from npm too (`node-<platform>-<arch>`,
 * the official build with its headers, which node-gyp needs for VS Code's native modules).
 */
export const VARIANTS = {
  lowest: {
    codeServer: CODE_SERVER_VERSION,
    vscode: VSCODE_VERSION,
    node: null,
    cacheEnv: 'HL_VSCODE_CACHE',
    serverArgs: [],
    lmProvider: false,
  },
  // A built workbench ≥ 1.10x reads extensionDevelopmentPath / extensionTestsPath from the URL's
  // payload only with the smoke-test driver enabled.
  newest: {
    codeServer: '4.139.1',
    vscode: '1.139.1',
    node: '24.22.3',
    cacheEnv: 'HL_VSCODE_CACHE_NEWEST',
    serverArgs: ['--enable-smoke-test-driver'],
    // The test extension fixtures/lm-provider is installed (registerLanguageModelChatProvider: ≥ 1.104).
    lmProvider: true,
  },
};

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

/** Where one variant is installed and how it runs (see VARIANTS). */
export function vscodeInstall(variant = 'lowest') {
  const v = VARIANTS[variant];
  if (!v) throw new Error(`unknown VS Code variant "${variant}" (${Object.keys(VARIANTS).join(', ')})`);
  const dir = process.env[v.cacheEnv]
    ? path.resolve(process.env[v.cacheEnv])
    : path.join(repoRoot, '.vscode-test', `code-server-${v.codeServer}`);
  const csDir = path.join(dir, 'node_modules', 'code-server');
  const vsDir = path.join(csDir, 'lib', 'vscode');
  const nodePackage = v.node ? `node-${process.platform}-${process.arch}` : null;
  const nodePackageDir = nodePackage ? path.join(dir, 'node_modules', nodePackage) : null;
  return {
    variant,
    codeServerVersion: v.codeServer,
    vscodeVersion: v.vscode,
    cacheDir: dir,
    codeServerDir: csDir,
    vscodeDir: vsDir,
    serverMain: path.join(vsDir, 'out', 'server-main.js'),
    codeServerEntry: path.join(csDir, 'out', 'node', 'entry.js'),
    markerFile: path.join(dir, '.install-complete'),
    /** npm package and version of the Node this VS Code runs on; null: the Node running the tests. */
    nodePackage: nodePackage && { name: nodePackage, version: v.node },
    /** Its headers (node-gyp --nodedir) and binary; null: this Node's. */
    nodeDir: nodePackageDir,
    nodeBinary: nodePackageDir ? path.join(nodePackageDir, 'bin', 'node') : process.execPath,
    /** Extra arguments of the VS Code server (server-main.js). */
    serverArgs: v.serverArgs,
    lmProvider: v.lmProvider,
  };
}

export const workspaceFixture = path.join(editorTestDir, 'fixtures', 'workspace');
/** A test extension that registers deterministic language models (fixtures/lm-provider). */
export const lmProviderFixture = path.join(editorTestDir, 'fixtures', 'lm-provider');
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
