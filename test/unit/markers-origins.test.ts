// Markers of converted formats: the source map (anchors + part origins) against the file text,
// against the file on disk (large files, read in part), and after edits the index has not seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { messageParts, type Annotation, type Conversation } from '../../common/schema';
import { annotationPositionFromDisk, annotationRange, fileText } from '../../server/core/markers';
import { TraceIndex } from '../../server/core/traceIndex';
import { parseTraceText } from '../../server/core/traceParser';

const fixtureDir = path.join(__dirname, '..', 'fixtures', 'formats');
const files = fs
  .readdirSync(fixtureDir)
  .filter((f) => /\.jsonl?$/.test(f))
  .map((f) => path.join(fixtureDir, f));

function annotate(c: Conversation, mi: number, pi: number, needle: string): Annotation | null {
  const part = messageParts(c.messages[mi]!)[pi];
  const at = part ? part.text.indexOf(needle) : -1;
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

test('reading only the anchored record from disk gives the same marker positions as the whole text', async () => {
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = TextDocument.create('file:///x', 'json', 0, text);
    const index = new TraceIndex();
    await index.load(file, { lazyAboveBytes: 0 });
    let checked = 0;
    for (const view of index.conversations(file)) {
      const c = index.get(view.id)!;
      c.messages.forEach((m, mi) =>
        messageParts(m).forEach((part, pi) => {
          for (const needle of ['Lisbon', '17 °C', '"light rain"', 'nights', part.text.slice(0, 3)]) {
            const a = annotate(c, mi, pi, needle);
            if (!a || needle === '') continue;
            const r = annotationRange(fileText(text), c, a);
            const p = annotationPositionFromDisk(file, c, a);
            if (!r) {
              assert.equal(p, null);
              continue;
            }
            assert.deepEqual(
              p,
              { start: doc.positionAt(r.start), end: doc.positionAt(r.end) },
              `${path.basename(file)} ${c.id} ${mi}:${pi} ${needle}`,
            );
            checked++;
          }
        }),
      );
    }
    assert.ok(checked > 10, `${file}: only ${checked} markers checked`);
  }
});

test('an edit above the anchors (not yet re-indexed) falls back to the JSON path from the root', () => {
  const file = path.join(fixtureDir, 'opik.json');
  const text = fs.readFileSync(file, 'utf8');
  const c = parseTraceText(file, text).conversations.find((x) => x.id === '0195a3b2-7c4d-7e8f-9a0b-000000000006')!;
  const edited = text.replace('{\n  "traces": [', '{\n  "note": "exported by hand",\n\n  "traces": [');
  const a = annotate(c, 7, 0, '120 EUR')!;
  const r = annotationRange(fileText(edited), c, a)!;
  assert.equal(edited.slice(r.start, r.end), '120 EUR');
  // The text itself changed: no marker.
  const changed = edited.replaceAll('Casa do Rio has rooms for 120 EUR', 'Casa do Rio has rooms for 130 EUR');
  assert.equal(annotationRange(fileText(changed), c, a), null);
});

test('OpenAI-format conversations in a large JSON array are found from their own anchor', () => {
  const convs = Array.from({ length: 300 }, (_, i) => ({
    id: `c${i}`,
    messages: [
      { role: 'user', content: `q${i}` },
      { role: 'assistant', content: `The answer is ${i * 7}.` },
    ],
  }));
  const text = JSON.stringify(convs, null, 2);
  const r = parseTraceText('/w/big.json', text);
  const c = r.conversations[250]!;
  assert.deepEqual(c.anchors![0]!.path, [250]);
  const a = annotate(c, 1, 0, String(250 * 7))!;
  const range = annotationRange(fileText(text), c, a)!;
  assert.equal(text.slice(range.start, range.end), '1750');
  // A stale anchor (an element inserted above, not yet re-indexed) never marks another conversation.
  const edited = text.replace(
    '[\n',
    '[\n  {"id": "new", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "The answer is 1750."}]},\n',
  );
  assert.equal(annotationRange(fileText(edited), c, a), null);
  // Re-indexed, it is found again.
  const c2 = parseTraceText('/w/big.json', edited).conversations.find((x) => x.id === 'c250')!;
  const r2 = annotationRange(fileText(edited), c2, a)!;
  assert.equal(edited.slice(r2.start, r2.end), '1750');
  assert.ok(r2.start > edited.indexOf('"c250"'));
});
