// `check` on files of spans reads each trace again from where its spans are, wherever they are in
// the file: the findings are those of the file indexed whole (as the editor reads it), and the
// memory kept per span is numbers, not its content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { MemoryFindings } from '../../server/core/check/findings';
import { scanTraceFiles } from '../../server/core/check/scan';
import { TraceMembership } from '../../server/core/check/traceMembership';
import { judgeTraced } from '../../server/core/experiments/judgeTraced';
import { localDetector } from '../../server/core/detectors/local/index';
import { TraceFileIndexer } from '../../server/core/formats/indexer';
import { RecordTable } from '../../server/core/formats/recordTable';
import { protobufTracesToJsonFile } from '../../server/core/formats/protobufJsonFile';
import { otlpProtobufAsJson } from '../../server/core/formats/protobufTraceFile';
import { agentTraceSpans, writeOtlpSpanLines } from '../../bench/otlpSpanFile';

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** A seeded shuffle: the same order every run. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const exportLine = (spans: object[]) =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });

test('a span file whose traces are scattered across it gives the findings of the file read whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-spans-'));
  try {
    const ordered = path.join(dir, 'ordered.jsonl');
    writeOtlpSpanLines(ordered, 60, { concurrent: 5, batch: 3 });
    const lines = fs.readFileSync(ordered, 'utf8').trim().split('\n');
    // Lines in a random order (a trace's spans anywhere in the file), two lines sent twice (an
    // exporter retrying), and a trace whose chat span recorded no response (an LLM call not read).
    const noResponse = agentTraceSpans(1000).map((s) => {
      const span = s as { name: string; attributes: Array<{ key: string }> };
      if (span.name.startsWith('chat')) span.attributes = span.attributes.filter((a) => a.key !== 'gen_ai.output.messages');
      return span;
    });
    const all = [...shuffled(lines, 7), lines[3]!, lines[10]!, exportLine(noResponse.slice(0, 2)), exportLine(noResponse.slice(2))];
    const file = path.join(dir, 'scattered.otlp.jsonl');
    fs.writeFileSync(file, shuffled(all, 11).join('\n') + '\n');

    // Today's reading of a file whole: every conversation in memory, in order.
    const indexer = new TraceFileIndexer({ file, displayName: 'scattered.otlp.jsonl', lineBased: true });
    indexer.pushText(fs.readFileSync(file, 'utf8'));
    const whole = indexer.end();
    const expected = [];
    for (const c of whole.conversations!) {
      const item = await judgeTraced(c, [localDetector]);
      expected.push({ id: c.id, annotations: item.annotations });
    }
    assert.equal(expected.length, 120, 'two conversations a trace, the retried spans kept once');
    assert.ok(expected.filter((e) => e.annotations.length > 0).length >= 15);

    const found = await scanTraceFiles([file], { detectors: [localDetector], cwd: dir, keepClean: true }, new MemoryFindings());
    assert.equal(found.checked, 120);
    assert.deepEqual(
      found.conversations().map((c) => ({ id: c.id, annotations: c.findings.map((f) => f.annotation) })),
      expected,
    );
    // Every finding is placed on the file's characters.
    for (const c of found.conversations()) for (const f of c.findings) assert.ok(f.region, `${c.id}: ${f.annotation.text} placed`);
    assert.deepEqual(
      found.skipped().map((s) => s.reason.replace(/^line \d+: /, '')),
      whole.coverage.unread.map((u) => `LLM call not read: ${u.reason}`),
    );
    assert.equal(found.skippedCount, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('what a span file keeps per span is numbers: its trace number and where its record is, under 100 bytes', (t) => {
  const membership = new TraceMembership();
  const records = new RecordTable();
  gc();
  const before = process.memoryUsage();
  const spans = 600_000;
  for (let i = 0; i < spans; i++) {
    // An OTLP export line of 8 spans of 4 traces: its records share the line and differ in their inner path.
    const k = i % 8;
    const ordinal = records.add(
      { path: [], line: i >> 3, character: 0, byteStart: i * 100, byteEnd: i * 100 + 99 },
      ['resourceSpans', 0, 'scopeSpans', 0, 'spans', k],
      1,
      'otlp',
    );
    membership.add({ traceId: `trace-${(i >> 3) * 4 + (k % 4)}`, spanId: `s${i}`, startMs: i, endMs: i + 1, seq: ordinal * 2 ** 20 });
  }
  gc();
  const after = process.memoryUsage();
  const perSpan = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / spans;
  t.diagnostic(`${perSpan.toFixed(0)} bytes per span`);
  // About 55 bytes of numbers a span: its record 24 (columns that hold one value cost nothing),
  // membership 12, the trace-id table 12 a slot (two slots or more a trace), and the typed columns'
  // room to grow. A span's skeleton alone (what indexing kept) is several hundred bytes; its
  // content here is 1 KB.
  assert.ok(perSpan < 100, `${perSpan.toFixed(0)} bytes per span`);
  assert.equal(membership.traceCount, spans / 2);
  assert.deepEqual(records.inner(9), ['resourceSpans', 0, 'scopeSpans', 0, 'spans', 1]);
  // Each trace's spans in file order, traces in the order their first span came.
  const traces = [...membership.traceSeqs()];
  assert.deepEqual(
    [...traces[0]!].map((s) => s / 2 ** 20),
    [0, 4],
  );
  assert.deepEqual(
    [...traces[5]!].map((s) => s / 2 ** 20),
    [9, 13],
  );
});

test('record anchors come back as they were added, long document paths included', () => {
  const records = new RecordTable();
  const anchors = [
    { path: [], line: 0, character: 0, byteStart: 0, byteEnd: 10 },
    { path: [4], line: 1, character: 2, byteStart: 11, byteEnd: 20 },
    { path: ['resourceSpans', 0, 'scopeSpans', 1, 'spans', 7], line: 3, character: 8, byteStart: 30, byteEnd: 90 },
    { path: ['resourceSpans', 0, 'scopeSpans', 1, 'spans', 8], line: 9, character: 8, byteStart: 91, byteEnd: 120 },
    { path: ['observations', 'x'], line: 12, character: 4 },
  ];
  for (const a of anchors) records.add(a, [], 0, null);
  assert.deepEqual(
    anchors.map((_, i) => records.anchor(i)),
    anchors,
  );
});

test('a protobuf file becomes, one resource entry at a time, the OTLP/JSON text decoding it whole gives', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-pb-'));
  try {
    const producers = path.join(__dirname, '..', 'fixtures', 'producers');
    const files = fs
      .readdirSync(producers)
      .filter((f) => f.endsWith('.pb'))
      .map((f) => path.join(producers, f));
    assert.ok(files.length >= 10);
    // Two requests written one after the other are one request with the entries of both.
    const twice = path.join(dir, 'twice.pb');
    fs.writeFileSync(twice, Buffer.concat([fs.readFileSync(files[0]!), fs.readFileSync(files[1]!)]));
    // Bytes cut short, and bytes that are not a request: left to the whole decoding (which names the problem).
    const cut = path.join(dir, 'cut.pb');
    fs.writeFileSync(cut, fs.readFileSync(files[0]!).subarray(0, 200));
    const text = path.join(dir, 'text.pb');
    fs.writeFileSync(text, '{"resourceSpans":[]}');
    const convert = (file: string) => {
      const out = path.join(dir, `${path.basename(file)}.json`);
      const fd = fs.openSync(file, 'r');
      try {
        return protobufTracesToJsonFile(fd, out) ? fs.readFileSync(out, 'utf8') : null;
      } finally {
        fs.closeSync(fd);
        fs.rmSync(out, { force: true });
      }
    };
    for (const f of [...files, twice]) assert.equal(convert(f), otlpProtobufAsJson(fs.readFileSync(f)), path.basename(f));
    assert.equal(convert(cut), null);
    assert.equal(convert(text), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
