// `hallucination-lab` — the same core as the server, from a terminal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_CONVERSATIONS } from '../common/schema';
import { coverageLines, refusal } from './core/formats/convert';
import { TraceIndex } from './core/traceIndex';
import { ExperimentService } from './core/experiments/experimentService';
import { ExperimentStore, STORE_DIR } from './core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from './core/experiments/pipeline';
import { runCheck } from './checkCommand';
import { runReceive } from './receiveCommand';
import { runReview } from './reviewCommand';
import { runDataset } from './datasetCommand';
import { runEval } from './evalCommand';
import { shown, shownLines } from './terminalText';
import { InputError, UsageError } from './cliErrors';
import {
  detectorsOption,
  FORMAT_CHOICES,
  formatOption,
  intOption,
  jsonFileOption,
  osUser,
  parseCommandArgs,
  reportCommandError,
} from './cliCommand';
import { cliEndpoint, cliModelsFile, cliSettings } from './cliSettings';
import { printList, printResult, writeProgress } from './cliReport';
import { convert } from './convertCommand';
import { finish } from './processExit';
import { checkEstimate } from './estimateCommand';
import { batchOption } from './batchOption';

const USAGE = `Usage:
  hallucination-lab run <trace files…> [options]
  hallucination-lab convert <trace files…> [--format F] [--out FILE]
  hallucination-lab show <experiment id> [--out DIR] [--json]
  hallucination-lab list [--out DIR] [--json]
  hallucination-lab check <trace files or globs…> [--fail-on RULE]… [--sarif F] [--junit F] [--markdown F]
                                                 (the CI gate: hallucination-lab check --help)
  hallucination-lab receive [--port N] [--out DIR]  (an OTLP/HTTP receiver: hallucination-lab receive --help)
  hallucination-lab review <experiment id> --list | --confirm ID | --dismiss ID [--comment T]
                                                 (verdicts on annotations: hallucination-lab review --help)
  hallucination-lab dataset save <experiment id> <name | file.jsonl>
                                                 (reviewed responses with gold spans: hallucination-lab dataset --help)
  hallucination-lab eval <dataset.jsonl> [--detector local|judge|both] [--json]
                                                 (detectors scored against gold spans: hallucination-lab eval --help)

  hallucination-lab resume <experiment id> [--failed] [--out DIR] [--json]

Options for run and convert:
  --format ${FORMAT_CHOICES.join('|')}
                                read the files as this format (default: auto, detected from content)

convert writes the conversations as read, one OpenAI chat-format conversation per line
({id, messages, tools, model, metadata.source}), to --out FILE or stdout; what each file held
and every LLM call that could not be read go to stderr.

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
  --tag T                       a tag of the experiment (repeat for several)
  --metadata KEY=VALUE          metadata of the experiment (repeat for several)
  --concurrency N               items at once (default 8)
  --rpm N, --tpm N              rate limit in requests / tokens per minute
  --timeout-ms N                per-request timeout (default 60000)
  --min-confidence X            hide annotations below this confidence, 0–1 (default 0: show all)
  --api-key-env NAME            environment variable holding the key (default OPENAI_API_KEY)
  --models-file FILE            JSON array of model configurations ({model, id?, baseURL?, temperature?,
                                max_tokens?, tool_choice?, top_p?, seed?, stop?, logprobs?, top_logprobs?,
                                user?, input_price_per_1m?, output_price_per_1m?}): without --model the
                                first is the target and the others run beside it; --model and
                                --judge-model names are looked up in it (prices, parameters)
  --sampling every|random       every configuration for every conversation (default), or each sample
                                on one configuration drawn at random (seeded by the experiment id)
  --batch                       use the provider's Batch API (cheaper, slower: results within 24 h) for
                                the model and judge calls, when a pass has at least --batch-min-requests
  --batch-min-requests N        fewest requests to one model worth a batch (default 20; fewer go directly)
  --batch-discount X            the share of the price a batch saves, 0–1 (default 0.5, OpenAI's)
  --batch-poll-ms N             first wait between polls of a batch (default 30000; grows to 5 min)
  --estimate                    print the expected requests, tokens and cost, and exit 0
  --max-cost USD                refuse to start (exit 1, the estimate printed) when the estimate is
                                above USD or cannot be known (a price is unknown)
  --out DIR                     store folder (default: ./${STORE_DIR}); for convert: the output file
  --json                        print exactly one JSON document: the experiment resource
  -h, --help                    this help

Keys are read from the environment only (OPENAI_API_KEY, or the variable --api-key-env names).
Ctrl-C cancels: finished items are kept, the rest stay pending for \`resume\`. Even a crash or a
kill loses no finished item: \`resume\` runs only what had not finished, never an item twice.`;
export async function main(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  // `check`, `receive` and `review` have options of their own: see checkCommand.ts, receiveCommand.ts, reviewCommand.ts.
  if (argv[0] === 'check') return runCheck(argv.slice(1), io);
  if (argv[0] === 'receive') return runReceive(argv.slice(1), io);
  if (argv[0] === 'review') return runReview(argv.slice(1), io);
  if (argv[0] === 'dataset') return runDataset(argv.slice(1), io);
  if (argv[0] === 'eval') return runEval(argv.slice(1), io);
  const { values, positionals } = parseCommandArgs({
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
      'models-file': { type: 'string' },
      sampling: { type: 'string' },
      estimate: { type: 'boolean', default: false },
      batch: { type: 'boolean', default: false },
      'batch-min-requests': { type: 'string' },
      'batch-discount': { type: 'string' },
      'batch-poll-ms': { type: 'string' },
      'max-cost': { type: 'string' },
      failed: { type: 'boolean', default: false },
      out: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      tag: { type: 'string', multiple: true },
      metadata: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.out.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const format = formatOption(values.format);
  // Every message names a file the same way: relative to the working folder.
  const display = (f: string) => path.relative(process.cwd(), f) || f;
  if (command === 'convert') return convert(rest, format, values.out, display, io);
  const storeRoot = path.resolve(values.out ?? STORE_DIR);
  const index = new TraceIndex(display);
  const endpoint = (model: string) => cliEndpoint(model, values);
  const fileModels = cliModelsFile(values);
  const inFile = (name: string) => fileModels.some((m) => m.id === name || m.model === name);
  let settings = cliSettings(values);
  const service = new ExperimentService({
    // An explicit --out may be a symbolic link the user made; the default folder may not.
    store: new ExperimentStore(storeRoot, { allowSymlinkedRoot: values.out !== undefined }),
    conversations: index,
    createdBy: `cli:${osUser()}`,
    concurrency: () => settings.concurrency,
    detectorsFor: (config) => detectorsFor(config, settings, async (name) => process.env[name] ?? null, true),
    inferenceFor: (model, config) => inferenceFor(model, config, settings, async (name) => process.env[name] ?? null, true),
    log: (m) => io.err.write(`${shownLines(m)}\n`),
  });

  if (command === 'list') {
    printList(service.list(), values.json, io.out);
    return 0;
  }
  if (command === 'show') {
    const id = rest[0];
    if (!id) throw new UsageError('show needs an experiment id (see `hallucination-lab list`)');
    if (!service.has(id)) throw new UsageError(`no experiment "${shown(id)}" in ${storeRoot}`);
    printResult(service.resource(id), values.json, io.out);
    return 0;
  }
  if (command === 'resume') {
    const id = rest[0];
    if (!id) throw new UsageError('resume needs an experiment id (see `hallucination-lab list`)');
    if (!service.has(id)) throw new UsageError(`no experiment "${shown(id)}" in ${storeRoot}`);
    // The endpoint is not stored with the experiment: --base-url applies to its models again.
    const config = service.configOf(id);
    // The models file (prices, parameters) is read again when given.
    if (!config.pass_through && values['base-url'])
      settings = {
        ...settings,
        models: [...fileModels, ...[config.model, ...(config.models ?? []).map((m) => m.model)].filter((m) => !inFile(m)).map(endpoint)],
      };
    try {
      service.resume(id, values.failed);
    } catch (e) {
      io.err.write(`hallucination-lab: ${shownLines((e as Error).message)}\n`);
      return 1;
    }
    return follow(service, id, storeRoot, values.json, io);
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"`);
  if (rest.length === 0) throw new UsageError('run needs at least one trace file');

  const read: Array<{ name: string; lines: string[]; refused: string | undefined }> = [];
  for (const file of rest) {
    const abs = path.resolve(file);
    const name = display(abs);
    if (!fs.existsSync(abs)) throw new InputError(`${name}: no such file`);
    // Streamed as the server does: a large file keeps offsets only (no size limit, bounded memory).
    const parsed = await index.load(abs, { listing: false, ...(format ? { format } : {}) });
    const count = index.count(abs);
    const refused = refusal(name, fs.statSync(abs).size === 0, parsed.isTrace, count, parsed.coverage);
    read.push({
      name,
      refused,
      lines: refused
        ? [`${refused}; ignored`]
        : coverageLines({
            name,
            format: parsed.format ?? null,
            conversations: count,
            coverage: parsed.coverage ?? { llmCalls: count, read: count, unread: [] },
          }),
    });
  }
  // Nothing to run: one line that says why, file by file.
  if (index.conversations().length === 0 && !values.conversations)
    throw new InputError(read.map((r) => r.refused ?? `${r.name}: no conversations`).join('; '));
  for (const r of read) for (const line of r.lines) io.err.write(`${shownLines(line)}\n`);
  for (const s of index.summaries())
    for (const p of s.problems) if (p.severity !== 'info') io.err.write(`${p.severity}: ${shownLines(p.message)}\n`);

  const ids = values.conversations
    ? values.conversations
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : index.conversations().map((c) => c.id);
  if (!values.conversations && ids.length > MAX_CONVERSATIONS)
    throw new UsageError(
      `the files hold ${ids.length} conversations, more than the ${MAX_CONVERSATIONS} an experiment allows: choose some with --conversations`,
    );
  if (ids.length === 0) throw new InputError(`no conversations found in ${rest.map((f) => display(path.resolve(f))).join(', ')}`);

  const passThrough = values['pass-through'];
  // Without --model, the models file names the target (first) and the configurations beside it.
  const models = values.model ?? (passThrough ? [] : fileModels.map((m) => m.id ?? m.model));
  if (!passThrough && models.length === 0)
    throw new UsageError('give --model NAME to run inference, or --pass-through to evaluate the traced responses');
  const detectors = detectorsOption(values.detector);
  const effort = values['reasoning-effort'];
  const sampling = values.sampling;
  if (sampling !== undefined && sampling !== 'every' && sampling !== 'random')
    throw new UsageError(`--sampling must be every or random, not "${sampling}"`);
  const maxCost = values['max-cost'] === undefined ? undefined : Number(values['max-cost']);
  if (maxCost !== undefined && !(Number.isFinite(maxCost) && maxCost >= 0))
    throw new UsageError(`--max-cost takes an amount in USD, not "${values['max-cost']}"`);
  const input = {
    name: values.name ?? `cli ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    model: models[0] ?? 'traced',
    ...(models.length > 1 ? { models: models.slice(1).map((m) => (inFile(m) ? { model: m, id: m } : endpoint(m))) } : {}),
    ...(sampling ? { sampling } : {}),
    pass_through: passThrough,
    conversation_ids: ids,
    detectors,
    ...(values['system-prompt-override'] !== undefined ? { system_prompt_override: values['system-prompt-override'] } : {}),
    ...(effort !== undefined ? { reasoning_config: { effort } } : {}),
    ...(values['output-schema'] ? { output_schema: jsonFileOption(values['output-schema'], '--output-schema') } : {}),
    ...(values.samples ? { num_samples: intOption(values.samples, '--samples') } : {}),
    ...(values.tag ? { tags: values.tag } : {}),
    ...(values.metadata ? { metadata: metadataOption(values.metadata) } : {}),
    ...batchOption(values),
  };
  const stop = await checkEstimate(input, index, settings, { estimate: values.estimate, maxCost, json: values.json }, io);
  if (stop !== null) return stop;
  const created = service.create(input);
  if (!created.ok) {
    io.err.write(`The experiment was refused:\n${created.errors.map((e) => `  ${shown(e.path)}: ${shown(e.message)}`).join('\n')}\n`);
    return 1;
  }
  return follow(service, created.experiment.id, storeRoot, values.json, io);
}

async function follow(
  service: ExperimentService,
  id: string,
  storeRoot: string,
  json: boolean,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number> {
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
  // Skipped items (nothing to judge) are not failures: a run whose only unfinished items are skips succeeded.
  return s.failed > 0 || s.pending > 0 || s.inference_completed > 0 ? 1 : 0;
}

/** --metadata key=value, repeated: the experiment's metadata. */
function metadataOption(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata takes key=value, not "${pair}"`);
    Object.defineProperty(out, pair.slice(0, eq), { value: pair.slice(eq + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

if (require.main === module) {
  for (const s of [process.stdout, process.stderr])
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  main(process.argv.slice(2)).then(finish, (e: unknown) => {
    const code = reportCommandError(e, { prefix: 'hallucination-lab', afterUsage: () => `\n${USAGE}\n` }, process.stderr);
    if (code !== undefined) return finish(code);
    process.stderr.write(`hallucination-lab: ${shownLines((e as Error).stack ?? String(e))}\n`);
    finish(1);
  });
}
