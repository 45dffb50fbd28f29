// The CI gate's writers and rules on a fixed result: SARIF valid against the official 2.1.0 schema,
// JUnit readable by an XML parser, thresholds exactly as documented, fingerprints that ignore lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import { XMLParser } from 'fast-xml-parser';
import { annotation } from './checkGoldenCase';
import type { CheckResult } from '../../server/core/check/findings';
import { conversationFingerprints, FINGERPRINT_KEY } from '../../server/core/check/fingerprint';
import { evaluateRules, parseRule, RuleSyntaxError } from '../../server/core/check/thresholds';
import { baselineFingerprints, sarifLog } from '../../server/core/check/sarif';
import { junitXml } from '../../server/core/check/junit';
import { markdownSummary } from '../../server/core/check/markdown';

// The official SARIF 2.1.0 schema, as Microsoft's own SARIF test matchers ship it.
const sarifSchema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

function result(): CheckResult {
  const a1 = annotation({});
  const a2 = annotation({ label: 'unknown_tool', text: 'book_hotel', tool_name: 'book_hotel', confidence: 0.97, message_part_index: 1 });
  const a3 = annotation({
    label: 'ungrounded_parameter_value',
    text: 'Paris',
    tool_name: 'book_hotel',
    parameter_name: 'city',
    confidence: 0.6,
  });
  const [f1, f2] = conversationFingerprints('c1', [a1, a2]);
  const [f3] = conversationFingerprints('c2', [a3]);
  return {
    checked: 4,
    conversations: [
      {
        id: 'c1',
        file: 'traces/a.jsonl',
        findings: [
          { annotation: a1, fingerprint: f1!, inBaseline: false, region: { startLine: 1, startColumn: 40, endLine: 1, endColumn: 42 } },
          { annotation: a2, fingerprint: f2!, inBaseline: false, region: null },
        ],
      },
      {
        id: 'c2',
        file: 'traces/a.jsonl',
        findings: [
          { annotation: a3, fingerprint: f3!, inBaseline: true, region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 10 } },
        ],
      },
      { id: 'c3', file: 'traces/b.json', findings: [] },
      { id: 'c4', file: 'traces/b.json', findings: [] },
    ],
    skipped: [{ file: 'traces/c.json', conversationId: null, reason: 'not a trace file: no conversation found' }],
  };
}

test('every documented rule form parses; anything else is refused with the rule named', () => {
  for (const r of ['rate>0.05', 'count>0', 'label:unknown_tool>0', 'tool:book_hotel>2', 'confidence>=0.8', 'count <= 3', 'rate!=0'])
    assert.doesNotThrow(() => parseRule(r), r);
  for (const r of ['rate>', 'speed>1', 'count=>1', 'rate>1.5', 'label:>0', ''])
    assert.throws(
      () => parseRule(r),
      (e: unknown) => e instanceof RuleSyntaxError && e.message.includes(JSON.stringify(r)),
      r,
    );
});

test('thresholds count only findings a baseline did not hold', () => {
  const r = result();
  const outcomes = evaluateRules(
    ['count>1', 'count>2', 'rate>0.25', 'rate>0.3', 'label:unknown_tool>0', 'tool:book_hotel>1', 'label:ungrounded_parameter_value>0'].map(
      parseRule,
    ),
    r,
  );
  assert.deepEqual(
    outcomes.map((o) => [o.rule.source, o.value, o.failed]),
    [
      ['count>1', 2, true],
      ['count>2', 2, false],
      ['rate>0.25', 0.25, false], // c1 of 4 conversations; c2's only finding is in the baseline
      ['rate>0.3', 0.25, false],
      ['label:unknown_tool>0', 1, true],
      ['tool:book_hotel>1', 1, false],
      ['label:ungrounded_parameter_value>0', 0, false],
    ],
  );
});

test('confidence>=x fails when any counted finding reaches it', () => {
  const [high, tooHigh] = evaluateRules([parseRule('confidence>=0.97'), parseRule('confidence>0.97')], result());
  assert.equal(high!.failed, true);
  assert.equal(tooHigh!.failed, false);
  assert.equal(high!.value, 0.97);
});

test('a fingerprint ignores where the finding is and tells repeated identical findings apart', () => {
  const a = annotation({});
  const [x] = conversationFingerprints('c1', [a]);
  const [y] = conversationFingerprints('c1', [{ ...a, start_offset: 500, end_offset: 502 }]);
  assert.equal(x, y, 'offsets within the part do not change it');
  const [p, q] = conversationFingerprints('c1', [a, a]);
  assert.notEqual(p, q);
  const [other] = conversationFingerprints('c2', [a]);
  assert.notEqual(x, other, 'another conversation is another finding');
});

test('SARIF is valid against the official 2.1.0 schema and carries regions, fingerprints and baseline state', () => {
  const log = sarifLog(result(), { toolVersion: '0.1.0' });
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  const validate = ajv.compile(sarifSchema);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  assert.equal(validate({ ...log, version: '2.0.0' }), false, 'the validator rejects what the schema does not allow');
  const results = log.runs[0]!.results!;
  assert.equal(results.length, 3);
  const first = results[0]!;
  assert.equal(first.ruleId, 'fabricated_number');
  assert.deepEqual(first.locations![0]!.physicalLocation!.region, {
    startLine: 1,
    startColumn: 40,
    endLine: 1,
    endColumn: 42,
    snippet: { text: '42' },
  });
  assert.equal(first.locations![0]!.physicalLocation!.artifactLocation!.uri, 'traces/a.jsonl');
  assert.equal(typeof first.partialFingerprints![FINGERPRINT_KEY], 'string');
  assert.deepEqual(
    results.map((r) => r.baselineState),
    ['new', 'new', 'unchanged'],
  );
  assert.deepEqual(
    log.runs[0]!.tool.driver.rules!.map((r) => r.id),
    ['fabricated_number', 'ungrounded_parameter_value', 'unknown_tool'],
  );
  assert.match(log.runs[0]!.tool.driver.rules![2]!.shortDescription!.text, /tool that the trace does not define/);
  assert.equal(log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text, 'not a trace file: no conversation found');
  assert.deepEqual([...baselineFingerprints(log)].sort(), results.map((r) => r.partialFingerprints![FINGERPRINT_KEY]).sort());
});

test('a baseline that is not SARIF is refused, not read as empty', () => {
  assert.throws(() => baselineFingerprints({ version: '2.1.0' }), /no "runs" array/);
});

test('JUnit: a suite per file, a failed case per conversation with counted findings', () => {
  const xml = junitXml(result());
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    testsuites: { testsuite: Array<{ name: string; tests: string; failures: string; testcase: unknown }> };
  };
  const suites = doc.testsuites.testsuite;
  assert.deepEqual(
    suites.map((s) => [s.name, s.tests, s.failures]),
    [
      ['traces/a.jsonl', '2', '1'],
      ['traces/b.json', '2', '0'],
      ['traces/c.json (left out)', '1', '0'],
    ],
  );
  assert.match(xml, /traces\/a.jsonl:1:40 fabricated_number: “42”/);
});

test('the Markdown summary states the rate, the labels, the rules and what was left out; trace text cannot break the table', () => {
  const r = result();
  r.conversations[0]!.findings[0]!.annotation.text = 'a|b`c<img>';
  const md = markdownSummary(r, evaluateRules([parseRule('count>0')], r));
  assert.match(md, /failed/);
  assert.match(md, /\*\*2\*\* hallucinations in \*\*1\*\* of \*\*4\*\* conversations \(25\.0 %\); 1 more already in the baseline/);
  assert.match(md, /\| count\\>0 \| 2 \| failed \|/);
  assert.match(md, /\| unknown_tool \| 1 \|/);
  assert.match(md, /a\\\|b\\`c\\<img\\>/);
  assert.match(md, /not a trace file/);
});
