// The CLI's memory on a large trace file (goal: ≤ 400 MB peak RSS on 500 MB; no size cap): the
// built CLI, whole process under GNU time, beside a bare streamed `JSON.parse` loop over the same
// file's lines (the least any reader of the file needs) in the same run, interleaved.
//   npm run build && node --import tsx bench/cli-memory.ts [--mb 500] [--runs 2]
// Measured: `run --pass-through` on 100 conversations (at most 100 a run; it indexes the whole
// file, reads those back, detects, writes the store); `run --pass-through --conversations <the
// last one>` (the index must reach the end); `show` of that experiment (store, and the trace file
// for the conversations' text). `check` is bench/check.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { travelConversationsFile } from './travelConversations';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const targetMb = arg('--mb', 500);
const runs = arg('--runs', 2);
const GOAL_MB = 400;
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('build first: npm run build');

interface Measured {
  s: number;
  rssMb: number;
  exit: number | null;
  stdout: string;
}

/** A whole process under GNU time: wall seconds and peak RSS. */
function timed(args: string[], cwd: string): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', 'HL_TIME %e %M', process.execPath, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const m = /HL_TIME ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from: ${r.stderr.slice(-800)}`);
  if (r.status !== 0) throw new Error(`exit ${r.status} from ${args.join(' ')}:\n${r.stderr.slice(-1500)}`);
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024, exit: r.status, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function lastConversationId(file: string): string {
  const tail = execFileSync('tail', ['-n', '1', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const id = (JSON.parse(tail) as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error('the last line has no id');
  return id;
}

function main(): void {
  const file = travelConversationsFile(targetMb);
  const sizeMb = fs.statSync(file).size / 1048576;
  const last = lastConversationId(file);
  // travelConversationsFile numbers its conversations conv-0, conv-1, …
  const first100 = Array.from({ length: 100 }, (_, i) => `conv-${i}`).join(',');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-cli-memory-'));
  const bareScript = `const rl=require('node:readline').createInterface({input:require('node:fs').createReadStream(${JSON.stringify(file)})});let n=0;rl.on('line',l=>{if(l){JSON.parse(l);n++}});rl.on('close',()=>console.log(n));`;
  const rows = new Map<string, Measured[]>();
  const add = (name: string, m: Measured) => rows.set(name, [...(rows.get(name) ?? []), m]);
  console.log(`file: ${path.relative(process.cwd(), file)} (${sizeMb.toFixed(0)} MB); ${runs} interleaved runs; load average ${load()}`);
  try {
    for (let i = 0; i < runs; i++) {
      const store = path.join(work, `store-${i}`);
      add('bare streamed JSON.parse loop', timed(['-e', bareScript], work));
      add(
        'run --pass-through (100 conversations)',
        timed([cli, 'run', file, '--pass-through', '--conversations', first100, '--out', store, '--json'], work),
      );
      const one = timed([cli, 'run', file, '--pass-through', '--conversations', last, '--out', store, '--json'], work);
      add('run --pass-through --conversations <last>', one);
      const id = (JSON.parse(one.stdout) as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error('run --json printed no experiment id');
      add('show <that experiment>', timed([cli, 'show', id, '--out', store], work));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const bareRss = median(rows.get('bare streamed JSON.parse loop')!.map((m) => m.rssMb));
  console.log(`\n${'whole process'.padEnd(44)}${'wall median (range)'.padEnd(24)}peak RSS median (max)   × bare RSS   ≤ ${GOAL_MB} MB`);
  for (const [name, ms] of rows) {
    const s = ms.map((m) => m.s);
    const rss = ms.map((m) => m.rssMb);
    console.log(
      `${name.padEnd(44)}${`${median(s).toFixed(1)} s (${Math.min(...s).toFixed(1)}–${Math.max(...s).toFixed(1)})`.padEnd(24)}` +
        `${`${median(rss).toFixed(0)} MB (${Math.max(...rss).toFixed(0)})`.padEnd(24)}${(median(rss) / bareRss).toFixed(2).padEnd(11)}` +
        `${Math.max(...rss) <= GOAL_MB ? 'yes' : 'NO'}`,
    );
  }
  console.log(`load average at the end: ${load()}`);
}

main();
