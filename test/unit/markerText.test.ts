// Markers placed from the byte ranges of their conversations' anchors (large files) against the
// same markers placed in the whole text: the same positions, for every format, while reading
// only a small part of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { messageParts, type Annotation, type Conversation } from '../../common/schema';
import { annotationRange, fileText } from '../../server/core/markers';
import { AnchorRangeLocator, filePosition, type ByteRangeReader } from '../../server/core/markerText';
import { TraceIndex } from '../../server/core/traceIndex';

const fixtureDir = path.join(__dirname, '..', 'fixtures', 'formats');
const fixtures = fs
  .readdirSync(fixtureDir)
  .filter((f) => /\.jsonl?$/.test(f))
  .map((f) => path.join(fixtureDir, f));

function annotate(c: Conversation, mi: number, pi: number, needle: string): Annotation | null {
  const part = messageParts(c.messages[mi]!)[pi];
  const at = part && needle ? part.text.indexOf(needle) : -1;
  if (at < 0) return null;
  return {
    label: 'x',
    text: needle,
    explanation: '',
    message_index: mi,
    message_part_index: pi,
    start_offset: at,
    end_offset: at + needle.length,
    tool_name: null,
    parameter_name: null,
    detector: 't',
    confidence: 1,
  };
}

/** Reads byte ranges of `file`, counting the bytes. */
function countingReader(file: string): { read: ByteRangeReader; bytes: () => number; reads: () => number } {
  let bytes = 0;
  let reads = 0;
  const fd = fs.openSync(file, 'r');
  return {
    read: (start, end) => {
      reads++;
      const buf = Buffer.alloc(end - start);
      const n = fs.readSync(fd, buf, 0, buf.length, start);
      bytes += n;
      return buf.toString('utf8', 0, n);
    },
    bytes: () => bytes,
    reads: () => reads,
  };
}

test('byte-range placement equals whole-text placement for every fixture format', async () => {
  for (const file of fixtures) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = TextDocument.create('file:///x', 'json', 0, text);
    const index = new TraceIndex();
    await index.load(file, { lazyAboveBytes: 0 }); // lazy: anchors carry byte ranges
    const reader = countingReader(file);
    const locator = new AnchorRangeLocator(reader.read);
    let checked = 0;
    for (const view of index.conversations(file)) {
      const c = index.get(view.id)!;
      c.messages.forEach((m, mi) =>
        messageParts(m).forEach((part, pi) => {
          for (const needle of ['Lisbon', '17 °C', '"light rain"', 'nights', part.text.slice(0, 3), part.text.slice(-4)]) {
            const a = annotate(c, mi, pi, needle);
            if (!a) continue;
            const r = annotationRange(fileText(text), c, a);
            const p = locator.range(c, a);
            const where = `${path.basename(file)} ${c.id} ${mi}:${pi} ${JSON.stringify(needle)}`;
            if (!r) {
              assert.equal(p, null, where);
              continue;
            }
            assert.deepEqual(p, { start: doc.positionAt(r.start), end: doc.positionAt(r.end) }, where);
            checked++;
          }
        }),
      );
    }
    assert.ok(checked > 10, `${file}: only ${checked} markers checked`);
    const anchors = new Set(index.conversations(file).flatMap((v) => (index.get(v.id)!.anchors ?? []).map((a) => a.byteStart)));
    assert.ok(
      reader.reads() <= anchors.size,
      `${path.basename(file)}: each anchor is read once (${reader.reads()} reads, ${anchors.size} anchors)`,
    );
  }
});

test('on a large file only the conversations that carry markers are read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-marker-text-'));
  const file = path.join(dir, 'big.jsonl');
  const filler = 'lorem ipsum '.repeat(400);
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++)
    lines.push(
      JSON.stringify({
        id: `c${i}`,
        messages: [
          { role: 'user', content: `${filler} question ${i}` },
          { role: 'assistant', content: `Answer ${i}: it is ${i} °C, "quoted" é\\ 73%.` },
        ],
      }),
    );
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
  const size = fs.statSync(file).size;
  const index = new TraceIndex();
  await index.load(file, { lazyAboveBytes: 0 });
  const reader = countingReader(file);
  const locator = new AnchorRangeLocator(reader.read);
  const text = fs.readFileSync(file, 'utf8');
  const doc = TextDocument.create('file:///x', 'json', 0, text);
  for (const i of [0, 999, 1999]) {
    const c = index.get(`c${i}`)!;
    for (const needle of ['73%', '"quoted" é\\', `${i} °C`]) {
      const a = annotate(c, 1, 0, needle)!;
      const p = locator.range(c, a)!;
      assert.ok(p, `c${i} ${needle}`);
      assert.equal(text.slice(doc.offsetAt(p.start), doc.offsetAt(p.end)), JSON.stringify(needle).slice(1, -1), `c${i} ${needle}`);
      assert.equal(p.start.line, i);
    }
  }
  assert.equal(reader.reads(), 3, 'one read per conversation');
  assert.ok(reader.bytes() < (size / 2000) * 3 + 100, `${reader.bytes()} bytes read of ${size}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the locator keeps only the last few anchor texts: a pass over a large file does not hold all it read', () => {
  const line = (i: number) =>
    JSON.stringify({
      id: `c${i}`,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: `It is ${i} degrees` },
      ],
    });
  const conv = (i: number): Conversation => ({
    id: `c${i}`,
    file: '/x.jsonl',
    line: i,
    position: i,
    sourcePath: [],
    tools: [],
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: `It is ${i} degrees` },
    ],
    anchors: [{ path: [], line: i, character: 0, byteStart: i * 1000, byteEnd: i * 1000 + 100 }],
  });
  const reads: number[] = [];
  const locator = new AnchorRangeLocator((start) => (reads.push(start / 1000), line(start / 1000)));
  for (let i = 0; i < 20; i++) assert.ok(locator.range(conv(i), annotate(conv(i), 1, 0, 'degrees')!));
  assert.equal(reads.length, 20);
  locator.range(conv(19), annotate(conv(19), 1, 0, 'It')!);
  assert.equal(reads.length, 20, 'the latest are kept');
  locator.range(conv(0), annotate(conv(0), 1, 0, 'It')!);
  assert.deepEqual(reads.slice(20), [0], 'the first was let go');
});

test('no byte range (indexed from memory) or unreadable bytes: no marker, no throw', () => {
  const c: Conversation = {
    id: 'c',
    file: '/x.jsonl',
    line: 3,
    position: 0,
    sourcePath: [],
    tools: [],
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'It is 18' },
    ],
    anchors: [{ path: [], line: 3, character: 0 }],
  };
  const a = annotate(c, 1, 0, '18')!;
  assert.equal(new AnchorRangeLocator(() => 'never read').range(c, a), null);
  const ranged = { ...c, anchors: [{ path: [], line: 3, character: 0, byteStart: 10, byteEnd: 90 }] };
  assert.equal(new AnchorRangeLocator(() => null).range(ranged, a), null);
  const line = JSON.stringify({ id: 'c', messages: c.messages });
  assert.deepEqual(new AnchorRangeLocator(() => line).range(ranged, a), {
    start: { line: 3, character: line.indexOf('18') },
    end: { line: 3, character: line.indexOf('18') + 2 },
  });
});

test('filePosition shifts slice offsets by the anchor: its character on the first line only', () => {
  const slice = fileText('{"a":\n  "b",\n "c"}');
  const anchor = { line: 10, character: 4 };
  assert.deepEqual(filePosition(anchor, slice, 0), { line: 10, character: 4 });
  assert.deepEqual(filePosition(anchor, slice, 5), { line: 10, character: 9 });
  assert.deepEqual(filePosition(anchor, slice, 6), { line: 11, character: 0 });
  assert.deepEqual(filePosition(anchor, slice, 8), { line: 11, character: 2 });
  assert.deepEqual(filePosition(anchor, slice, 14), { line: 12, character: 1 });
});
