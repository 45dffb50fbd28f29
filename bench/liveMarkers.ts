// Time from a trace's last span to its marker in the editor (issue 16), through the real language
// server (dist/server.js, `npm run build` first): the receiver started by request, traces of two
// spans (a chat span whose tool call carries an ungrounded number, then its root) posted at a fixed
// rate, and for each trace the time from the answer to its root span's POST to (a) the judged-trace
// notification and (b) the first published diagnostics holding its marker on the live file; and the
// server's resident memory when 0, 25, 50, 75 and 100 % of the spans have been sent.
//   node --import tsx bench/liveMarkers.ts [--traces 1000] [--rate 50]
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hl-bench-live-')));
  const server = await startServer(root);
  const sentAt = new Map<string, number>();
  const judgedAt = new Map<string, number>();
  server.connection.onNotification(P.LiveTraceJudged.method, (p: P.ParamsOf<typeof P.LiveTraceJudged>) =>
    judgedAt.set(p.traceId, Date.now()),
  );
  // Each publish of a live file: when, and the lines its markers are on (matched to traces at the end).
  const publishes: { at: number; file: string; lines: Set<number> }[] = [];
  server.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (p.uri.includes('/traces/live/'))
      publishes.push({ at: Date.now(), file: path.basename(p.uri), lines: new Set(p.diagnostics.map((d) => d.range.start.line)) });
  });
  const markedAt = new Map<string, number>();
  const liveFolder = path.join(root, 'traces', 'live');
  const liveFiles = () => fs.readdirSync(liveFolder).filter((f) => f.startsWith('traces-'));
  const attribute = () => {
    markedAt.clear();
    // The live files rotate above 64 MB: each publish is matched against its own file's lines.
    const traceOfLine = new Map(
      liveFiles().map((file) => [
        file,
        fs
          .readFileSync(path.join(liveFolder, file), 'utf8')
          .split('\n')
          .map((l) => /"traceId":"([0-9a-f]{32})"/.exec(l)?.[1]),
      ]),
    );
    for (const { at, file, lines } of publishes)
      for (const line of lines) {
        const traceId = traceOfLine.get(file)?.[line];
        if (traceId && !markedAt.has(traceId)) markedAt.set(traceId, at);
      }
  };
  const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  const rssAtQuarters: number[] = [rssMb()];
  const started = (await server.connection.sendRequest(P.StartReceiver.method, { port: 0 })) as P.ResultOf<typeof P.StartReceiver>;
  // As exporters do: a few kept-alive connections (requests beyond them wait in the client, not in
  // the server's accept queue, which a slow server would overflow with connection resets).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const post = (body: unknown) =>
    new Promise<{ status: number }>((resolve, reject) => {
      const req = http.request(
        `${started.endpoint}/v1/traces`,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  const t0 = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let t = 0; t < TRACES; t++) {
    if (t > 0 && t % Math.ceil(TRACES / 4) === 0) rssAtQuarters.push(rssMb());
    const due = t0 + (t * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const traceId = `${t.toString(16).padStart(8, '0')}${'b'.repeat(24)}`;
    const [resource] = otlpChatRequest(traceId).resourceSpans;
    const [chat, agent] = resource!.scopeSpans[0]!.spans;
    // As a SimpleSpanProcessor exports them: the chat span when it ends, then the root.
    inFlight.push(
      (async () => {
        await post({ resourceSpans: [{ ...resource, scopeSpans: [{ scope: { name: 'bench' }, spans: [chat] }] }] });
        const res = await post({ resourceSpans: [{ ...resource, scopeSpans: [{ scope: { name: 'bench' }, spans: [agent] }] }] });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        sentAt.set(traceId, Date.now());
      })(),
    );
  }
  await Promise.all(inFlight);
  rssAtQuarters.push(rssMb());
  const sendSeconds = (Date.now() - t0) / 1000;
  const until = Date.now() + 120_000;
  while (judgedAt.size < TRACES && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000)); // the last publish
  attribute();

  const judged = [...sentAt].filter(([id]) => judgedAt.has(id)).map(([id, at]) => judgedAt.get(id)! - at);
  const marked = [...sentAt].filter(([id]) => markedAt.has(id)).map(([id, at]) => markedAt.get(id)! - at);
  const size = liveFiles().reduce((n, f) => n + fs.statSync(path.join(liveFolder, f)).size, 0);
  console.log(
    JSON.stringify(
      {
        traces: TRACES,
        spans: TRACES * 2,
        rateTracesPerSecond: RATE,
        sendSeconds: Number(sendSeconds.toFixed(1)),
        liveFileMB: Number((size / 1024 / 1024).toFixed(1)),
        judged: judged.length,
        judgedMs: { p50: percentile(judged, 50), p95: percentile(judged, 95), max: Math.max(...judged) },
        marked: marked.length,
        markedMs: { p50: percentile(marked, 50), p95: percentile(marked, 95), max: Math.max(...marked) },
        diagnosticsPublishes: publishes.length,
        serverRssMBAtQuartersOfSpans: rssAtQuarters,
        serverPeakRssMB: Math.round((server.peakRss() ?? 0) / 1024 / 1024),
      },
      null,
      2,
    ),
  );
  agent.destroy();
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
