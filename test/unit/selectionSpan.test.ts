// A selection in a trace file → the message part and decoded offsets (Mark as hallucination…): the
// reverse of placing a marker, through JSON escapes and JSON held in strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageParts, type Annotation, type Conversation } from '../../common/schema';
import { annotationRange, fileText } from '../../server/core/markers';
import { spanAtSelection } from '../../server/core/selectionSpan';
import { parseTraceText } from '../../server/core/traceParser';

const conv = {
  id: 'c1',
  messages: [
    { role: 'user', content: 'Where is the "hotel"?' },
    {
      role: 'assistant',
      content: 'Line one\nThe café is at "Rue Neuve" 12 — open 24/7\\now',
      tool_calls: [{ id: 't1', type: 'function', function: { name: 'book', arguments: '{"city":"Lyon","note":"near \\"Gare\\""}' } }],
    },
  ],
};
// \u escapes written by hand: the file holds "caf\u00e9", not "café".
const line = JSON.stringify(conv).replace('café', 'caf\\u00e9');
const source = `{"id":"other","messages":[{"role":"assistant","content":"x"}]}\n${line}\n`;
const parsed = parseTraceText('t.jsonl', source);
const file = fileText(source);

function select(raw: string, from = 0) {
  const start = source.indexOf(raw, from);
  assert.ok(start >= 0, `${raw} not in the file`);
  return spanAtSelection(file, parsed.conversations, start, start + raw.length);
}

test('a selection after \\n and \\u escapes gives the decoded offsets of exactly the selected characters', () => {
  const r = select('Rue Neuve');
  assert.ok(r.ok);
  const decoded = conv.messages[1]!.content;
  assert.deepEqual(
    [r.span.conversation.id, r.span.message_index, r.span.message_part_index, r.span.start_offset, r.span.text],
    ['c1', 1, 0, decoded.indexOf('Rue Neuve'), 'Rue Neuve'],
  );
  assert.equal(r.span.end_offset - r.span.start_offset, 'Rue Neuve'.length);
  const cafe = select('caf\\u00e9');
  assert.ok(cafe.ok);
  assert.equal(cafe.span.text, 'café');
  assert.equal(cafe.span.start_offset, decoded.indexOf('café'));
});

test('a selection that cuts an escape takes in the whole escaped character; quotes around the string are left out', () => {
  // `\"Rue` without its backslash: the escaped quote is taken in whole.
  const start = source.indexOf('\\"Rue') + 1;
  const r = spanAtSelection(file, parsed.conversations, start, start + 4);
  assert.ok(r.ok);
  assert.equal(r.span.text, '"Rue');
  // From the opening quote of the content string to "Line": the quote is not text.
  const q = source.indexOf('"Line one');
  const whole = spanAtSelection(file, parsed.conversations, q, q + 5);
  assert.ok(whole.ok);
  assert.equal(whole.span.text, 'Line');
  assert.equal(whole.span.start_offset, 0);
  // A backslash-n: two raw characters, one decoded.
  const nl = source.indexOf('one\\nThe');
  const across = spanAtSelection(file, parsed.conversations, nl, nl + 'one\\nThe'.length);
  assert.ok(across.ok);
  assert.equal(across.span.text, 'one\nThe');
});

test('a selection inside tool-call arguments (JSON in a string) gives offsets in the arguments text', () => {
  const r = select('Lyon');
  assert.ok(r.ok);
  const args = conv.messages[1]!.tool_calls![0]!.function.arguments;
  assert.equal(r.span.message_part_index, 1);
  assert.equal(r.span.text, 'Lyon');
  assert.equal(r.span.start_offset, args.indexOf('Lyon'));
  // Through two levels of escaping: \\\"Gare\\\" in the file is "Gare" in the arguments.
  const gare = select('Gare');
  assert.ok(gare.ok);
  assert.equal(args.slice(gare.span.start_offset, gare.span.end_offset), 'Gare');
});

test('refused with a reason: an empty selection, a user message, a key outside every part', () => {
  const empty = spanAtSelection(file, parsed.conversations, 10, 10);
  assert.ok(!empty.ok && /empty/.test(empty.reason));
  const user = select('hotel');
  assert.ok(!user.ok && /user message/.test(user.reason), JSON.stringify(user));
  const key = select('"role"', source.indexOf('\n'));
  assert.ok(!key.ok && /not inside a traced response/.test(key.reason));
  // Partly in the response, partly outside it.
  const s = source.indexOf('24/7');
  const over = spanAtSelection(file, parsed.conversations, s, source.indexOf('tool_calls'));
  assert.ok(!over.ok);
});

/** Every marker placed on a response of the format fixtures, selected again, names the same part and offsets. */
test('round trip over every format fixture: selecting a marker’s range gives back its annotation', () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'formats');
  let checked = 0;
  for (const name of fs.readdirSync(dir).filter((f) => /\.jsonl?$/.test(f))) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const { conversations } = parseTraceText(path.join(dir, name), text);
    const ft = fileText(text);
    for (const c of conversations)
      c.messages.forEach((m, mi) => {
        if (m.role !== 'assistant') return;
        messageParts(m).forEach((p, pi) => {
          const a = middleWord(c, mi, pi, p.text);
          if (!a) return;
          const r = annotationRange(ft, c, a);
          if (!r) return; // synthesized parts have no place in the file
          const back = spanAtSelection(ft, [c], r.start, r.end);
          assert.ok(back.ok, `${name} ${c.id} m${mi}p${pi}: ${back.ok ? '' : back.reason}`);
          assert.deepEqual(
            [back.span.message_index, back.span.message_part_index, back.span.start_offset, back.span.end_offset],
            [mi, pi, a.start_offset, a.end_offset],
            `${name} ${c.id} m${mi}p${pi}`,
          );
          checked++;
        });
      });
  }
  assert.ok(checked >= 10, `only ${checked} parts checked`);
});

function middleWord(c: Conversation, mi: number, pi: number, text: string): Annotation | null {
  const words = [...text.matchAll(/[\p{L}\p{N}]{3,}/gu)];
  const w = words[Math.floor(words.length / 2)];
  if (!w || w.index === undefined) return null;
  return {
    label: 'x',
    text: w[0],
    explanation: '',
    message_index: mi,
    message_part_index: pi,
    start_offset: w.index,
    end_offset: w.index + w[0].length,
    tool_name: null,
    parameter_name: null,
    detector: c.id,
    confidence: 1,
  };
}
