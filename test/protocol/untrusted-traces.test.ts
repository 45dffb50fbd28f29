// Hostile trace content through the real server: a trace file swapped for a link to a file
// outside the workspace after it was added is not read (issue 14, item 13), and nothing
// trace-derived in a hover is live Markdown nor a bidi control in a diagnostic (item 14).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import MarkdownIt from 'markdown-it';
import * as P from '../../common/protocol';
import { startServer, until, type TestServer } from '../support/lspClient';
import { createExperiment, eventually, request, waitIdle, writeJsonl } from './safetyFixtures';

const started: TestServer[] = [];
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
});

const answer = (id: string, text: string) => ({
  id,
  messages: [
    { role: 'user', content: `Question ${id}: how many bridges?` },
    { role: 'assistant', content: text },
  ],
});
const markersOf = (server: TestServer, file: string) =>
  (server.diagnostics.get(pathToFileURL(file).toString())?.diagnostics ?? []).filter((d) => d.code !== 'trace-format');

test('a trace file replaced by a link outside the workspace after it was added is never read', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-swap-'));
  const root = path.join(parent, 'ws');
  const file = writeJsonl(path.join(root, 'traces', 'a.jsonl'), [answer('q000', 'Paris has exactly 1000 bridges.')]);
  // Outside: the same conversation (so a marker could be placed in it) and one more.
  const secret = writeJsonl(path.join(parent, 'secret.jsonl'), [
    answer('q000', 'Paris has exactly 1000 bridges.'),
    answer('secret', 'the password is hunter2'),
  ]);
  const server = await startServer(root);
  started.push(server);
  await request(server, P.SetTraceFiles, { files: [file] });
  const exp = await createExperiment(server, { name: 'swap', model: 'traced', pass_through: true, conversation_ids: ['q000'] });
  await waitIdle(server, exp.id);
  await request(server, P.SetActiveExperiment, { id: exp.id });
  const [marker] = await until('the marker in the file', () => (markersOf(server, file).length > 0 ? markersOf(server, file) : null));
  const item = (await request(server, P.GetExperiment, { id: exp.id })).items[0]!.annotations[0]!;
  const locate = () =>
    request(server, P.LocateAnnotation, {
      experiment_id: exp.id,
      conversation_id: 'q000',
      message_index: item.message_index,
      message_part_index: item.message_part_index,
      start_offset: item.start_offset,
      end_offset: item.end_offset,
    });
  assert.deepEqual((await locate()).range, marker!.range, 'revealing the annotation finds the marker');

  fs.rmSync(file);
  fs.symlinkSync(secret, file);
  // Markers are placed again (no watcher event yet): the link is not followed.
  await request(server, P.SetActiveExperiment, { id: exp.id });
  await until('the markers to go', () => markersOf(server, file).length === 0);
  assert.equal((await locate()).range, null, 'revealing the annotation does not read the link either');

  // The watcher reports the change: re-indexing refuses the file and says why.
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: pathToFileURL(file).toString(), type: 2 }],
  });
  const summary = await eventually('the file to be refused', async () => {
    const s = (await request(server, P.ListTraceFiles, {})).files.find((f) => f.file === file);
    return s && s.problems.length ? s : null;
  });
  assert.equal(summary.conversationCount, 0);
  assert.match(summary.problems[0]!.message, /is outside the workspace folder/);
  const ids = (await request(server, P.ListConversations, {})).conversations.map((c) => c.id);
  assert.deepEqual(ids, []);
  assert.ok(!JSON.stringify([...server.diagnostics.values()]).includes('hunter2'));
});

test('hovers show tool and parameter names as text, never as links or images; diagnostics carry no bidi control', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-hover-'));
  const tool = 'get`[click me](https://evil.example/t)`';
  const parameter = '![x](https://evil.example/p.png)';
  const trace = {
    id: 'w1',
    tools: [
      {
        type: 'function',
        function: { name: tool, description: 'Weather', parameters: { type: 'object', properties: { [parameter]: { type: 'string' } } } },
      },
    ],
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: tool, arguments: JSON.stringify({ [parameter]: 'Ly\u202eon' }) } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp_c": 18}' },
      { role: 'assistant', content: 'It is 18 °C in Paris, humidity 73%.' },
    ],
  };
  const file = writeJsonl(path.join(root, 'traces', 'w.jsonl'), [trace]);
  const server = await startServer(root);
  started.push(server);
  await request(server, P.SetTraceFiles, { files: [file] });
  const exp = await createExperiment(server, { name: 'hostile', model: 'traced', pass_through: true, conversation_ids: ['w1'] });
  await waitIdle(server, exp.id);
  await request(server, P.SetActiveExperiment, { id: exp.id });
  const onCall = await until('a marker on the tool call', () =>
    markersOf(server, file).find((d) => d.range.start.character > 0 && d.code === 'ungrounded_parameter_value'),
  );
  const all = markersOf(server, file);
  assert.ok(
    all.every((d) => !/[\u202a-\u202e\u2066-\u2069]/.test(d.message)),
    JSON.stringify(all.map((d) => d.message)),
  );

  const hover = (await server.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(file).toString() },
    position: onCall.range.start,
  })) as { contents: { value: string } };
  const html = new MarkdownIt({ html: true, linkify: true }).render(hover.contents.value);
  assert.doesNotMatch(html, /<a |<img/i, html);
  assert.match(html, /click me/, 'the name is shown, as text');
  assert.doesNotMatch(hover.contents.value, /[\u202a-\u202e\u2066-\u2069]/);
});
