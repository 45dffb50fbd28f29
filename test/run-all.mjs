// `npm test`: type-check, lint and format check, build, unit + protocol tests, then the real-editor tests where they can run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { testFiles } from './run-node-tests.mjs';

function run(label, cmd, args, { capture = false } = {}) {
  console.log(`\n▶ ${label}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit' });
    let out = '';
    if (capture)
      child.stdout.on('data', (d) => {
        process.stdout.write(d);
        out += d.toString();
      });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const failures = [];
let passed = 0;
let failed = 0;

const tsc = await run('type-check (tsc --noEmit)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
if (tsc.code !== 0) failures.push('type-check');
const lint = await run('lint (eslint)', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
if (lint.code !== 0) failures.push('lint');
const format = await run('format (prettier --check)', process.execPath, [
  'node_modules/prettier/bin/prettier.cjs',
  '--check',
  '--log-level',
  'warn',
  '.',
]);
if (format.code !== 0) failures.push('format (run npm run format)');
const build = await run('build (esbuild)', process.execPath, ['esbuild.mjs']);
if (build.code !== 0) failures.push('build');

const node = await run(
  'unit and protocol tests',
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...testFiles('unit', 'protocol')],
  { capture: true },
);
const count = (name) => Number((node.out.match(new RegExp(`^ℹ ${name} (\\d+)`, 'm')) ?? [])[1] ?? 0);
passed += count('pass');
failed += count('fail');
if (node.code !== 0) failures.push('unit/protocol tests');

if (existsSync('test/editor/run.mjs')) {
  const editor = await run('editor tests (real VS Code)', process.execPath, ['test/editor/run.mjs'], { capture: true });
  const m = editor.out.match(/^editor: (\d+) passed, (\d+) failed/m);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (editor.code !== 0) failures.push('editor tests');
}

if (failures.length) console.log(`\nFAILED: ${failures.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
