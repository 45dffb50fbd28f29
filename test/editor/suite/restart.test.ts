// Persistence: experiments live in .hallucination-lab/ in the workspace; a restarted server
// reloads them. Last: deleting removes the experiment, its folder and its markers.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { fixture, getApi, hallucinationDiagnostics, shared, waitFor, withTimeout, workspaceFile, workspaceRoot } from './helpers';

suite('persistence', () => {
  test('the experiment is stored under .hallucination-lab/ in the workspace', () => {
    assert.ok(shared.experimentId, 'the experiment ran');
    const dir = vscode.Uri.joinPath(workspaceRoot(), '.hallucination-lab').fsPath;
    assert.ok(fs.existsSync(dir), `${dir} exists`);
    const entries = fs.readdirSync(dir, { recursive: true }).map(String);
    assert.ok(
      entries.some((e) => e.includes(shared.experimentId!)),
      `something under .hallucination-lab/ is named after ${shared.experimentId} (${entries.join(', ')})`,
    );
  });

  test('after hallucinationLab.restartServer the experiment is listed again with its items', async function () {
    this.timeout(90_000);
    const api = await getApi();
    const id = shared.experimentId;
    assert.ok(id, 'the experiment ran');
    const before = await api.server.request(P.GetExperiment, { id: id });
    await withTimeout(vscode.commands.executeCommand('hallucinationLab.restartServer'), 45_000, 'hallucinationLab.restartServer');
    await withTimeout(api.ready(), 30_000, 'api.ready() after the restart');
    const listed = await waitFor(
      async () => (await api.server.request(P.ListExperiments, {}).then((r) => r.experiments)).find((e) => e.id === id),
      30_000,
      `experiment ${id} listed after the restart`,
    );
    assert.equal(listed.name, fixture.experimentName);
    assert.equal(listed.items.length, before.items.length, 'same number of items');
    const after = await api.server.request(P.GetExperiment, { id: id });
    assert.deepEqual(
      after.items
        .map((i) => [i.conversation_id, i.status, i.annotations.map((a) => [a.label, a.text, a.start_offset, a.end_offset])])
        .sort(),
      before.items
        .map((i) => [i.conversation_id, i.status, i.annotations.map((a) => [a.label, a.text, a.start_offset, a.end_offset])])
        .sort(),
      'items, statuses and annotations reloaded from .hallucination-lab/',
    );
  });

  test('deleting the experiment removes it, its folder and its markers', async function () {
    this.timeout(60_000);
    const api = await getApi();
    const id = shared.experimentId;
    assert.ok(id, 'the experiment ran');
    await api.server.request(P.SetActiveExperiment, { id: id });
    assert.equal(await api.server.request(P.DeleteExperiment, { id: id }).then((r) => r.deleted), true, 'deleteExperiment answers true');
    const remaining = await api.server.request(P.ListExperiments, {}).then((r) => r.experiments);
    assert.ok(!remaining.some((e) => e.id === id), 'no longer listed');
    const dir = vscode.Uri.joinPath(workspaceRoot(), '.hallucination-lab').fsPath;
    const entries = fs.existsSync(dir) ? fs.readdirSync(dir).map(String) : [];
    assert.ok(!entries.some((e) => e.includes(id)), `its folder is gone from .hallucination-lab/ (${entries.join(', ')})`);
    for (const rel of fixture.traceFiles)
      await waitFor(() => hallucinationDiagnostics(workspaceFile(rel)).length === 0, 15_000, `the markers on ${rel} to be cleared`);
  });
});
