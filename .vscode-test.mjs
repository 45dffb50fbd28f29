// @vscode/test-cli configuration: the same extension-host suite that test/editor/launch-suite.mjs
// runs in VS Code from code-server, run by `npx vscode-test` in a desktop VS Code (Electron).
//  - `npm run build` first: it bundles test/editor/suite/index.ts to out/test/editor/suite/index.js;
//    test-cli's mocha loads that file with the tdd globals defined, and the tests register at load.
//  - VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code (useInstallation.fromPath), the only
//    way on machines without internet; otherwise test-cli downloads VS Code 1.100.3.
//  - The workspace is a fresh temp copy of test/editor/fixtures/workspace (the tests write into it).
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hl-vscode-test-'));
const workspace = path.join(tmp, 'workspace');
cpSync(path.join(root, 'test', 'editor', 'fixtures', 'workspace'), workspace, { recursive: true });
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const executable = process.env.VSCODE_EXECUTABLE;

export default defineConfig({
  label: 'editor',
  files: 'out/test/editor/suite/index.js',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  ...(executable ? { useInstallation: { fromPath: executable } } : { version: '1.100.3' }),
  mocha: { ui: 'tdd', timeout: 60_000, color: true },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  env: { HL_EDITOR_RESULTS: process.env.HL_EDITOR_RESULTS },
});
