// Time from a trace's last span to its marker in the editor (issue 16), through the real language
// server (dist/server.js, `npm run build` first): the receiver started by request, traces of two
// spans (a chat span whose tool call carries an ungrounded number, then its root) posted at a fixed
// rate, and for each trace the time from the answer to its root span's POST to (a) the judged-trace
// notification and (b) the first published diagnostics holding its marker on the live file; and the
// server's resident memory when 0, 25, 50, 75 and 100 % of the spans have been sent.
// The spans are posted by a child process of their own (this file with --send), so that the
// acknowledgement times are not delayed by this process reading the server's diagnostics.
//   node --import tsx bench/liveMarkers.ts [--traces 1000] [--rate 50]
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import * as P from '../common/protocol';
import { startServer } from '../test/support/lspClient';
import { otlpChatRequest } from '../test/support/otlpChat';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRACES = arg('--traces', 1000);
const RATE = arg('--rate', 50);

/** Messages of the sending process. */
type SenderMessage = { quarter: number } | { done: true; sendSeconds: number; ackedAt: Array<[string, number]> };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const traceIdOf = (t: number) => `${t.toString(16).padStart(8, '0')}${'b'.repeat(24)}`;

/** The sending process: posts every trace at the rate, tells each quarter, then the acknowledgement times. */
async function send(endpoint: string): Promise<void> {
  // As exporters do: a few kept-alive connections (requests beyond them wait here, not in the
  // server's accept queue, which a slow server would overflow with connection resets).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const post = (body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${endpoint}/v1/traces`,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  const ackedAt: Array<[string, number]> = [];
  const t0 = Date.now();
  // At most this many traces on their way at once: a server slower than the rate lowers the rate
  // achieved (sendSeconds tells it) rather than delaying root spans past the idle time, which
  // would complete their traces without them.
  const inFlight = new Set<Promise<void>>();
  for (let t = 0; t < TRACES; t++) {
    while (inFlight.size >= 16) await Promise.race(inFlight);
    if (t > 0 && t % Math.ceil(TRACES / 4) === 0) process.send!({ quarter: t } satisfies SenderMessage);
    const due = t0 + (t * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const traceId = traceIdOf(t);
    const [resource] = otlpChatRequest(traceId).resourceSpans;
    const [chat, root] = resource!.scopeSpans[0]!.spans;
    const one = (span: unknown) => ({ resourceSpans: [{ ...resource, scopeSpans: [{ scope: { name: 'bench' }, spans: [span] }] }] });
    // As a SimpleSpanProcessor exports them: the chat span when it ends, then the root.
    const chain = (async () => {
      await post(one(chat));
      const status = await post(one(root));
      if (status !== 200) throw new Error(`HTTP ${status}`);
      ackedAt.push([traceId, Date.now()]);
    })();
    inFlight.add(chain);
    void chain.finally(() => inFlight.delete(chain));
  }
  await Promise.all(inFlight);
  agent.destroy();
  process.send!({ done: true, sendSeconds: (Date.now() - t0) / 1000, ackedAt } satisfies SenderMessage);
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-live-')));
  const server = await startServer(root);
  const judgedAt = new Map<string, number>();
  server.connection.onNotification(P.LiveTraceJudged.method, (p: P.ParamsOf<typeof P.LiveTraceJudged>) =>
    judgedAt.set(p.traceId, Date.now()),
  );
  // When a marker was first published on each line of a live file (matched to traces at the end).
  const firstMarked = new Map<string, number>();
  let publishes = 0;
  server.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (!p.uri.includes('/traces/live/')) return;
    publishes++;
    const now = Date.now();
    const file = path.basename(p.uri);
    for (const d of p.diagnostics) {
      const key = `${file}:${d.range.start.line}`; // markers are warnings; problems and notes are not counted
      if (d.severity === 2 && !firstMarked.has(key)) firstMarked.set(key, now);
    }
  });
  const liveFolder = path.join(root, 'traces', 'live');
  const liveFiles = () => fs.readdirSync(liveFolder).filter((f) => f.startsWith('traces-'));
  const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  const rssAtQuarters: number[] = [rssMb()];
  const started = (await server.connection.sendRequest(P.StartReceiver.method, { port: 0 })) as P.ResultOf<typeof P.StartReceiver>;

  const sender = fork(__filename, ['--send', started.endpoint, '--traces', String(TRACES), '--rate', String(RATE)], {
    execArgv: ['--import', 'tsx'],
  });
  const sent = await new Promise<Extract<SenderMessage, { done: true }>>((resolve, reject) => {
    sender.on('message', (m: SenderMessage) => {
      if ('quarter' in m) rssAtQuarters.push(rssMb());
      else resolve(m);
    });
    sender.on('exit', (code) => reject(new Error(`the sending process exited ${code}`)));
  });
  rssAtQuarters.push(rssMb());
  const until = Date.now() + 120_000;
  while (judgedAt.size < TRACES && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000)); // the last publish

  // Each trace's marker is on its chat span's line: the line of the file holding its trace id first.
  const markedAt = new Map<string, number>();
  for (const file of liveFiles())
    fs.readFileSync(path.join(liveFolder, file), 'utf8')
      .split('\n')
      .forEach((l, line) => {
        const traceId = /"traceId":"([0-9a-f]{32})"/.exec(l)?.[1];
        const at = firstMarked.get(`${file}:${line}`);
        if (traceId && at !== undefined && !markedAt.has(traceId)) markedAt.set(traceId, at);
      });
  const judged = sent.ackedAt.filter(([id]) => judgedAt.has(id)).map(([id, at]) => judgedAt.get(id)! - at);
  const marked = sent.ackedAt.filter(([id]) => markedAt.has(id)).map(([id, at]) => markedAt.get(id)! - at);
  const size = liveFiles().reduce((n, f) => n + fs.statSync(path.join(liveFolder, f)).size, 0);
  console.log(
    JSON.stringify(
      {
        traces: TRACES,
        spans: TRACES * 2,
        rateTracesPerSecond: RATE,
        sendSeconds: Number(sent.sendSeconds.toFixed(1)),
        achievedTracesPerSecond: Math.round(TRACES / sent.sendSeconds),
        liveFileMB: Number((size / 1024 / 1024).toFixed(1)),
        judged: judged.length,
        judgedMs: { p50: percentile(judged, 50), p95: percentile(judged, 95), max: Math.max(...judged) },
        marked: marked.length,
        markedMs: { p50: percentile(marked, 50), p95: percentile(marked, 95), max: Math.max(...marked) },
        diagnosticsPublishes: publishes,
        serverRssMBAtQuartersOfSpans: rssAtQuarters,
        serverPeakRssMB: Math.round((server.peakRss() ?? 0) / 1024 / 1024),
      },
      null,
      2,
    ),
  );
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

const sendTo = process.argv.indexOf('--send');
(sendTo > 0 ? send(process.argv[sendTo + 1]!) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
