// `hallucination-lab dataset save <experiment id> <name | file.jsonl>`: the experiment's reviewed
// responses with their gold spans as a dataset file (server/core/datasets/, docs/datasets.md).
import * as path from 'node:path';
import { STORE_DIR } from './core/experiments/experimentStore';
import { datasetTarget, writeDataset } from './core/datasets/datasetFile';
import { datasetRecords, datasetText } from './core/datasets/datasetSave';
import { loadReviewed } from './core/review/loadReviewed';
import { shown, shownLines } from './terminalText';
import { InputError, UsageError } from './cliErrors';
import { storeWithExperiment } from './cliExperimentStore';
import { parseCommandArgs, runCommand, seeHelp, type CommandIo } from './cliCommand';

export const DATASET_USAGE = `Usage:
  hallucination-lab dataset save <experiment id> <name | file.jsonl> [--include-clean] [--out DIR]

  Writes the experiment's reviewed responses with their gold spans (confirmed, relabelled and
  added spans as hallucinations, dismissed ones as known negatives) to datasets/<name>.jsonl (a
  bare name) or the .jsonl file given. Only fully reviewed responses are saved.
  --include-clean   also save completed responses nothing flagged, as clean (you looked at them)
  --out DIR         store folder (default: ./${STORE_DIR})
The file is a trace file: run experiments on it, and score detectors on it with hallucination-lab eval.
Exit codes: 0 saved, 1 no such experiment or nothing reviewed to save, 2 usage error, 3 the file could not be written.`;

export async function runDataset(argv: string[], io: CommandIo, cwd = process.cwd()): Promise<number> {
  return runCommand(io, { prefix: 'hallucination-lab dataset', afterUsage: seeHelp('dataset') }, () => dataset(argv, io, cwd));
}

function dataset(argv: string[], io: CommandIo, cwd: string): number {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'include-clean': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(DATASET_USAGE + '\n');
    return 0;
  }
  const [action, experimentId, target, ...extra] = positionals;
  if (action !== 'save')
    throw new UsageError(action === undefined ? 'give an action: dataset save' : `unknown action "${shown(action)}" (only "save")`);
  if (!experimentId || !target) throw new UsageError('dataset save needs an experiment id and a dataset name or .jsonl file');
  if (extra.length) throw new UsageError(`unexpected argument "${shown(extra[0]!)}"`);

  const store = storeWithExperiment(cwd, values.out, experimentId);
  let where;
  try {
    where = datasetTarget(target, cwd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const reviewed = loadReviewed(store, experimentId);
  for (const w of reviewed.warnings) io.err.write(`warning: ${shownLines(w)}\n`);
  const { records, leftOut } = datasetRecords(where.name, reviewed.record, reviewed.items, reviewed.conversations, values['include-clean']);
  const notes = [
    leftOut.unreviewed ? `${leftOut.unreviewed} responses with unreviewed annotations left out` : '',
    leftOut.untouched ? `${leftOut.untouched} responses nothing flagged left out (--include-clean saves them as clean)` : '',
  ].filter(Boolean);
  if (records.length === 0)
    throw new InputError(
      `experiment ${shown(experimentId)} has no fully reviewed response to save${notes.length ? ` (${notes.join('; ')})` : ''}; review its annotations with hallucination-lab review`,
    );
  let version: string;
  const shownFile = path.relative(cwd, where.file) || where.file;
  try {
    version = writeDataset(where.file, datasetText(records));
  } catch (e) {
    io.err.write(`hallucination-lab dataset: ${shown(shownFile)} could not be written: ${(e as Error).message}\n`);
    return 3;
  }
  const spans = records.flatMap((r) => r.metadata.hallucination_lab_dataset.gold_spans);
  const positives = spans.filter((s) => s.gold === 'hallucination').length;
  io.out.write(
    `${shown(shownFile)}: dataset "${shown(where.name)}" version ${version}, ${records.length} responses, ${positives} hallucination spans, ${spans.length - positives} known negatives\n`,
  );
  for (const n of notes) io.err.write(`${n}\n`);
  return 0;
}
