// Benchmark: 100 conversations through real inference against the local mock server answering
// in 200 ms, concurrency 8 — the product's own path (ExperimentService → runner on runPool → item
// pipeline → store, with the settings wiring of server/core/experiments/pipeline.ts, exactly as
// the CLI and the server run it), against the floor the concurrency allows. The comparison with
// promptfoo is whole process against whole process: bench/cli-vs-promptfoo.ts.
//
//   node --import tsx bench/inference-runner.ts [--items 100] [--latency 200] [--concurrency 8]
//
// The mock server runs in a child process, so that the peak RSS printed is the runner's alone
// and the server does not share the runner's event loop.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsSchema } from '../common/protocol';
import type { Conversation } from '../common/schema';
import { ExperimentService } from '../server/core/experiments/experimentService';
import { ExperimentStore } from '../server/core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from '../server/core/experiments/pipeline';
import { serverSpanMs, startMockServer } from './lib/mockServerProcess';

const repo = path.resolve(__dirname, '..');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ITEMS = arg('--items', 100);
const LATENCY = arg('--latency', 200);
const CONCURRENCY = arg('--concurrency', 8);

function conversations(n: number): Conversation[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `conv-${i}`,
    file: 'bench.jsonl',
    line: i,
    position: i,
    sourcePath: [],
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: `Question ${i}: what is ${i} + ${i}?` },
      { role: 'assistant', content: `${2 * i}` },
    ],
    tools: [],
  }));
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** One experiment of ITEMS conversations, run by the product's service into a fresh store. */
async function runOurs(url: string, withJudge: boolean): Promise<{ wallMs: number; ok: number; failed: number }> {
  const model = { model: 'mock-model', baseURL: url };
  const settings = { ...settingsSchema.parse({}), models: [model], concurrency: CONCURRENCY, requestTimeoutMs: 30_000, maxRetries: 2 };
  const keys = async () => 'bench-key';
  const all = conversations(ITEMS);
  const lookup = new Map(all.map((c) => [c.id, c]));
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-runner-'));
  const service = new ExperimentService({
    store: new ExperimentStore(path.join(storeDir, '.hallucination-lab')),
    conversations: lookup,
    createdBy: 'bench',
    concurrency: () => CONCURRENCY,
    detectorsFor: (config) => detectorsFor(config, settings, keys, true),
    inferenceFor: (m, config) => inferenceFor(m, config, settings, keys, true),
    warn: (m) => process.stderr.write(`${m}\n`),
  });
  try {
    const t0 = performance.now();
    const created = service.create({
      name: 'bench',
      model: 'mock-model',
      pass_through: false,
      conversation_ids: all.map((c) => c.id),
      detectors: withJudge ? ['local', 'judge'] : ['local'],
      ...(withJudge ? { judge_model: model } : {}),
    });
    if (!created.ok)
      throw new Error(`the bench experiment was refused: ${created.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const done = await service.whenIdle(created.experiment.id);
    return { wallMs: performance.now() - t0, ok: done.status_summary.completed, failed: done.status_summary.failed };
  } finally {
    service.dispose();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

async function main() {
  const floor = (calls: number) => Math.ceil(ITEMS / CONCURRENCY) * LATENCY * calls;
  process.stdout.write(`inference bench: ${ITEMS} conversations, mock latency ${LATENCY} ms, concurrency ${CONCURRENCY}\n`);
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  process.stdout.write(`machine: ${os.cpus().length} CPUs, load average ${load()} (the ratio suffers when the machine is busy)\n`);
  const server = await startMockServer(repo, LATENCY);
  try {
    // Warm-up (module loading, first connections), not measured.
    await runOurs(server.url, false).catch(() => undefined);
    await server.reset();

    const rows: string[][] = [];
    for (const withJudge of [false, true]) {
      const calls = withJudge ? 2 : 1;
      const r = await runOurs(server.url, withJudge);
      const s = await server.stats();
      const span = serverSpanMs(s);
      const ratio = r.wallMs / floor(calls);
      rows.push([
        withJudge ? 'ours: inference + judge' : 'ours: inference',
        String(calls),
        fmt(r.wallMs),
        fmt(floor(calls)),
        ratio.toFixed(3),
        ratio <= 1.1 ? 'yes' : 'NO',
        `${r.ok}/${ITEMS}`,
        String(s.maxConcurrent),
        fmt(span),
      ]);
      await server.reset();
    }
    const peak = process.resourceUsage().maxRSS;
    const head = ['run', 'calls/item', 'wall', 'floor', 'ratio', '≤1.10', 'ok', 'server max concurrent', 'server span'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    process.stdout.write(`\n${line(head)}\n${rows.map(line).join('\n')}\n`);
    process.stdout.write(`floor = ceil(${ITEMS}/${CONCURRENCY}) × ${LATENCY} ms × calls per item\n`);
    process.stdout.write(`peak RSS of the runner process (mock server in a child process): ${mb(peak)}\n`);
    process.stdout.write(`load average after our runs: ${load()}\n`);
  } finally {
    server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
