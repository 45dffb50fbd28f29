// `hallucination-lab check` on a file of spans — a generated OTLP/JSON lines export, several spans a
// trace, traces interleaved across lines (bench/otlpSpanFile.ts) — as CI runs it: the built CLI,
// whole process under GNU time, writing SARIF and a Markdown summary, beside a bare `JSON.parse`
// loop over the same file's lines in the same run, and beside another build (`--before`, e.g. a
// worktree of main) on the same file. Conversations per second and peak RSS of each.
//   npm run build && node --import tsx bench/check-spans.ts [--mb 1024] [--heap 128] [--before ../main/dist/cli.js]
// The file is generated in the system's temporary folder and deleted after.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { otlpSpanFileOfSize } from './otlpSpanFile';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sizesMb = (argOf('--mb') ?? '1024').split(',').map(Number);
const heapMb = argOf('--heap') === undefined ? null : Number(argOf('--heap'));
const before = argOf('--before');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('build first: npm run build');
if (before !== undefined && !fs.existsSync(before)) throw new Error(`--before ${before}: no such file`);

interface Run {
  s: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

/** A whole process under GNU time: wall seconds, peak RSS, exit status. */
function run(args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from: ${r.stderr.slice(-500)}`);
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024, status: r.status, stderr: r.stderr };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function report(name: string, r: Run, conversations: number, bare: Run): void {
  const found = /(\d+) conversations checked, (\d+) hallucinations/.exec(r.stderr);
  const outOfHeap = /heap out of memory|Allocation failed/.test(r.stderr);
  const how =
    r.status === 0 || r.status === 1
      ? `${(conversations / r.s).toFixed(0)} conversations/s (${found ? `${found[1]} checked, ${found[2]} hallucinations` : 'no summary'})`
      : `FAILED after ${r.s.toFixed(0)} s (${outOfHeap ? 'out of heap' : `exit ${r.status}: ${r.stderr.slice(-300).trim()}`})`;
  console.log(
    `${name.padEnd(34)} ${r.s.toFixed(1).padStart(8)} s  peak RSS ${r.rssMb.toFixed(0).padStart(5)} MB  ${how}; × bare time ${(r.s / bare.s).toFixed(1)}`,
  );
}

function bench(targetMb: number): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-check-spans-'));
  try {
    const { file, traces } = otlpSpanFileOfSize(targetMb, tmp);
    const conversations = traces * 2; // two chat spans a trace
    const sizeMb = fs.statSync(file).size / 1048576;
    const bareScript = `const rl=require('node:readline').createInterface({input:require('node:fs').createReadStream(${JSON.stringify(file)})});let n=0;rl.on('line',l=>{if(l){JSON.parse(l);n++}});rl.on('close',()=>console.log(n));`;
    const heap = heapMb !== null ? [`--max-old-space-size=${heapMb}`] : [];
    const checkArgs = (c: string) => [
      ...heap,
      c,
      'check',
      file,
      '--fail-on',
      'count>1000000000',
      '--sarif',
      path.join(tmp, 'check.sarif'),
      '--markdown',
      path.join(tmp, 'check.md'),
    ];
    console.log(
      `\nfile: ${sizeMb.toFixed(0)} MB OTLP/JSON lines, ${traces} traces (${traces * 4} spans, ${conversations} conversations), traces interleaved across lines` +
        `${heapMb !== null ? `; checks under --max-old-space-size=${heapMb}` : ''}; load average ${load()}`,
    );
    const bare = run(['-e', bareScript]);
    console.log(
      `${'bare JSON.parse per line'.padEnd(34)} ${bare.s.toFixed(1).padStart(8)} s  peak RSS ${bare.rssMb.toFixed(0).padStart(5)} MB  ${(conversations / bare.s).toFixed(0)} conversations/s`,
    );
    if (before) report('check, --before build', run(checkArgs(before)), conversations, bare);
    report('check, this build', run(checkArgs(cli)), conversations, bare);
    console.log(`load average at the end: ${load()}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

for (const mb of sizesMb) bench(mb);
