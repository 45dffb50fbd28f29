// `hallucination-lab check` end to end — the built CLI as CI runs it, whole process — beside a bare
// `JSON.parse` loop over the same file's lines in the same run; conversations per second and peak
// RSS of each (GNU time's maximum resident set size).
//   npm run build && node --import tsx bench/check.ts [--mb 50] [--runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { travelConversationsFile } from './travelConversations';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const targetMb = arg('--mb', 50);
const runs = arg('--runs', 3);
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('build first: npm run build');

/** A whole process under GNU time: wall seconds and peak RSS. */
function run(args: string[]): { s: number; rssMb: number } {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (!m) throw new Error(`no timing from: ${result.stderr.slice(-500)}`);
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024 };
}

const file = travelConversationsFile(targetMb);
const sizeMb = fs.statSync(file).size / 1048576;
const lines = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(' ')[0]);
const bareScript = `const rl=require('node:readline').createInterface({input:require('node:fs').createReadStream(${JSON.stringify(file)})});let n=0;rl.on('line',l=>{if(l){JSON.parse(l);n++}});rl.on('close',()=>console.log(n));`;

const bare: Array<{ s: number; rssMb: number }> = [];
const check: Array<{ s: number; rssMb: number }> = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so that a slower moment of a shared machine falls on both.
  bare.push(run(['-e', bareScript]));
  check.push(run([cli, 'check', file, '--fail-on', 'count>1000000000']));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const b = median(bare.map((x) => x.s));
const c = median(check.map((x) => x.s));
console.log(
  `file: ${path.relative(process.cwd(), file)} (${sizeMb.toFixed(1)} MB, ${lines} conversations); ${runs} interleaved runs, medians (range)`,
);
console.log(
  `bare JSON.parse per line (whole process): ${b.toFixed(2)} s (${Math.min(...bare.map((x) => x.s)).toFixed(2)}–${Math.max(...bare.map((x) => x.s)).toFixed(2)})  ${(lines / b).toFixed(0)} conversations/s  peak RSS ${median(bare.map((x) => x.rssMb)).toFixed(0)} MB`,
);
console.log(
  `hallucination-lab check (whole process) : ${c.toFixed(2)} s (${Math.min(...check.map((x) => x.s)).toFixed(2)}–${Math.max(...check.map((x) => x.s)).toFixed(2)})  ${(lines / c).toFixed(0)} conversations/s  peak RSS ${median(check.map((x) => x.rssMb)).toFixed(0)} MB`,
);
console.log(`ratio check / bare: ${(c / b).toFixed(2)}× (check also detects on every response and places every finding)`);
