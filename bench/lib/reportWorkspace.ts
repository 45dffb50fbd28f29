// A workspace for the editor benchmarks: 100 travel conversations in traces/travel.jsonl (a
// trace-file glob in .vscode/settings.json) and, in its .hallucination-lab store, one experiment
// of 300 items (the 100 conversations × 3 model configurations) made by the CLI's own `run`
// against a local mock whose answers carry numbers the context does not support (annotations).
//
//   node --import tsx bench/lib/reportWorkspace.ts <dir>      (prints {"experimentId", "items", "annotations"})
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main as cli } from '../../server/cli';
import { startMockOpenAI } from '../../test/support/mockOpenAIServer';
import { travelConversation } from '../travelConversations';

const CONVERSATIONS = 100;
const MODELS = ['model-a', 'model-b', 'model-c'];

async function build(dir: string): Promise<void> {
  fs.mkdirSync(path.join(dir, 'traces'), { recursive: true });
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const traces = path.join(dir, 'traces', 'travel.jsonl');
  fs.writeFileSync(traces, Array.from({ length: CONVERSATIONS }, (_, i) => travelConversation(i)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'hallucinationLab.traceFiles': ['traces/**/*.jsonl'] }));

  // Answers in the conversations' style; the price and the Friday temperature are made up.
  const mock = await startMockOpenAI({
    script: (_req, n) => ({
      kind: 'ok',
      content: `Booked Hotel Central, confirmation HX-${10000 + (n % CONVERSATIONS)}, ${60 + (n % 70)} EUR per night. It's ${n % 25} °C and cloudy, and ${18 + (n % 11)} °C on Friday.`,
    }),
  });
  const out: string[] = [];
  const log: string[] = [];
  // The CLI's io: only `write` is used.
  const sink = <T>(into: string[]) => ({ write: (s: string) => (into.push(s), true) }) as unknown as T;
  try {
    process.env.HL_BENCH_KEY = 'bench-key';
    const code = await cli(
      [
        'run',
        traces,
        ...MODELS.flatMap((m) => ['--model', m]),
        '--base-url',
        mock.url,
        '--api-key-env',
        'HL_BENCH_KEY',
        '--name',
        'bench report 300 items',
        '--out',
        path.join(dir, '.hallucination-lab'),
        '--json',
      ],
      { out: sink<typeof process.stdout>(out), err: sink<typeof process.stderr>(log) },
    );
    if (code !== 0) throw new Error(`the CLI run exited ${code}:\n${log.join('').slice(-2000)}`);
  } finally {
    await mock.close();
  }
  const experiment = JSON.parse(out.join('')) as { id: string; items: { annotations: unknown[] }[] };
  const annotations = experiment.items.reduce((n, i) => n + i.annotations.length, 0);
  process.stdout.write(`${JSON.stringify({ experimentId: experiment.id, items: experiment.items.length, annotations })}\n`);
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: reportWorkspace.ts <dir>\n');
  process.exit(2);
}
build(path.resolve(dir)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
