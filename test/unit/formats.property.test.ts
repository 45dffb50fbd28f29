// Property-based: the parsers and the offset mapper never throw on random and mutated input, and
// every position or range they produce lies inside the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { messageParts, traceFormats, type Annotation, type Conversation } from '../../common/schema';
import { annotationRange, fileText } from '../../server/core/markers';
import { parseTraceText } from '../../server/core/traceParser';
import { TraceFileIndexer } from '../../server/core/formats/indexer';
import { salvageTruncated } from '../../server/core/json/salvage';

const fixtureDir = path.join(__dirname, '..', 'fixtures', 'formats');
const sampleDir = path.join(__dirname, '..', '..', 'samples');
const fixtures = [
  ...fs
    .readdirSync(fixtureDir)
    .filter((f) => /\.jsonl?$/.test(f))
    .map((f) => path.join(fixtureDir, f)),
  ...fs
    .readdirSync(sampleDir)
    .filter((f) => /\.jsonl?$/.test(f))
    .map((f) => path.join(sampleDir, f)),
].map((file) => ({ name: path.basename(file), text: fs.readFileSync(file, 'utf8') }));

const RUNS = Number(process.env.FC_RUNS ?? 150);

const token = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '\\"',
  ',',
  ':',
  'null',
  '\n',
  '\r\n',
  ' ',
  '0',
  '-1e5',
  'é',
  '😀',
  '\u2028',
  '\\u00e9',
  '\\ud83d',
  '{"a":',
  '"gen_ai.',
  'parts',
  'messages',
);
type Mutation = { kind: 'delete' | 'insert' | 'duplicate' | 'truncate' | 'replace'; at: number; len: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'truncate', 'replace'),
  at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x),
  len: fc.integer({ min: 1, max: 400 }),
  text: fc.oneof(token, fc.string({ unit: 'binary', maxLength: 8 })),
}) as fc.Arbitrary<Mutation>;

function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = Math.floor((m.at as unknown as number) * t.length);
    if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.len);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'duplicate') t = t.slice(0, at + m.len) + t.slice(at, at + m.len) + t.slice(at + m.len);
    else if (m.kind === 'truncate') t = t.slice(0, at);
    else t = t.slice(0, at) + m.text + t.slice(at + m.text.length);
  }
  return t;
}

/** Every position the parse produced is inside `text`; every marker of a random annotation too. */
function checkInside(
  text: string,
  name: string,
  conversations: Conversation[],
  problems: Array<{ line: number; startCharacter?: number | undefined }>,
  pick: (n: number) => number,
): void {
  const lines = text.split('\n');
  for (const p of problems) {
    assert.ok(p.line >= 0 && p.line < lines.length, `${name}: problem line ${p.line} of ${lines.length}`);
    if (p.startCharacter !== undefined)
      assert.ok(p.startCharacter <= lines[p.line]!.length + 1, `${name}: problem column ${p.startCharacter}`);
  }
  const ft = fileText(text);
  for (const c of conversations) {
    assert.ok(c.line >= 0 && c.line < lines.length, `${name}: conversation line ${c.line}`);
    for (const a of c.anchors ?? []) {
      assert.ok(a.line < lines.length, `${name}: anchor line ${a.line}`);
      assert.ok(a.character <= lines[a.line]!.length, `${name}: anchor column ${a.character} > ${lines[a.line]!.length}`);
    }
    c.messages.forEach((m, mi) =>
      messageParts(m).forEach((part, pi) => {
        const from = pick(part.text.length + 1);
        const to = from + pick(part.text.length - from + 1);
        const annotation: Annotation = {
          label: 'x',
          text: part.text.slice(from, to),
          explanation: '',
          message_index: mi,
          message_part_index: pi,
          start_offset: from,
          end_offset: to,
          tool_name: null,
          parameter_name: null,
          detector: 'p',
          confidence: 1,
        };
        const r = annotationRange(ft, c, annotation);
        if (r)
          assert.ok(
            r.start >= 0 && r.start <= r.end && r.end <= text.length,
            `${name}: range ${r.start}-${r.end} outside 0-${text.length}`,
          );
      }),
    );
  }
}

test('parsers never throw on mutated traces of every format, and all positions lie inside the file', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...fixtures),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('.json', '.jsonl'),
      fc.constantFrom(undefined, 'auto' as const, ...traceFormats),
      fc.infiniteStream(fc.nat()),
      (fixture, ms, ext, format, rand) => {
        const text = mutate(fixture.text, ms);
        const name = fixture.name.replace(/\.jsonl?$/, ext);
        const r = parseTraceText(`/w/${name}`, text, name, format ? { format } : {});
        const it = rand[Symbol.iterator]();
        checkInside(text, name, r.conversations, r.problems, (n) => (n <= 0 ? 0 : it.next().value! % n));
      },
    ),
    { numRuns: RUNS },
  );
});

test('any JSON value, any text, as a trace file: no throw, positions inside', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v, null, 1) ?? ''),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
      fc.constantFrom('t.json', 't.jsonl'),
      (text, name) => {
        const r = parseTraceText(`/w/${name}`, text, name);
        checkInside(text, name, r.conversations, r.problems, () => 0);
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

test('streaming in chunks of any size gives the same index as the whole text', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...fixtures),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 40 }),
      fc.array(mutation, { maxLength: 2 }),
      (fixture, sizes, ms) => {
        const text = mutate(fixture.text, ms);
        const lineBased = fixture.name.endsWith('.jsonl');
        const whole = new TraceFileIndexer({ file: `/w/${fixture.name}`, displayName: fixture.name, lineBased });
        whole.push(Buffer.from(text));
        const a = whole.end();
        const chunked = new TraceFileIndexer({ file: `/w/${fixture.name}`, displayName: fixture.name, lineBased });
        const buf = Buffer.from(text);
        let at = 0;
        for (let i = 0; at < buf.length; i++) {
          const n = sizes[i % sizes.length]!;
          chunked.push(buf.subarray(at, at + n));
          at += n;
        }
        const b = chunked.end();
        assert.deepEqual(JSON.parse(JSON.stringify(b.conversations)), JSON.parse(JSON.stringify(a.conversations)));
        assert.deepEqual(b.problems, a.problems);
      },
    ),
    { numRuns: RUNS },
  );
});

test('offset mapping through one to three levels of JSON-in-a-string lands on exactly the annotated characters', () => {
  const text = fc.string({ unit: 'binary', maxLength: 60 });
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 3 }), fc.nat(), fc.nat(), fc.boolean(), (s, depth, i, j, pretty) => {
      // An OTel-like span whose output messages hold `s`, wrapped `depth` times in JSON strings.
      let inner: unknown = [{ role: 'assistant', parts: [{ type: 'text', content: s }] }];
      for (let k = 1; k < depth; k++) inner = JSON.stringify(inner);
      const attr = JSON.stringify(inner);
      const span = {
        traceId: 't',
        spanId: 's',
        name: 'chat',
        attributes: [
          { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
          { key: 'gen_ai.input.messages', value: { stringValue: '[{"role":"user","parts":[{"type":"text","content":"q"}]}]' } },
          { key: 'gen_ai.output.messages', value: { stringValue: attr } },
        ],
      };
      const file = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }, null, pretty ? 2 : 0);
      const r = parseTraceText('/w/x.json', file, 'x.json');
      const c = r.conversations[0];
      assert.ok(c, `no conversation (depth ${depth}): ${r.problems.map((p) => p.message).join('; ')}`);
      assert.equal(c.messages[1]!.content, s === '' ? '' : s);
      if (s === '') return;
      // A non-empty span (an empty one means "the whole value").
      const from = i % s.length;
      const to = from + 1 + (j % (s.length - from));
      const a: Annotation = {
        label: 'x',
        text: s.slice(from, to),
        explanation: '',
        message_index: 1,
        message_part_index: 0,
        start_offset: from,
        end_offset: to,
        tool_name: null,
        parameter_name: null,
        detector: 'p',
        confidence: 1,
      };
      const range = annotationRange(fileText(file), c, a);
      assert.ok(range, 'no range');
      assert.ok(range.start >= 0 && range.end <= file.length && range.start <= range.end);
      // Decoding the covered source through each level gives back exactly the annotated text.
      let raw = file.slice(range.start, range.end);
      for (let k = 0; k < depth + 1; k++) raw = JSON.parse(`"${raw}"`) as string;
      assert.equal(raw, s.slice(from, to));
    }),
    { numRuns: RUNS * 2 },
  );
});

test('a truncated value is salvaged to its complete members only (or nothing), never throwing', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.double({ min: 0, max: 1, noNaN: true }), (v, cut) => {
      const full = JSON.stringify(v, null, 1) ?? 'null';
      const part = full.slice(0, Math.floor(full.length * cut));
      const salvaged = salvageTruncated(part);
      if (salvaged === undefined) return;
      // Every string in the salvage is whole: it appears quoted in the full text.
      const strings: string[] = [];
      JSON.stringify(salvaged, (_k, x) => (typeof x === 'string' && strings.push(x), x));
      for (const s of strings) assert.ok(full.includes(JSON.stringify(s)), `partial string ${JSON.stringify(s)}`);
    }),
    { numRuns: RUNS * 2 },
  );
});
