// `hallucination-lab` — the same core as the server, from a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_CONVERSATIONS, type ExperimentResource, type Metrics } from '../common/schema';
import { settingsSchema, type ExperimentSummary } from '../common/protocol';
import { TraceIndex } from './core/traceIndex';
import { MAX_TRACE_FILE_BYTES } from './core/traceParser';
import { ExperimentService } from './core/experimentService';
import { ExperimentStore, STORE_DIR } from './core/experimentStore';
import { detectorsFor, inferenceFor } from './core/pipeline';

const USAGE = `Usage:
  hallucination-lab run <trace files…> [options]
  hallucination-lab show <experiment id> [--out DIR] [--json]
  hallucination-lab list [--out DIR] [--json]

Options for run:
  --conversations ID,…   conversations to run (default: all in the files, at most ${MAX_CONVERSATIONS})
  --name NAME            experiment name (default: "cli <date>")
  --model NAME           target model label (default: "traced" with --pass-through)
  --pass-through         evaluate the traced responses instead of running inference
  --detector local       detector(s): local (default)
  --out DIR              store folder (default: ./${STORE_DIR})
  --json                 print exactly one JSON document: the experiment resource
  -h, --help             this help`;

class UsageError extends Error {}

export async function main(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      conversations: { type: 'string' },
      name: { type: 'string' },
      model: { type: 'string' },
      'pass-through': { type: 'boolean', default: false },
      detector: { type: 'string', multiple: true },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.out.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const storeRoot = path.resolve(values.out ?? STORE_DIR);
  const index = new TraceIndex((f) => path.relative(process.cwd(), f) || f);
  const settings = settingsSchema.parse({});
  const service = new ExperimentService({
    store: new ExperimentStore(storeRoot),
    conversations: index,
    createdBy: `cli:${safeUser()}`,
    concurrency: () => settings.concurrency,
    detectorsFor: (config) => detectorsFor(config, settings, async (name) => process.env[name] ?? null, true),
    inferenceFor: (model, config) => inferenceFor(model, config, settings, async (name) => process.env[name] ?? null, true),
    log: (m) => io.err.write(`${m}\n`),
  });

  if (command === 'list') {
    const list = service.list();
    if (values.json) io.out.write(JSON.stringify(list, null, 2) + '\n');
    else for (const e of list) io.out.write(`${e.id}  ${e.name}  ${e.status_summary.completed}/${e.status_summary.total} completed  ${e.total_hallucinations} hallucinations\n`);
    return 0;
  }
  if (command === 'show') {
    const id = rest[0];
    if (!id) throw new UsageError('show needs an experiment id (see `hallucination-lab list`)');
    if (!service.has(id)) throw new UsageError(`no experiment "${id}" in ${storeRoot}`);
    printResult(service.resource(id), values.json, io.out);
    return 0;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"`);
  if (rest.length === 0) throw new UsageError('run needs at least one trace file');

  for (const file of rest) {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new UsageError(`trace file not found: ${file}`);
    const size = fs.statSync(abs).size;
    if (size > MAX_TRACE_FILE_BYTES) throw new UsageError(`${file} is ${(size / 1048576).toFixed(0)} MB, above the ${MAX_TRACE_FILE_BYTES / 1048576} MB limit`);
    const parsed = index.update(abs, fs.readFileSync(abs, 'utf8'));
    if (!parsed.isTrace) io.err.write(`${file}: not a trace file, ignored\n`);
  }
  for (const s of index.summaries()) for (const p of s.problems) if (p.severity !== 'info') io.err.write(`${p.severity}: ${p.message}\n`);

  const ids = values.conversations ? values.conversations.split(',').map((s) => s.trim()).filter(Boolean) : index.conversations().map((c) => c.id);
  if (!values.conversations && ids.length > MAX_CONVERSATIONS)
    throw new UsageError(`the files hold ${ids.length} conversations, more than the ${MAX_CONVERSATIONS} an experiment allows: choose some with --conversations`);
  if (ids.length === 0) throw new UsageError('no conversations found in the given files');

  const passThrough = values['pass-through'];
  const created = service.create({
    name: values.name ?? `cli ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    model: values.model ?? (passThrough ? 'traced' : ''),
    pass_through: passThrough,
    conversation_ids: ids,
    detectors: values.detector ?? ['local'],
  });
  if (!created.ok) {
    io.err.write(`The experiment was refused:\n${created.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}\n`);
    return 1;
  }
  const id = created.experiment.id;
  const stop = () => service.cancel(id);
  process.once('SIGINT', stop);
  const progress = setInterval(() => writeProgress(service.summaryOf(id), io.err), 200);
  try {
    await service.whenIdle(id);
  } finally {
    clearInterval(progress);
    process.removeListener('SIGINT', stop);
  }
  writeProgress(service.summaryOf(id), io.err);
  io.err.write('\n');
  const resource = service.resource(id);
  printResult(resource, values.json, io.out);
  if (!values.json) io.err.write(`Stored in ${path.join(storeRoot, 'experiments', id)}\n`);
  service.dispose();
  return resource.status_summary.failed > 0 ? 1 : 0;
}

function writeProgress(s: ExperimentSummary, err: NodeJS.WritableStream): void {
  const st = s.status_summary;
  const done = st.completed + st.failed;
  err.write(`\r${s.name}: ${done}/${st.total} done (${st.completed} completed, ${st.failed} failed, ${st.in_progress} running) · ${s.total_hallucinations} hallucinations   `);
}

function printResult(r: ExperimentResource, json: boolean, out: NodeJS.WritableStream): void {
  if (json) {
    out.write(JSON.stringify(r, null, 2) + '\n');
    return;
  }
  out.write(`\nExperiment ${r.name} (${r.id})\n\n`);
  const rows: Array<[string, string, string, string]> = [['conversation', 'status', 'hallucinations', 'labels']];
  for (const i of r.items) {
    const labels = [...new Set(i.annotations.map((a) => a.label))].join(', ');
    rows.push([i.conversation_id, i.status === 'failed' ? `failed: ${i.failure_reason ?? ''}` : i.status, String(i.annotations.length), labels]);
  }
  out.write(table(rows) + '\n\n');
  out.write(formatMetrics(r.metrics) + '\n');
}

export function formatMetrics(m: Metrics): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const num = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
  const lines = [
    ['hallucination_rate', pct(m.hallucination_rate)],
    ['total_hallucinations', String(m.total_hallucinations)],
    ['hallucination_free_count', String(m.hallucination_free_count)],
    ['avg_hallucinations_per_prompt', num(m.avg_hallucinations_per_prompt, 2)],
    ['hallucination_labels', Object.entries(m.hallucination_labels).map(([k, v]) => `${k}=${v}`).join(', ') || '-'],
    ['parameter_hallucinations', Object.entries(m.parameter_hallucinations).flatMap(([t, ps]) => Object.entries(ps).map(([p, n]) => `${t}.${p}=${n}`)).join(', ') || '-'],
    ['total_input_tokens / output', `${m.total_input_tokens} / ${m.total_output_tokens}`],
    ['avg_input_tokens / output', `${num(m.avg_input_tokens)} / ${num(m.avg_output_tokens)}`],
    ['cost_per_1k', m.cost_per_1k === null ? 'n/a' : `$${m.cost_per_1k.toFixed(4)}`],
    ['total_generation_time_ms', String(m.total_generation_time_ms)],
    ['avg / max response latency (ms)', `${num(m.avg_response_latency_ms, 0)} / ${num(m.max_response_latency_ms, 0)}`],
  ];
  return 'Metrics\n' + table(lines.map(([k, v]) => [k!, v!]));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => (r[c] ?? '').length))));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.slice(0, 60).padEnd(widths[c]!))).join('  ')).join('\n');
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`hallucination-lab: ${(e as Error).message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`hallucination-lab: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
