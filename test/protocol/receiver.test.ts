// `hallucination-lab receive` as a user runs it: the real OTel SDK exporters (OTLP/HTTP JSON and
// protobuf) send a chat whose tool call carries an ungrounded number; the live file holds what they
// sent, the indexer reads the conversation, the planted number is reported on the trace's line.
// Bad input is answered as the OTLP specification says and never stops the receiver; concurrent
// exporters lose nothing; Ctrl-C exits 0; a port in use is one clear line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { encodeProtobufRequest } from '../../server/core/receiver/otlpCodec';
import { TraceIndex } from '../../server/core/traceIndex';

const repo = path.resolve(__dirname, '..', '..');
const tsx = require.resolve('tsx');
const cliArgs = ['--import', tsx, path.join(repo, 'server', 'cli.ts'), 'receive'];

interface Running {
  child: ChildProcess;
  port: number;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/** Starts `receive` on a free port and waits for its first line. */
async function startReceiver(cwd: string, extra: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [...cliArgs, '--port', '0', '--out', 'live', '--idle-seconds', '60', ...extra], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`receive exited ${code}: ${err}`)));
  });
  return { child, port, out: () => out, err: () => err, exited };
}

async function waitFor(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function post(
  port: number,
  body: Buffer,
  headers: http.OutgoingHttpHeaders,
  agent?: http.Agent,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { 'Content-Length': body.length, ...headers },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        // the server closes a refused connection: a reset after the answer is not the test's failure
        res.on('error', (e) => reject(e));
      },
    );
    // An oversized body is refused before it is all sent: the write may then fail after the answer.
    req.on('error', (e) => reject(e));
    // ...and the socket's write error can come after the request closed, with no request to carry it
    req.on('socket', (socket) => socket.on('error', () => undefined));
    req.end(body);
  });
}

/** Every span of the live files, as written. */
function spansIn(folder: string): { traceId: string; spanId: string; attributes?: { key: string; value: { stringValue?: string } }[] }[] {
  const spans = [];
  for (const f of fs.readdirSync(folder).filter((n) => n.startsWith('traces-'))) {
    for (const line of fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean)) {
      const request = JSON.parse(line) as { resourceSpans?: { scopeSpans: { spans: ReturnType<typeof spansIn> }[] }[] };
      for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
  }
  return spans;
}

const USER = 'Weather in Oslo for 5 days';
const TOOLS = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
];

/** An agent span with a chat span under it, as an OTel GenAI instrumentation records them; returns the trace id. */
async function sendChat(exporter: SpanExporter): Promise<string> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('receiver-test');
  const root = tracer.startSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: USER }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', days: 12 } }],
            finish_reason: 'tool_call',
          },
        ]),
        'gen_ai.tool.definitions': JSON.stringify(TOOLS),
      },
    },
    otelTrace.setSpan(context.active(), root),
  );
  chat.end();
  // Each span is its own request (SimpleSpanProcessor): the chat's export is let through before the
  // root ends, as when a child ends well before its root. Two requests sent at once may arrive in
  // either order; a child that arrives after its root is judged again when the trace is idle
  // (traceCompletion.ts), which this test's 60 s idle time would not wait for.
  await provider.forceFlush();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

let dir: string;
let receiver: Running;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-receive-'));
  receiver = await startReceiver(dir, ['--max-body-mb', '8']);
});

after(() => {
  if (receiver.child.exitCode === null) receiver.child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const [encoding, Exporter] of [
  ['JSON', JsonExporter],
  ['protobuf', ProtoExporter],
] as const) {
  test(`the ${encoding} exporter's chat is written, indexed, and its ungrounded number reported`, async () => {
    const traceId = await sendChat(new Exporter({ url: `http://127.0.0.1:${receiver.port}/v1/traces` }));
    await waitFor(() => receiver.out().includes(`trace ${traceId}`), `the line of trace ${traceId}`);
    const line = receiver
      .out()
      .split('\n')
      .find((l) => l.startsWith(`trace ${traceId}`))!;
    assert.match(line, /1 conversation {2}· {2}1 hallucination {2}·/);
    assert.match(line, /ungrounded_parameter_value get_weather\.days "12"/);

    const written = spansIn(path.join(dir, 'live')).filter((s) => s.traceId === traceId);
    assert.equal(written.length, 2);
    const chat = written.find((s) => s.attributes?.some((a) => a.key === 'gen_ai.input.messages'))!;
    assert.equal(JSON.parse(chat.attributes!.find((a) => a.key === 'gen_ai.input.messages')!.value.stringValue!)[0].parts[0].content, USER);

    const file = path.join(
      dir,
      'live',
      fs.readdirSync(path.join(dir, 'live')).find((n) => n.startsWith('traces-'))!,
    );
    const index = new TraceIndex((f) => f);
    await index.load(file);
    const conversation = index.conversations(file).find((c) => c.metadata?.trace_id === traceId);
    assert.ok(conversation, 'the indexer reads the conversation from the live file');
    assert.equal(conversation.messages[0]?.content, USER);
  });
}

test('a gzip JSON body is accepted; spans with invalid ids are a partial success', async () => {
  const good = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parentSpanId: 'ef'.repeat(8), name: 'x' };
  const body = zlib.gzipSync(
    JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [good, { ...good, traceId: '00'.repeat(16) }] }] }] }),
  );
  const res = await post(receiver.port, body, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
  assert.equal(res.status, 200);
  const answer = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(answer.partialSuccess.rejectedSpans, '1');
  assert.match(answer.partialSuccess.errorMessage, /traceId/);
  assert.equal(spansIn(path.join(dir, 'live')).filter((s) => s.traceId === good.traceId).length, 1);
});

test('GenAI log records posted to /v1/logs are kept in the live trace file beside the spans, in OTLP/JSON', async () => {
  const record = {
    timeUnixNano: '1741597202300000000',
    traceId: 'ab'.repeat(16),
    spanId: 'cd'.repeat(8),
    eventName: 'gen_ai.client.inference.operation.details',
    body: { stringValue: 'details' },
  };
  const res = await fetch(`http://127.0.0.1:${receiver.port}/v1/logs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {});
  const files = fs.readdirSync(path.join(dir, 'live'));
  assert.ok(
    files.every((n) => n.startsWith('traces-')),
    files.join(', '),
  );
  const lines = files.flatMap((n) =>
    fs
      .readFileSync(path.join(dir, 'live', n), 'utf8')
      .trim()
      .split('\n'),
  );
  const logLines = lines
    .map((l) => JSON.parse(l) as { resourceLogs?: { scopeLogs: { logRecords: unknown[] }[] }[] })
    .filter((l) => l.resourceLogs);
  assert.equal(logLines.length, 1);
  assert.deepEqual(logLines[0]!.resourceLogs![0]!.scopeLogs[0]!.logRecords, [record]);
});

test('bad input is answered 400, 413, 415, and the receiver goes on', async () => {
  const request = {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '12'.repeat(16), spanId: '34'.repeat(8), name: 'truncated' }] }] }],
  };
  const protobuf = encodeProtobufRequest('traces', request);
  assert.equal(
    (await post(receiver.port, protobuf.subarray(0, protobuf.length - 5), { 'Content-Type': 'application/x-protobuf' })).status,
    400,
  );
  const notOtlp = await post(receiver.port, Buffer.from('{"data":[{"id":1}]}'), { 'Content-Type': 'application/json' });
  assert.equal(notOtlp.status, 400);
  assert.match(JSON.parse(notOtlp.body.toString()).message, /not an OTLP export request/);
  assert.equal((await post(receiver.port, Buffer.from('{"resourceSpans": ['), { 'Content-Type': 'application/json' })).status, 400);
  assert.equal((await post(receiver.port, Buffer.from('hello'), { 'Content-Type': 'text/plain' })).status, 415);
  const huge = Buffer.alloc(50 * 1024 * 1024, 0x20);
  assert.equal((await post(receiver.port, huge, { 'Content-Type': 'application/json' })).status, 413);
  // A gzip bomb: 9 MB of spaces inflate past the 8 MB limit from a few kilobytes.
  const bomb = zlib.gzipSync(Buffer.alloc(9 * 1024 * 1024, 0x20));
  assert.ok(bomb.length < 100_000);
  assert.equal((await post(receiver.port, bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status, 413);
  // Still answering, and nothing of the refused requests was written.
  assert.equal((await post(receiver.port, protobuf, { 'Content-Type': 'application/x-protobuf' })).status, 200);
  assert.deepEqual(spansIn(path.join(dir, 'live')).filter((s) => s.traceId === '12'.repeat(16)).length, 1);
});

test('200 requests from 8 concurrent clients are all answered and all written', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const traceIds: string[] = [];
  const client = async (c: number): Promise<number[]> => {
    const statuses = [];
    for (let r = 0; r < 25; r++) {
      const traceId = `${c.toString(16).padStart(2, '0')}${r.toString(16).padStart(2, '0')}`.padEnd(32, 'f');
      traceIds.push(traceId);
      const spans = Array.from({ length: 5 }, (_, s) => ({
        traceId,
        spanId: `${s + 1}`.padStart(16, '0'),
        parentSpanId: 'aa'.repeat(8),
        name: `span ${s}`,
      }));
      const request = { resourceSpans: [{ scopeSpans: [{ spans }] }] };
      const protobuf = r % 2 === 1;
      const body = protobuf ? encodeProtobufRequest('traces', request) : Buffer.from(JSON.stringify(request));
      statuses.push(
        (await post(receiver.port, body, { 'Content-Type': protobuf ? 'application/x-protobuf' : 'application/json' }, agent)).status,
      );
    }
    return statuses;
  };
  const statuses = (await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)))).flat();
  agent.destroy();
  assert.equal(statuses.length, 200);
  assert.ok(
    statuses.every((s) => s === 200),
    `statuses: ${[...new Set(statuses)].join(', ')}`,
  );
  const wanted = new Set(traceIds);
  assert.equal(spansIn(path.join(dir, 'live')).filter((s) => wanted.has(s.traceId)).length, 1000);
});

test('a port in use is one line naming it and --port; Ctrl-C stops the receiver with exit 0', async () => {
  const second = spawnSync(process.execPath, [...cliArgs, '--port', String(receiver.port), '--out', 'live'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(second.status, 1);
  assert.equal(second.stderr.trim().split('\n').length, 1);
  assert.match(second.stderr, new RegExp(`port ${receiver.port} .*already in use.*--port`));

  receiver.child.kill('SIGINT');
  assert.equal(await receiver.exited, 0);
  // The traces without a root were still pending: they are judged before it exits.
  assert.match(receiver.out(), /Stopped: \d+ requests, \d+ spans/);
  const pendingLines = receiver
    .out()
    .split('\n')
    .filter((l) => /^trace [0-9a-f]{4}f{28} /.test(l));
  assert.equal(pendingLines.length, 200, 'each of the 200 root-less traces is reported once');
});
