// Markers on a large trace file, through the real server (dist/server.js; run `node esbuild.mjs`
// first): the time from choosing the experiment to its markers arriving, and the server's peak
// resident memory during that publish alone (VmHWM reset just before, Linux).
//   node --import tsx bench/markers.ts [--mb 200] [--marked 100] (at most 100: one experiment's limit)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../common/protocol';
import { startServer, until } from '../test/support/lspClient';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const targetMb = arg('--mb', 200);
const marked = arg('--marked', 100);
const root = path.join(__dirname, '.data', `markers-${targetMb}mb`);
const file = path.join(root, 'traces', 'big.jsonl');

function conversation(i: number): string {
  const filler = `Earlier notes ${i}: ` + 'the itinerary was discussed at length without any figures. '.repeat(20);
  return JSON.stringify({
    id: `c${i}`,
    messages: [
      { role: 'system', content: 'You are a travel assistant.' },
      { role: 'user', content: `${filler} How many bridges does Paris have? (${i})` },
      { role: 'assistant', content: `Paris has exactly ${1000 + (i % 500)} bridges and ${20 + (i % 30)} islands.` },
    ],
  });
}

function ensureData(): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    const fd = fs.openSync(file, 'w');
    let bytes = 0;
    for (let i = 0; bytes < targetMb * 1024 * 1024; i++) {
      const line = conversation(i) + '\n';
      fs.writeSync(fd, line);
      bytes += Buffer.byteLength(line);
    }
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1048576).toFixed(0)} MB`);
function rss(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const size = ensureData();
  fs.rmSync(path.join(root, '.hallucination-lab'), { recursive: true, force: true });
  const server = await startServer(root);
  try {
    const t0 = Date.now();
    await server.connection.sendRequest(P.SetTraceFiles.method, { files: [file] });
    let count = 0;
    while (!count) {
      await new Promise((r) => setTimeout(r, 100));
      count =
        P.ListTraceFiles.result.parse(await server.connection.sendRequest(P.ListTraceFiles.method, {})).files[0]?.conversationCount ?? 0;
    }
    const indexMs = Date.now() - t0;
    const ids = Array.from({ length: marked }, (_, k) => `c${Math.floor((k * count) / marked)}`);
    const created = P.CreateExperiment.result.parse(
      await server.connection.sendRequest(P.CreateExperiment.method, {
        config: { name: 'bench', model: 'traced', pass_through: true, conversation_ids: ids },
      }),
    );
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const id = created.experiment.id;
    await until(
      'the run to end',
      () =>
        server.notifications.some(
          (n) =>
            n.method === P.ExperimentChanged.method &&
            (n.params as { experiment?: { id: string; running: boolean } }).experiment?.id === id &&
            !(n.params as { experiment: { running: boolean } }).experiment.running,
        ),
      600_000,
    );
    const uri = pathToFileURL(file).toString();
    // Settle, then measure one publish alone: clear the diagnostics seen, reset the peak, choose the experiment.
    await new Promise((r) => setTimeout(r, 1500));
    server.diagnostics.delete(uri);
    const rssBefore = rss(server.pid, 'VmRSS');
    try {
      fs.writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
    } catch {
      /* not Linux: the peak is the process's */
    }
    const t1 = Date.now();
    await server.connection.sendRequest(P.SetActiveExperiment.method, { id });
    const markers = await until(
      'the markers',
      () => server.diagnostics.get(uri)?.diagnostics.filter((d) => d.severity === 2).length || null,
      120_000,
    );
    const publishMs = Date.now() - t1;
    console.log(
      `markers on a ${mb(size)} file (${count.toLocaleString('en-US')} conversations, ${marked} marked): indexed in ${indexMs} ms; ` +
        `${markers} markers in ${publishMs} ms; server RSS ${mb(rssBefore)} before, peak ${mb(rss(server.pid, 'VmHWM'))} during the publish`,
    );
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
