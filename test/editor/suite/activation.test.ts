// The extension activates in the real editor, hands back its API, and registers every command it
// contributes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CONTRACT_COMMANDS, EXTENSION_ID, getApi, withTimeout, type HallucinationLabApi } from './helpers';

suite('activation', () => {
  test('activation starts no server while nothing needs one (no view shown, no trace file open)', async function () {
    this.timeout(30_000);
    const ext = vscode.extensions.getExtension<HallucinationLabApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    const traceDocs = vscode.workspace.textDocuments.filter((d) => d.uri.path.endsWith('.jsonl'));
    assert.deepEqual(
      traceDocs.map((d) => d.uri.path),
      [],
      'precondition: no trace file is open',
    );
    assert.equal(api.server.started, false, 'the server process was not started at activation');
    await withTimeout(api.ready(), 30_000, 'api.ready() starts it on demand');
    assert.equal(api.server.started, true);
  });

  test('the extension is found and activates, returning its API', async function () {
    this.timeout(60_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `vscode.extensions.getExtension('${EXTENSION_ID}')`);
    const api = await getApi();
    assert.ok(ext.isActive, 'extension is active');
    assert.equal(typeof api.ready, 'function', 'api.ready()');
    assert.equal(typeof api.traceFiles, 'function', 'api.traceFiles()');
    assert.equal(typeof api.diagnostics, 'function', 'api.diagnostics(uri)');
    assert.equal(typeof api.traceTree?.getChildren, 'function', 'api.traceTree is a TreeDataProvider');
    assert.equal(typeof api.experimentTree?.getChildren, 'function', 'api.experimentTree is a TreeDataProvider');
    // One typed request over the protocol's specs replaced the per-method wrappers (issue 11).
    assert.equal(typeof api.server?.request, 'function', 'api.server.request(spec, params)');
    assert.equal(typeof api.server.on, 'function', 'api.server.on(spec, listener)');
  });

  test('package.json contributes the contract commands', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const contributed = ((ext.packageJSON.contributes?.commands ?? []) as { command: string }[]).map((c) => c.command);
    const missing = CONTRACT_COMMANDS.filter((c) => !contributed.includes(c));
    assert.deepEqual(missing, [], `commands missing from contributes.commands (has: ${contributed.join(', ') || 'none'})`);
  });

  test('every contributed command is registered', async () => {
    await getApi();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const contributed = ((ext.packageJSON.contributes?.commands ?? []) as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0, 'contributes.commands is not empty');
    const registered = new Set(await vscode.commands.getCommands(true));
    const unregistered = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(unregistered, [], 'contributed but not registered');
  });

  test('package.json contributes the "Hallucination Lab" activity bar container with views', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const containers = (ext.packageJSON.contributes?.viewsContainers?.activitybar ?? []) as { id: string; title: string }[];
    const container = containers.find((c) => c.title === 'Hallucination Lab');
    assert.ok(
      container,
      `an activity bar container titled "Hallucination Lab" (has: ${containers.map((c) => c.title).join(', ') || 'none'})`,
    );
    const views = (ext.packageJSON.contributes?.views?.[container.id] ?? []) as { id: string; name: string }[];
    assert.ok(
      views.length >= 2,
      `the container has the traces and experiments views (has: ${views.map((v) => v.name).join(', ') || 'none'})`,
    );
  });
});
