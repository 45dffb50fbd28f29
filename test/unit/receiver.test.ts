// The receiver's pure parts: trace completion, the protobuf <-> OTLP/JSON codec, what a request
// keeps and rejects, and the live file (rotation, and read back by the indexer).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TraceCompletion } from '../../server/core/receiver/traceCompletion';
import { decodeProtobufRequest, encodeProtobufRequest, encodeResponse } from '../../server/core/receiver/otlpCodec';
import { acceptLogs, acceptTraces, MalformedRequest } from '../../server/core/receiver/otlpRequest';
import { LiveTraceFile, type WrittenLine } from '../../server/core/receiver/liveTraceFile';
import { TraceIndex } from '../../server/core/traceIndex';
import { DetectionQueue, detectTrace, detectTraces, MAX_DETECTION_BATCH } from '../../server/core/receiver/liveDetection';
import { localDetector } from '../../server/core/detectors/local/index';
import { otlpChatRequest } from '../support/otlpChat';

const TRACE = '5b8efff798038103d269b633813fc60c';
/** An agent root span and a chat span whose tool call asks 12 days where the user said 5. */
const chatRequest = (traceId = TRACE, withRoot = true) => otlpChatRequest(traceId, withRoot);
/** The agent root span's id in that request (the chat span's parent). */
const ROOT = 'a1b2c3d4e5f60001';

const at = (file: string, offset = 0) => ({ file, offset, bytes: 10, line: 0 });

test('a trace is complete when its root span arrives, its children counted with it', () => {
  const c = new TraceCompletion({ idleMs: 1000 });
  const a = at('a.jsonl');
  const b = at('b.jsonl');
  assert.deepEqual(c.observe([{ traceId: 't1', parentSpanId: 'p' }], a, 0), []);
  const done = c.observe(
    [
      { traceId: 't1', parentSpanId: 'x' },
      { traceId: 't1', parentSpanId: null },
    ],
    b,
    10,
  );
  assert.deepEqual(done, [{ traceId: 't1', files: ['a.jsonl', 'b.jsonl'], lines: [a, b], spans: 3, reason: 'root-ended' }]);
  assert.equal(c.size, 0);
});

test('a trace without a root is complete once idle; a late span reopens it', () => {
  const c = new TraceCompletion({ idleMs: 1000 });
  c.observe([{ traceId: 't1', parentSpanId: 'p' }], at('f'), 0);
  c.observe([{ traceId: 't2', parentSpanId: 'p' }], at('f'), 600);
  assert.equal(c.nextDeadline(), 1000);
  assert.deepEqual(c.expire(999), []);
  assert.deepEqual(
    c.expire(1000).map((t) => [t.traceId, t.reason]),
    [['t1', 'idle']],
  );
  c.observe([{ traceId: 't1', parentSpanId: 'late' }], at('f'), 1200);
  assert.deepEqual(
    c.flush().map((t) => [t.traceId, t.reason, t.spans]),
    [
      ['t2', 'shutdown', 1],
      ['t1', 'shutdown', 1],
    ],
  );
  assert.equal(c.nextDeadline(), null);
});

test('past the pending cap the least recently seen trace is reported as idle', () => {
  const c = new TraceCompletion({ idleMs: 60_000, maxPending: 2 });
  c.observe([{ traceId: 'a', parentSpanId: 'p' }], at('f'), 0);
  c.observe([{ traceId: 'b', parentSpanId: 'p' }], at('f'), 1);
  c.observe([{ traceId: 'a', parentSpanId: 'p' }], at('f'), 2); // a is now more recent than b
  assert.deepEqual(
    c.observe([{ traceId: 'c', parentSpanId: 'p' }], at('f'), 3).map((t) => t.traceId),
    ['b'],
  );
});

test('protobuf decodes to the OTLP/JSON the collector writes: hex ids, string 64-bit integers', () => {
  const json = chatRequest();
  const decoded = decodeProtobufRequest('traces', encodeProtobufRequest('traces', json));
  assert.deepEqual(decoded, json);
  assert.throws(() => decodeProtobufRequest('traces', encodeProtobufRequest('traces', json).subarray(0, 40)));
});

test('an export response is empty on full success and carries partialSuccess otherwise', () => {
  assert.equal(encodeResponse('traces', 'json', null).toString(), '{}');
  assert.deepEqual(JSON.parse(encodeResponse('traces', 'json', { rejected: 2, errorMessage: 'bad ids' }).toString()), {
    partialSuccess: { rejectedSpans: '2', errorMessage: 'bad ids' },
  });
  assert.equal(encodeResponse('traces', 'protobuf', null).length, 0);
  assert.ok(encodeResponse('logs', 'protobuf', { rejected: 1, errorMessage: 'x' }).length > 0);
});

test('spans with invalid ids are rejected alone; a body that is not OTLP is malformed', () => {
  const request = chatRequest();
  request.resourceSpans[0]!.scopeSpans[0]!.spans.push({
    ...request.resourceSpans[0]!.scopeSpans[0]!.spans[1]!,
    spanId: '0000000000000000',
  });
  const ids: { traceId: string; spanId: string; parentSpanId: string | null }[] = [];
  const accepted = acceptTraces(request, ids);
  assert.equal(accepted.accepted, 2);
  assert.equal(accepted.rejected, 1);
  assert.deepEqual(
    ids.map((s) => s.parentSpanId),
    [ROOT, null],
  );
  assert.throws(() => acceptTraces({ hello: 'world' }), MalformedRequest);
  assert.throws(() => acceptTraces({ resourceSpans: {} }), MalformedRequest);
  assert.throws(() => acceptTraces([1, 2]), MalformedRequest);
  assert.equal(
    acceptLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hi' }, traceId: TRACE }, { traceId: 'zz' }] }] }] })
      .rejected,
    1,
  );
});

test('the live file rotates per day and above its size limit, and the indexer reads it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-'));
  let now = new Date('2026-12-03T10:00:00Z');
  const lineBytes = JSON.stringify(acceptTraces(chatRequest()).request).length + 1;
  const file = new LiveTraceFile({ folder: dir, prefix: 'traces', maxFileBytes: lineBytes + 100, now: () => now });
  const first = (await file.append(acceptTraces(chatRequest()).request)).file;
  assert.equal(path.basename(first), 'traces-2026-12-03.jsonl');
  const second = await file.append(acceptTraces(chatRequest('6b8efff798038103d269b633813fc60c')).request);
  assert.equal(path.basename(second.file), 'traces-2026-12-03.1.jsonl', 'the second line would pass the size limit');
  assert.deepEqual([second.offset, second.bytes], [0, lineBytes]);
  now = new Date('2026-12-04T00:00:01Z');
  assert.equal(path.basename((await file.append({ resourceSpans: [] })).file), 'traces-2026-12-04.jsonl');
  await file.close();

  const index = new TraceIndex((f) => path.basename(f));
  const parsed = await index.load(first);
  assert.ok(parsed.isTrace);
  const conversations = index.conversations(first);
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0]!.metadata?.trace_id, TRACE);
  assert.equal(conversations[0]!.tools?.[0]?.function.name, 'get_weather');
  fs.rmSync(dir, { recursive: true });
});

test('live detection reads the lines of its trace alone and reports the planted number', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-'));
  const file = new LiveTraceFile({ folder: dir, prefix: 'traces' });
  const other = '7c8efff798038103d269b633813fc60c';
  await file.append(acceptTraces(chatRequest(other)).request);
  const line = await file.append(acceptTraces(chatRequest()).request);
  await file.close();
  assert.ok(line.offset > 0);
  const trace = { traceId: TRACE, files: [line.file], lines: [line], spans: 2, reason: 'root-ended' as const };
  const result = await detectTrace(trace, [localDetector], new AbortController().signal);
  assert.deepEqual(
    result.conversations.map((c) => [c.status, c.annotations.map((a) => [a.label, a.parameter_name, a.text])]),
    [['completed', [['ungrounded_parameter_value', 'days', '12']]]],
  );
  assert.equal(result.hallucinations, 1);
  fs.rmSync(dir, { recursive: true });
});

test('traces completed together are judged in one batch, each with its own result', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-'));
  const file = new LiveTraceFile({ folder: dir, prefix: 'traces' });
  const other = '7c8efff798038103d269b633813fc60c';
  const both = acceptTraces(chatRequest()).request!;
  both.resourceSpans.push(...acceptTraces(chatRequest(other)).request!.resourceSpans);
  const line = await file.append(both);
  await file.close();
  const traces = [TRACE, other, '8d8efff798038103d269b633813fc60c'].map((traceId) => ({
    traceId,
    files: [line.file],
    lines: [line],
    spans: 2,
    reason: 'root-ended' as const,
  }));
  const batches: string[][] = [];
  const results: number[] = [];
  const queue = new DetectionQueue(async (batch) => {
    batches.push(batch.map((t) => t.traceId));
    for (const r of await detectTraces(batch, [localDetector], new AbortController().signal))
      results.push(r.conversations.length, r.hallucinations);
  });
  for (const t of traces) queue.push(t);
  await queue.idle();
  assert.deepEqual(batches, [traces.map((t) => t.traceId)]);
  assert.deepEqual(results, [1, 1, 1, 1, 0, 0], 'a trace with no conversation in the lines has none');
  fs.rmSync(dir, { recursive: true });
});

test('log records join their trace: they never complete it, and reopen one already reported', () => {
  const c = new TraceCompletion({ idleMs: 1000 });
  const spans = at('f', 0);
  const logs = at('f', 100);
  assert.deepEqual(c.observeLogs(['t1'], logs, 0), [], 'log records alone complete nothing');
  const done = c.observe([{ traceId: 't1', parentSpanId: null }], spans, 10);
  assert.deepEqual(done, [{ traceId: 't1', files: ['f'], lines: [logs, spans], spans: 1, reason: 'root-ended' }]);
  const late = at('f', 200);
  c.observeLogs(['t1'], late, 20);
  assert.deepEqual(
    c.expire(1020).map((t) => [t.traceId, t.lines, t.reason]),
    [['t1', [late], 'idle']],
  );
});

test('a trace whose messages travel as GenAI log records is judged with them (spans alone hold no content)', async () => {
  const fixture = path.join(__dirname, '../fixtures/producers/otel-genai.tools.otlp-traces-logs.jsonl');
  const requests = fs
    .readFileSync(fixture, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { resourceSpans?: { scopeSpans: { spans: { traceId: string }[] }[] }[] });
  const traceIds = new Set(
    requests.flatMap((r) => (r.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.traceId)))),
  );
  const judge = async (withLogs: boolean) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-'));
    const file = new LiveTraceFile({ folder: dir, prefix: 'traces' });
    const lines: WrittenLine[] = [];
    for (const r of requests) if (withLogs || r.resourceSpans) lines.push(await file.append(r));
    await file.close();
    const traces = [...traceIds].map((traceId) => ({ traceId, files: [lines[0]!.file], lines, spans: 1, reason: 'idle' as const }));
    const results = await detectTraces(traces, [localDetector], new AbortController().signal);
    fs.rmSync(dir, { recursive: true });
    return results.flatMap((r) => r.conversations);
  };
  assert.deepEqual(await judge(false), [], 'the spans alone carry no conversation');
  const conversations = await judge(true);
  assert.equal(conversations.length, traceIds.size);
  assert.ok(conversations.every((c) => c.status === 'completed'));
  assert.ok(
    conversations.some((c) => c.annotations.length > 0),
    'the planted ungrounded value is found',
  );
});

test('a backlog of completed traces is judged in slices, the event loop turning between them', async () => {
  const order: string[] = [];
  const queue = new DetectionQueue(async (batch) => {
    order.push(`batch ${batch.length}`);
    // A request arriving while this batch is judged: answered before the next batch starts.
    if (order.length === 1) setImmediate(() => order.push('request answered'));
  });
  for (let i = 0; i < MAX_DETECTION_BATCH * 2 + 50; i++)
    queue.push({ traceId: `t${i}`, files: [], lines: [], spans: 1, reason: 'root-ended' });
  await queue.idle();
  assert.deepEqual(order, [`batch ${MAX_DETECTION_BATCH}`, 'request answered', `batch ${MAX_DETECTION_BATCH}`, 'batch 50']);
});
