// The real server process, spoken to over LSP: index trace files, run an experiment, receive markers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import * as P from '../../common/protocol';
import { startServer, until, type TestServer } from '../support/lspClient';

let server: TestServer;
let root: string;
const trace = () => path.join(root, 'traces', 'weather.jsonl');

const weather = {
  id: 'weather-1',
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Lyon"}' } }],
    },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp_c": 18}' },
    { role: 'assistant', content: 'Line one\nIt is 18 °C in Paris, humidity 73%.' },
  ],
};

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-proto-'));
  fs.mkdirSync(path.join(root, 'traces'));
  fs.writeFileSync(trace(), `${JSON.stringify(weather)}\n{"id": "broken", "messages": [\n`);
  fs.writeFileSync(path.join(root, 'traces', 'package.json'), '{"name": "not-a-trace"}');
  server = await startServer(root);
});
after(async () => server.stop());

const markers = (): Diagnostic[] =>
  (server.diagnostics.get(pathToFileURL(trace()).toString())?.diagnostics ?? []).filter((d) => d.code !== 'trace-format');

test('setTraceFiles indexes the files, reports problems, and ignores a .json that is not a trace', async () => {
  const r = await server.connection.sendRequest(P.SetTraceFiles.method, { files: [trace(), path.join(root, 'traces', 'package.json')] });
  const { files } = P.SetTraceFiles.result.parse(r);
  const w = files.find((f) => f.file === trace())!;
  assert.equal(w.conversationCount, 1);
  assert.equal(w.problems[0]!.line, 1);
  assert.equal(files.find((f) => f.file.endsWith('package.json'))!.isTrace, false);
  const diag = await until('a parse diagnostic', () =>
    server.diagnostics.get(pathToFileURL(trace()).toString())?.diagnostics.find((d) => d.code === 'trace-format'),
  );
  assert.equal(diag.range.start.line, 1);
});

test('a bad configuration comes back as field errors', async () => {
  const r = P.CreateExperiment.result.parse(
    await server.connection.sendRequest(P.CreateExperiment.method, {
      config: { name: '', model: 'traced', pass_through: true, conversation_ids: ['nope'] },
    }),
  );
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.map((e) => e.path).sort(), ['name']);
  const r2 = P.CreateExperiment.result.parse(
    await server.connection.sendRequest(P.CreateExperiment.method, {
      config: { name: 'x', model: 'traced', pass_through: true, conversation_ids: ['nope'] },
    }),
  );
  assert.ok(!r2.ok && r2.errors[0]!.message.includes('unknown conversation id "nope"'));
});

test('a pass-through experiment runs, notifies progress, and publishes markers on the exact characters', async () => {
  const created = P.CreateExperiment.result.parse(
    await server.connection.sendRequest(P.CreateExperiment.method, {
      config: { name: 'proto', model: 'traced', pass_through: true, conversation_ids: ['weather-1'] },
    }),
  );
  assert.ok(created.ok);
  const id = created.ok ? created.experiment.id : '';
  await until('the experiment to finish', () =>
    server.notifications.some(
      (n) =>
        n.method === P.ExperimentChanged.method &&
        (n.params as { experiment?: { id: string; running: boolean } }).experiment?.id === id &&
        !(n.params as { experiment: { running: boolean } }).experiment.running,
    ),
  );
  const res = P.GetExperiment.result.parse(await server.connection.sendRequest(P.GetExperiment.method, { id }));
  assert.equal(res.status_summary.completed, 1);
  const labels = res.items[0]!.annotations.map((a) => a.label).sort();
  assert.ok(labels.includes('ungrounded_parameter_value'), labels.join());
  assert.ok(labels.includes('fabricated_number'), labels.join());

  const lines = fs.readFileSync(trace(), 'utf8').split('\n');
  const covered = (d: Diagnostic) => lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);
  const ms = await until('markers', () => (markers().length >= 2 ? markers() : null));
  assert.ok(ms.every((d) => d.source === 'hallucination-lab'));
  assert.ok(ms.map(covered).includes('Lyon'));
  assert.ok(ms.some((d) => covered(d).startsWith('73')));

  const lyon = ms.find((d) => covered(d) === 'Lyon')!;
  const hover = (await server.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(trace()).toString() },
    position: lyon.range.start,
  })) as { contents: { value: string } };
  assert.match(hover.contents.value, /ungrounded parameter value/);
  assert.match(hover.contents.value, /proto/);
  assert.match(hover.contents.value, /local/);
});

test('the judge without a judge model is refused with a message naming the field', async () => {
  const r = P.CreateExperiment.result.parse(
    await server.connection.sendRequest(P.CreateExperiment.method, {
      config: { name: 'j', model: 'traced', pass_through: true, detectors: ['judge'], conversation_ids: ['weather-1'] },
    }),
  );
  assert.ok(!r.ok && r.errors.some((e) => e.path === 'judge_model' && /judge model/.test(e.message)), JSON.stringify(r));
});

test('a restarted server reloads the stored experiment', async () => {
  await server.stop();
  server = await startServer(root);
  const list = P.ListExperiments.result.parse(await server.connection.sendRequest(P.ListExperiments.method, {}));
  assert.deepEqual(
    list.experiments.map((e) => e.name),
    ['proto'],
  );
  assert.equal(list.experiments[0]!.status_summary.completed, 1);
});

test('the index follows edits in the editor and changes on disk', async () => {
  const uri = pathToFileURL(trace()).toString();
  const extra = JSON.stringify({
    id: 'weather-2',
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ],
  });
  const count = async () => {
    const r = P.ListConversations.result.parse(await server.connection.sendRequest(P.ListConversations.method, { file: trace() }));
    return r.conversations
      .map((c) => c.id)
      .sort()
      .join(',');
  };
  await server.connection.sendRequest(P.SetTraceFiles.method, { files: [trace()] });
  assert.equal(await count(), 'weather-1');
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'jsonl', version: 1, text: `${JSON.stringify(weather)}\n${extra}\n` },
  });
  for (let i = 0; i < 100 && (await count()) !== 'weather-1,weather-2'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await count(), 'weather-1,weather-2');
  await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  fs.writeFileSync(trace(), `${extra}\n`);
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  for (let i = 0; i < 100 && (await count()) !== 'weather-2'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await count(), 'weather-2');
  fs.writeFileSync(trace(), `${JSON.stringify(weather)}\n{"id": "broken", "messages": [\n`);
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
});
