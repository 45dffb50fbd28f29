// People's verdicts from the editor and the report: a verdict on an annotation, and an annotation
// a person adds on a selection in a trace file. Both are written through the verdict store the
// CLI's `review` uses (appended and flushed before the answer), then the markers are published
// again and ExperimentChanged tells the report and the trees.
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { z } from 'zod';
import type * as P from '../common/protocol';
import { messageParts, type Message } from '../common/schema';
import { fileText } from './core/markers';
import { annotationId } from './core/review/annotationId';
import { annotationKey, occurrenceOf } from './core/review/carryOver';
import { HUMAN_DETECTOR, type Verdict } from './core/review/verdict';
import { spanAtSelection } from './core/selectionSpan';
import type { MarkerPublisher } from './markerPublisher';
import type { Session } from './session';
import type { TraceFiles } from './traceFiles';

type Params<S> = S extends P.MessageSpec<infer Z, z.ZodType> ? z.output<Z> : never;
type Result<S> = S extends P.MessageSpec<z.ZodType, infer R> ? z.input<R> : never;

export interface ReviewEvents {
  /** The verdicts that apply to experiment `id` changed: its report and summary should be read again. */
  reviewed(id: string): void;
}

export class ReviewRequests {
  constructor(
    private readonly session: Session,
    private readonly traceFiles: TraceFiles,
    private readonly markers: MarkerPublisher,
    private readonly events: ReviewEvents,
    private readonly now: () => Date = () => new Date(),
  ) {}

  setVerdict(p: Params<typeof P.SetVerdict>): Result<typeof P.SetVerdict> {
    const service = this.session.requireService();
    const target = service.reviewed(p.experiment_id).located.find((l) => l.id === p.annotation_id);
    if (!target)
      throw new Error(`experiment ${p.experiment_id} has no annotation "${p.annotation_id}" (the experiment changed; reload the report)`);
    if (p.verdict === 'relabelled' && !p.label) throw new Error('a new label is needed to change the label');
    // The same label again is a confirmation, as in the CLI.
    const relabel = p.verdict === 'relabelled' && p.label !== target.annotation.label;
    const verdict: Verdict = {
      annotation_key: annotationKey(target),
      annotation_id: target.id,
      experiment_id: p.experiment_id,
      experiment_created_at: service.summaryOf(p.experiment_id).created_at,
      verdict: p.verdict === 'dismissed' ? 'dismissed' : relabel ? 'relabelled' : 'confirmed',
      ...(relabel ? { label: p.label } : {}),
      ...(p.comment?.trim() ? { comment: p.comment.trim() } : {}),
      author: p.author ?? osUser(),
      at: this.now().toISOString(),
    };
    this.changed(service.addVerdict(verdict));
    return {
      annotation_id: verdict.annotation_id,
      verdict: verdict.verdict,
      ...(verdict.label ? { label: verdict.label } : {}),
      author: verdict.author,
      at: verdict.at,
    };
  }

  addHumanAnnotation(p: Params<typeof P.AddHumanAnnotation>): Result<typeof P.AddHumanAnnotation> {
    const service = this.session.requireService();
    const experimentId = p.experiment_id ?? this.session.shownExperimentId();
    if (!experimentId) throw new Error('no experiment shows its markers yet: run a pass-through experiment on this file first');
    const summary = service.summaryOf(experimentId);
    const file = path.resolve(p.file);
    const source = this.traceFiles.source(file);
    if (!this.session.index.has(file) || !source)
      throw new Error(`${path.basename(file)} is not one of the trace files (add it to Trace Files first)`);
    if (source.kind !== 'text') throw new Error(`${path.basename(file)} is too large to mark by selection: mark it in a smaller copy`);
    // Editor positions count without a byte order mark, as markers are placed.
    const bom = source.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const doc = TextDocument.create('file:///selection', 'json', 0, source.text.slice(bom));
    const found = spanAtSelection(
      fileText(source.text),
      this.session.index.conversations(file),
      doc.offsetAt(p.range.start) + bom,
      doc.offsetAt(p.range.end) + bom,
    );
    if (!found.ok) throw new Error(`cannot mark this: ${found.reason}`);
    const span = found.span;
    const reviewed = service.reviewed(experimentId);
    const item = reviewed.items.find(
      (i) =>
        i.conversation_id === span.conversation.id &&
        i.status === 'completed' &&
        i.response_messages.some((m) => m.message_index === span.message_index),
    );
    if (!item)
      throw new Error(
        summary.pass_through
          ? `experiment "${summary.name}" did not judge this response (conversation ${span.conversation.id}, message ${span.message_index}): run it again on this file`
          : `experiment "${summary.name}" judged ${summary.model}'s own responses, not the traced ones: show the markers of a pass-through experiment to mark traced text`,
      );
    const evaluated = item.response_messages.find((m) => m.message_index === span.message_index)!.message;
    // The text as the experiment judged it: the selection must still be that text.
    const partText = partTextOf(evaluated, span.message_part_index);
    if (partText === null || partText.slice(span.start_offset, span.end_offset) !== span.text)
      throw new Error('the file changed since the experiment ran: this text is not what it judged (run the experiment again)');
    const same = item.annotations.find(
      (a) =>
        a.message_index === span.message_index &&
        a.message_part_index === span.message_part_index &&
        a.start_offset === span.start_offset &&
        a.end_offset === span.end_offset &&
        a.review?.verdict !== 'dismissed',
    );
    if (same)
      throw new Error(
        `these characters are already marked (${same.label.replace(/_/g, ' ')}): confirm it or change its label from the marker's quick fixes`,
      );
    const annotation = {
      message_index: span.message_index,
      message_part_index: span.message_part_index,
      start_offset: span.start_offset,
      end_offset: span.end_offset,
      label: p.label,
      text: span.text,
      detector: HUMAN_DETECTOR,
    };
    const id = annotationId(experimentId, item.id, annotation);
    // Where the span is: the verdict's key and the request's answer name it the same way.
    const where = {
      conversation_id: span.conversation.id,
      message_index: span.message_index,
      message_part_index: span.message_part_index,
      start_offset: span.start_offset,
      end_offset: span.end_offset,
      text: span.text,
    };
    const verdict: Verdict = {
      annotation_key: { ...where, occurrence: occurrenceOf(partText, span.text, span.start_offset) },
      annotation_id: id,
      experiment_id: experimentId,
      experiment_created_at: summary.created_at,
      verdict: 'added',
      label: p.label,
      ...(p.explanation.trim() ? { explanation: p.explanation.trim() } : {}),
      author: p.author ?? osUser(),
      at: this.now().toISOString(),
    };
    this.changed(service.addVerdict(verdict));
    return { experiment_id: experimentId, annotation_id: id, ...where };
  }

  /** A comment on an annotation or an item: not a verdict, so no count changes; the report and hovers show it. */
  addComment(p: Params<typeof P.AddReviewComment>): Result<typeof P.AddReviewComment> {
    const service = this.session.requireService();
    const items = service.reviewed(p.experiment_id).items;
    const item =
      p.annotation_id !== undefined
        ? items.find((i) => i.annotations.some((a) => a.id === p.annotation_id))
        : items.find((i) => i.id === p.item_id);
    if (!item)
      throw new Error(
        p.annotation_id !== undefined
          ? `experiment ${p.experiment_id} has no annotation "${p.annotation_id}" (the experiment changed; reload the report)`
          : `experiment ${p.experiment_id} has no item "${p.item_id}"`,
      );
    const comment = {
      kind: 'comment' as const,
      experiment_id: p.experiment_id,
      item_id: item.id,
      ...(p.annotation_id !== undefined ? { annotation_id: p.annotation_id } : {}),
      text: p.text.trim(),
      author: p.author ?? osUser(),
      at: this.now().toISOString(),
    };
    service.addComment(comment);
    this.changed([p.experiment_id]);
    const { kind: _kind, experiment_id: _experiment, ...answer } = comment;
    return answer;
  }

  /** `experimentIds`: those whose counts the verdict changed (it carries over to later experiments). */
  private changed(experimentIds: readonly string[]): void {
    this.markers.publishAll();
    for (const id of experimentIds) this.events.reviewed(id);
  }
}

function partTextOf(message: Message, partIndex: number): string | null {
  return messageParts(message)[partIndex]?.text ?? null;
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
