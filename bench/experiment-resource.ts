// Benchmark: the experiment resource (what the report and `show` read, on every verdict and every
// reload) in a store of many reviewed experiments. Verdicts carry over between experiments, so the
// resource needs every experiment's verdicts: the previous build read and parsed every
// verdicts.jsonl of the store on each call; this one keeps each file's parsed verdicts and reads a
// file again only when its size, time or inode changed. Both are timed side by side in one run,
// interleaved, on the same store and the same (latest) experiment:
//   before: resource() as the previous build built it — a new VerdictStore per call (every file
//           read and parsed), the info file, experimentResource() — the same code but the cache;
//   after:  ExperimentService.resource() of this build (warm: the service answered once before).
//   previous build (with --baseline DIR, a checkout of it with its node_modules): its own
//           ExperimentService.resource(), whole, on the same store.
// The resources are compared (they must be equal) before anything is timed.
//
//   node --import tsx bench/experiment-resource.ts [--experiments 200] [--items 100] [--verdicts 50] [--runs 15] [--baseline DIR]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ExperimentInfoStore } from '../server/core/experiments/experimentInfo';
import { experimentResource } from '../server/core/experiments/experimentResource';
import { ExperimentService } from '../server/core/experiments/experimentService';
import { ExperimentStore } from '../server/core/experiments/experimentStore';
import { loadedState } from '../server/core/experiments/liveExperiment';
import { annotationKey } from '../server/core/review/carryOver';
import type { Verdict } from '../server/core/review/verdict';
import { VERDICTS_FILE, VerdictStore } from '../server/core/review/verdictStore';
import { makeStore } from './lib/benchExperiments';

function arg(name: string, fallback: string): number {
  const i = process.argv.indexOf(name);
  return Number(i >= 0 ? process.argv[i + 1]! : fallback);
}
const EXPERIMENTS = arg('--experiments', '200');
const ITEMS = arg('--items', '100');
const VERDICTS = arg('--verdicts', '50');
const RUNS = arg('--runs', '15');
const BASELINE = process.argv.includes('--baseline') ? path.resolve(process.argv[process.argv.indexOf('--baseline') + 1]!) : null;

interface ResourceService {
  resource(id: string): unknown;
  dispose(): void;
}

function service(root: string): ExperimentService {
  return new ExperimentService({
    store: new ExperimentStore(root),
    conversations: { get: () => undefined },
    createdBy: 'bench',
    concurrency: () => 1,
    detectorsFor: () => [],
  });
}

/** `VERDICTS` dismissals in each experiment, written as the verdict store writes them (one file each, not flushed per line). */
function review(root: string): void {
  const svc = service(root);
  const store = new ExperimentStore(root);
  for (const id of store.list()) {
    const { created_at } = svc.summaryOf(id);
    const lines = svc
      .reviewed(id)
      .located.slice(0, VERDICTS)
      .map((l): Verdict => ({
        annotation_key: annotationKey(l),
        annotation_id: l.id,
        experiment_id: id,
        experiment_created_at: created_at,
        verdict: 'dismissed',
        comment: 'it is in the tool result',
        author: 'bench',
        at: '2025-03-02T10:00:00.000Z',
      }));
    fs.writeFileSync(path.join(root, 'experiments', id, VERDICTS_FILE), lines.map((v) => JSON.stringify(v) + '\n').join(''));
  }
  svc.dispose();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const root = await makeStore(EXPERIMENTS, ITEMS, 'hl-bench-resource-');
  review(root);
  const store = new ExperimentStore(root);
  const id = store.list().at(-1)!;
  const exp = { ...loadedState(store.load(id)), run: null };
  const before = () => experimentResource(exp, new VerdictStore(store).readAll(), new ExperimentInfoStore(store).read(exp.record));
  const svc = service(root);
  const cold = performance.now();
  const first = svc.resource(id);
  const coldMs = performance.now() - cold;
  if (!isDeepStrictEqual(first, before())) throw new Error('the two resources differ');
  let previous: ResourceService | null = null;
  if (BASELINE) {
    const mod = (await import(path.join(BASELINE, 'server/core/experiments/experimentService.ts'))) as {
      ExperimentService: new (opts: unknown) => ResourceService;
    };
    const Store = (
      (await import(path.join(BASELINE, 'server/core/experiments/experimentStore.ts'))) as {
        ExperimentStore: new (root: string) => unknown;
      }
    ).ExperimentStore;
    previous = new mod.ExperimentService({
      store: new Store(root),
      conversations: { get: () => undefined },
      createdBy: 'bench',
      concurrency: () => 1,
      detectorsFor: () => [],
    });
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(previous.resource(id))), JSON.parse(JSON.stringify(first))))
      throw new Error('the previous build answers another resource');
  }
  const times = { before: [] as number[], after: [] as number[], previous: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    before();
    times.before.push(performance.now() - t0);
    t0 = performance.now();
    svc.resource(id);
    times.after.push(performance.now() - t0);
    if (previous) {
      t0 = performance.now();
      previous.resource(id);
      times.previous.push(performance.now() - t0);
    }
  }
  const b = median(times.before);
  const a = median(times.after);
  const p = previous ? median(times.previous) : null;
  process.stdout.write(
    `resource() of the latest of ${EXPERIMENTS} experiments (${ITEMS} items, ${VERDICTS} verdicts each: ${EXPERIMENTS * VERDICTS} verdicts in the store), median of ${RUNS}, interleaved\n` +
      `machine: ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n` +
      `before (every verdicts.jsonl read per call): ${b.toFixed(1)} ms\n` +
      `after  (files read again only when changed): ${a.toFixed(1)} ms  (first call, cold: ${coldMs.toFixed(1)} ms)\n` +
      `after / before: ${(a / b).toFixed(2)}×\n` +
      (p === null ? '' : `previous build (${BASELINE}): ${p.toFixed(1)} ms; after / previous: ${(a / p).toFixed(2)}×\n`),
  );
  previous?.dispose();
  svc.dispose();
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
