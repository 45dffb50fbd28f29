// The editor itself: the suite runs in the extension host of the expected VS Code, with the
// fixture workspace open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('smoke: the editor', () => {
  test('runs in the VS Code it was launched in (1.100.3, the lowest supported, or the newest)', () => {
    const expected = process.env.HL_EDITOR_VSCODE_VERSION;
    assert.ok(expected, 'HL_EDITOR_VSCODE_VERSION is set by launch-suite.mjs');
    assert.equal(vscode.version, expected);
  });

  test('has the fixture workspace open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder');
    assert.ok(folders[0].uri.path.endsWith('/workspace'), `workspace folder: ${folders[0].uri.toString()}`);
  });
});
