// `hallucination-lab check` end to end — the built CLI as CI runs it, whole process, writing SARIF
// and a Markdown summary — beside a bare `JSON.parse` loop over the same file's lines in the same
// run; conversations per second and peak RSS of each (GNU time's maximum resident set size).
// With --heap MB the check runs under `--max-old-space-size=MB`: bounded memory means it completes.
//   npm run build && node --import tsx bench/check.ts [--mb 50[,200,1024]] [--runs 3] [--heap 128]
// Files above 50 MB are generated in the system's temporary folder and deleted after.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { travelConversationsFile } from './travelConversations';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sizesMb = (argOf('--mb') ?? '50').split(',').map(Number);
const runs = Number(argOf('--runs') ?? 3);
const heapMb = argOf('--heap') === undefined ? null : Number(argOf('--heap'));
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('build first: npm run build');

interface Run {
  s: number;
  rssMb: number;
  ok: boolean;
  stderr: string;
}

/** A whole process under GNU time: wall seconds, peak RSS, and whether it exited 0. */
function run(args: string[]): Run {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (!m) throw new Error(`no timing from: ${result.stderr.slice(-500)}`);
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024, ok: result.status === 0, stderr: result.stderr };
}

function countLines(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) for (let i = 0; i < n; i++) if (buf[i] === 0x0a) lines++;
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

function bench(targetMb: number): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-check-'));
  try {
    const file = travelConversationsFile(targetMb, targetMb > 50 ? tmp : undefined);
    const sizeMb = fs.statSync(file).size / 1048576;
    const lines = countLines(file);
    const bareScript = `const rl=require('node:readline').createInterface({input:require('node:fs').createReadStream(${JSON.stringify(file)})});let n=0;rl.on('line',l=>{if(l){JSON.parse(l);n++}});rl.on('close',()=>console.log(n));`;
    const sarif = path.join(tmp, 'check.sarif');
    const markdown = path.join(tmp, 'check.md');
    const checkArgs = [
      ...(heapMb !== null ? [`--max-old-space-size=${heapMb}`] : []),
      cli,
      'check',
      file,
      '--fail-on',
      'count>1000000000',
      '--sarif',
      sarif,
      '--markdown',
      markdown,
    ];
    const bare: Run[] = [];
    const check: Run[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, so that a slower moment of a shared machine falls on both.
      bare.push(run(['-e', bareScript]));
      check.push(run(checkArgs));
    }
    const failed = check.find((c) => !c.ok);
    const b = median(bare.map((x) => x.s));
    const c = median(check.map((x) => x.s));
    const found = /(\d+) conversations checked, (\d+) hallucinations/.exec(check[0]!.stderr);
    console.log(
      `\nfile: ${sizeMb.toFixed(1)} MB, ${lines} conversations; ${runs} interleaved run${runs === 1 ? '' : 's'}, medians (range)${heapMb !== null ? `; check under --max-old-space-size=${heapMb}` : ''}`,
    );
    console.log(
      `bare JSON.parse per line (whole process): ${b.toFixed(2)} s (${range(bare.map((x) => x.s))})  ${(lines / b).toFixed(0)} conversations/s  peak RSS ${median(bare.map((x) => x.rssMb)).toFixed(0)} MB`,
    );
    if (failed) {
      console.log(`hallucination-lab check FAILED: ${failed.stderr.slice(-800)}`);
      return;
    }
    console.log(
      `hallucination-lab check (whole process) : ${c.toFixed(2)} s (${range(check.map((x) => x.s))})  ${(lines / c).toFixed(0)} conversations/s  peak RSS ${median(check.map((x) => x.rssMb)).toFixed(0)} MB (${range(check.map((x) => x.rssMb))})`,
    );
    console.log(
      `  ${found ? `${found[1]} conversations checked, ${found[2]} hallucinations; ` : ''}SARIF ${(fs.statSync(sarif).size / 1048576).toFixed(1)} MB written; ratio check / bare: ${(c / b).toFixed(2)}×`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

for (const mb of sizesMb) bench(mb);
