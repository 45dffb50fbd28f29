// `hallucination-lab check` on files of spans as CI runs it (the built CLI): a generated OTLP/JSON
// lines export whose traces are interleaved across lines is checked whole under a heap far too
// small to hold its spans (the previous build, which indexed every span before judging, ran out
// of heap on this file under this cap), and a check killed without warning leaves its spill folder
// only until the next check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeOtlpSpanLines } from '../../bench/otlpSpanFile';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');

test('a file of 1,000 interleaved traces (4,000 spans) is checked whole under a 36 MB heap', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-spans-'));
  try {
    const file = path.join(dir, 'agent.otlp.jsonl');
    // 3.9 MB; measured on the previous build: out of heap after 4 s under this cap.
    writeOtlpSpanLines(file, 1000);
    const r = spawnSync(process.execPath, ['--max-old-space-size=36', cli, 'check', file, '--json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 1, r.stderr.slice(-2000)); // findings: the default rule count>0 fails
    const out = JSON.parse(r.stdout) as { checked: number; conversations: Array<{ id: string; findings: unknown[] }> };
    // Two chat spans a trace, every one judged; every third trace's answer gives a temperature the tool did not return.
    assert.equal(out.checked, 2000);
    assert.ok(out.conversations.length >= 300, `${out.conversations.length} conversations with findings`);
    assert.match(r.stderr, /agent\.otlp\.jsonl: 2000 conversations checked/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a check killed by SIGKILL leaves its spill folder; the next check removes it, and never a running one', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-tmp-'));
  const env = { ...process.env, TMPDIR: tmp };
  const spillsOf = (pid: number) => fs.readdirSync(tmp).filter((d) => d.startsWith(`hallucination-lab-check-${pid}-`));
  try {
    const big = path.join(tmp, 'big.otlp.jsonl');
    writeOtlpSpanLines(big, 3000);
    const child = spawn(process.execPath, [cli, 'check', big], { cwd: tmp, env, stdio: 'ignore' });
    const pid = child.pid!;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for (let i = 0; i < 600 && spillsOf(pid).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(spillsOf(pid).length, 1, 'the check made its spill folder');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(spillsOf(pid).length, 1, 'SIGKILL leaves the folder behind');

    // A folder whose owner runs (this test's process) is another check's: left alone.
    const live = path.join(tmp, `hallucination-lab-check-${process.pid}-Abc123`);
    fs.mkdirSync(live);
    const small = path.join(tmp, 'small.otlp.jsonl');
    writeOtlpSpanLines(small, 3);
    const next = spawnSync(process.execPath, [cli, 'check', small], { cwd: tmp, env, encoding: 'utf8' });
    assert.equal(next.status, 1, next.stderr);
    assert.deepEqual(spillsOf(pid), [], 'the next check removed the dead one');
    assert.ok(fs.existsSync(live), 'the live one is kept');
    assert.deepEqual(spillsOf(next.pid!), [], 'the next check removed its own at its end');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
