// `hallucination-lab check` (the CI gate) as CI runs it: the built CLI on trace files, its exit
// codes, its SARIF regions on the file's exact characters, fingerprints that survive unrelated
// edits, a baseline that leaves old findings out, and JUnit a JUnit parser reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { XMLParser } from 'fast-xml-parser';
import type { Log } from 'sarif';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const sarifSchema = JSON.parse(
  fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
/** Escaped characters before the flagged text, and a flagged value inside JSON held in a string. */
const ESCAPED = [
  {
    id: 'esc-phone',
    messages: [
      { role: 'system', content: 'You answer questions about the Caf\u00e9 Lumi\u00e8re in Paris. Its number is not public.' },
      { role: 'user', content: 'How do I reach the "Caf\u00e9 Lumi\u00e8re"?' },
      { role: 'assistant', content: 'The \u201cCaf\u00e9 Lumi\u00e8re\u201d\tanswers at +33 1 99 88 77 66 every day.' },
    ],
  },
  {
    id: 'esc-call',
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Lyon"}' } }],
      },
    ],
  },
  {
    id: 'clean',
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }],
      },
    ],
  },
];

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-'));
  // \u escapes written as escapes (ensure_ascii style), as many producers write them.
  const jsonl =
    ESCAPED.map((c) => JSON.stringify(c).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(
      '\n',
    ) + '\n';
  fs.mkdirSync(path.join(dir, 'traces'));
  fs.writeFileSync(path.join(dir, 'traces', 'escaped.jsonl'), jsonl);
  for (const f of ['support-agent.jsonl', 'booking-flow.jsonl', 'rag-answers.json'])
    fs.copyFileSync(path.join(repo, 'samples', f), path.join(dir, 'traces', f));
  return dir;
}

function check(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readSarif(file: string): Log {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Log;
}

/** The file's raw text in a SARIF region (1-based lines and columns). */
function regionText(
  cwd: string,
  uri: string,
  region: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number },
): string {
  const lines = fs.readFileSync(path.join(cwd, uri), 'utf8').split('\n');
  assert.equal(region.startLine, region.endLine, 'a JSON string value sits on one line');
  return lines[region.startLine! - 1]!.slice(region.startColumn! - 1, region.endColumn! - 1);
}

test('findings exit 1; SARIF is valid and each region holds exactly the flagged text, through JSON escapes', () => {
  const cwd = workspace();
  const r = check(cwd, ['traces/*.jsonl', 'traces/*.json', '--sarif', 'out/h.sarif']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /FAILED: count>0/);
  const log = readSarif(path.join(cwd, 'out', 'h.sarif'));
  const validate = new Ajv({ strict: false, unicodeRegExp: false }).compile(sarifSchema);
  assert.ok(validate(log), JSON.stringify(validate.errors));
  const results = log.runs[0]!.results!;
  assert.ok(results.length >= 10, `${results.length} results`);
  for (const result of results) {
    const loc = result.locations![0]!.physicalLocation!;
    assert.ok(loc.region, `${result.ruleId} "${loc.region?.snippet?.text}" has a region`);
    const raw = regionText(cwd, loc.artifactLocation!.uri!, loc.region);
    // The raw characters decode (as the JSON string they are in, maybe twice for JSON in a string) to the flagged text.
    let decoded = JSON.parse(`"${raw}"`) as string;
    if (decoded !== loc.region.snippet!.text) decoded = JSON.parse(`"${decoded}"`) as string;
    assert.equal(decoded, loc.region.snippet!.text, `${loc.artifactLocation!.uri}: ${raw}`);
  }
  const byText = (t: string) => results.find((x) => x.locations![0]!.physicalLocation!.region!.snippet!.text === t);
  const phone = byText('+33 1 99 88 77 66');
  assert.ok(phone, 'the made-up phone number after escaped characters is found');
  assert.equal(phone.locations![0]!.physicalLocation!.artifactLocation!.uri, 'traces/escaped.jsonl');
  const lyon = byText('Lyon');
  assert.ok(lyon, 'the ungrounded argument inside the arguments string is found');
  assert.equal(lyon.properties!['toolName'], 'get_weather');
  assert.equal(lyon.properties!['parameterName'], 'city');
  assert.ok(!results.some((x) => x.properties!['conversationId'] === 'clean'), 'the grounded call is not flagged');
});

test('fingerprints stay when unrelated lines are added above, and a baseline leaves old findings out (exit 0)', () => {
  const cwd = workspace();
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--sarif', 'first.sarif']).code, 1);
  const first = readSarif(path.join(cwd, 'first.sarif')).runs[0]!.results!;
  const file = path.join(cwd, 'traces', 'escaped.jsonl');
  const unrelated = JSON.stringify({
    id: 'added',
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ],
  });
  fs.writeFileSync(file, `${unrelated}\n${unrelated.replace('added', 'added-2')}\n${fs.readFileSync(file, 'utf8')}`);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--sarif', 'second.sarif']).code, 1);
  const second = readSarif(path.join(cwd, 'second.sarif')).runs[0]!.results!;
  const fp = (x: (typeof first)[number]) => x.partialFingerprints!['hallucinationLab/v1'];
  assert.deepEqual(second.map(fp), first.map(fp));
  assert.deepEqual(
    second.map((x) => x.locations![0]!.physicalLocation!.region!.startLine),
    first.map((x) => x.locations![0]!.physicalLocation!.region!.startLine! + 2),
  );
  const withBaseline = check(cwd, ['traces/escaped.jsonl', '--baseline', 'first.sarif', '--sarif', 'third.sarif']);
  assert.equal(withBaseline.code, 0, withBaseline.stdout + withBaseline.stderr);
  const third = readSarif(path.join(cwd, 'third.sarif')).runs[0]!.results!;
  assert.deepEqual(
    third.map((x) => x.baselineState),
    first.map(() => 'unchanged'),
  );

  // A new finding is counted even with the baseline.
  const added = JSON.stringify({
    ...ESCAPED[1],
    id: 'new-call',
    messages: [{ role: 'user', content: 'Weather in Rome?' }, ESCAPED[1]!.messages[1]],
  });
  fs.appendFileSync(file, added + '\n');
  const fourth = check(cwd, ['traces/escaped.jsonl', '--baseline', 'first.sarif', '--json']);
  assert.equal(fourth.code, 1);
  const json = JSON.parse(fourth.stdout) as { rules: Array<{ rule: string; value: number; failed: boolean }> };
  assert.deepEqual(json.rules, [{ rule: 'count>0', value: 1, failed: true }]);
});

test('threshold rules decide the exit code; a bad rule is a usage error (2); an unreadable input is 3', () => {
  const cwd = workspace();
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'count>5']).code, 0);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'rate>0.5']).code, 1); // 2 of 3 conversations
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'rate>0.7']).code, 0);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'tool:get_weather>0']).code, 1);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'label:unknown_tool>0']).code, 0);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'confidence>=0.99']).code, 0);
  const bad = check(cwd, ['traces/escaped.jsonl', '--fail-on', 'speed>1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on "speed>1": expected/);
  fs.writeFileSync(path.join(cwd, 'notes.json'), '{"hello": "not a trace"}');
  const unreadable = check(cwd, ['traces/escaped.jsonl', 'notes.json', 'missing.jsonl', '--fail-on', 'count>5']);
  assert.equal(unreadable.code, 3);
  assert.match(unreadable.stderr, /notes\.json: not read as a trace file/);
  assert.match(unreadable.stderr, /missing\.jsonl: no file matches it/);
});

test('JUnit: a test case per conversation, failed where a hallucination is; Markdown for the step summary', () => {
  const cwd = workspace();
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--junit', 'junit.xml', '--markdown', 'summary.md']).code, 1);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    fs.readFileSync(path.join(cwd, 'junit.xml'), 'utf8'),
  ) as {
    testsuites: { testsuite: { name: string; tests: string; failures: string; testcase: Array<{ name: string; failure?: unknown }> } };
  };
  const suite = doc.testsuites.testsuite;
  assert.equal(suite.name, 'traces/escaped.jsonl');
  assert.deepEqual(
    suite.testcase.map((c) => [c.name, c.failure !== undefined]),
    [
      ['esc-phone', true],
      ['esc-call', true],
      ['clean', false],
    ],
  );
  assert.match(fs.readFileSync(path.join(cwd, 'summary.md'), 'utf8'), /\*\*2\*\* hallucinations in \*\*2\*\* of \*\*3\*\* conversations/);
});

test('--init-ci github writes the workflow once and never overwrites it', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-init-'));
  const first = check(cwd, ['--init-ci', 'github']);
  assert.equal(first.code, 0);
  const workflow = fs.readFileSync(path.join(cwd, '.github', 'workflows', 'hallucination-lab.yml'), 'utf8');
  assert.match(workflow, /hallucination-lab check/);
  assert.match(workflow, /upload-sarif/);
  fs.writeFileSync(path.join(cwd, '.github', 'workflows', 'hallucination-lab.yml'), 'mine');
  assert.equal(check(cwd, ['--init-ci', 'github']).code, 2);
  assert.equal(fs.readFileSync(path.join(cwd, '.github', 'workflows', 'hallucination-lab.yml'), 'utf8'), 'mine');
});

test('a finding people dismissed in a review is a SARIF suppression with its reason, and not counted', () => {
  const cwd = workspace();
  const cli2 = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  const run = cli2(['run', 'traces/escaped.jsonl', '--pass-through', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const resource = JSON.parse(run.stdout) as { id: string; items: Array<{ annotations: Array<{ id: string; text: string }> }> };
  const lyon = resource.items.flatMap((i) => i.annotations).find((a) => a.text === 'Lyon');
  assert.ok(lyon, 'the run found "Lyon"');
  const dismissed = cli2(['review', resource.id, '--dismiss', lyon.id, '--comment', 'the user meant Lyon']);
  assert.equal(dismissed.status, 0, dismissed.stderr);

  const r = check(cwd, ['traces/escaped.jsonl', '--sarif', 'h.sarif', '--json']);
  assert.equal(r.code, 1, 'the made-up phone number still fails the gate');
  const json = JSON.parse(r.stdout) as { rules: Array<{ value: number }> };
  assert.equal(json.rules[0]!.value, 1, 'only the phone number is counted');
  const results = readSarif(path.join(cwd, 'h.sarif')).runs[0]!.results!;
  const suppressed = results.find((x) => x.locations![0]!.physicalLocation!.region!.snippet!.text === 'Lyon')!;
  assert.equal(suppressed.suppressions?.[0]?.kind, 'external');
  assert.match(suppressed.suppressions![0]!.justification!, /dismissed by .* the user meant Lyon/);
  const phone = results.find((x) => x.locations![0]!.physicalLocation!.region!.snippet!.text === '+33 1 99 88 77 66')!;
  assert.equal(phone.suppressions, undefined);
  assert.equal(check(cwd, ['traces/escaped.jsonl', '--fail-on', 'tool:get_weather>0']).code, 0, 'the dismissed call is not counted');
});
