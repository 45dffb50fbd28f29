// Live traces in the real editor (issue 16): the receiver started by its command takes a trace
// posted over OTLP/HTTP, the ungrounded number is marked on exactly "12" in the live file, the
// Live node of the Experiments view lists the conversation with its hallucination count and opens
// it in the live file; the status bar menu's endpoint is where the exporter posted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getApi, hallucinationDiagnostics, waitFor, walkTree } from './helpers';
import { otlpChatRequest, randomTraceId } from '../../support/otlpChat';

interface Started {
  port: number;
  folder: string;
  endpoint: string;
}

suite('live traces', () => {
  test('a trace sent to the started receiver is marked on the live file and listed under Live', async function () {
    this.timeout(90_000);
    const api = await getApi();
    const started = await vscode.commands.executeCommand<Started | undefined>('hallucinationLab.startReceiver', { port: 0 });
    assert.ok(started && started.port > 0, 'the start command answers with the port it listens on');
    try {
      const traceId = randomTraceId();
      const res = await fetch(`${started.endpoint}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(otlpChatRequest(traceId)),
      });
      assert.equal(res.status, 200, 'the receiver accepted the export request');

      const row = await waitFor(
        async () => (await walkTree(api.experimentTree, 1)).find((n) => n.depth === 1 && n.item.label === traceId),
        30_000,
        `a row for conversation ${traceId} under the Live node`,
      );
      const live = (await walkTree(api.experimentTree, 0)).find((n) => n.item.label === 'Live');
      assert.ok(live, 'the Live node is a root of the Experiments view');
      assert.match(String(live.item.description), /^receiving on :\d+ · \d+ traces? · \d+ hallucinations?$/);
      assert.match(String(row.item.description), /^1 hallucination · Weather in Oslo for 5 days$/);
      const command = row.item.command;
      assert.equal(command?.command, 'hallucinationLab.openConversation');
      const [file, line] = command.arguments as [string, number];
      assert.ok(file.startsWith(started.folder), `the row opens the live file (${file})`);

      await vscode.commands.executeCommand(command.command, ...command.arguments!);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, vscode.Uri.file(file).fsPath, 'the live file is open');
      assert.equal(editor.selection.active.line, line, 'at the conversation');

      const uri = vscode.Uri.file(file);
      const marker = await waitFor(
        () => hallucinationDiagnostics(uri).find((d) => d.code === 'ungrounded_parameter_value' && d.range.start.line === line),
        30_000,
        'the marker of the planted number on the live file',
      );
      assert.equal(editor.document.getText(marker.range), '12');
    } finally {
      assert.equal(await vscode.commands.executeCommand('hallucinationLab.stopReceiver'), true, 'the stop command stops it');
    }
    await waitFor(
      async () =>
        (await walkTree(api.experimentTree, 0)).find((n) => n.item.label === 'Live' && /^stopped/.test(String(n.item.description))),
      10_000,
      'the Live node saying stopped',
    );
  });
});
