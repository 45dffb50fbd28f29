// The editor itself: the suite runs in the extension host of the expected VS Code, with the
// fixture workspace open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('smoke: the editor', () => {
  test('runs in VS Code 1.100.3', () => {
    assert.equal(vscode.version, '1.100.3');
  });

  test('has the fixture workspace open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder');
    assert.ok(folders[0].uri.path.endsWith('/workspace'), `workspace folder: ${folders[0].uri.toString()}`);
  });
});
