// The JSON layer (server/core/json/): the strict position-keeping parser, the path locator over
// the tolerant scanner, the escape mapper, line arithmetic. Moved here from the tests of the
// modules it replaced (localDetectorParts, markers, inference), then what the merge needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodedToRawMany,
  decodedToRawOffsets as insideMap,
  escapeAt,
  literalOffsets,
  outerOffsets,
  type Level,
} from '../../server/core/json/escapes';
import { lineOf, lineStarts, offsetPositions } from '../../server/core/json/lines';
import { elementRanges, findValueRange, locateJsonPath } from '../../server/core/json/locate';
import { MAX_JSON_DEPTH, parseJsonWithPositions, toPlain, valueSpan, type JsonNode } from '../../server/core/json/parse';
import { pathText } from '../../server/core/json/pathText';

// ---- the parser (from localDetectorParts.test.ts)

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

test('JSON parser: a "__proto__" key is an own property, as with JSON.parse', () => {
  const text = '[{"__proto__": null, "a": {"__proto__": [1]}}]';
  const parsed = parseJsonWithPositions(text);
  assert.ok(parsed.ok);
  assert.deepEqual(toPlain(parsed.node), JSON.parse(text));
});

// ---- the escape mapper and the locator (from markers.test.ts)

/** Raw offset (from the opening quote) of every decoded offset 0..length of a JSON string literal. */
function decodedToRawOffsets(literal: string): number[] {
  const length = (JSON.parse(literal) as string).length;
  return decodedToRawMany(
    literal,
    { start: 0, end: literal.length },
    Array.from({ length: length + 1 }, (_, i) => i),
  );
}

test('decoded offsets map through \\n, \\", \\\\ and \\u escapes', () => {
  const literal = JSON.stringify('a\nb"c\\dé😀x');
  const map = decodedToRawOffsets(literal);
  const decoded = JSON.parse(literal) as string;
  assert.equal(map.length, decoded.length + 1);
  const x = decoded.indexOf('x');
  assert.equal(literal[map[x]!], 'x');
  const ascii = '"caf\\u00e9 \\ud83d\\ude00!"';
  const m2 = decodedToRawOffsets(ascii);
  const d2 = JSON.parse(ascii) as string;
  assert.equal(ascii.slice(m2[d2.indexOf('!')]!, m2[d2.indexOf('!')]! + 1), '!');
  assert.equal(ascii.slice(m2[3]!, m2[4]!), '\\u00e9');
});

test('findValueRange follows object keys and array indices, last duplicate key wins', () => {
  const src = '{"a": [1, {"b": "x"}, "y"], "a2": 3, "c": 1, "c": "last"}';
  const r = findValueRange(src, ['a', 1, 'b'])!;
  assert.equal(src.slice(r.start, r.end), '"x"');
  const c = findValueRange(src, ['c'])!;
  assert.equal(src.slice(c.start, c.end), '"last"');
  assert.equal(findValueRange(src, ['a', 5]), null);
  assert.equal(findValueRange(src, ['zz']), null);
});

// ---- the locator as the inference and judge code use it (from inference.test.ts)

test('locateJsonPath finds a field’s value (strings without their quotes)', () => {
  const text = '{ "a": {"b": [1, "two", {"c": true}]}, "s": "x\\"y" }';
  const at = (p: (string | number)[]) => {
    const s = locateJsonPath(text, p);
    return s && { text: text.slice(s.start, s.end), found: s.found };
  };
  assert.deepEqual(at(['a', 'b', 1]), { text: 'two', found: true });
  assert.deepEqual(at(['a', 'b', 2, 'c']), { text: 'true', found: true });
  assert.deepEqual(at(['s']), { text: 'x\\"y', found: true });
  assert.deepEqual(at(['a', 'zz']), { text: '{"b": [1, "two", {"c": true}]}', found: false });
  assert.equal(locateJsonPath('{"a": ', ['a']), null);
  // The one parser reports failure as a result (was: null from inference's own parser).
  assert.equal(parseJsonWithPositions('[1, 2,]').ok, false);
  const number = parseJsonWithPositions(' 12.5e3 ');
  assert.equal(number.ok && number.node.kind, 'number');
});

// ---- where the merged modules had different rules, and the depth bound

test('parser: nesting past the bound is a clear "too deep" result, never a stack overflow', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.ok(parseJsonWithPositions(deep(MAX_JSON_DEPTH)).ok);
  for (const n of [MAX_JSON_DEPTH + 2, 5_000, 200_000]) {
    const r = parseJsonWithPositions(`{"a": ${deep(n)}}`);
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.reason, 'too_deep');
    assert.match(r.error, new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels at offset \\d+`));
  }
  const bad = parseJsonWithPositions('[1,]');
  assert.equal(!bad.ok && bad.reason, 'syntax');
});

test('locator: works at any depth (iterative), and a repeated key resolves to the last, as JSON.parse does', () => {
  const n = 50_000;
  const text = `{"a": ${'['.repeat(n)}"x"${']'.repeat(n)}}`;
  const s = locateJsonPath(text, ['a', ...Array.from({ length: n }, () => 0)]);
  assert.deepEqual(s && text.slice(s.start, s.end), 'x');
  const dup = '{"k": "first", "k": "last"}';
  assert.equal(JSON.parse(dup).k, 'last');
  const d = locateJsonPath(dup, ['k'])!;
  assert.equal(dup.slice(d.start, d.end), 'last');
});

test('locator: absent steps give the deepest ancestor; an empty string keeps its quotes', () => {
  const text = '{"a": [10, 20], "e": "", "o": {"0": 1}}';
  const at = (p: (string | number)[]) => {
    const s = locateJsonPath(text, p);
    return s && { text: text.slice(s.start, s.end), found: s.found };
  };
  assert.deepEqual(at(['e']), { text: '""', found: true });
  assert.deepEqual(at(['a', 2]), { text: '[10, 20]', found: false });
  assert.deepEqual(at(['a', -1]), { text: '[10, 20]', found: false });
  assert.deepEqual(at(['a', 'x']), { text: '[10, 20]', found: false });
  assert.deepEqual(at(['o', 0]), { text: '{"0": 1}', found: false }, 'an index is not a key');
  assert.deepEqual(at([]), { text, found: true });
  assert.equal(findValueRange(text, ['a', -1]), null);
});

test('locator: a value found from an offset inside a larger text, and the elements of an array', () => {
  const record = '{"spans": [ {"n": 1} , "two", 3 ]}';
  const file = `junk before\n${record}\ntrailing`;
  const offset = file.indexOf('{');
  const v = findValueRange(file, ['spans', 1], offset)!;
  assert.equal(file.slice(v.start, v.end), '"two"');
  const els = elementRanges(file, ['spans'], offset)!;
  assert.deepEqual(
    els.map((r) => file.slice(r.start, r.end)),
    ['{"n": 1}', '"two"', '3'],
  );
  assert.deepEqual(elementRanges(file, ['nope'], offset), null);
});

/** Any UTF-16 units (control characters, quotes, backslashes, lone surrogates), ASCII weighted up. */
const anyUnits = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })))
  .map((units) => String.fromCharCode(...units));

test('escape mapper: the inside map and the literal map agree, and every unit maps onto its escape', () => {
  fc.assert(
    fc.property(anyUnits, (units) => {
      const decoded = units + '😀';
      const literal = JSON.stringify(decoded);
      // \u escapes for every unit too (JSON.stringify writes few of them)
      const ascii = literal.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      for (const lit of [literal, ascii]) {
        const inside = insideMap(lit.slice(1, -1));
        const all = decodedToRawMany(
          lit,
          { start: 0, end: lit.length },
          Array.from({ length: decoded.length + 1 }, (_, k) => k),
        );
        assert.deepEqual(
          inside.map((o) => o + 1),
          all,
        );
        assert.equal(inside.length, decoded.length + 1);
        for (let k = 0; k < decoded.length; k++)
          assert.equal(JSON.parse(`"${lit.slice(1, -1).slice(inside[k], inside[k + 1])}"`), decoded[k]);
      }
    }),
    { numRuns: 300 },
  );
  // Offsets in any order come back in the order asked.
  const lit = JSON.stringify('a\nb"c');
  assert.deepEqual(decodedToRawMany(lit, { start: 0, end: lit.length }, [4, 0, 2]), [7, 1, 4]);
});

test('escape mapper: offsets through JSON in a string in a string land on the characters of the file', () => {
  fc.assert(
    fc.property(anyUnits, fc.nat(), fc.nat(), (s, i, j) => {
      const inner = JSON.stringify({ note: s });
      const middle = JSON.stringify({ args: inner });
      const file = `{"x": 1, "call": ${JSON.stringify(middle)}}`;
      const from = Math.min(i, j) % (s.length + 1);
      const to = Math.max(from, Math.max(i, j) % (s.length + 1));
      // Levels: the file holding `middle` as a literal, `middle` holding `inner`, `inner` holding s.
      const l0 = findValueRange(file, ['call'])!;
      const l1 = findValueRange(middle, ['args'])!;
      const l2 = findValueRange(inner, ['note'])!;
      const levels: Level[] = [
        { text: file, range: l0 },
        { text: middle, range: l1 },
        { text: inner, range: l2 },
      ];
      const [a, b] = outerOffsets(levels, literalOffsets(levels[2]!, [from, to])) as [number, number];
      // The file's characters decode, three times, to the annotated text.
      let raw = file.slice(a, b);
      for (let k = 0; k < 3; k++) raw = JSON.parse(`"${raw}"`) as string;
      assert.equal(raw, s.slice(from, to));
    }),
    { numRuns: 200 },
  );
});

test('escapeAt: what an escape decodes to and its length; null where there is none', () => {
  assert.deepEqual(escapeAt('a\\nb', 1), { value: '\n', length: 2 });
  assert.deepEqual(escapeAt('\\u00e9', 0), { value: 'é', length: 6 });
  assert.equal(escapeAt('\\x', 0), null);
  assert.equal(escapeAt('\\u12', 0), null);
  assert.equal(escapeAt('ab', 0), null);
  assert.equal(escapeAt('\\', 0), null);
});

test('lines: line starts, the line of an offset, and line / UTF-16 column / UTF-8 byte of offsets', () => {
  const text = 'ab\ncé\n\nz';
  const starts = lineStarts(text);
  assert.deepEqual(starts, [0, 3, 6, 7]);
  assert.deepEqual(
    [0, 2, 3, 5, 6, 7, 8].map((o) => lineOf(starts, o)),
    [0, 0, 1, 1, 2, 3, 3],
  );
  assert.deepEqual(offsetPositions(text, [1, 5, 7]), [
    { line: 0, character: 1, byte: 1 },
    { line: 1, character: 2, byte: 6 },
    { line: 3, character: 0, byte: 8 },
  ]);
});

test('parser and locator agree: every value the parser places, the locator finds at the same characters', () => {
  /** Every node with its path (last duplicate key only, as both resolve a repeated key). */
  function withPaths(node: JsonNode, path: (string | number)[], out: Array<[(string | number)[], JsonNode]>): typeof out {
    out.push([path, node]);
    if (node.kind === 'array') node.items.forEach((n, i) => withPaths(n, [...path, i], out));
    if (node.kind === 'object') {
      const last = new Map(node.entries.map((e) => [e.key, e.value] as const));
      for (const [k, v] of last) withPaths(v, [...path, k], out);
    }
    return out;
  }
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
      const text = ` ${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`;
      const parsed = parseJsonWithPositions(text);
      assert.ok(parsed.ok);
      for (const [path, node] of withPaths(parsed.node, [], [])) {
        assert.deepEqual(findValueRange(text, path), { start: node.start, end: node.end });
        const span = locateJsonPath(text, path)!;
        const expected = node.kind === 'string' && node.value === '' ? { start: node.start, end: node.end } : valueSpan(node);
        assert.deepEqual(span, { ...expected, found: true });
      }
    }),
    { numRuns: 200 },
  );
});

test('locator: keys are compared decoded, and "__proto__" is a key like any other', () => {
  const text = '{"__proto__": {"k\\u0065y": "v", "x": [true]}}';
  const v = locateJsonPath(text, ['__proto__', 'key'])!;
  assert.deepEqual([text.slice(v.start, v.end), v.found], ['v', true]);
  const r = findValueRange(text, ['__proto__', 'x', 0])!;
  assert.equal(text.slice(r.start, r.end), 'true');
  assert.equal(findValueRange(text, ['constructor']), null);
});

test('pathText: keys joined by dots, indices in brackets, the empty path named by the caller', () => {
  assert.equal(pathText(['resourceSpans', 0, 'scopeSpans', 2, 'spans'], 'the document'), 'resourceSpans[0].scopeSpans[2].spans');
  assert.equal(pathText([3, 'name'], '(root)'), '[3].name');
  assert.equal(pathText([], 'the document'), 'the document');
  assert.equal(pathText([], '(root)'), '(root)');
});
