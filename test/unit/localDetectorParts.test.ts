// The local detector's building blocks: the positional JSON parser, folding, number and date
// readings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { indexTexts } from '../../server/core/detectors/local/context';
import { groundString } from '../../server/core/detectors/local/grounding';
import { parseJsonWithPositions, toPlain, valueSpan, type JsonNode } from '../../server/core/detectors/local/jsonPositions';
import { extractDates, fold, parseLooseNumber } from '../../server/core/detectors/local/normalize';

function strings(node: JsonNode, out: JsonNode[] = []): JsonNode[] {
  if (node.kind === 'string') out.push(node);
  else if (node.kind === 'array') node.items.forEach((n) => strings(n, out));
  else if (node.kind === 'object') node.entries.forEach((e) => strings(e.value, out));
  return out;
}

test('JSON parser: same value as JSON.parse, and every string span decodes to its value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      const parsed = parseJsonWithPositions(text);
      assert.ok(parsed.ok);
      assert.deepEqual(toPlain(parsed.node), JSON.parse(text));
      for (const s of strings(parsed.node)) {
        const span = valueSpan(s);
        assert.equal(JSON.parse(`"${text.slice(span.start, span.end)}"`), s.kind === 'string' ? s.value : null);
      }
    }),
    { numRuns: 300 },
  );
});

test('JSON parser: rejects what JSON.parse rejects, without throwing', () => {
  for (const bad of ['{"a":1,}', '{a:1}', "{'a':1}", '[1 2]', '{"a":01}', '"\\x"', '{"a":1} x', '', '{"a":"line\nbreak"}', 'NaN']) {
    assert.throws(() => JSON.parse(bad));
    const r = parseJsonWithPositions(bad);
    assert.equal(r.ok, false, bad);
  }
});

test('JSON parser: number and key spans are the tokens', () => {
  const text = '{ "n" : -1.5e3 , "k":true }';
  const r = parseJsonWithPositions(text);
  assert.ok(r.ok && r.node.kind === 'object');
  const [n, k] = r.node.entries;
  assert.equal(text.slice(n!.value.start, n!.value.end), '-1.5e3');
  assert.equal(text.slice(n!.keyStart, n!.keyEnd), '"n"');
  assert.equal(text.slice(k!.value.start, k!.value.end), 'true');
});

test('fold: case, accents, punctuation, letters split from digits, decimals and % kept', () => {
  assert.equal(fold('Café  "Noir" — 6cm, 3.5kg, 5% off!'), 'cafe noir 6 cm 3.5 kg 5 percent off');
  assert.equal(fold('1e-9 C'), '1e-9 c');
});

test('loose numbers: amounts, thousands separators, percentages, multipliers, cardinal words', () => {
  assert.deepEqual(parseLooseNumber('$1,200.00'), [1200]);
  assert.deepEqual(parseLooseNumber('5%'), [5, 0.05]);
  assert.deepEqual(parseLooseNumber('1.2 million'), [1.2, 1200000]);
  assert.deepEqual(parseLooseNumber('five'), [5]);
  assert.equal(parseLooseNumber('single'), null);
  assert.equal(parseLooseNumber('Route 66'), null);
});

test('dates: month-name and numeric forms, ambiguous day/month kept as two readings', () => {
  assert.deepEqual(extractDates('on March 3, 2024')[0]!.readings, [{ m: 3, d: 3, y: 2024 }]);
  assert.deepEqual(extractDates('on 10th of December 2022')[0]!.readings, [{ d: 10, m: 12, y: 2022 }]);
  assert.deepEqual(
    extractDates('on 04/05/2023')[0]!.readings,
    [
      { y: 2023, m: 4, d: 5 },
      { y: 2023, m: 5, d: 4 },
    ],
  );
  assert.equal(extractDates('version 1.2.3 and 10/20 cats').length, 0);
});

test('grounding: a qualifier must look like a place or code, not arbitrary words', () => {
  const ctx = indexTexts(['Find a hotel in Tel Aviv'], new Set(['user']));
  assert.deepEqual(groundString('Tel Aviv, Israel', null, ctx), { grounded: true });
  assert.deepEqual(groundString('Tel Aviv (IL)', null, ctx), { grounded: true });
  assert.equal(groundString('Tel Aviv, near the beach promenade', null, ctx).grounded, false);
  assert.equal(groundString('Haifa, Israel', null, ctx).grounded, false);
});

test('grounding: abbreviations and their names are the same thing', () => {
  const ctx = indexTexts(['Boston, Massachusetts, paying in US dollars'], new Set(['user']));
  assert.deepEqual(groundString('Boston, MA', null, ctx), { grounded: true });
  assert.deepEqual(groundString('USD', null, ctx), { grounded: true });
});

test('grounding: short common words in context do not ground the names they abbreviate', () => {
  // "in" and "me" are words here, not Indiana and Maine
  const ctx = indexTexts(['tell me about hotels in town'], new Set(['user']));
  assert.equal(groundString('Indiana', null, ctx).grounded, false);
  assert.equal(groundString('Maine', null, ctx).grounded, false);
});

test('grounding: the head of "Central Park, NY" must be grounded itself; the qualifier does not vouch for it', () => {
  const ctx = indexTexts(['concerts in New York next month'], new Set(['user']));
  assert.deepEqual(groundString('New York City, NY', null, ctx), { grounded: true });
  const v = groundString('Central Park, NY', null, ctx);
  assert.equal(v.grounded, false);
});

test('JSON parser: a "__proto__" key is an own property, as with JSON.parse', () => {
  const text = '[{"__proto__": null, "a": {"__proto__": [1]}}]';
  const parsed = parseJsonWithPositions(text);
  assert.ok(parsed.ok);
  assert.deepEqual(toPlain(parsed.node), JSON.parse(text));
});
