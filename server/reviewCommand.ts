// `hallucination-lab review`: a person's verdicts on an experiment's annotations, from a terminal.
//   review <experiment id> --list                      annotations with ids and verdicts, and the figures
//   review <experiment id> --confirm|--dismiss <annotation id> [--label L] [--comment T]
//   review <experiment id> --comment T <annotation or item id>   a comment that is not a verdict
// Verdicts go to the experiment's verdicts.jsonl (server/core/review/verdictStore.ts), flushed
// before the command returns; the same core builds what the editor shows.
import { STORE_DIR, type ExperimentStore } from './core/experiments/experimentStore';
import { annotationKey } from './core/review/carryOver';
import { DEFAULT_PASS_THRESHOLD } from './core/review/figures';
import type { ReviewedExperiment } from './core/review/reviewedResource';
import { reviewWithHumans } from './core/review/humanAnnotations';
import type { Verdict } from './core/review/verdict';
import { VerdictStore } from './core/review/verdictStore';
import { CommentStore, type ReviewComment } from './core/review/reviewComments';
import { InputError, UsageError } from './cliErrors';
import { refreshStoredSummaries, storedSummaries } from './core/experiments/summaryRefresh';
import { storeWithExperiment } from './cliExperimentStore';
import { osUser, parseCommandArgs, runCommand, seeHelp, type CommandIo } from './cliCommand';
import { shown } from './terminalText';

export const REVIEW_USAGE = `Usage:
  hallucination-lab review <experiment id> --list [--json] [--threshold X] [--out DIR]
  hallucination-lab review <experiment id> --confirm|--dismiss <annotation id> [--label L] [--comment T] [--out DIR]
  hallucination-lab review <experiment id> --comment T <annotation id | item id> [--out DIR]

  --list            every annotation with its id and verdict, then the figures from the verdicts
  --confirm ID      it is a hallucination (with --label L: of another label, "relabelled")
  --dismiss ID      it is not a hallucination (--comment says why)
  --comment T       a comment stored with the verdict; alone, a comment on the annotation or item
                    named after it, which reviews nothing (comments.jsonl)
  --author NAME     who gives the verdict (default: the OS user)
  --threshold X     an item with an unreviewed annotation at or above this confidence does not pass (default ${DEFAULT_PASS_THRESHOLD})
  --json            with --list: one JSON document {annotations, stale_verdicts, figures}
  --out DIR         store folder (default: ./${STORE_DIR})
A verdict also applies to the same text at the same place in later experiments on the conversation.
Exit codes: 0 done, 1 no such experiment or annotation, 2 usage error.`;

type Io = CommandIo;

export async function runReview(argv: string[], io: Io, now: () => Date = () => new Date()): Promise<number> {
  return runCommand(io, { prefix: 'hallucination-lab review', afterUsage: seeHelp('review') }, () => review(argv, io, now));
}

function review(argv: string[], io: Io, now: () => Date): number {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      list: { type: 'boolean', default: false },
      confirm: { type: 'string' },
      dismiss: { type: 'string' },
      label: { type: 'string' },
      comment: { type: 'string' },
      author: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(REVIEW_USAGE + '\n');
    return 0;
  }
  const [experimentId, commentTarget, ...extra] = positionals;
  if (!experimentId) throw new UsageError('review needs an experiment id (see `hallucination-lab list`)');
  const actions = [values.list, values.confirm !== undefined, values.dismiss !== undefined].filter(Boolean).length;
  // --comment alone: a comment on the annotation or item named after the experiment.
  const commentOnly = actions === 0 && values.comment !== undefined;
  const unexpected = commentOnly ? extra[0] : (commentTarget ?? extra[0]);
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`);
  if (commentOnly && commentTarget === undefined)
    throw new UsageError('--comment without --confirm or --dismiss needs the annotation or item id it is on');
  if (!commentOnly && actions !== 1) throw new UsageError('give exactly one of --list, --confirm ID, --dismiss ID, or --comment T ID');
  if (values.label !== undefined && values.confirm === undefined) throw new UsageError('--label goes with --confirm');
  const threshold = values.threshold === undefined ? DEFAULT_PASS_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, not "${values.threshold}"`);

  const store = storeWithExperiment(process.cwd(), values.out, experimentId);
  const verdicts = new VerdictStore(store);
  const reviewed = loadReviewed(store, verdicts, experimentId, threshold, io);

  if (commentOnly) return comment(store, reviewed, experimentId, commentTarget!, values.comment!, values.author ?? osUser(), now, io);
  if (values.list) {
    const warnings: string[] = [];
    const comments = new CommentStore(store).read(experimentId, warnings);
    for (const w of warnings) io.err.write(`warning: ${shown(w)}\n`);
    if (values.json) io.out.write(JSON.stringify(listing(reviewed, comments), null, 2) + '\n');
    else printListing(reviewed, comments, io.out);
    return 0;
  }
  const annotationIdArg = (values.confirm ?? values.dismiss)!;
  const target = reviewed.located.find((l) => l.id === annotationIdArg);
  if (!target)
    throw new InputError(
      `experiment ${experimentId} has no annotation "${shown(annotationIdArg)}" (see hallucination-lab review ${experimentId} --list)`,
    );
  // Listed before the verdict changes the reviewed experiment's summary (which experiments it reaches does not depend on it).
  const listed = storedSummaries(store);
  const relabel = values.label !== undefined && values.label !== target.annotation.label;
  const verdict: Verdict = {
    annotation_key: annotationKey(target),
    annotation_id: target.id,
    experiment_id: experimentId,
    experiment_created_at: reviewed.createdAt,
    verdict: values.dismiss !== undefined ? 'dismissed' : relabel ? 'relabelled' : 'confirmed',
    ...(relabel ? { label: values.label } : {}),
    ...(values.comment !== undefined ? { comment: values.comment } : {}),
    author: values.author ?? osUser(),
    at: now().toISOString(),
  };
  verdicts.append(experimentId, verdict);
  // The counts `list` and the Experiments view show, of this experiment and later ones the verdict carries over to.
  const warn = (m: string) => io.err.write(`warning: ${shown(m)}\n`);
  refreshStoredSummaries(store, [verdict], listed, verdicts.readAll(), () => false, warn);
  io.out.write(`${target.id}: ${verdict.verdict}${verdict.label ? ` as ${verdict.label}` : ''} by ${verdict.author}\n`);
  return 0;
}

/** A comment on an annotation (by id) or an item (by id): stored apart from verdicts, reviews nothing. */
function comment(
  store: ExperimentStore,
  reviewed: ReviewedExperiment,
  experimentId: string,
  targetId: string,
  text: string,
  author: string,
  now: () => Date,
  io: Io,
): number {
  if (!text.trim()) throw new UsageError('--comment must not be empty');
  const onAnnotation = reviewed.items.find((i) => i.annotations.some((a) => a.id === targetId));
  const item = onAnnotation ?? reviewed.items.find((i) => i.id === targetId);
  if (!item)
    throw new InputError(
      `experiment ${experimentId} has no annotation or item "${shown(targetId)}" (see hallucination-lab review ${experimentId} --list)`,
    );
  new CommentStore(store).append({
    kind: 'comment',
    experiment_id: experimentId,
    item_id: item.id,
    ...(onAnnotation ? { annotation_id: targetId } : {}),
    text: text.trim(),
    author,
    at: now().toISOString(),
  });
  io.out.write(`${shown(targetId)}: comment by ${shown(author)}\n`);
  return 0;
}

function loadReviewed(
  store: ExperimentStore,
  verdicts: VerdictStore,
  id: string,
  threshold: number,
  io: Io,
): ReviewedExperiment & { createdAt: string } {
  const loaded = store.load(id);
  const warnings = [...loaded.warnings];
  const all = verdicts.readAll(warnings);
  for (const w of warnings) io.err.write(`warning: ${w}\n`);
  return {
    ...reviewWithHumans(loaded.record, loaded.items, new Map(loaded.conversations.map((c) => [c.id, c])), all, threshold),
    createdAt: loaded.record.created_at,
  };
}

function listing(r: ReviewedExperiment, comments: readonly ReviewComment[]) {
  return {
    annotations: r.located.map((l) => ({ conversation_id: l.conversationId, ...l.annotation })),
    stale_verdicts: r.stale,
    ...r.figures,
    // The verdicts' comments (figures) and the comments that are not verdicts, on annotations and items.
    comments: [...r.figures.comments, ...comments.map(({ kind: _kind, experiment_id: _experiment, ...c }) => c)],
  };
}

/** One line per annotation; trace and verdict text shown escaped, never obeyed by the terminal. */
function printListing(r: ReviewedExperiment, comments: readonly ReviewComment[], out: NodeJS.WritableStream): void {
  for (const l of r.located) {
    const a = l.annotation;
    const verdict = a.review
      ? `${a.review.verdict}${a.review.label ? `→${a.review.label}` : ''} (${a.review.author}${a.review.carried_from ? `, from ${a.review.carried_from}` : ''})${a.review.comment ? ` "${a.review.comment}"` : ''}`
      : 'unreviewed';
    out.write(
      `${shown(`${l.id}  ${verdict}  ${l.conversationId} m${a.message_index}p${a.message_part_index} ${a.start_offset}-${a.end_offset}  ${a.label}  ${a.detector} ${a.confidence.toFixed(2)}  ${JSON.stringify(a.text)}`)}\n`,
    );
  }
  for (const s of r.stale)
    out.write(`${shown(`stale: ${s.annotation_id} ${s.verdict} ${JSON.stringify(s.text)}`)} (the annotation no longer exists)\n`);
  for (const c of comments)
    out.write(`${shown(`comment on ${c.annotation_id ?? `item ${c.item_id}`}: ${JSON.stringify(c.text)} (${c.author}, ${c.at})`)}\n`);
  const f = r.figures;
  out.write(`\n${f.passed_count}/${f.total_count} items pass, ${f.unreviewed_count} unreviewed; metrics exclude dismissed annotations\n`);
  for (const s of f.feedback_scores) out.write(`${s.name}  ${s.value.toFixed(3)}  ${s.reason}\n`);
}
