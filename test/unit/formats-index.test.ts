// Streaming from disk: progress, lazy indexing of large files (offsets kept, conversations re-read
// on demand) equal to in-memory indexing, the `formats` setting, and files that change meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceIndex } from '../../server/core/traceIndex';
import { formatForFile } from '../../server/core/formats/formatSetting';
import { settingsSchema } from '../../common/protocol';
import { messageParts, type Annotation } from '../../common/schema';
import { annotationRange, fileText } from '../../server/core/markers';

const fixtureDir = path.join(__dirname, '..', 'fixtures', 'formats');
const sampleDir = path.join(__dirname, '..', '..', 'samples');
const all = [
  ...fs
    .readdirSync(fixtureDir)
    .filter((f) => /\.jsonl?$/.test(f))
    .map((f) => path.join(fixtureDir, f)),
  ...['support-agent.jsonl', 'rag-answers.json', 'booking-flow.jsonl'].map((f) => path.join(sampleDir, f)),
];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hl-fmt-'));
/** JSON of a conversation without byte offsets (only a streamed index has them) and key order. */
const norm = (c: unknown) =>
  JSON.stringify(c, (k, v) =>
    k === 'byteStart' || k === 'byteEnd'
      ? undefined
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort())
        : v,
  );

test('a lazily indexed file gives the same conversations, problems and ids as one indexed in memory', async () => {
  for (const file of all) {
    const eager = new TraceIndex();
    eager.update(file, fs.readFileSync(file, 'utf8'));
    const lazy = new TraceIndex();
    await lazy.load(file, { lazyAboveBytes: 0 });
    const ids = eager.conversations(file).map((c) => c.id);
    assert.deepEqual(
      lazy.conversations(file).map((c) => c.id),
      ids,
      file,
    );
    for (const id of ids) assert.equal(norm(lazy.get(id)), norm(eager.get(id)), `${file} ${id}`);
    assert.deepEqual(lazy.summaries(), eager.summaries(), file);
    assert.deepEqual(lazy.conversationSummaries(file), eager.conversationSummaries(file), file);
    // A view is enough for listings; structuredClone (an experiment's snapshot) of `get` is whole.
    const view = lazy.conversations(file)[0]!;
    assert.equal(view.messages.length, eager.get(view.id)!.messages.length);
    assert.equal(norm(structuredClone(lazy.get(view.id))), norm(eager.get(view.id)));
    assert.equal(norm(JSON.parse(JSON.stringify(view))), norm(eager.get(view.id)));
    // Markers from a view (what the server's publishing walks) equal those of the conversation.
    const full = lazy.get(view.id)!;
    const last = full.messages.length - 1;
    const part = messageParts(full.messages[last]!)[0];
    if (part && part.text.length > 3) {
      const a: Annotation = {
        label: 'x',
        text: part.text.slice(1, 4),
        explanation: '',
        message_index: last,
        message_part_index: 0,
        start_offset: 1,
        end_offset: 4,
        tool_name: null,
        parameter_name: null,
        detector: 't',
        confidence: 1,
      };
      const ft = fileText(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(annotationRange(ft, view, a), annotationRange(ft, full, a), file);
      assert.ok(annotationRange(ft, view, a), `${file}: no marker`);
    }
  }
});

test('streaming reports progress up to the file size, and lazy byte ranges re-read the right records', async () => {
  const file = path.join(fixtureDir, 'otel-genai.otlp.json');
  const size = fs.statSync(file).size;
  const seen: number[] = [];
  const index = new TraceIndex();
  const parsed = await index.load(file, { lazyAboveBytes: 0, onProgress: (read, total) => (assert.equal(total, size), seen.push(read)) });
  assert.ok(seen.length >= 1 && seen[seen.length - 1] === size && seen.every((v, i) => i === 0 || v >= seen[i - 1]!));
  assert.equal(parsed.conversations.length, 4);
  const c = index.get('a1b2c3d4e5f60007')!;
  const a = c.anchors![0]!;
  const bytes = fs.readFileSync(file).subarray(a.byteStart!, a.byteEnd!).toString('utf8');
  assert.match(bytes, /^\{\s+"traceId": "5b8efff798038103d269b633813fc60c",\s+"spanId": "a1b2c3d4e5f60007"/);
  assert.ok(bytes.endsWith('}'));
});

test('a load is superseded by an update or a removal of the file meanwhile', async () => {
  const file = path.join(fixtureDir, 'langfuse.json');
  const index = new TraceIndex();
  const pending = index.load(file, { lazyAboveBytes: 0 });
  index.update(file, '{"id": "x", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}');
  await assert.rejects(pending, { name: 'AbortError' });
  assert.deepEqual(
    index.conversations(file).map((c) => c.id),
    ['x'],
  );
  const again = index.load(file, { lazyAboveBytes: 0 });
  index.remove(file);
  await assert.rejects(again, { name: 'AbortError' });
  assert.equal(index.has(file), false);
});

test('a lazily indexed file that changed on disk gives no stale conversation until it is indexed again', async () => {
  const dir = tmp();
  const file = path.join(dir, 't.jsonl');
  const line = (id: string, answer: string) =>
    JSON.stringify({
      id,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: answer },
      ],
    });
  fs.writeFileSync(file, `${line('a', 'one')}\n${line('b', 'two')}\n`);
  const index = new TraceIndex();
  await index.load(file, { lazyAboveBytes: 0 });
  assert.equal(index.get('b')!.messages[1]!.content, 'two');
  fs.writeFileSync(file, `${line('b', 'changed, and longer')}\n`);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(index.get('a'), undefined);
  await index.load(file, { lazyAboveBytes: 0 });
  assert.deepEqual(
    index.conversations(file).map((c) => c.id),
    ['b'],
  );
  assert.equal(index.get('b')!.messages[1]!.content, 'changed, and longer');
});

test('ids stay unique across lazy and in-memory files; renamed ids hold on re-read', async () => {
  const dir = tmp();
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  const conv = (id: string) =>
    JSON.stringify({
      id,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: id },
      ],
    });
  fs.writeFileSync(a, `${conv('same')}\n${conv('only-a')}\n`);
  fs.writeFileSync(b, `${conv('same')}\n`);
  const index = new TraceIndex((f) => path.basename(f));
  index.update(a, fs.readFileSync(a, 'utf8'));
  await index.load(b, { lazyAboveBytes: 0 });
  assert.equal(index.get('same')!.file, a);
  assert.equal(index.get('b.jsonl#1')!.file, b);
  assert.equal(index.get('b.jsonl#1')!.id, 'b.jsonl#1');
  assert.equal(index.conversations(b)[0]!.id, 'b.jsonl#1');
  assert.match(index.summaries().find((s) => s.file === b)!.problems[0]!.message, /also used by a\.jsonl:1/);
});

test('a .json holding several documents (one OTLP export per line) is read whole', () => {
  const otlp = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'otel-genai.otlp.json'), 'utf8'));
  const spans = otlp.resourceSpans[0].scopeSpans[0].spans as unknown[];
  const batch = (s: unknown[]) =>
    JSON.stringify({ resourceSpans: [{ ...otlp.resourceSpans[0], scopeSpans: [{ ...otlp.resourceSpans[0].scopeSpans[0], spans: s }] }] });
  const text = `${batch(spans.slice(0, 4))}\n${batch(spans.slice(4))}\n`;
  const index = new TraceIndex();
  const r = index.update('/w/collector-output.json', text);
  assert.deepEqual(r.conversations.map((c) => c.id).sort(), [
    '0af7651916cd43dd8448eb211c80319c',
    'a1b2c3d4e5f60002',
    'a1b2c3d4e5f60005',
    'a1b2c3d4e5f60007',
  ]);
  assert.equal(r.conversations.find((c) => c.id === 'a1b2c3d4e5f60007')!.line, 1);
  // The same as JSONL (the collector's file exporter), and as a JSON array of exports.
  const jsonl = new TraceIndex().update('/w/collector-output.jsonl', text);
  assert.equal(jsonl.conversations.length, 4);
  const array = new TraceIndex().update('/w/batches.json', `[\n${text.trim().split('\n').join(',\n')}\n]`);
  assert.equal(array.conversations.length, 4);
  assert.equal(array.conversations.find((c) => c.id === 'a1b2c3d4e5f60007')!.line, 2);
});

test('records under container keys: a Langfuse list response {data: [...]}, Opik {traces, spans} as one JSONL line', () => {
  const traces = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'langfuse.json'), 'utf8'));
  const list = new TraceIndex().update('/w/list.json', JSON.stringify({ data: traces, meta: { page: 1, totalItems: 2 } }, null, 2));
  assert.deepEqual(
    list.conversations.map((c) => c.id),
    ['lf-gen-1', 'lf-gen-2', 'lf-gen-3', 'lf-trace-capital'],
  );
  const opik = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'opik.json'), 'utf8'));
  const line = new TraceIndex().update('/w/opik.jsonl', JSON.stringify(opik) + '\n');
  assert.equal(line.conversations.length, 3);
});

test('BOM and CRLF line ends do not shift lines or markers', () => {
  const conv = {
    id: 'c',
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'It is 42.' },
    ],
  };
  const text = `\ufeff${JSON.stringify(conv)}\r\n${JSON.stringify({ ...conv, id: 'd' })}\r\n`;
  const r = new TraceIndex().update('/w/bom.jsonl', text);
  assert.deepEqual(
    r.conversations.map((c) => [c.id, c.line]),
    [
      ['c', 0],
      ['d', 1],
    ],
  );
  const doc = new TraceIndex().update('/w/bom.json', `\ufeff[\r\n${JSON.stringify(conv)}\r\n]`);
  assert.equal(doc.conversations[0]!.line, 1);
});

test('the formats setting: glob → format, relative to the workspace or absolute; default {} detects', () => {
  assert.deepEqual(settingsSchema.parse({}).formats, {});
  const formats = settingsSchema.parse({
    formats: { 'traces/phoenix/**': 'openinference', '*.otlp.json': 'otel-genai', '/abs/**/*.jsonl': 'langsmith' },
  }).formats;
  assert.equal(formatForFile('/ws/traces/phoenix/a.jsonl', '/ws', formats), 'openinference');
  assert.equal(formatForFile('/ws/x/y/z.otlp.json', '/ws', formats), 'otel-genai');
  assert.equal(formatForFile('/abs/q/r.jsonl', '/ws', formats), 'langsmith');
  assert.equal(formatForFile('/ws/other.json', '/ws', formats), undefined);
  assert.equal(settingsSchema.safeParse({ formats: { '*.json': 'csv' } }).success, false);
});

test('listing a large file keeps what indexing read: no re-read on each call, even once the file is gone', async () => {
  for (const name of ['support-agent.jsonl', 'otel-genai.otlp.json', 'langfuse.json']) {
    const source = name.endsWith('.jsonl') ? path.join(sampleDir, name) : path.join(fixtureDir, name);
    for (const listing of [true, false]) {
      const file = path.join(tmp(), name);
      fs.copyFileSync(source, file);
      const eager = new TraceIndex();
      eager.update(file, fs.readFileSync(file, 'utf8'));
      const expected = eager.conversationSummaries(file);
      const lazy = new TraceIndex();
      await lazy.load(file, { lazyAboveBytes: 0, listing });
      // Kept: OpenAI records' rows as they are read, span traces' in a pass before the load
      // resolves. With `listing: false` (the CLI) none are made ahead: a listing reads the file,
      // and a file of spans then keeps them.
      if (!listing) assert.deepEqual(lazy.conversationSummaries(file), expected, name);
      fs.rmSync(file);
      const rows = lazy.conversationSummaries(file);
      assert.deepEqual(rows, !listing && name.endsWith('.jsonl') ? [] : expected, `${name}, listing ${listing}`);
      assert.equal(lazy.get(expected[0]!.id), undefined, `${name}: the conversation itself is read from disk`);
    }
  }
});
