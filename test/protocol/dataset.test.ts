// `hallucination-lab dataset save` then `eval` with the built CLI (dist/cli.js): an experiment
// reviewed (verdicts by the CLI, spans people added as the editor writes them), saved as a dataset,
// the local detector scored against it, an experiment run on it, and a hand edit with an error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentResourceSchema } from '../../common/schema';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const sample = path.join(repo, 'samples', 'support-agent.jsonl');

const KEY = 'sk-test-dataset-eval';
/** A judge that flags "Leipzig hub" and "November 26, 2026" in the response that holds them, nothing else. */
let judge: MockServer;
before(async () => {
  judge = await startMockOpenAI({
    apiKey: KEY,
    script: (req) => {
      const flagged = req.rawBody.includes('Leipzig hub')
        ? [
            { label: 'fabricated_entity', text: 'Leipzig hub', explanation: 'no tool result names a hub', confidence: 0.8 },
            { label: 'fabricated_date', text: 'November 26, 2026', explanation: 'no date in the tracking result', confidence: 0.8 },
          ].map((a) => ({ ...a, message_part_index: 0, tool_name: null, parameter_name: null }))
        : [];
      return { kind: 'ok', content: JSON.stringify({ annotations: flagged }) };
    },
  });
});
after(async () => judge.close());

function run(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}
async function ok(args: string[], cwd: string): Promise<string> {
  const r = await run(args, cwd);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A span people added ("Mark as hallucination…"), as dataset save writes one, put into the dataset by hand. */
function addGoldSpan(file: string, recordId: string, text: string, label: string): void {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const records = lines.map(
    (l) =>
      JSON.parse(l) as {
        id: string;
        messages: Array<{ content: unknown }>;
        metadata: { hallucination_lab_dataset: { gold_spans: unknown[] } };
      },
  );
  const record = records.find((r) => r.id === recordId)!;
  const reply = record.messages[4]!.content as string;
  const start = reply.indexOf(text);
  assert.ok(start >= 0);
  record.metadata.hallucination_lab_dataset.gold_spans.push({
    message_index: 4,
    message_part_index: 0,
    start_offset: start,
    end_offset: start + text.length,
    text,
    label,
    gold: 'hallucination',
    source: 'added',
    detector: 'human',
    author: 'ann',
    at: '2026-12-03T12:00:00.000Z',
  });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

interface EvalJson {
  dataset: { name: string; id: string; version_id: string };
  records: number;
  scores: Array<{
    detector: string;
    span: { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };
    response: { precision: number; recall: number };
    false_positives: Array<{ text: string; known_negative?: boolean }>;
    misses: Array<{ text: string; label: string }>;
  }>;
}

test('dataset save writes the reviewed responses with gold spans; eval scores the local detector against them', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-dataset-'));
  const exp = experimentResourceSchema.parse(JSON.parse(await ok(['run', sample, '--pass-through', '--json'], cwd)));
  const byText = new Map(exp.items.flatMap((i) => i.annotations.map((a) => [a.text, { id: a.id!, item: i.id }])));
  // support-002 and support-003 reviewed completely; support-005's finding left unreviewed.
  for (const t of ['November 26, 2026', 'https://track.northwind.example/1Z999AA10123456784', 'expedite', '+49 30 1234567'])
    await ok(['review', exp.id, '--confirm', byText.get(t)!.id], cwd);
  await ok(['review', exp.id, '--dismiss', byText.get('250')!.id, '--comment', 'the user asked for 250'], cwd);

  const listing = JSON.parse(await ok(['review', exp.id, '--list', '--json'], cwd)) as {
    feedback_scores: Array<{ name: string; value: number }>;
  };
  const score = (name: string) => listing.feedback_scores.find((s) => s.name === name)?.value;
  assert.equal(score('agreement/local-people'), 4 / 5, 'local flagged the dismissed one too');
  assert.equal(score('recall/local'), undefined, 'no span added by people: no recall');

  const saved = await run(['dataset', 'save', exp.id, 'support'], cwd);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(
    saved.stdout,
    /^datasets\/support\.jsonl: dataset "support" version sha256-[0-9a-f]{16}, 2 responses, 4 hallucination spans, 1 known negatives\n$/,
  );
  assert.match(saved.stderr, /1 responses with unreviewed annotations left out/);
  // Two spans people added, which the local detector did not flag.
  addGoldSpan(path.join(cwd, 'datasets', 'support.jsonl'), 'support-003', 'tomorrow', 'fabricated_date');
  addGoldSpan(path.join(cwd, 'datasets', 'support.jsonl'), 'support-002', 'Leipzig hub', 'fabricated_entity');

  const scored = JSON.parse(await ok(['eval', 'datasets/support.jsonl', '--json'], cwd)) as EvalJson;
  assert.equal(scored.records, 2);
  assert.equal(scored.dataset.name, 'support');
  const local = scored.scores.find((s) => s.detector === 'local')!;
  assert.deepEqual([local.span.tp, local.span.fp, local.span.fn], [4, 1, 2]);
  assert.equal(local.span.precision, 4 / 5);
  assert.equal(local.span.recall, 4 / 6);
  assert.deepEqual([local.response.precision, local.response.recall], [1, 1]);
  assert.deepEqual(
    local.false_positives.map((f) => [f.text, f.known_negative]),
    [['250', true]],
  );
  assert.deepEqual(local.misses.map((m) => m.text).sort(), ['Leipzig hub', 'tomorrow']);
  // Both detectors: each scored on its own findings (one both found counts for each).
  const both = await run(
    ['eval', 'datasets/support.jsonl', '--detector', 'both', '--judge-model', 'judge', '--base-url', judge.url, '--json'],
    cwd,
    {
      OPENAI_API_KEY: KEY,
    },
  );
  assert.equal(both.code, 0, both.stderr);
  const scores = (JSON.parse(both.stdout) as EvalJson).scores;
  assert.deepEqual(
    scores.map((x) => x.detector),
    ['local', 'judge'],
  );
  assert.deepEqual(scores[0]!.span, local.span, 'local scores the same beside the judge');
  assert.deepEqual([scores[1]!.span.tp, scores[1]!.span.fp, scores[1]!.span.fn, scores[1]!.span.precision], [2, 0, 4, 1]);
  assert.deepEqual(scores[1]!.misses.map((m) => m.text).sort(), [
    '+49 30 1234567',
    'expedite',
    'https://track.northwind.example/1Z999AA10123456784',
    'tomorrow',
  ]);
  const table = await ok(['eval', 'datasets/support.jsonl'], cwd);
  assert.match(table, /^local\s+span\s+0\.800\s+0\.667\s+0\.727\s+4\s+1\s+2$/m);
  assert.match(table, /miss support-003 m4p0 \d+-\d+ fabricated_date "tomorrow"/);

  // An experiment on the dataset file records which dataset, and which version, it ran on.
  const onDataset = experimentResourceSchema.parse(
    JSON.parse(await ok(['run', 'datasets/support.jsonl', '--pass-through', '--json'], cwd)),
  );
  assert.deepEqual(
    [onDataset.dataset_name, onDataset.dataset_id, onDataset.dataset_version_id],
    ['support', scored.dataset.id, scored.dataset.version_id],
  );
  assert.equal(onDataset.items.length, 2);
  const onDatasetLocal = onDataset.dataset_scores?.find((d) => d.detector === 'local');
  assert.deepEqual(onDatasetLocal?.span, local.span, 'the experiment scores its detector against the gold spans as eval does');

  // A hand edit that breaks the second line: exit 3, the line named.
  const file = path.join(cwd, 'datasets', 'support.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[1] = lines[1]!.replace('"gold":"hallucination"', '"gold":"yes"');
  fs.writeFileSync(file, lines.join('\n'));
  const broken = await run(['eval', 'datasets/support.jsonl'], cwd);
  assert.equal(broken.code, 3);
  assert.match(
    broken.stderr,
    /^hallucination-lab eval: datasets\/support\.jsonl:2: not a dataset record: metadata\.hallucination_lab_dataset\.gold_spans\[\d+\]\.gold: /,
  );
});

test('dataset save refuses what it cannot save: nothing reviewed (exit 1), no such experiment (exit 1), a usage error (exit 2)', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-dataset-'));
  const exp = experimentResourceSchema.parse(JSON.parse(await ok(['run', sample, '--pass-through', '--json'], cwd)));
  const nothing = await run(['dataset', 'save', exp.id, 'empty'], cwd);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /has no fully reviewed response to save/);
  assert.equal(fs.existsSync(path.join(cwd, 'datasets', 'empty.jsonl')), false);
  assert.equal((await run(['dataset', 'save', 'exp-nope', 'x'], cwd)).code, 1);
  assert.equal((await run(['dataset', 'load', exp.id, 'x'], cwd)).code, 2);
  assert.equal((await run(['eval', 'nowhere.jsonl'], cwd)).code, 3);
});
