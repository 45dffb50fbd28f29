// The streaming splitter on any layout and any chunking: linear time on a minified (one-line)
// JSON file, positions and string ends right wherever a chunk boundary falls, and the compact
// table that keeps a large file's listing rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../server/core/traceParser';
import { JsonSplitter, type SplitValue } from '../../server/core/formats/splitter';
import { SummaryTable, TextPages, type ContentSummary } from '../../server/core/formats/summaries';

/** Splits `text` (a JSON array) into its elements, pushing it in chunks of `size` bytes. */
function split(text: string, size: number): SplitValue[] {
  const out: SplitValue[] = [];
  const s = new JsonSplitter((path, kind) => (path.length === 0 && kind !== 'primitive' ? 'descend' : 'record'), {
    value: (v) => out.push(v),
    problem: (_at, message) => assert.fail(message),
  });
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length; at += size) s.push(buf.subarray(at, at + size));
  s.end();
  return out;
}

/** Line and UTF-16 column of byte `offset` of `text`, counted the plain way. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = Buffer.from(text).subarray(0, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

test('strings with quotes and runs of backslashes end where JSON says, wherever chunks are cut', () => {
  const tricky = ['a\\', '\\\\', '"', '\\"', 'x\\\\"y', 'é😀\\', '', '\\u0041"'];
  const doc = JSON.stringify(tricky.map((t, i) => ({ [`k${t}`]: t, n: i, nested: [{ deep: t }] })));
  for (const size of [1, 2, 3, 5, 7, 64, doc.length]) {
    const got = split(doc, size);
    assert.deepEqual(
      got.map((v) => v.value),
      JSON.parse(doc),
      `chunks of ${size}`,
    );
    for (const v of got) assert.equal(Buffer.from(doc).subarray(v.byteStart, v.byteEnd).toString('utf8'), v.source);
  }
});

test('record positions are right on one long line, with sparse newlines and with dense ones, in any chunking', () => {
  const el = (i: number) => JSON.stringify({ id: `r${i}`, text: i % 3 ? 'plain' : 'é😀 wide' });
  const layouts = {
    oneLine: `[${Array.from({ length: 200 }, (_, i) => el(i)).join(',')}]`,
    sparse: `[${Array.from({ length: 200 }, (_, i) => (i === 0 ? '' : i % 17 ? ',' : ',\n') + el(i)).join('')}\n]`,
    dense: `[\n${Array.from({ length: 200 }, (_, i) => el(i)).join(',\n\n\n')}\n]`,
  };
  for (const [name, text] of Object.entries(layouts)) {
    JSON.parse(text);
    for (const size of [1, 13, 4096, 1 << 20]) {
      const got = split(text, size);
      assert.equal(got.length, 200, name);
      for (const v of got) assert.deepEqual(v.start, positionOf(text, v.byteStart), `${name}, chunks of ${size}, ${v.source.slice(0, 12)}`);
    }
  }
});

/** A one-line JSON array of `mb` MB of small records. */
function minified(mb: number): Buffer {
  const parts: string[] = [];
  for (let i = 0, n = 0; n < mb * 1048576; i++) {
    const s = JSON.stringify({ id: `r${i}`, text: 'near the old town' });
    parts.push(s);
    n += s.length + 1;
  }
  return Buffer.from(`[${parts.join(',')}]`);
}

/** Best of three: splitting `buf` pushed whole (as an open document's text is). */
function splitMs(buf: Buffer): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    let count = 0;
    const t0 = performance.now();
    const s = new JsonSplitter((path) => (path.length === 0 ? 'descend' : 'record'), {
      value: () => count++,
      problem: (_at, m) => assert.fail(m),
    });
    s.push(buf);
    s.end();
    best = Math.min(best, performance.now() - t0);
    assert.ok(count > 1000);
  }
  return best;
}

// Before the fix each record's position search ran to the end of the chunk: on one line pushed
// whole, a pass over the rest of the input per record: 8× the bytes then take ~64× the time (and
// 2 MB alone took seconds: the timeout catches that too). Linear is ~8×; the bound of 24× leaves a
// loaded machine (CI shares two cores) three times the room without letting quadratic through.
test('splitting a minified one-line .json is linear: 8× the bytes take well under 64× the time', { timeout: 60_000 }, () => {
  const small = minified(0.5);
  const large = minified(4);
  splitMs(small); // warm-up
  const a = splitMs(small);
  const b = splitMs(large);
  assert.ok(b / a < 24, `0.5 MB: ${a.toFixed(1)} ms, 4 MB: ${b.toFixed(1)} ms (${(b / a).toFixed(1)}×)`);
});

test('indexing a minified .json gives the same conversations as the same data with newlines', () => {
  const convs = Array.from({ length: 300 }, (_, i) => ({
    id: `c${i}`,
    messages: [
      { role: 'user', content: `Hotel ${i}?` },
      { role: 'assistant', content: `Yes, é😀 ${i}.` },
    ],
  }));
  const one = parseTraceText('/w/one.json', JSON.stringify(convs), 'one.json');
  const lines = parseTraceText('/w/lines.json', `[\n${convs.map((c) => JSON.stringify(c)).join(',\n')}\n]`, 'lines.json');
  assert.deepEqual(
    one.conversations.map((c) => c.id),
    lines.conversations.map((c) => c.id),
  );
  assert.deepEqual(
    one.conversations.map((c) => c.messages),
    lines.conversations.map((c) => c.messages),
  );
  assert.deepEqual(
    one.conversations.map((c) => c.line),
    convs.map(() => 0),
  );
  assert.deepEqual(
    lines.conversations.map((c) => c.line),
    convs.map((_, i) => i + 1),
  );
});

test('the summary table gives back every row as stored, texts of any script included, across pages', () => {
  const table = new SummaryTable();
  const rows: Array<ContentSummary | null> = [];
  const texts = [
    '',
    'plain ascii',
    'café Ÿ',
    'Привет, мир',
    '😀 emoji',
    'cut in a pair \ud83d',
    'x'.repeat(500),
    'é'.repeat(500),
    '界'.repeat(500),
  ];
  for (let i = 0; i < 6000; i++) {
    const row: ContentSummary | null =
      i % 97 === 5
        ? null
        : {
            messageCount: i,
            hasToolCalls: i % 2 === 0,
            firstUserMessage: texts[i % texts.length]!,
            tracedResponse: texts[(i * 7) % texts.length]!,
            model: i % 3 ? `model-${i % 4}` : null,
          };
    rows.push(row);
    table.push(row);
  }
  assert.equal(table.size, rows.length);
  rows.forEach((row, i) => assert.deepEqual(table.get(i), row, `row ${i}`));
  assert.equal(table.get(rows.length), null);
  // Many pages of 1 MiB: offsets past the first page are right.
  const pages = new TextPages();
  const long = (i: number) => `${i}:`.padEnd(300 + (i % 200), i % 2 ? 'ü' : '语');
  for (let i = 0; i < 8000; i++) pages.push(long(i));
  for (let i = 0; i < 8000; i += 37) assert.equal(pages.get(i), long(i));
});
