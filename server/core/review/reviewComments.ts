// People's comments on an annotation or an item that are not verdicts: a comment reviews nothing
// (the annotation stays unreviewed, the figures do not move). Stored as their own record kind in
// comments.jsonl in the experiment's folder, appended and flushed as verdicts are (never lost on a
// crash; a torn last line dropped with a warning). A comment belongs to its experiment: unlike a
// verdict it does not carry over. One on an annotation that is no longer there stays listed in the
// experiment's comments with the annotation's id.
import * as path from 'node:path';
import { z } from 'zod';
import type { ExperimentItem } from '../../../common/schema';
import { appendLineDurable } from '../experiments/durableFiles';
import type { ExperimentStore } from '../experiments/experimentStore';
import { readJsonLines } from '../experiments/storedJsonLines';

export const COMMENTS_FILE = 'comments.jsonl';

export const reviewCommentSchema = z.object({
  kind: z.literal('comment'),
  experiment_id: z.string(),
  /** The item it is on (for a comment on an annotation, the annotation's item). */
  item_id: z.string(),
  /** Absent: the comment is on the item itself. */
  annotation_id: z.string().optional(),
  text: z.string().trim().min(1, 'a comment must not be empty').max(10_000),
  author: z.string(),
  at: z.string(),
});
export type ReviewComment = z.infer<typeof reviewCommentSchema>;

export class CommentStore {
  constructor(private readonly store: ExperimentStore) {}

  append(comment: ReviewComment): void {
    const parsed = reviewCommentSchema.parse(comment);
    appendLineDurable(path.join(this.store.dir(parsed.experiment_id), COMMENTS_FILE), JSON.stringify(parsed));
  }

  /** The comments given in experiment `experimentId`, in the order written. */
  read(experimentId: string, warnings: string[] = []): ReviewComment[] {
    const out: ReviewComment[] = [];
    const own: string[] = [];
    readJsonLines(path.join(this.store.dir(experimentId), COMMENTS_FILE), own, (value, where) => {
      const r = reviewCommentSchema.safeParse(value);
      if (r.success && r.data.experiment_id === experimentId) out.push(r.data);
      else own.push(`${where}: not a comment of this experiment; skipped`);
    });
    for (const w of own) warnings.push(`experiment ${experimentId}: ${w}`);
    return out;
  }
}

/**
 * The items with each comment on its annotation (by id) or on the item. Comments in stored items
 * (a hand-edited file) are never trusted: both lists are derived here.
 */
export function withComments(items: readonly ExperimentItem[], comments: readonly ReviewComment[]): ExperimentItem[] {
  const note = (c: ReviewComment) => ({ text: c.text, author: c.author, at: c.at });
  return items.map(({ comments: _stored, ...item }) => {
    const mine = comments.filter((c) => c.item_id === item.id);
    const onItem = mine.filter((c) => c.annotation_id === undefined).map(note);
    return {
      ...item,
      ...(onItem.length ? { comments: onItem } : {}),
      annotations: item.annotations.map(({ comments: _storedNotes, ...a }) => {
        const onAnnotation = mine.filter((c) => c.annotation_id !== undefined && c.annotation_id === a.id).map(note);
        return onAnnotation.length ? { ...a, comments: onAnnotation } : a;
      }),
    };
  });
}
