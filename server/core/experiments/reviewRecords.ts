// What people wrote about the experiments, as the service reads it: the verdicts of every
// experiment (they carry over, so all of them; each file parsed again only when it changed), the
// comments of one experiment, the items as reviewed, and the summaries of experiments open here
// with the verdicts counted — kept for an idle experiment while the verdict files are unchanged
// (the server lists on every marker publish).
import type { ExperimentItem } from '../../../common/schema';
import { reviewWithHumans } from '../review/humanAnnotations';
import type { ReviewedExperiment } from '../review/reviewedResource';
import { CommentStore, withComments, type ReviewComment } from '../review/reviewComments';
import type { Verdict } from '../review/verdict';
import { VerdictStore } from '../review/verdictStore';
import type { ExperimentStore, StoredSummary } from './experimentStore';
import { summarize } from './experimentSummary';
import type { LiveExperiment } from './liveExperiment';

export class ReviewRecords {
  private readonly verdictStore: VerdictStore;
  private readonly commentStore: CommentStore;
  /** Summaries of idle experiments, by their items, with the verdict files' fingerprint. */
  private readonly idleSummaries = new WeakMap<ExperimentItem[], { fingerprint: string; summary: StoredSummary }>();

  constructor(
    store: ExperimentStore,
    /** Problems found reading (a torn line, a line that is not a record): said by the caller. */
    private readonly report: (problems: readonly string[]) => void,
  ) {
    this.verdictStore = new VerdictStore(store);
    this.commentStore = new CommentStore(store);
  }

  /** Every stored verdict, of every experiment. */
  verdicts(): Verdict[] {
    const warnings: string[] = [];
    const verdicts = this.verdictStore.readAll(warnings);
    this.report(warnings);
    return verdicts;
  }

  /** The comments (not verdicts) given in experiment `id`. */
  comments(id: string): ReviewComment[] {
    const warnings: string[] = [];
    const comments = this.commentStore.read(id, warnings);
    this.report(warnings);
    return comments;
  }

  appendVerdict(verdict: Verdict): void {
    this.verdictStore.append(verdict.experiment_id, verdict);
  }

  appendComment(comment: ReviewComment): void {
    this.commentStore.append(comment);
  }

  /** The items as reviewed: ids, verdicts, the annotations people added, and comments. */
  reviewed(exp: LiveExperiment): ReviewedExperiment {
    const reviewed = reviewWithHumans(exp.record, exp.items, exp.conversations, this.verdicts());
    return { ...reviewed, items: withComments(reviewed.items, this.comments(exp.record.id)) };
  }

  /** `exp`'s summary with the verdicts counted; `verdicts` reads them (list() reads them once for all). */
  summary(exp: LiveExperiment, verdicts: () => readonly Verdict[] = () => this.verdicts()): StoredSummary {
    const all = verdicts();
    const fingerprint = this.verdictStore.fingerprint;
    const cached = exp.run ? undefined : this.idleSummaries.get(exp.items);
    if (cached?.fingerprint === fingerprint) return cached.summary;
    const summary = summarize(exp.record, exp.items, { verdicts: all, conversations: exp.conversations });
    if (!exp.run) this.idleSummaries.set(exp.items, { fingerprint, summary });
    return summary;
  }

  /** A run is about to change `exp`'s items in place: a summary kept from before is out of date. */
  forgetSummary(exp: LiveExperiment): void {
    this.idleSummaries.delete(exp.items);
  }
}
