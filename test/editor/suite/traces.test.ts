// Trace files: the workspace setting's glob picks up the fixture traces; the server indexes them;
// the tree shows files and conversations; addTraceFiles adds files the glob does not match.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, getApi, sameFile, toFsPath, waitFor, walkTree, workspaceFile } from './helpers';

suite('trace files', () => {
  test('api.traceFiles() lists the files matched by hallucinationLab.traceFiles, and only those', async () => {
    const api = await getApi();
    const files = await waitFor(
      () => {
        const f = api.traceFiles();
        return fixture.traceFiles.every((rel) => f.some((x) => sameFile(x, workspaceFile(rel)))) ? f : undefined;
      },
      20_000,
      `api.traceFiles() to include ${fixture.traceFiles.join(', ')}`,
    );
    assert.ok(!files.some((x) => sameFile(x, workspaceFile(fixture.extraTraceFile))), 'extra/ is not matched by the glob');
    assert.ok(!files.some((x) => toFsPath(x).includes(`${path.sep}notes${path.sep}`)), 'notes/ is not a trace folder');
  });

  test('the server indexed both files and their conversations', async () => {
    const api = await getApi();
    const summaries = await waitFor(
      async () => {
        const s = await api.server.request(P.ListTraceFiles, {}).then((r) => r.files);
        return fixture.traceFiles.every((rel) => s.some((x) => sameFile(x.file, workspaceFile(rel)) && x.conversationCount > 0))
          ? s
          : undefined;
      },
      20_000,
      'listTraceFiles() to report both fixture files with conversations',
    );
    for (const rel of fixture.traceFiles) {
      const s = summaries.find((x) => sameFile(x.file, workspaceFile(rel)));
      assert.ok(s);
      assert.equal(s.isTrace, true, `${rel} is a trace`);
      assert.equal(s.conversationCount, 2, `${rel} has 2 conversations`);
      assert.deepEqual(
        s.problems.filter((p) => p.severity === 'error'),
        [],
        `${rel} has no errors`,
      );
    }
    const ids = (await api.server.request(P.ListConversations, {}).then((r) => r.conversations)).map((c) => c.id);
    for (const id of Object.values(fixture.conversations))
      assert.ok(ids.includes(id), `conversation ${id} is indexed (have: ${ids.join(', ')})`);
  });

  test('the trace tree shows both files and their conversations', async () => {
    const api = await getApi();
    const nodes = await waitFor(
      async () => {
        const n = await walkTree(api.traceTree, 3);
        return fixture.traceFiles.every((rel) => n.some((x) => x.text.includes(path.basename(rel)))) ? n : undefined;
      },
      20_000,
      'the trace tree to show weather.jsonl and orders.jsonl',
    );
    const rootTexts = nodes.filter((n) => n.depth === 0).map((n) => n.text);
    for (const rel of fixture.traceFiles)
      assert.ok(
        rootTexts.some((t) => t.includes(path.basename(rel))),
        `${rel} is a root of the trace tree (roots: ${rootTexts.join(' ; ')})`,
      );
    for (const id of Object.values(fixture.conversations))
      assert.ok(
        nodes.some((n) => n.depth > 0 && n.text.includes(id)),
        `conversation ${id} is shown under its file`,
      );
  });

  test('hallucinationLab.addTraceFiles adds files without a picker (Uri[] and Uri)', async () => {
    const api = await getApi();
    const first = workspaceFile(fixture.extraTraceFile);
    const second = workspaceFile('extra/second-trace.jsonl');
    await vscode.commands.executeCommand('hallucinationLab.addTraceFiles', [first]);
    await waitFor(
      () => api.traceFiles().some((x) => sameFile(x, first)),
      15_000,
      'api.traceFiles() to include extra/extra-trace.jsonl (Uri[] argument)',
    );
    await vscode.commands.executeCommand('hallucinationLab.addTraceFiles', second);
    await waitFor(
      () => api.traceFiles().some((x) => sameFile(x, second)),
      15_000,
      'api.traceFiles() to include extra/second-trace.jsonl (Uri argument)',
    );
    for (const rel of fixture.traceFiles)
      assert.ok(
        api.traceFiles().some((x) => sameFile(x, workspaceFile(rel))),
        `${rel} is still listed`,
      );
    await waitFor(
      async () => {
        const ids = (await api.server.request(P.ListConversations, {}).then((r) => r.conversations)).map((c) => c.id);
        return ids.includes('extra-one') && ids.includes('extra-two');
      },
      15_000,
      'the added files to be indexed (extra-one, extra-two)',
    );
  });
});
