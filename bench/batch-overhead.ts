// Benchmark: 1,000 requests (100 conversations × 10 samples) through the Batch API path against
// the direct path, side by side in one run, against the local stand-in of the files, batches and
// chat endpoints (test/support/mockBatchServer.ts) answering at once: a batch is completed at its
// first poll, a direct request answered without delay. So what is measured is the product's own
// cost of each path: for the batch, the JSONL written and uploaded, the durable log, polling,
// the output downloaded and matched back, and the item pipeline's passes; for the direct path,
// 1,000 HTTP exchanges at concurrency 8. Each run is its own process (the stand-in stays here),
// so the peak RSS printed is the run's alone; the two paths alternate, `--rounds` times each.
//
//   node --import tsx bench/batch-overhead.ts [--rounds 3] [--conversations 100] [--samples 10]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsSchema } from '../common/protocol';
import { ExperimentService } from '../server/core/experiments/experimentService';
import { ExperimentStore } from '../server/core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from '../server/core/experiments/pipeline';
import { TraceIndex } from '../server/core/traceIndex';
import { startMockBatchServer } from '../test/support/mockBatchServer';
import { batchConversations } from '../test/support/batchFixture';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface RunResult {
  path: 'direct' | 'batch';
  wallMs: number;
  maxRssKb: number;
  completed: number;
  items: number;
}

/** One run in this process: an experiment of conversations × samples items, timed from create to idle. */
async function child(kind: 'direct' | 'batch', url: string, conversations: number, samples: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-batch-'));
  const index = new TraceIndex();
  index.update(path.join(dir, 't.jsonl'), batchConversations(conversations));
  const settings = settingsSchema.parse({ models: [{ model: 'target-model', baseURL: url }], maxRetries: 2, concurrency: 8 });
  const svc = new ExperimentService({
    store: new ExperimentStore(path.join(dir, '.hallucination-lab')),
    conversations: index,
    createdBy: 'bench',
    concurrency: () => 8,
    detectorsFor: (config) => detectorsFor(config, settings, async () => 'sk-bench-0123456789', true),
    inferenceFor: (model, config) => inferenceFor(model, config, settings, async () => 'sk-bench-0123456789', true),
  });
  const ids = index.conversations().map((c) => c.id);
  const started = performance.now();
  const created = svc.create({
    name: kind,
    model: 'target-model',
    conversation_ids: ids,
    num_samples: samples,
    ...(kind === 'batch' ? { batch: { enabled: true, min_requests: 1, poll_interval_ms: 10 } } : {}),
  });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  await svc.whenIdle(created.experiment.id);
  const wallMs = performance.now() - started;
  const items = svc.items(created.experiment.id);
  const result: RunResult = {
    path: kind,
    wallMs,
    maxRssKb: process.resourceUsage().maxRSS,
    completed: items.filter((i) => i.status === 'completed').length,
    items: items.length,
  };
  svc.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + '\n');
}

function spawnRun(kind: 'direct' | 'batch', url: string, conversations: number, samples: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        __filename,
        '--child',
        kind,
        '--url',
        url,
        '--conversations',
        String(conversations),
        '--samples',
        String(samples),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${kind} run exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as RunResult);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const conversations = Number(arg('--conversations', '100'));
  const samples = Number(arg('--samples', '10'));
  if (process.argv.includes('--child'))
    return child(arg('--child', 'direct') as 'direct' | 'batch', arg('--url', ''), conversations, samples);
  const rounds = Number(arg('--rounds', '3'));
  const server = await startMockBatchServer({ instant: true });
  const runs: RunResult[] = [];
  try {
    for (let r = 0; r < rounds; r++)
      for (const kind of r % 2 === 0 ? (['direct', 'batch'] as const) : (['batch', 'direct'] as const)) {
        const creates = server.creates();
        const chats = server.chats();
        const run = await spawnRun(kind, server.url, conversations, samples);
        if (run.completed !== run.items) throw new Error(`${kind}: ${run.completed} of ${run.items} items completed`);
        process.stderr.write(
          `round ${r + 1} ${kind.padEnd(6)} ${run.wallMs.toFixed(0).padStart(6)} ms  peak RSS ${(run.maxRssKb / 1024).toFixed(0)} MB  ` +
            `(${server.chats() - chats} direct requests, ${server.creates() - creates} batch created)\n`,
        );
        runs.push(run);
      }
  } finally {
    await server.close();
  }
  const requests = conversations * samples;
  const of = (kind: 'direct' | 'batch') => runs.filter((r) => r.path === kind);
  const wall = { direct: median(of('direct').map((r) => r.wallMs)), batch: median(of('batch').map((r) => r.wallMs)) };
  const rss = { direct: Math.max(...of('direct').map((r) => r.maxRssKb)), batch: Math.max(...of('batch').map((r) => r.maxRssKb)) };
  const lines = [
    `${requests} requests (${conversations} conversations × ${samples} samples), stand-in answering at once, ${rounds} runs of each path, alternating; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`,
    `path    median wall   per request   peak RSS`,
    `direct  ${(wall.direct / 1000).toFixed(2).padStart(8)} s   ${(wall.direct / requests).toFixed(2).padStart(7)} ms   ${(rss.direct / 1024).toFixed(0).padStart(5)} MB`,
    `batch   ${(wall.batch / 1000).toFixed(2).padStart(8)} s   ${(wall.batch / requests).toFixed(2).padStart(7)} ms   ${(rss.batch / 1024).toFixed(0).padStart(5)} MB`,
    `batch path overhead: ${((wall.batch - wall.direct) / requests).toFixed(2)} ms per request (${(wall.batch / wall.direct).toFixed(2)}× the direct path's wall time), peak RSS ${((rss.batch - rss.direct) / 1024).toFixed(0)} MB more`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
