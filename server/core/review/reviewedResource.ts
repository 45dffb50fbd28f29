// An experiment's items as the resource shows them after review: every annotation with its stable
// id and the verdict that applies to it (its own or carried over from another experiment on the
// same conversation), the items metrics count (dismissed annotations left out), the figures and
// the stale verdicts. Stored items are never changed.
import type { Annotation, Conversation, ExperimentItem, ExperimentResource, Message } from '../../../common/schema';
import { messageParts } from '../../../common/schema';
import { annotationId } from './annotationId';
import { applyVerdicts, type LocatedAnnotation } from './carryOver';
import { countedAnnotations, DEFAULT_PASS_THRESHOLD, reviewFigures, type ReviewFigures } from './figures';
import type { Verdict } from './verdict';

export interface ReviewedExperiment {
  /** Every annotation with `id`, and `review` when a verdict applies. */
  items: ExperimentItem[];
  /** For metrics: dismissed annotations removed, relabelled ones under their new label. */
  countedItems: ExperimentItem[];
  figures: ReviewFigures;
  stale: NonNullable<ExperimentResource['stale_verdicts']>;
  /** Each annotation with where it is, as verdicts are keyed (for the CLI and new verdicts). */
  located: LocatedAnnotation[];
}

export function reviewExperiment(
  /** With its configuration when known: the detectors that ran (recall and agreement figures). */
  experiment: { id: string; created_at: string; config?: { detectors?: readonly string[] } },
  items: readonly ExperimentItem[],
  conversations: ReadonlyMap<string, Conversation>,
  verdicts: readonly Verdict[],
  threshold = DEFAULT_PASS_THRESHOLD,
): ReviewedExperiment {
  const experimentId = experiment.id;
  const located: LocatedAnnotation[] = [];
  const withIds = items.map((item) => ({
    ...item,
    annotations: item.annotations.map(({ id: _storedId, review: _storedReview, ...a }) => {
      // An id or verdict in a stored item (a hand-edited file) is never trusted: both are derived here.
      const id = annotationId(experimentId, item.id, a);
      const withId = { ...a, id };
      located.push({ id, conversationId: item.conversation_id, annotation: withId, partText: partText(item, conversations, a) });
      return withId;
    }),
  }));
  const { applied, stale } = applyVerdicts(experiment, located, verdicts);
  const reviewed = withIds.map((item) => ({
    ...item,
    annotations: item.annotations.map((a): Annotation => {
      const v = applied.get(a.id);
      if (!v) return a;
      const { verdict, label, comment, author, at } = v.verdict;
      return {
        ...a,
        review: {
          verdict,
          author,
          at,
          ...(label !== undefined ? { label } : {}),
          ...(comment !== undefined ? { comment } : {}),
          ...(v.carriedFrom ? { carried_from: v.carriedFrom } : {}),
        },
      };
    }),
  }));
  const byId = new Map(reviewed.flatMap((i) => i.annotations.map((a) => [a.id, a] as const)));
  return {
    items: reviewed,
    countedItems: reviewed.map((item) => ({ ...item, annotations: countedAnnotations(item.annotations) })),
    figures: reviewFigures(reviewed, threshold, experiment.config?.detectors),
    stale: stale.map((v) => ({ annotation_id: v.annotation_id, verdict: v.verdict, text: v.annotation_key.text, at: v.at })),
    located: located.map((l) => ({ ...l, annotation: byId.get(l.id) ?? l.annotation })),
  };
}

/** The text of the part `a` points into: the evaluated response's message, else the conversation's. */
function partText(item: ExperimentItem, conversations: ReadonlyMap<string, Conversation>, a: Annotation): string | null {
  const message: Message | undefined =
    item.response_messages.find((m) => m.message_index === a.message_index)?.message ??
    conversations.get(item.conversation_id)?.messages[a.message_index];
  if (!message) return null;
  return messageParts(message)[a.message_part_index]?.text ?? null;
}
