// `hallucination-lab review` with the built CLI (dist/cli.js): verdicts by annotation id, the
// figures they give, and carry-over to a second experiment on the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentResourceSchema, type ExperimentResource } from '../../common/schema';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const sample = path.join(repo, 'samples', 'support-agent.jsonl');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}
async function experiment(out: string): Promise<ExperimentResource> {
  const r = await run(['run', sample, '--pass-through', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return experimentResourceSchema.parse(JSON.parse(r.stdout));
}
interface Listing {
  annotations: Array<{
    id: string;
    text: string;
    conversation_id: string;
    review?: { verdict: string; author: string; comment?: string; carried_from?: string };
  }>;
  feedback_scores: Array<{ name: string; value: number; reason: string }>;
  pass_rate: number | null;
  passed_count: number;
  total_count: number;
  unreviewed_count: number;
  stale_verdicts: unknown[];
}
async function list(out: string, id: string): Promise<Listing> {
  const r = await run(['review', id, '--list', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Listing;
}
/** Every line of verdicts.jsonl is complete JSON and the file ends with a newline. */
function verdictLines(out: string, id: string): Array<Record<string, unknown>> {
  const text = fs.readFileSync(path.join(out, 'experiments', id, 'verdicts.jsonl'), 'utf8');
  assert.ok(text.endsWith('\n'), 'the last verdict line is complete');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const score = (l: { feedback_scores: Listing['feedback_scores'] }, name: string) => l.feedback_scores.find((s) => s.name === name)?.value;

test('dismiss and confirm by id: verdicts stored and shown, figures and metrics follow, a second experiment carries them over', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-review-'));
  const first = await experiment(out);
  const annotations = first.items.flatMap((i) => i.annotations);
  assert.ok(annotations.length >= 2, 'the sample has annotations to review');
  assert.ok(annotations.every((a) => typeof a.id === 'string'));
  assert.equal(first.unreviewed_count, annotations.length);
  const before = first.metrics.total_hallucinations;

  // The ids of a reload are the ids of the run.
  const listed = await list(out, first.id);
  assert.deepEqual(
    listed.annotations.map((a) => a.id),
    annotations.map((a) => a.id),
  );
  const [dismissed, confirmed] = [annotations[0]!, annotations[annotations.length - 1]!];

  const d = await run([
    'review',
    first.id,
    '--dismiss',
    dismissed.id!,
    '--comment',
    'the user gave this date',
    '--author',
    'ann',
    '--out',
    out,
  ]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(verdictLines(out, first.id).length, 1);
  const c = await run(['review', first.id, '--confirm', confirmed.id!, '--out', out]);
  assert.equal(c.code, 0, c.stderr);
  const lines = verdictLines(out, first.id);
  assert.deepEqual(
    lines.map((l) => [l.annotation_id, l.verdict]),
    [
      [dismissed.id, 'dismissed'],
      [confirmed.id, 'confirmed'],
    ],
  );
  assert.equal(lines[1]!.author, os.userInfo().username, 'the author is the OS user by default');

  const after = await list(out, first.id);
  const byId = new Map(after.annotations.map((a) => [a.id, a]));
  assert.equal(byId.get(dismissed.id!)?.review?.verdict, 'dismissed');
  assert.equal(byId.get(dismissed.id!)?.review?.comment, 'the user gave this date');
  assert.equal(byId.get(dismissed.id!)?.review?.author, 'ann');
  assert.equal(byId.get(confirmed.id!)?.review?.verdict, 'confirmed');
  assert.equal(after.unreviewed_count, annotations.length - 2);
  assert.equal(score(after, 'precision/local'), 1 / 2);
  assert.equal(score(after, 'reviewed_share'), 2 / annotations.length);
  assert.deepEqual(after.stale_verdicts, []);
  // Pass: no confirmed hallucination and no unreviewed one at confidence ≥ 0.5.
  const passes = (i: ExperimentResource['items'][number]) =>
    i.annotations.every((a) => (a.id === dismissed.id ? true : a.id === confirmed.id ? false : a.confidence < 0.5));
  const done = first.items.filter((i) => i.status === 'completed');
  assert.equal(after.total_count, done.length);
  assert.equal(after.passed_count, done.filter(passes).length);
  assert.equal(after.pass_rate, done.filter(passes).length / done.length);

  // The resource (`show`): metrics leave the dismissed annotation out.
  const shown = await run(['show', first.id, '--json', '--out', out]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(experimentResourceSchema.parse(JSON.parse(shown.stdout)).metrics.total_hallucinations, before - 1);

  // A second experiment on the same file: the same texts at the same places get the verdicts.
  const second = await experiment(out);
  assert.notEqual(second.id, first.id);
  const again = second.items.flatMap((i) => i.annotations);
  const twinOf = (a: typeof dismissed) =>
    again.find((b) => b.text === a.text && b.message_index === a.message_index && b.start_offset === a.start_offset)!;
  assert.notEqual(twinOf(dismissed).id, dismissed.id);
  assert.equal(twinOf(dismissed).review?.verdict, 'dismissed');
  assert.equal(twinOf(dismissed).review?.carried_from, first.id);
  assert.equal(twinOf(confirmed).review?.verdict, 'confirmed');
  assert.equal(again.filter((a) => a.review).length, 2, 'nothing else is reviewed');
  assert.equal(second.metrics.total_hallucinations, before - 1);
  const secondListing = await list(out, second.id);
  assert.equal(secondListing.annotations.find((a) => a.id === twinOf(dismissed).id)?.review?.verdict, 'dismissed');

  // A verdict given in the later experiment leaves the earlier one as it was.
  const unreviewed = again.find((b) => !b.review)!;
  assert.equal((await run(['review', second.id, '--dismiss', unreviewed.id!, '--out', out])).code, 0);
  assert.equal((await list(out, second.id)).unreviewed_count, again.length - 3);
  assert.equal((await list(out, first.id)).unreviewed_count, annotations.length - 2);
});

test('an unknown annotation id or experiment exits 1 and writes nothing; a bad command line exits 2', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-review-'));
  const first = await experiment(out);
  const r = await run(['review', first.id, '--dismiss', 'a-0000000000000000', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no annotation "a-0000000000000000"/);
  assert.equal(fs.existsSync(path.join(out, 'experiments', first.id, 'verdicts.jsonl')), false);
  assert.equal((await run(['review', 'exp-nope', '--list', '--out', out])).code, 1);
  const both = await run(['review', first.id, '--list', '--dismiss', 'x', '--out', out]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of/);
});
