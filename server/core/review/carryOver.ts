// Which verdict applies to which annotation. A verdict applies to the annotation it was given on
// (by id) and to any annotation, in this or another experiment, of the same text at the same place:
// same conversation, message, part and text, and the same occurrence of that text in the part
// (offsets may shift when text before the span was edited; the same text elsewhere is not the
// same annotation). When the part's text is unknown on either side, the offsets must be equal.
// Verdicts carry over to later experiments only (created at or after the verdict's experiment), so
// that reviewing a new experiment never changes the figures of an old one.
// The experiment's own verdicts win over carried ones; among them the latest wins. A verdict given
// in this experiment that matches nothing is stale: kept and reported, never applied elsewhere.
import type { Annotation } from '../../../common/schema';
import { HUMAN_DETECTOR, type AnnotationKey, type Verdict } from './verdict';

export interface LocatedAnnotation {
  id: string;
  conversationId: string;
  annotation: Annotation;
  /** The text of the part the annotation points into, when known. */
  partText: string | null;
}

export interface AppliedVerdict {
  verdict: Verdict;
  /** Set when the verdict was given in another experiment. */
  carriedFrom: string | null;
}

/** How many times `text` starts in `partText` before `start` (overlapping occurrences counted). */
export function occurrenceOf(partText: string, text: string, start: number): number | null {
  if (text === '' || partText.slice(start, start + text.length) !== text) return null;
  let n = 0;
  for (let at = partText.indexOf(text); at !== -1 && at < start; at = partText.indexOf(text, at + 1)) n++;
  return n;
}

export function annotationKey(located: LocatedAnnotation): AnnotationKey {
  const a = located.annotation;
  return {
    conversation_id: located.conversationId,
    message_index: a.message_index,
    message_part_index: a.message_part_index,
    start_offset: a.start_offset,
    end_offset: a.end_offset,
    text: a.text,
    occurrence: located.partText === null ? null : occurrenceOf(located.partText, a.text, a.start_offset),
  };
}

export function sameAnnotatedText(x: AnnotationKey, y: AnnotationKey): boolean {
  if (x.conversation_id !== y.conversation_id || x.message_index !== y.message_index) return false;
  if (x.message_part_index !== y.message_part_index || x.text !== y.text) return false;
  if (x.occurrence !== null && y.occurrence !== null) return x.occurrence === y.occurrence;
  return x.start_offset === y.start_offset && x.end_offset === y.end_offset;
}

/**
 * The verdict that applies to each annotation (by id), and the stale verdicts of `experimentId`.
 * `verdicts`: every stored verdict, of any experiment, in the order written.
 */
export function applyVerdicts(
  experiment: { id: string; created_at: string },
  annotations: readonly LocatedAnnotation[],
  verdicts: readonly Verdict[],
): { applied: Map<string, AppliedVerdict>; stale: Verdict[] } {
  const experimentId = experiment.id;
  // Latest first, own before carried: the first match wins.
  const ordered = verdicts
    .filter((v) => v.experiment_id === experimentId || v.experiment_created_at <= experiment.created_at)
    .map((v, i) => ({ v, i }))
    .sort(
      (x, y) =>
        Number(y.v.experiment_id === experimentId) - Number(x.v.experiment_id === experimentId) ||
        y.v.at.localeCompare(x.v.at) ||
        y.i - x.i,
    )
    .map((e) => e.v);
  const keys = annotations.map(annotationKey);
  // A verdict names its annotation's conversation (by id or by place): only those are tried.
  const byConversation = new Map<string, Verdict[]>();
  for (const v of ordered) {
    const list = byConversation.get(v.annotation_key.conversation_id);
    if (list) list.push(v);
    else byConversation.set(v.annotation_key.conversation_id, [v]);
  }
  const applied = new Map<string, AppliedVerdict>();
  const matched = new Set<Verdict>();
  annotations.forEach((a, i) => {
    for (const v of byConversation.get(a.conversationId) ?? []) {
      // "A person added this" describes a human annotation only, not a detector's on the same text.
      if (v.verdict === 'added' && a.annotation.detector !== HUMAN_DETECTOR) continue;
      const own = v.experiment_id === experimentId;
      if ((own && v.annotation_id === a.id) || sameAnnotatedText(v.annotation_key, keys[i]!)) {
        if (!applied.has(a.id)) applied.set(a.id, { verdict: v, carriedFrom: own ? null : v.experiment_id });
        matched.add(v);
      }
    }
  });
  // Stale: the latest own verdict on an annotation id that matches nothing any more.
  const stale: Verdict[] = [];
  const seenIds = new Set<string>();
  for (const v of ordered) {
    if (v.experiment_id !== experimentId || seenIds.has(v.annotation_id)) continue;
    seenIds.add(v.annotation_id);
    if (!matched.has(v)) stale.push(v);
  }
  return { applied, stale };
}
