// The built CLI and the editor's language models (issue 19 §1): a configuration naming one — as
// the target, an extra configuration or the judge — is refused with the reason, exit 1, before
// anything is created or called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const sample = path.join(repo, 'samples', 'rag-answers.json');

function setup(): { dir: string; models: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-cli-editor-models-'));
  const models = path.join(dir, 'models.json');
  fs.writeFileSync(
    models,
    JSON.stringify([
      { model: 'gpt-4.1-mini', baseURL: 'http://127.0.0.1:9/v1' },
      { model: 'hl-echo', id: 'HL Echo', source: 'vscode-lm', vendor: 'hl-test', family: 'hl-fake' },
    ]),
  );
  return { dir, models };
}

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OPENAI_API_KEY: 'sk-unused' },
  });
}

for (const [what, args, field] of [
  ['the target', ['--model', 'hl-echo'], 'model'],
  ['the judge', ['--pass-through', '--detector', 'judge', '--judge-model', 'hl-echo'], 'judge_model'],
] as const) {
  test(`run refuses an editor language model as ${what}: "available only in VS Code", exit 1, nothing stored`, () => {
    const { dir, models } = setup();
    const out = path.join(dir, 'store');
    const r = run(['run', sample, '--models-file', models, '--out', out, ...args]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout + r.stderr,
      new RegExp(`${field}: editor language models are available only in VS Code: "HL Echo" is one of the editor's language models`),
    );
    const stored = fs.existsSync(out) ? fs.readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.jsonl')) : [];
    assert.deepEqual(stored, [], 'no experiment was stored');
  });
}
