// The trace receiver inside the real language server (issue 16): started by request, it takes an
// OTLP/JSON trace over HTTP, judges it when its root span arrives, tells the extension, indexes the
// live file like any trace file and marks the planted ungrounded number on its exact characters.
// A port in use is refused with a message naming the port and the setting; an untrusted workspace
// cannot start it, and losing trust stops it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { startServer, until, type TestServer } from '../support/lspClient';
import { startMockOpenAI } from '../support/mockOpenAIServer';
import { modelOf } from './safetyFixtures';
import { otlpChatRequest, randomTraceId } from '../support/otlpChat';

const started: TestServer[] = [];
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
});

function workspace(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-ws-')));
}

async function server(root: string, trusted = true, settings: Partial<P.Settings> = {}, apiKeys: Record<string, string> = {}) {
  const s = await startServer(root, { trusted, settings: P.settingsSchema.parse(settings) }, { apiKeys });
  started.push(s);
  const traces: P.ParamsOf<typeof P.LiveTraceJudged>[] = [];
  const statuses: P.ReceiverStatus[] = [];
  s.connection.onNotification(P.LiveTraceJudged.method, (p: P.ParamsOf<typeof P.LiveTraceJudged>) => traces.push(p));
  s.connection.onNotification(P.ReceiverStatusChanged.method, (p: P.ReceiverStatus) => statuses.push(p));
  return { s, traces, statuses };
}

const start = (s: TestServer, params: P.ParamsOf<typeof P.StartReceiver>) =>
  s.connection.sendRequest(P.StartReceiver.method, params) as Promise<P.ResultOf<typeof P.StartReceiver>>;

test('a trace posted to the started receiver is judged, and its ungrounded number marked on the live file', async () => {
  const root = workspace();
  const { s, traces, statuses } = await server(root);
  const started = await start(s, { port: 0 });
  assert.equal(started.folder, path.join(root, 'traces', 'live'));
  assert.equal(started.endpoint, `http://127.0.0.1:${started.port}`);
  await until('the listening status', () => statuses.find((x) => x.listening && x.port === started.port));

  const traceId = randomTraceId();
  const res = await fetch(`${started.endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(otlpChatRequest(traceId)),
  });
  assert.equal(res.status, 200);

  const judged = await until('the judged trace notification', () => traces.find((t) => t.traceId === traceId), 20_000);
  assert.equal(judged.hallucinations, 1);
  assert.equal(judged.conversations.length, 1);
  const conversation = judged.conversations[0]!;
  assert.equal(conversation.id, traceId);
  assert.equal(conversation.hallucinations, 1);
  assert.equal(conversation.model, 'gpt-4o');
  const file = judged.files[0]!;
  assert.equal(path.dirname(file), started.folder);
  assert.equal(conversation.line, 0, 'the first line of a new live file');

  // The live file is a trace file now: indexed, and the marker sits on exactly "12" in it.
  const { files } = (await s.connection.sendRequest(P.ListTraceFiles.method, {})) as P.ResultOf<typeof P.ListTraceFiles>;
  assert.ok(
    files.some((f) => f.file === file && f.conversationCount === 1),
    'the live file is listed with its conversation',
  );
  const marker = await until(
    'the marker on the live file',
    () => s.diagnostics.get(pathToFileURL(file).toString())?.diagnostics.find((d) => d.code === 'ungrounded_parameter_value'),
    20_000,
  );
  const line = fs.readFileSync(file, 'utf8').split('\n')[marker.range.start.line]!;
  assert.equal(marker.range.start.line, marker.range.end.line);
  assert.equal(line.slice(marker.range.start.character, marker.range.end.character), '12');
  const hover = (await s.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(file).toString() },
    position: marker.range.start,
  })) as { contents: { value: string } } | null;
  assert.match(hover?.contents.value ?? '', /experiment _Live traces_/);

  // The status counts it; a second trace lands on the next line of the same file.
  await until('the status with the trace', () => statuses.find((x) => x.traces === 1 && x.hallucinations === 1 && x.spans === 2));
  const second = randomTraceId();
  await fetch(`${started.endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(otlpChatRequest(second)),
  });
  const judgedSecond = await until('the second trace', () => traces.find((t) => t.traceId === second), 20_000);
  assert.equal(judgedSecond.conversations[0]!.line, 1);
  await until(
    'both markers on the live file',
    () =>
      (s.diagnostics.get(pathToFileURL(file).toString())?.diagnostics ?? []).filter((d) => d.code === 'ungrounded_parameter_value')
        .length === 2,
    20_000,
  );

  // Stopped: the port is closed, the file keeps both traces.
  const stopped = (await s.connection.sendRequest(P.StopReceiver.method, {})) as P.ResultOf<typeof P.StopReceiver>;
  assert.equal(stopped.stopped, true);
  await until('the stopped status', () => statuses.at(-1)?.listening === false);
  await assert.rejects(fetch(`${started.endpoint}/v1/traces`, { method: 'POST', body: '{}' }));
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 2);
});

test('a port in use is refused with a message naming the port and the setting', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const { s } = await server(workspace());
    await assert.rejects(start(s, { port }), (e: Error) => {
      assert.match(e.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(e.message, /hallucinationLab\.receiver\.port/);
      return true;
    });
  } finally {
    blocker.close();
  }
});

test('an untrusted workspace cannot start the receiver; losing trust stops it', async () => {
  const { s: untrusted } = await server(workspace(), false);
  await assert.rejects(start(untrusted, { port: 0 }), /not trusted: the trace receiver does not run here/);

  const { s, statuses } = await server(workspace());
  const { endpoint } = await start(s, { port: 0 });
  await s.connection.sendNotification(P.UpdateSettings.method, { settings: P.settingsSchema.parse({}), trusted: false });
  await until('the stopped status', () => statuses.find((x) => !x.listening));
  await assert.rejects(fetch(`${endpoint}/v1/traces`, { method: 'POST', body: '{}' }));
});

test('a folder outside the workspace is refused, naming the setting', async () => {
  const { s } = await server(workspace());
  await assert.rejects(
    start(s, { port: 0, folder: '../elsewhere' }),
    /not inside the workspace folder.*hallucinationLab\.receiver\.folder/,
  );
});

test('with judge on, the LLM judge runs on each trace too, and its finding is marked beside the local one', async () => {
  const KEY = 'hlk-live-judge-3f81c2';
  const mock = await startMockOpenAI({
    apiKey: KEY,
    script: (req) =>
      modelOf(req) === 'judge-model'
        ? {
            kind: 'ok',
            content: JSON.stringify({
              annotations: [
                {
                  label: 'fabricated_entity',
                  text: 'Oslo',
                  explanation: 'planted by the test judge',
                  message_part_index: null,
                  tool_name: 'get_weather',
                  parameter_name: 'city',
                  confidence: 0.9,
                },
              ],
            }),
          }
        : undefined,
  });
  try {
    const { s: noJudge } = await server(workspace());
    await assert.rejects(start(noJudge, { port: 0, judge: true }), /judge model.*hallucinationLab\.receiver\.judge/);

    const judgeModel = { model: 'judge-model', baseURL: mock.url, apiKeyName: 'JUDGE_KEY' };
    const { s, traces, statuses } = await server(workspace(), true, { judgeModel }, { JUDGE_KEY: KEY });
    const { endpoint } = await start(s, { port: 0, judge: true });
    await until('the status saying the judge runs', () => statuses.find((x) => x.listening && x.judge));
    const traceId = randomTraceId();
    await fetch(`${endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(otlpChatRequest(traceId)),
    });
    const judged = await until('the judged trace', () => traces.find((t) => t.traceId === traceId), 20_000);
    assert.equal(judged.hallucinations, 2, 'the local finding and the judge’s');
    const judgeRequests = mock.chatRequests().filter((r) => modelOf(r) === 'judge-model');
    assert.equal(judgeRequests.length, 1);
    assert.match(judgeRequests[0]!.rawBody, /Weather in Oslo for 5 days/);
    const uri = pathToFileURL(judged.files[0]!).toString();
    const markers = await until('both markers', () => {
      const d = s.diagnostics.get(uri)?.diagnostics ?? [];
      return d.length === 2 ? d : null;
    });
    assert.deepEqual(markers.map((d) => d.code).sort(), ['fabricated_entity', 'ungrounded_parameter_value']);
  } finally {
    await mock.close();
  }
});
