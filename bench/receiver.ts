// Spans per second that `hallucination-lab receive` accepts (writing the live file and judging each
// completed trace), against a bare node:http server that only discards the body, in the same run,
// with the same client: the real OTel SDK exporters (OTLP/HTTP JSON and protobuf), 8 exports in
// flight. Each server runs in its own process; the client is this one.
// --lsp: the receiver inside the language server (dist/server.js, `npm run build` first), started
// by request as the editor starts it — writing, indexing the live file, detecting and publishing
// markers — instead of the CLI's.
//   node --import tsx bench/receiver.ts [--spans 20000] [--batch 100] [--lsp]
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import * as P from '../common/protocol';
import { startServer } from '../test/support/lspClient';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SPANS = arg('--spans', 20_000);
const BATCH = arg('--batch', 100);
const IN_FLIGHT = 8;
const LSP = process.argv.includes('--lsp');
const SPANS_PER_TRACE = 10;

const cities = ['Paris', 'Lisbon', 'Oslo', 'Berlin', 'Madrid', 'Rome'];
const tools = JSON.stringify([
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
]);

/** Traces of an agent span, a chat span with GenAI content (every 4th with an ungrounded number) and tool spans. */
function makeSpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('bench');
  for (let t = 0; t * SPANS_PER_TRACE < count; t++) {
    const city = cities[t % cities.length]!;
    const root = tracer.startSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    const parent = otelTrace.setSpan(context.active(), root);
    const days = t % 4 === 0 ? 12 : 5;
    tracer
      .startSpan(
        'chat gpt-4o',
        {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: `Weather in ${city} for 5 days` }] },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'tool_call', id: `call_${t}`, name: 'get_weather', arguments: { city, days } }] },
            ]),
            'gen_ai.tool.definitions': tools,
            'gen_ai.usage.input_tokens': 120,
            'gen_ai.usage.output_tokens': 30,
          },
        },
        parent,
      )
      .end();
    for (let s = 2; s < SPANS_PER_TRACE; s++)
      tracer
        .startSpan(
          `execute_tool step ${s}`,
          { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' } },
          parent,
        )
        .end();
    root.end();
  }
  return memory.getFinishedSpans().slice(0, count);
}

interface Server {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  /** When each `trace <id>` line was read from the receiver's output. */
  judgedAt: Map<string, number>;
}

/** A receiver under test: the CLI's or the language server's. */
interface Receiver {
  pid: number;
  port: number;
  judgedAt: Map<string, number>;
  hallucinations(): number;
  stop(): Promise<void>;
}

async function startCli(repo: string, work: string): Promise<Receiver> {
  const s = await start(
    ['--import', require.resolve('tsx'), path.join(repo, 'server', 'cli.ts'), 'receive', '--port', '0', '--out', 'live'],
    work,
  );
  return {
    pid: s.child.pid!,
    port: s.port,
    judgedAt: s.judgedAt,
    // The CLI's closing line: read after stop().
    hallucinations: () => Number(/(\d+) hallucinations\.$/m.exec(s.stdout())?.[1] ?? NaN),
    async stop() {
      const exited = new Promise((r) => s.child.on('exit', r));
      s.child.kill('SIGINT');
      await exited;
    },
  };
}

async function startLsp(work: string): Promise<Receiver> {
  const server = await startServer(work);
  const judgedAt = new Map<string, number>();
  let hallucinations = 0;
  server.connection.onNotification(P.LiveTraceJudged.method, (p: P.ParamsOf<typeof P.LiveTraceJudged>) => {
    judgedAt.set(p.traceId, Date.now());
    hallucinations += p.hallucinations;
  });
  const started = (await server.connection.sendRequest(P.StartReceiver.method, { port: 0, folder: 'live' })) as P.ResultOf<
    typeof P.StartReceiver
  >;
  return {
    pid: server.pid,
    port: started.port,
    judgedAt,
    hallucinations: () => hallucinations,
    async stop() {
      await server.connection.sendRequest(P.StopReceiver.method, {});
      await server.stop();
    },
  };
}

async function start(command: string[], cwd: string): Promise<Server> {
  const child = spawn(process.execPath, command, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const judgedAt = new Map<string, number>();
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const now = Date.now();
      const text = d.toString();
      // Whole lines only: a chunk may end inside one (read with the next chunk).
      const from = out.lastIndexOf('\n') + 1;
      out += text;
      const complete = out.slice(from, out.lastIndexOf('\n') + 1);
      for (const m of complete.matchAll(/^trace ([0-9a-f]{32}) /gm)) judgedAt.set(m[1]!, now);
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, port, stdout: () => out, judgedAt };
}

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); });
});
server.listen(0, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + server.address().port));
process.on('SIGINT', () => server.close(() => process.exit(0)));
`;

function currentRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Sent {
  spansPerSecond: number;
  /** When the export holding each trace's last span was acknowledged. */
  ackedAt: Map<string, number>;
  /** Server RSS (MB) after each quarter of the exports. */
  rss: number[];
}

/** Sends every batch through the exporter, IN_FLIGHT at a time. */
async function send(spans: ReadableSpan[], Exporter: typeof JsonExporter | typeof ProtoExporter, port: number, pid: number): Promise<Sent> {
  const ackedAt = new Map<string, number>();
  const rss: number[] = [];
  let done = 0;
  const exporter = new Exporter({ url: `http://127.0.0.1:${port}/v1/traces`, concurrencyLimit: IN_FLIGHT * 2 });
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < spans.length; i += BATCH) batches.push(spans.slice(i, i + BATCH));
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const code = await new Promise<number>((resolve) => exporter.export(batch, (r) => resolve(r.code)));
        if (code !== 0) failed++;
        const now = Date.now();
        for (const span of batch) ackedAt.set(span.spanContext().traceId, now);
        if (++done % Math.ceil(batches.length / 4) === 0 || done === batches.length) rss.push(currentRssMb(pid));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await exporter.shutdown();
  if (failed) throw new Error(`${failed} exports failed`);
  return { spansPerSecond: spans.length / seconds, ackedAt, rss };
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..');
  const spans = makeSpans(SPANS);
  console.log(`${spans.length} spans (${spans.length / SPANS_PER_TRACE} traces) in batches of ${BATCH}, ${IN_FLIGHT} exports in flight`);
  const rows: string[] = [];
  for (const [encoding, Exporter] of [
    ['JSON', JsonExporter],
    ['protobuf', ProtoExporter],
  ] as const) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-receiver-'));
    const bare = await start(['-e', BARE_SERVER], work);
    const bareRate = (await send(spans, Exporter, bare.port, bare.child.pid!)).spansPerSecond;
    bare.child.kill('SIGINT');

    const receiver = LSP ? await startLsp(fs.realpathSync(work)) : await startCli(repo, work);
    const sent = await send(spans, Exporter, receiver.port, receiver.pid);
    const rate = sent.spansPerSecond;
    const sentAt = Date.now();
    const traces = spans.length / SPANS_PER_TRACE;
    while (receiver.judgedAt.size < traces) await new Promise((r) => setTimeout(r, 20));
    const drainMs = Date.now() - sentAt;
    const latencies = [...sent.ackedAt].map(([traceId, at]) => receiver.judgedAt.get(traceId)! - at).sort((a, b) => a - b);
    await receiver.stop();
    const found = receiver.hallucinations();
    const written = fs.readdirSync(path.join(work, 'live')).reduce((n, f) => n + fs.statSync(path.join(work, 'live', f)).size, 0);
    rows.push(
      `${encoding.padEnd(8)}  ${LSP ? 'language server' : 'CLI'} receiver ${Math.round(rate).toLocaleString('en-US').padStart(7)} spans/s   bare ${Math.round(bareRate).toLocaleString('en-US').padStart(7)} spans/s   ratio ${(rate / bareRate).toFixed(2)}   ` +
        `${found} hallucinations   ${(written / 1024 / 1024).toFixed(1)} MB written\n` +
        `          export acknowledged → trace judged: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, last ${drainMs} ms after the last export; ` +
        `receiver RSS after each quarter ${sent.rss.map((r) => r.toFixed(0)).join(' / ')} MB`,
    );
    fs.rmSync(work, { recursive: true, force: true });
  }
  for (const row of rows) console.log(row);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
