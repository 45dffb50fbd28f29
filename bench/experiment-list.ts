// Benchmark: listing experiments (what the CLI's `list`, the report's picker and the extension's
// start-up wait for) with 0, 10 and 200 stored experiments of 100 completed items each, every
// item with a realistic response, annotations and the conversation snapshot. Each list is timed in
// a fresh service, as a new process would see the store: the first list after the experiments
// were written (summaries present), and the same with every summary out of date (the list then
// reads everything, which is what every list cost before). Then
// the whole CLI process (`hallucination-lab list --out <store>`, bundled as the product ships it),
// which is what the goal "list with 200 experiments within 1.5× of an empty store" is about.
//
//   node --import tsx bench/experiment-list.ts [--counts 0,10,200] [--items 100] [--runs 5]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentService } from '../server/core/experiments/experimentService';
import { ExperimentStore } from '../server/core/experiments/experimentStore';
import { makeStore } from './lib/benchExperiments';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const COUNTS = arg('--counts', '0,10,200').split(',').map(Number);
const ITEMS = Number(arg('--items', '100'));
const RUNS = Number(arg('--runs', '5'));

function service(root: string): ExperimentService {
  return new ExperimentService({
    store: new ExperimentStore(root),
    conversations: { get: () => undefined },
    createdBy: 'bench',
    concurrency: () => 1,
    detectorsFor: () => [],
  });
}

function timeList(root: string, staleSummaries: boolean): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // A touch of items.jsonl (as an append by another process would) makes every summary stale.
    if (staleSummaries)
      for (const id of new ExperimentStore(root).list()) fs.appendFileSync(path.join(root, 'experiments', id, 'items.jsonl'), '\n');
    const svc = service(root);
    const t0 = performance.now();
    svc.list();
    times.push(performance.now() - t0);
    svc.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The CLI bundled as `npm run build` bundles it, into a temporary folder. */
async function buildCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-cli-')), 'cli.js');
  await esbuild.build({
    entryPoints: [path.resolve(__dirname, '..', 'server', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

function timeCli(cli: string, root: string): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, 'list', '--out', root], { encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (p.status !== 0) throw new Error(`the CLI failed (${p.status}): ${p.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main() {
  const cli = await buildCli();
  process.stdout.write(`list bench: ${ITEMS} completed items per experiment, median of ${RUNS} lists, each in a fresh service\n`);
  process.stdout.write(
    `machine: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n\n`,
  );
  const rows: string[][] = [];
  let empty = NaN;
  for (const count of COUNTS) {
    const root = await makeStore(count, ITEMS);
    const bytes = fs.existsSync(path.join(root, 'experiments'))
      ? fs
          .readdirSync(path.join(root, 'experiments'))
          .reduce(
            (n, id) =>
              n +
              fs
                .readdirSync(path.join(root, 'experiments', id))
                .reduce((m, f) => m + fs.statSync(path.join(root, 'experiments', id, f)).size, 0),
            0,
          )
      : 0;
    const withSummaries = timeList(root, false);
    const process_ = timeCli(cli, root);
    const rebuilding = timeList(root, true);
    if (count === 0) empty = process_;
    rows.push([
      String(count),
      `${(bytes / 1024 / 1024).toFixed(1)} MB`,
      `${withSummaries.toFixed(1)} ms`,
      `${process_.toFixed(0)} ms`,
      `${(process_ / empty).toFixed(2)}×`,
      `${rebuilding.toFixed(1)} ms`,
    ]);
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  }
  const head = [
    'experiments',
    'store size',
    'list in process',
    'CLI list process',
    'vs empty store',
    'list reading everything (summaries stale)',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(
    `peak RSS of the bench process (it also wrote the stores): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
  fs.rmSync(path.dirname(cli), { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
