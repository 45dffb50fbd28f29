// Benchmark: what a user waits for when running 100 prompts from a terminal — the built CLI
// (`node dist/cli.js run … --model`) against `promptfoo eval`, whole process against whole process
// (start-up, config/trace reading, the requests, writing results, exit), on the same local mock
// endpoint (test/support/mockOpenAIServer.ts in a child process), the same 100 prompts, the same
// concurrency. The two are interleaved (the order alternates each round) so machine load hits both
// alike; medians, ranges and the ratio of each round's pair are printed.
//
//   npm run build && node --import tsx bench/cli-vs-promptfoo.ts [--runs 5] [--items 100]
//                         [--latency 200] [--concurrency 8] [--no-install]
//
// What each side does beyond the requests: ours reads the trace file, runs the local detector on
// every answer and writes an experiment store; promptfoo runs no assertion and writes nothing
// (--no-write). Peak RSS of each process comes from /usr/bin/time -f %M.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMockServer, serverSpanMs, type MockServerProcess } from './lib/mockServerProcess';
import { ensurePromptfoo, PROMPTFOO_VERSION, promptfooPaths } from './lib/promptfoo';

const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'dist', 'cli.js');
const TIME = '/usr/bin/time';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('--runs', 5);
const ITEMS = arg('--items', 100);
const LATENCY = arg('--latency', 200);
const CONCURRENCY = arg('--concurrency', 8);

interface ProcessRun {
  wallMs: number;
  exit: number | null;
  peakRssKb: number | null;
  output: string;
}

/** Runs `command args` under /usr/bin/time (when present) and times it from spawn to exit. */
async function timed(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  const withTime = fs.existsSync(TIME);
  const [file, argv] = withTime ? [TIME, ['-f', 'HL_BENCH_MAXRSS_KB=%M', command, ...args]] : [command, args];
  const t0 = performance.now();
  const child = spawn(file, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const wallMs = performance.now() - t0;
  const rss = /HL_BENCH_MAXRSS_KB=(\d+)/.exec(output);
  return { wallMs, exit, peakRssKb: rss ? Number(rss[1]) : null, output };
}

function prompt(i: number): string {
  return `Question ${i}: what is ${i} + ${i}?`;
}
const SYSTEM = 'You are a concise assistant.';

function writeInputs(dir: string): { traceFile: string; promptfooConfig: string } {
  const traceFile = path.join(dir, 'bench.jsonl');
  const lines = Array.from({ length: ITEMS }, (_, i) =>
    JSON.stringify({
      id: `conv-${i}`,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: prompt(i) },
        { role: 'assistant', content: `${2 * i}` },
      ],
    }),
  );
  fs.writeFileSync(traceFile, `${lines.join('\n')}\n`);
  const promptfooConfig = path.join(dir, 'promptfooconfig.json');
  return { traceFile, promptfooConfig };
}

function writePromptfooConfig(file: string, url: string): void {
  const config = {
    description: 'hallucination-lab cli-vs-promptfoo bench',
    prompts: [
      JSON.stringify([
        { role: 'system', content: SYSTEM },
        { role: 'user', content: '{{question}}' },
      ]),
    ],
    providers: [{ id: 'openai:chat:mock-model', config: { apiBaseUrl: url, apiKey: 'bench-key' } }],
    tests: Array.from({ length: ITEMS }, (_, i) => ({ vars: { question: prompt(i) } })),
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

interface Side {
  name: string;
  run(): Promise<ProcessRun>;
  /** Whether the run did the work: every prompt answered. */
  check(r: ProcessRun, requests: number): string | null;
}

interface Sample {
  wallMs: number;
  spanMs: number;
  peakRssKb: number | null;
  requests: number;
}

async function measure(server: MockServerProcess, side: Side): Promise<Sample> {
  await server.reset();
  const r = await side.run();
  const s = await server.stats();
  const problem = side.check(r, s.count);
  if (problem) throw new Error(`${side.name}: ${problem}\n${r.output.trim().split('\n').slice(-15).join('\n')}`);
  return { wallMs: r.wallMs, spanMs: serverSpanMs(s), peakRssKb: r.peakRssKb, requests: s.count };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const range = (values: number[], f: (v: number) => string) => `${f(Math.min(...values))}–${f(Math.max(...values))}`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const pf = ensurePromptfoo(repo, !process.argv.includes('--no-install'), (l) => console.log(l));
  if (!pf.ok) {
    console.log(`promptfoo: NOT RUN — ${pf.why}`);
    process.exitCode = 1;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-cli-pf-'));
  const server = await startMockServer(repo, LATENCY);
  try {
    const { traceFile, promptfooConfig } = writeInputs(dir);
    writePromptfooConfig(promptfooConfig, server.url);
    const baseEnv = { ...process.env, OPENAI_API_KEY: 'bench-key', NO_COLOR: '1' };
    let store = 0;
    const ours: Side = {
      name: 'hallucination-lab run',
      run: () =>
        timed(
          process.execPath,
          [
            cli,
            'run',
            traceFile,
            '--model',
            'mock-model',
            '--base-url',
            server.url,
            '--concurrency',
            String(CONCURRENCY),
            '--name',
            'bench',
            '--out',
            path.join(dir, `store-${store++}`),
            '--json',
          ],
          { cwd: dir, env: baseEnv },
        ),
      check(r, requests) {
        if (r.exit !== 0) return `exit ${r.exit}`;
        const completed = /"completed":\s*(\d+)/.exec(r.output)?.[1];
        if (Number(completed) !== ITEMS) return `${completed ?? '?'} of ${ITEMS} items completed`;
        return requests === ITEMS ? null : `${requests} requests reached the server, not ${ITEMS}`;
      },
    };
    const pfHome = path.join(dir, 'promptfoo-home');
    const theirs: Side = {
      name: `promptfoo ${PROMPTFOO_VERSION} eval`,
      run: () =>
        timed(
          promptfooPaths(repo).bin,
          [
            'eval',
            '-c',
            promptfooConfig,
            '-j',
            String(CONCURRENCY),
            '--no-cache',
            '--no-write',
            '--no-share',
            '--no-table',
            '--no-progress-bar',
          ],
          {
            cwd: dir,
            env: {
              ...baseEnv,
              PROMPTFOO_DISABLE_TELEMETRY: '1',
              PROMPTFOO_DISABLE_UPDATE: '1',
              PROMPTFOO_DISABLE_SHARING: '1',
              PROMPTFOO_CONFIG_DIR: pfHome,
              PROMPTFOO_CACHE_ENABLED: 'false',
            },
          },
        ),
      check(r, requests) {
        // promptfoo exits 100 when a test fails an assertion; there are none here.
        if (r.exit !== 0) return `exit ${r.exit}`;
        return requests === ITEMS ? null : `${requests} requests reached the server, not ${ITEMS}`;
      },
    };

    const floor = Math.ceil(ITEMS / CONCURRENCY) * LATENCY;
    console.log(
      `cli vs promptfoo: ${ITEMS} prompts, mock latency ${LATENCY} ms, concurrency ${CONCURRENCY}, ${RUNS} rounds (floor ${sec(floor)})`,
    );
    console.log(`machine: ${os.cpus().length} CPUs, load average ${load()}`);
    // Warm-up round (file cache, promptfoo's first-run database setup), not counted.
    await measure(server, ours);
    await measure(server, theirs);

    const samples = new Map<Side, Sample[]>([
      [ours, []],
      [theirs, []],
    ]);
    const ratios: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
      const got = new Map<Side, Sample>();
      for (const side of order) got.set(side, await measure(server, side));
      for (const [side, s] of got) samples.get(side)!.push(s);
      ratios.push(got.get(theirs)!.wallMs / got.get(ours)!.wallMs);
      console.log(
        `  round ${round + 1}: ours ${sec(got.get(ours)!.wallMs)}, promptfoo ${sec(got.get(theirs)!.wallMs)} (load ${os.loadavg()[0]!.toFixed(2)})`,
      );
    }

    console.log('\nwhole process, spawn → exit:');
    for (const [side, list] of samples) {
      const walls = list.map((s) => s.wallMs);
      const spans = list.map((s) => s.spanMs);
      const rss = list.map((s) => s.peakRssKb).filter((v): v is number => v !== null);
      console.log(
        `  ${side.name.padEnd(26)} wall median ${sec(median(walls))} (${range(walls, sec)}), ` +
          `requests first→last answer median ${sec(median(spans))}, outside the requests ${sec(median(walls) - median(spans))}` +
          (rss.length ? `, peak RSS median ${(median(rss) / 1024).toFixed(0)} MB` : ''),
      );
    }
    const wallOf = (side: Side) => median(samples.get(side)!.map((s) => s.wallMs));
    console.log(
      `\npromptfoo / ours, wall: ratio of medians ${(wallOf(theirs) / wallOf(ours)).toFixed(2)}×, ` +
        `per round ${range(ratios, (v) => `${v.toFixed(2)}×`)} (above 1: ours is faster)`,
    );
    console.log(`load average at the end: ${load()}`);
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
