// The built CLI's cost flags (issue 19 §3): `run --estimate` prints the estimate and exits 0
// without creating or calling anything; `--max-cost` refuses to start (exit 1, the estimate
// printed) above the limit or when a price is unknown, and runs below it — with the judge's
// tokens and cost apart in the resource, and each item's raw exchange without the key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentEstimateSchema } from '../../common/estimate';
import { experimentResourceSchema } from '../../common/schema';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const sample = path.join(repo, 'samples', 'rag-answers.json');
const KEY = 'sk-test-estimate-never-stored-41d2';
let mock: MockServer;

before(async () => {
  // Every answer (the judge's too) is an empty annotation list, with known usage.
  mock = await startMockOpenAI({
    apiKey: KEY,
    script: () => ({ kind: 'ok', content: '{"annotations": []}', usage: { prompt_tokens: 500, completion_tokens: 20 } }),
  });
});
after(async () => mock.close());

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hl-cli-estimate-'));
}
function modelsFile(dir: string, models: unknown[]): string {
  const file = path.join(dir, 'models.json');
  fs.writeFileSync(file, JSON.stringify(models));
  return file;
}
const priced = [
  { model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6, seed: 7, top_p: 0.5, logprobs: true },
  { model: 'judge-model', id: 'judge', input_price_per_1m: 1, output_price_per_1m: 2 },
];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, OPENAI_API_KEY: KEY } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

test('--estimate prints requests, tokens and cost (--json: the estimate document) and exits 0 without calling a model', async () => {
  const dir = tmp();
  const out = path.join(dir, 'store');
  const common = ['run', sample, '--models-file', modelsFile(dir, priced), '--model', 'gpt-4.1-mini', '--base-url', mock.url, '--out', out];
  mock.reset();
  const json = await run([...common, '--detector', 'both', '--judge-model', 'judge', '--estimate', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const estimate = experimentEstimateSchema.parse(JSON.parse(json.stdout));
  assert.ok(estimate.items > 0);
  assert.equal(estimate.requests.inference, estimate.items);
  assert.equal(estimate.requests.judge, estimate.items);
  assert.ok(estimate.total_cost_usd !== null && estimate.total_cost_usd > 0);
  assert.equal(estimate.configurations[0]!.tokenizer, 'js-tiktoken o200k_base');

  const text = await run([...common, '--estimate']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Estimate: \d+ items, \d+ model requests, 0 judge requests/m);
  assert.match(text.stdout, /Total: \$\d/);
  assert.equal(mock.chatRequests().length, 0, 'no model was called');
  assert.equal(fs.existsSync(path.join(out, 'experiments')) && fs.readdirSync(path.join(out, 'experiments')).length > 0, false);
});

test('--max-cost refuses to start above the limit, and when a price is unknown; runs below it', async () => {
  const dir = tmp();
  const out = path.join(dir, 'store');
  const file = modelsFile(dir, priced);
  const common = ['run', sample, '--models-file', file, '--model', 'gpt-4.1-mini', '--base-url', mock.url, '--out', out];
  common.push('--detector', 'both', '--judge-model', 'judge');
  mock.reset();
  const above = await run([...common, '--max-cost', '0.000001']);
  assert.equal(above.code, 1);
  assert.match(above.stderr, /not started: the estimate \$[\d.]+ is above --max-cost \$0\.000001/);
  assert.match(above.stderr, /^Estimate: /m);

  const unknown = await run(['run', sample, '--model', 'unpriced-model', '--base-url', mock.url, '--out', out, '--max-cost', '100']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /price unknown for unpriced-model/);
  assert.match(unknown.stderr, /the cost cannot be estimated \(a price is unknown\)/);
  assert.equal(mock.chatRequests().length, 0, 'nothing was called');

  const below = await run([...common, '--max-cost', '100', '--json']);
  assert.equal(below.code, 0, below.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(below.stdout));
  const sent = mock.chatRequests().map((r) => r.body as Record<string, unknown>);
  const target = sent.find((b) => b.model === 'gpt-4.1-mini')!;
  assert.equal(target.seed, 7, 'the models file’s parameters reach the request');
  assert.equal(target.top_p, 0.5);
  // The judge's usage apart: 500 + 20 tokens a call at $1 / $2 per 1M; the target's at $0.4 / $1.6.
  const n = resource.items.length;
  assert.equal(resource.metrics.judge_input_tokens, 500 * n);
  assert.equal(resource.metrics.judge_output_tokens, 20 * n);
  assert.ok(Math.abs(resource.metrics.judge_cost_usd! - (n * (500 * 1 + 20 * 2)) / 1e6) < 1e-12);
  assert.ok(Math.abs(resource.metrics.total_estimated_cost! - (n * (500 * 0.4 + 20 * 1.6) + n * (500 + 40)) / 1e6) < 1e-12);
  const item = resource.items[0]!;
  assert.equal((item.raw!.request as { seed: number }).seed, 7);
  assert.ok(item.logprobs === undefined || Array.isArray(item.logprobs));
  const stored = fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  for (const f of stored) assert.equal(fs.readFileSync(path.join(f.parentPath, f.name), 'utf8').includes(KEY), false, f.name);
});
