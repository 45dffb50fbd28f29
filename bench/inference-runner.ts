// Benchmark: 100 conversations through real inference against the local mock server answering
// in 200 ms, concurrency 8 — the product's own path (ExperimentService → runner on runPool → item
// pipeline → store, with the settings wiring of server/core/experiments/pipeline.ts, exactly as
// the CLI and the server run it), then the same 100 prompts through promptfoo's `eval` (when it
// can be installed into bench/.data, git-ignored).
//
//   node --import tsx bench/inference-runner.ts [--items 100] [--latency 200] [--concurrency 8]
//                                               [--no-promptfoo] [--no-install]
//
// The mock server runs in a child process, so that the peak RSS printed is the runner's alone
// and the server does not share the runner's event loop.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsSchema } from '../common/protocol';
import type { Conversation } from '../common/schema';
import { ExperimentService } from '../server/core/experiments/experimentService';
import { ExperimentStore } from '../server/core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from '../server/core/experiments/pipeline';

const repo = path.resolve(__dirname, '..');
const dataDir = path.join(repo, 'bench', '.data');
const pfPrefix = path.join(dataDir, 'promptfoo');
const pfBin = path.join(pfPrefix, 'node_modules', '.bin', 'promptfoo');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const flag = (name: string) => process.argv.includes(name);

const ITEMS = arg('--items', 100);
const LATENCY = arg('--latency', 200);
const CONCURRENCY = arg('--concurrency', 8);

interface ServerStats {
  count: number;
  inFlight: number;
  maxConcurrent: number;
  firstArrival: number | null;
  lastArrival: number | null;
  lastFinish: number | null;
}

async function startServer(): Promise<{ url: string; child: ChildProcess; stats(): Promise<ServerStats>; reset(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'test', 'support', 'mockOpenAIServer.ts'), '--port', '0', '--latency', String(LATENCY)],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the mock server did not start in 30 s')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the mock server exited (${code})`)));
  });
  const root = url.replace(/\/v1$/, '');
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${root}/__mock/stats`)).json()) as ServerStats,
    reset: async () => {
      await fetch(`${root}/__mock/reset`, { method: 'POST' });
    },
  };
}

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

function ensurePromptfoo(): { ok: true } | { ok: false; why: string } {
  if (fs.existsSync(pfBin)) return { ok: true };
  if (flag('--no-install')) return { ok: false, why: `not installed at ${path.relative(repo, pfBin)} and --no-install given` };
  process.stdout.write(`promptfoo: installing into ${path.relative(repo, pfPrefix)} (npm install --prefix …, up to 10 min)…\n`);
  fs.mkdirSync(pfPrefix, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '--prefix', pfPrefix, 'promptfoo', '--no-audit', '--no-fund'], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.error) return { ok: false, why: `npm install failed to run: ${r.error.message}` };
  if (r.status !== 0 || !fs.existsSync(pfBin)) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    return { ok: false, why: `npm install exited ${r.status} after ${fmt(Date.now() - t0)}:\n${tail}` };
  }
  process.stdout.write(`promptfoo: installed in ${fmt(Date.now() - t0)}\n`);
  return { ok: true };
}

function pfVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(pfPrefix, 'node_modules', 'promptfoo', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '?';
  } catch {
    return '?';
  }
}

async function runPromptfoo(url: string): Promise<{ wallMs: number; status: number | null; output: string }> {
  const dir = path.join(dataDir, 'promptfoo-run');
  fs.mkdirSync(dir, { recursive: true });
  const tests = conversations(ITEMS).map((c) => ({ vars: { question: String(c.messages[1]!.content) } }));
  const config = {
    description: 'hallucination-lab inference bench',
    prompts: [
      JSON.stringify([
        { role: 'system', content: 'You are a concise assistant.' },
        { role: 'user', content: '{{question}}' },
      ]),
    ],
    providers: [{ id: 'openai:chat:mock-model', config: { apiBaseUrl: url, apiKey: 'bench-key' } }],
    tests,
  };
  const configPath = path.join(dir, 'promptfooconfig.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const env = {
    ...process.env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_CONFIG_DIR: path.join(dir, 'home'),
    PROMPTFOO_CACHE_ENABLED: 'false',
    OPENAI_API_KEY: 'bench-key',
  };
  const t0 = performance.now();
  const child = spawn(
    pfBin,
    ['eval', '-c', configPath, '-j', String(CONCURRENCY), '--no-cache', '--no-write', '--no-share', '--no-table', '--no-progress-bar'],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const status = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  fs.writeFileSync(path.join(dir, 'output.txt'), output);
  return { wallMs: performance.now() - t0, status, output };
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
  const server = await startServer();
  try {
    // Warm-up (module loading, first connections), not measured.
    await runOurs(server.url, false).catch(() => undefined);
    await server.reset();

    const rows: string[][] = [];
    for (const withJudge of [false, true]) {
      const calls = withJudge ? 2 : 1;
      const r = await runOurs(server.url, withJudge);
      const s = await server.stats();
      const span = s.firstArrival !== null && s.lastFinish !== null ? s.lastFinish - s.firstArrival : NaN;
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

    const oursWall = Number(rows[0]![2]!.replace(' s', '')) * 1000;
    if (flag('--no-promptfoo')) {
      process.stdout.write('\npromptfoo: skipped (--no-promptfoo)\n');
      return;
    }
    const pf = ensurePromptfoo();
    if (!pf.ok) {
      process.stdout.write(`\npromptfoo: NOT RUN — it could not be installed.\n${pf.why}\n`);
      return;
    }
    await server.reset();
    const r = await runPromptfoo(server.url);
    const s = await server.stats();
    const span = s.firstArrival !== null && s.lastFinish !== null ? s.lastFinish - s.firstArrival : NaN;
    if (r.status !== 0 && s.count < ITEMS) {
      process.stdout.write(
        `\npromptfoo ${pfVersion()}: eval failed (exit ${r.status}, ${s.count} requests reached the server):\n${r.output.trim().split('\n').slice(-15).join('\n')}\n`,
      );
      return;
    }
    const reported = /Duration:\s*([^\n(]+)/.exec(r.output)?.[1]?.trim();
    const passed = /(\d+) passed/.exec(r.output)?.[1] ?? '?';
    const errors = /(\d+) errors/.exec(r.output)?.[1] ?? '?';
    process.stdout.write(
      `\nside by side (1 call per item, ${ITEMS} prompts, concurrency ${CONCURRENCY}, latency ${LATENCY} ms):\n` +
        `  ours      wall ${fmt(oursWall)}   ratio to floor ${(oursWall / floor(1)).toFixed(3)}\n` +
        `  promptfoo ${pfVersion()}  wall ${fmt(r.wallMs)} (whole CLI process, start-up included)` +
        `${reported ? `, its own "Duration: ${reported}"` : ''}, server span ${fmt(span)} (first request → last answer),` +
        ` requests ${s.count}, server max concurrent ${s.maxConcurrent}, ${passed} passed / ${errors} errors, exit ${r.status}\n` +
        `  promptfoo wall / ours wall = ${(r.wallMs / oursWall).toFixed(2)}; promptfoo server span / floor = ${(span / floor(1)).toFixed(3)}\n`,
    );
  } finally {
    server.child.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
