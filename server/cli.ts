// `hallucination-lab` — the same core as the server, from a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_CONVERSATIONS, type ExperimentResource, type Metrics } from '../common/schema';
import { settingsSchema, type ExperimentSummary } from '../common/protocol';
import { TraceIndex } from './core/traceIndex';
import { MAX_TRACE_FILE_BYTES } from './core/traceParser';
import { ExperimentService } from './core/experiments/experimentService';
import { ExperimentStore, STORE_DIR } from './core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from './core/experiments/pipeline';
import { runCheck } from './checkCommand';
import { runReceive } from './receiveCommand';

const USAGE = `Usage:
  hallucination-lab run <trace files…> [options]
  hallucination-lab show <experiment id> [--out DIR] [--json]
  hallucination-lab list [--out DIR] [--json]
  hallucination-lab check <trace files or globs…> [--fail-on RULE]… [--sarif F] [--junit F] [--markdown F]
                                                 (the CI gate: hallucination-lab check --help)

  hallucination-lab resume <experiment id> [--failed] [--out DIR] [--json]

Options for run:
  --conversations ID,…          conversations to run (default: all in the files, at most ${MAX_CONVERSATIONS})
  --name NAME                   experiment name (default: "cli <date>")
  --pass-through                evaluate the traced responses instead of running inference
  --model NAME                  target model (repeat to compare several side by side)
  --base-url URL                OpenAI-compatible endpoint of the models and the judge
  --judge-model NAME            model of the LLM judge (with --detector judge or both)
  --detector local|judge|both   which detectors run (default: local)
  --system-prompt-override TEXT replaces (or adds) the system message of every conversation
  --reasoning-effort low|medium|high
  --output-schema FILE          JSON array of {name, type, is_list?, is_optional?}: structured output
  --samples N                   samples per conversation and model (default 1)
  --concurrency N               items at once (default 8)
  --rpm N, --tpm N              rate limit in requests / tokens per minute
  --timeout-ms N                per-request timeout (default 60000)
  --min-confidence X            hide annotations below this confidence, 0–1 (default 0: show all)
  --api-key-env NAME            environment variable holding the key (default OPENAI_API_KEY)
  --out DIR                     store folder (default: ./${STORE_DIR})
  --json                        print exactly one JSON document: the experiment resource
  -h, --help                    this help

Keys are read from the environment only (OPENAI_API_KEY, or the variable --api-key-env names).
Ctrl-C cancels: finished items are kept, the rest stay pending for \`resume\`. Even a crash or a
kill loses no finished item: \`resume\` runs only what had not finished, never an item twice.`;

class UsageError extends Error {}

export async function main(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  // `check` has options of its own (the CI gate): see checkCommand.ts.
  if (argv[0] === 'check') return runCheck(argv.slice(1), io);
  if (argv[0] === 'receive') return runReceive(argv.slice(1), io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      conversations: { type: 'string' },
      name: { type: 'string' },
      model: { type: 'string', multiple: true },
      'pass-through': { type: 'boolean', default: false },
      detector: { type: 'string' },
      'base-url': { type: 'string' },
      'judge-model': { type: 'string' },
      'system-prompt-override': { type: 'string' },
      'reasoning-effort': { type: 'string' },
      'output-schema': { type: 'string' },
      samples: { type: 'string' },
      concurrency: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'min-confidence': { type: 'string' },
      'api-key-env': { type: 'string' },
      failed: { type: 'boolean', default: false },
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
  const keyEnv = values['api-key-env'] ?? 'OPENAI_API_KEY';
  const endpoint = (model: string) => ({ model, ...(values['base-url'] ? { baseURL: values['base-url'] } : {}), apiKeyName: keyEnv });
  const settingsInput = {
    models: (values.model ?? []).map(endpoint),
    judgeModel: values['judge-model'] ? endpoint(values['judge-model']) : null,
    concurrency: intOption(values.concurrency, '--concurrency') ?? 8,
    requestsPerMinute: intOption(values.rpm, '--rpm') ?? null,
    tokensPerMinute: intOption(values.tpm, '--tpm') ?? null,
    requestTimeoutMs: intOption(values['timeout-ms'], '--timeout-ms') ?? 60_000,
    ...(values['min-confidence'] !== undefined ? { minConfidence: Number(values['min-confidence']) } : {}),
  };
  const settingsParsed = settingsSchema.safeParse(settingsInput);
  if (!settingsParsed.success) throw new UsageError(settingsParsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  let settings = settingsParsed.data;
  const service = new ExperimentService({
    // An explicit --out may be a symbolic link the user made; the default folder may not.
    store: new ExperimentStore(storeRoot, { allowSymlinkedRoot: values.out !== undefined }),
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
  if (command === 'resume') {
    const id = rest[0];
    if (!id) throw new UsageError('resume needs an experiment id (see `hallucination-lab list`)');
    if (!service.has(id)) throw new UsageError(`no experiment "${id}" in ${storeRoot}`);
    // The endpoint is not stored with the experiment: --base-url applies to its models again.
    const config = service.configOf(id);
    if (!config.pass_through && values['base-url'])
      settings = { ...settings, models: [config.model, ...(config.models ?? []).map((m) => m.model)].map(endpoint) };
    try {
      service.resume(id, values.failed);
    } catch (e) {
      io.err.write(`hallucination-lab: ${(e as Error).message}\n`);
      return 1;
    }
    return follow(service, id, storeRoot, values.json, io);
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
  const models = values.model ?? [];
  if (!passThrough && models.length === 0) throw new UsageError('give --model NAME to run inference, or --pass-through to evaluate the traced responses');
  const detector = values.detector ?? 'local';
  if (!['local', 'judge', 'both'].includes(detector)) throw new UsageError(`--detector must be local, judge or both, not "${detector}"`);
  const effort = values['reasoning-effort'];
  const created = service.create({
    name: values.name ?? `cli ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    model: models[0] ?? 'traced',
    ...(models.length > 1 ? { models: models.slice(1).map(endpoint) } : {}),
    pass_through: passThrough,
    conversation_ids: ids,
    detectors: detector === 'both' ? ['local', 'judge'] : [detector],
    ...(values['system-prompt-override'] !== undefined ? { system_prompt_override: values['system-prompt-override'] } : {}),
    ...(effort !== undefined ? { reasoning_config: { effort } } : {}),
    ...(values['output-schema'] ? { output_schema: readJsonFile(values['output-schema'], '--output-schema') } : {}),
    ...(values.samples ? { num_samples: intOption(values.samples, '--samples') } : {}),
  });
  if (!created.ok) {
    io.err.write(`The experiment was refused:\n${created.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}\n`);
    return 1;
  }
  return follow(service, created.experiment.id, storeRoot, values.json, io);
}

async function follow(service: ExperimentService, id: string, storeRoot: string, json: boolean, io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }): Promise<number> {
  const stop = () => {
    io.err.write('\nCancelling: finished items are kept, the rest stay pending (hallucination-lab resume ' + id + ')\n');
    service.cancel(id);
  };
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
  printResult(resource, json, io.out);
  if (!json) io.err.write(`Stored in ${path.join(storeRoot, 'experiments', id)}\n`);
  service.dispose();
  const s = resource.status_summary;
  return s.failed > 0 || s.pending > 0 || s.inference_completed > 0 ? 1 : 0;
}

function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, not "${v}"`);
  return n;
}

function readJsonFile(file: string, name: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${name} ${file}: ${(e as Error).message}`);
  }
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
  const models = Object.keys(r.metrics_by_model);
  const multi = models.length > 1 || r.items.some((i) => i.sample_index > 0);
  const rows: string[][] = [['conversation', ...(multi ? ['model', 'sample'] : []), 'status', 'hallucinations', 'labels']];
  for (const i of r.items) {
    const labels = [...new Set(i.annotations.map((a) => a.label))].join(', ');
    const status = i.status === 'failed' ? `failed: ${i.failure_reason ?? ''}` : i.status;
    rows.push([i.conversation_id, ...(multi ? [i.model_config, String(i.sample_index + 1)] : []), status, String(i.annotations.length), labels]);
  }
  out.write(table(rows) + '\n\n');
  if (models.length > 1) {
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const byModel = [['model', 'hallucination_rate', 'total_hallucinations', 'avg_latency_ms', 'cost_per_1k']];
    for (const [m, x] of Object.entries(r.metrics_by_model))
      byModel.push([m, pct(x.hallucination_rate), String(x.total_hallucinations), x.avg_response_latency_ms === null ? 'n/a' : x.avg_response_latency_ms.toFixed(0), x.cost_per_1k === null ? 'n/a' : `$${x.cost_per_1k.toFixed(4)}`]);
    out.write('By model configuration\n' + table(byModel) + '\n\n');
  }
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
