// The appendable index of a live file: only what was appended is read, a line cut mid-write waits
// for its end, a trace's spans from several requests (and its log records) are indexed together
// from their lines alone at their places in the file, and the window of the newest conversations
// keeps memory bounded across files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Conversation } from '../../common/schema';
import { AppendableTraceFile, traceIdsOf } from '../../server/core/receiver/appendableTraceFile';
import { LiveTraceIndex } from '../../server/core/receiver/liveTraceIndex';
import type { CompletedTrace } from '../../server/core/receiver/traceCompletion';
import { judgeTraced } from '../../server/core/experiments/judgeTraced';
import { localDetector } from '../../server/core/detectors/local/index';
import { AnchorRangeLocator } from '../../server/core/markerText';
import { readByteRange } from '../../server/core/byteRange';
import { TraceIndex } from '../../server/core/traceIndex';
import { otlpChatRequest, randomTraceId } from '../support/otlpChat';

function tempFile(): { file: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-appendable-'));
  return { file: path.join(dir, 'traces-2026-12-03.jsonl'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const line = (value: unknown) => JSON.stringify(value) + '\n';
let seq = 0;
const next = () => seq++;

/** The chat span's request alone and the root span's alone, as a SimpleSpanProcessor exports them. */
function split(traceId: string) {
  const request = otlpChatRequest(traceId);
  const [resource] = request.resourceSpans;
  const [chat, root] = resource!.scopeSpans[0]!.spans;
  const one = (span: unknown) => ({ resourceSpans: [{ ...resource, scopeSpans: [{ scope: { name: 't' }, spans: [span] }] }] });
  return { chat: one(chat), root: one(root) };
}

/** The text in the file under the marker of the conversation's first annotation. */
async function markedText(file: string, conversation: Conversation): Promise<string> {
  const item = await judgeTraced(conversation, [localDetector]);
  const annotation = item.annotations[0];
  assert.ok(annotation, 'the planted number is found');
  const fd = fs.openSync(file, 'r');
  try {
    const range = new AnchorRangeLocator((start, end) => readByteRange(fd, start, end)).range(conversation, annotation);
    assert.ok(range, 'the marker is placed from the anchor bytes alone');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(range.start.line, range.end.line);
    return lines[range.start.line]!.slice(range.start.character, range.end.character);
  } finally {
    fs.closeSync(fd);
  }
}

test('the trace ids of an export request: spans and log records, lowercased', () => {
  const spans = otlpChatRequest('AB'.repeat(16));
  const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'cd'.repeat(16) }, { body: {} }] }] }] };
  assert.deepEqual([...traceIdsOf(spans)], ['ab'.repeat(16)]);
  assert.deepEqual([...traceIdsOf(logs)], ['cd'.repeat(16)]);
  assert.deepEqual([...traceIdsOf({ other: 1 })], []);
});

test('a line cut mid-write is read once its end is written; the marker lands on the file\u2019s own line and bytes', async () => {
  const { file, done } = tempFile();
  const other = randomTraceId();
  const traceId = randomTraceId();
  fs.writeFileSync(file, line(otlpChatRequest(other)));
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  assert.deepEqual([...index.catchUp()], [other]);
  const text = line(otlpChatRequest(traceId));
  const cut = Math.floor(text.length / 2);
  fs.appendFileSync(file, text.slice(0, cut));
  assert.deepEqual([...index.catchUp()], [], 'half a line is not read');
  fs.appendFileSync(file, text.slice(cut));
  assert.deepEqual([...index.catchUp()], [traceId], 'the whole line is read next time');
  assert.deepEqual([...index.catchUp()], [], 'and only once');
  const [conversation] = index.index([traceId], next).get(traceId)!;
  assert.ok(conversation);
  assert.equal(conversation.line, 1, 'the line in the file, not in the text indexed');
  assert.equal(await markedText(file, conversation), '12');
  assert.equal(index.indexed().count, 1, 'the other trace never completed: not indexed');
  done();
});

test('the spans of one trace written by two requests are indexed together, other traces\u2019 spans in those lines left out', () => {
  const { file, done } = tempFile();
  const a = randomTraceId();
  const b = randomTraceId();
  const sa = split(a);
  const sb = split(b);
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  // One request carries both traces' chat spans (an exporter's batch).
  const both = { resourceSpans: [...sa.chat.resourceSpans, ...sb.chat.resourceSpans] };
  fs.writeFileSync(file, line(both));
  assert.deepEqual(new Set(index.catchUp()), new Set([a, b]));
  fs.appendFileSync(file, line(sa.root));
  assert.deepEqual([...index.catchUp()], [a]);
  const conversations = index.index([a], next).get(a)!;
  assert.equal(conversations.length, 1);
  const c = conversations[0]!;
  assert.equal(c.metadata?.trace_id, a);
  assert.equal(c.model, 'gpt-4o');
  assert.equal(index.indexed().count, 1, 'trace b (not complete) is not indexed with it');
  assert.equal(index.traceCount, 2, 'b keeps its skeleton until it completes');
  fs.appendFileSync(file, line(sb.root));
  index.catchUp();
  assert.deepEqual(
    index
      .index([b], next)
      .get(b)!
      .map((x) => x.metadata?.trace_id),
    [b],
  );
  assert.deepEqual(
    index.indexed().conversations!.map((x) => [x.id, x.position]),
    [
      [a, 0],
      [b, 1],
    ],
  );
  done();
});

test('a log record arriving after its trace was indexed joins it when the trace is indexed again', () => {
  const fixture = path.join(__dirname, '../fixtures/producers/otel-genai.tools.otlp-traces-logs.jsonl');
  const requests = fs.readFileSync(fixture, 'utf8').trim().split('\n');
  const spanLines = requests.filter((r) => r.includes('"resourceSpans"'));
  const logLines = requests.filter((r) => r.includes('"resourceLogs"'));
  assert.ok(spanLines.length && logLines.length);
  const { file, done } = tempFile();
  fs.writeFileSync(file, spanLines.join('\n') + '\n');
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  const traces = index.catchUp();
  assert.ok(traces.size > 0);
  const before = index.index(traces, next);
  assert.deepEqual([...before.values()].flat(), [], 'the spans alone carry no conversation');
  fs.appendFileSync(file, logLines.join('\n') + '\n');
  const touched = index.catchUp();
  assert.deepEqual(new Set(touched), traces, 'the log records touch the traces already indexed');
  const after = [...index.index(touched, next).values()].flat();
  assert.equal(after.length, traces.size, 'with their log records, each trace has its conversation');
  assert.ok(after.every((c) => c.messages.length > 1));
  done();
});

test('a line that is not JSON is a problem on its own line; the lines after it are read', () => {
  const { file, done } = tempFile();
  const traceId = randomTraceId();
  fs.writeFileSync(file, '{"resourceSpans": [\n' + line(otlpChatRequest(traceId)));
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  assert.deepEqual([...index.catchUp()], [traceId]);
  index.index([traceId], next);
  const problems = index.indexed().problems;
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.line, 0);
  assert.match(problems[0]!.message, /live\.jsonl:1 is not valid JSON/);
  done();
});

test('the window keeps the newest conversations over all live files, dropping the oldest traces and their skeletons', () => {
  const first = tempFile();
  const second = tempFile();
  const index = new LiveTraceIndex({ displayName: (f) => path.basename(f), maxConversations: 3 });
  const ids: string[] = [];
  const complete = (file: string): void => {
    const traceId = randomTraceId();
    ids.push(traceId);
    fs.appendFileSync(file, line(otlpChatRequest(traceId)));
    const trace: CompletedTrace = { traceId, files: [file], lines: [], spans: 2, reason: 'root-ended' };
    const result = index.completed([trace]);
    assert.deepEqual(result.changed, [file]);
    assert.deepEqual(
      result.traces.map((t) => t.conversations.map((c) => c.id)),
      [[traceId]],
    );
  };
  for (let i = 0; i < 3; i++) complete(first.file);
  assert.equal(index.size, 3);
  complete(second.file);
  complete(second.file);
  assert.equal(index.size, 3, 'two of the first file\u2019s traces dropped');
  assert.deepEqual(
    index.indexed(first.file)!.conversations!.map((c) => c.id),
    [ids[2]],
  );
  assert.deepEqual(
    index.indexed(second.file)!.conversations!.map((c) => c.id),
    [ids[3], ids[4]],
  );
  // Flat: many more traces, the same number held.
  for (let i = 0; i < 50; i++) complete(second.file);
  assert.equal(index.size, 3);
  assert.equal(index.indexed(first.file)!.count, 0);
  first.done();
  second.done();
});

test('the pending skeletons are bounded: the least recently seen traces go first', () => {
  const { file, done } = tempFile();
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl', maxPendingTraces: 2 });
  const ids = [randomTraceId(), randomTraceId(), randomTraceId()];
  for (const id of ids) fs.appendFileSync(file, line(otlpChatRequest(id, false)));
  index.catchUp();
  assert.equal(index.traceCount, 2);
  assert.deepEqual([...index.index(ids, next).keys()], ids.slice(1), 'the first trace\u2019s skeleton was dropped');
  done();
});

test('a file index set from outside maps only its own ids again, keeping ids unique across files', () => {
  const { file, done } = tempFile();
  const index = new TraceIndex((f) => path.basename(f));
  const ordinary = path.join(path.dirname(file), 'other.jsonl');
  const shared = randomTraceId();
  index.update(ordinary, line(otlpChatRequest(shared)));
  const live = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  const mine = randomTraceId();
  fs.writeFileSync(file, line(otlpChatRequest(mine)));
  live.catchUp();
  live.index([mine], next);
  index.replace(file, live.indexed());
  assert.equal(index.fileOf(mine), file);
  fs.appendFileSync(file, line(otlpChatRequest(shared)));
  live.catchUp();
  live.index([shared], next);
  index.replace(file, live.indexed());
  assert.equal(index.fileOf(shared), ordinary, 'the id another file had first stays with it');
  assert.equal(index.fileOf('traces-2026-12-03.jsonl#2'), file, 'the live one is indexed under a positional id');
  assert.equal(index.get(mine)?.file, file);
  assert.equal(index.count(file), 2);
  assert.match(index.summaries().find((s) => s.file === file)!.problems[0]!.message, /also used by other\.jsonl:1/);
  done();
});

test('a live file truncated or replaced is read again from its start', () => {
  const { file, done } = tempFile();
  const first = randomTraceId();
  fs.writeFileSync(file, line(otlpChatRequest(first)) + line(otlpChatRequest(randomTraceId())));
  const index = new AppendableTraceFile({ file, displayName: 'live.jsonl' });
  index.catchUp();
  index.index([first], next);
  assert.equal(index.indexed().count, 1);
  const second = randomTraceId();
  fs.writeFileSync(file, line(otlpChatRequest(second)));
  assert.deepEqual([...index.catchUp()], [second]);
  assert.equal(index.indexed().count, 0, 'what was indexed from the old content is gone');
  assert.equal(index.index([second], next).get(second)![0]!.line, 0);
  done();
});
