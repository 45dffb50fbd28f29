// `hallucination-lab eval <dataset.jsonl>`: runs the detectors on a dataset's conversations and
// prints precision, recall and F1 of each against the gold spans (server/core/datasets/).
import * as path from 'node:path';
import { experimentConfigSchema } from '../common/schema';
import { detectorsFor } from './core/experiments/pipeline';
import { DATASET_KEY, DatasetError, datasetId } from './core/datasets/datasetFormat';
import { readDataset } from './core/datasets/datasetFile';
import { evaluateDataset, type DatasetEvalResult } from './core/datasets/datasetEval';
import type { Prf, SpanRef } from './core/datasets/datasetScore';
import { shown, shownJson, shownLines } from './terminalText';
import { UsageError } from './cliErrors';
import { detectorsOption, parseCommandArgs, runCommand, seeHelp, type CommandIo } from './cliCommand';
import { cliSettings } from './cliSettings';

export const EVAL_USAGE = `Usage:
  hallucination-lab eval <dataset.jsonl> [--detector local|judge|both] [--json]
                         [--judge-model NAME] [--base-url URL] [--api-key-env NAME] [--min-confidence X]

  Runs the detectors on the dataset's reviewed responses and scores each against the gold spans:
  precision, recall and F1 at span level (a finding overlapping a gold hallucination span) and at
  response level, per label, with the false positives and the misses listed.
  --detector        which detectors to score (default: local)
  --json            one JSON document {dataset, records, failed, scores}
Exit codes: 0 scored, 2 usage error, 3 the dataset could not be read (the message names the line).`;

export async function runEval(argv: string[], io: CommandIo, cwd = process.cwd()): Promise<number> {
  return runCommand(io, { prefix: 'hallucination-lab eval', afterUsage: seeHelp('eval') }, () => evaluate(argv, io, cwd));
}

async function evaluate(argv: string[], io: CommandIo, cwd: string): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      detector: { type: 'string' },
      json: { type: 'boolean', default: false },
      'judge-model': { type: 'string' },
      'base-url': { type: 'string' },
      'api-key-env': { type: 'string' },
      'min-confidence': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(EVAL_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give one dataset file');
  const config = experimentConfigSchema.parse({
    name: 'eval',
    model: 'traced',
    pass_through: true,
    conversation_ids: ['eval'],
    detectors: detectorsOption(values.detector),
  });
  const detectors = detectorsFor(config, cliSettings(values), async (name) => process.env[name] ?? null, true);
  if (!Array.isArray(detectors)) throw new UsageError(`${detectors.path}: ${detectors.error}`);

  const file = path.resolve(cwd, positionals[0]!);
  const display = path.relative(cwd, file) || file;
  let dataset;
  try {
    dataset = readDataset(file, display);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    io.err.write(`hallucination-lab eval: ${shownLines(e.message)}\n`);
    return 3;
  }
  const names = [...new Set(dataset.records.map((r) => r.metadata[DATASET_KEY].name))];
  const name = names.length === 1 ? names[0]! : path.basename(file, '.jsonl');
  const result = await evaluateDataset(dataset.records, file, detectors, { warn: (m) => io.err.write(`warning: ${shownLines(m)}\n`) });
  const info = { name, id: datasetId(name), version_id: dataset.version, file: display };
  if (values.json) io.out.write(shownJson(JSON.stringify({ dataset: info, ...result }, null, 2)) + '\n');
  else printScores(info, result, dataset.records, io.out);
  return 0;
}

const num = (v: number | null) => (v === null ? '  -  ' : v.toFixed(3));
const row = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(i === 0 ? 10 : 30) : c.padStart(9))).join(' ');
const prfCells = (p: Prf) => [num(p.precision), num(p.recall), num(p.f1), String(p.tp), String(p.fp), String(p.fn)];

function printScores(
  info: { name: string; id: string; version_id: string; file: string },
  r: DatasetEvalResult,
  records: ReadonlyArray<{ metadata: { [DATASET_KEY]: { gold_spans: ReadonlyArray<{ gold: string }> } } }>,
  out: NodeJS.WritableStream,
): void {
  const spans = records.flatMap((x) => x.metadata[DATASET_KEY].gold_spans);
  const positives = spans.filter((s) => s.gold === 'hallucination').length;
  out.write(
    `dataset ${shown(info.name)} (${info.id}, version ${info.version_id}): ${r.records} responses, ${positives} gold hallucination spans, ${spans.length - positives} known negatives\n`,
  );
  for (const f of r.failed) out.write(`not scored: ${shown(f.id)}: ${shown(f.reason)}\n`);
  out.write('\n' + row(['detector', 'level', 'precision', 'recall', 'F1', 'tp', 'fp', 'fn']) + '\n');
  for (const s of r.scores) {
    out.write(row([s.detector, 'span', ...prfCells(s.span)]) + '\n');
    out.write(row([s.detector, 'response', ...prfCells(s.response)]) + '\n');
    for (const [label, p] of Object.entries(s.by_label)) out.write(row([s.detector, shown(label), ...prfCells(p)]) + '\n');
  }
  for (const s of r.scores) {
    out.write(`\n${s.detector}: label agreement on found spans ${num(s.label_agreement)}\n`);
    for (const fp of s.false_positives)
      out.write(`  false positive ${spanLine(fp)}${fp.known_negative ? ' (dismissed by people: a known negative)' : ''}\n`);
    for (const m of s.misses) out.write(`  miss ${spanLine(m)}\n`);
  }
}

function spanLine(s: SpanRef): string {
  return `${shown(s.record)} m${s.message_index}p${s.message_part_index} ${s.start_offset}-${s.end_offset} ${shown(s.label)} ${shown(JSON.stringify(s.text))}`;
}
