// Annotations people added (verdict "added", from Mark as hallucination… on a selection) joined to
// an experiment's items, so that they are marked, listed, reviewed and counted like the detectors'.
// An "added" verdict of this experiment joins each completed item of its conversation that
// evaluated the message (its response_messages); one given in
// an earlier experiment carries over (as verdicts do) when the same text is at the same place of a
// response that experiment evaluated. One whose text is no longer there joins nothing (it is then
// reported stale by carryOver.ts, never placed elsewhere). Stored items are never changed.
import { messageParts, type Annotation, type Conversation, type ExperimentItem } from '../../../common/schema';
import { occurrenceOf, sameAnnotatedText } from './carryOver';
import { reviewExperiment, type ReviewedExperiment } from './reviewedResource';
import { HUMAN_DETECTOR, type Verdict } from './verdict';

/** Items with the human annotations that apply to them appended (each item once, in item order). */
export function withHumanAnnotations(
  experiment: { id: string; created_at: string },
  items: readonly ExperimentItem[],
  verdicts: readonly Verdict[],
): ExperimentItem[] {
  const added = latestAdded(experiment, verdicts);
  if (added.length === 0) return items.slice();
  return items.map((item) => {
    if (item.status !== 'completed') return item;
    const mine = added.filter((v) => v.annotation_key.conversation_id === item.conversation_id);
    const extra: Annotation[] = [];
    for (const v of mine) {
      const key = v.annotation_key;
      const text = partTextOf(item, key.message_index, key.message_part_index);
      if (text === null) continue;
      const start = placeIn(text, key);
      if (start === null) continue;
      if (
        extra.some(
          (a) => a.message_index === key.message_index && a.message_part_index === key.message_part_index && a.start_offset === start,
        )
      )
        continue;
      extra.push(humanAnnotation(item, v, start, text));
    }
    return extra.length ? { ...item, annotations: [...item.annotations, ...extra] } : item;
  });
}

/** One annotation a person added, as the detectors' annotations are shaped. */
function humanAnnotation(item: ExperimentItem, v: Verdict, start: number, partText: string): Annotation {
  const key = v.annotation_key;
  const message = item.response_messages.find((m) => m.message_index === key.message_index)?.message;
  const part = message ? messageParts(message)[key.message_part_index] : undefined;
  const toolName = part?.kind === 'tool_call' ? part.toolName : null;
  return {
    label: v.label ?? 'human_marked',
    text: partText.slice(start, start + key.text.length),
    explanation: v.explanation ?? '',
    message_index: key.message_index,
    message_part_index: key.message_part_index,
    start_offset: start,
    end_offset: start + key.text.length,
    tool_name: toolName,
    parameter_name: null,
    detector: HUMAN_DETECTOR,
    confidence: 1,
  };
}

/**
 * The "added" verdicts that may apply to this experiment (its own, and earlier experiments'), the
 * latest per place: adding the same span twice (another label) replaces the first.
 */
function latestAdded(experiment: { id: string; created_at: string }, verdicts: readonly Verdict[]): Verdict[] {
  const inScope = verdicts.filter(
    (v) => v.verdict === 'added' && (v.experiment_id === experiment.id || v.experiment_created_at <= experiment.created_at),
  );
  const out: Verdict[] = [];
  // Own before carried, then the latest: the first of each place wins.
  const ordered = inScope
    .map((v, i) => ({ v, i }))
    .sort(
      (x, y) =>
        Number(y.v.experiment_id === experiment.id) - Number(x.v.experiment_id === experiment.id) ||
        y.v.at.localeCompare(x.v.at) ||
        y.i - x.i,
    );
  for (const { v } of ordered) if (!out.some((o) => sameAnnotatedText(o.annotation_key, v.annotation_key))) out.push(v);
  return out;
}

/** Where the key's text starts in `text` now: the same occurrence when known, else the same offsets; null when gone. */
function placeIn(text: string, key: Verdict['annotation_key']): number | null {
  if (key.text === '') return null;
  if (text.slice(key.start_offset, key.end_offset) === key.text) {
    const n = occurrenceOf(text, key.text, key.start_offset);
    if (key.occurrence === null || n === key.occurrence) return key.start_offset;
  }
  if (key.occurrence === null) return null;
  let at = text.indexOf(key.text);
  for (let n = 0; at !== -1 && n < key.occurrence; n++) at = text.indexOf(key.text, at + 1);
  return at === -1 ? null : at;
}

/** The text of a part of a response the item evaluated; null when the item did not evaluate that message. */
function partTextOf(item: ExperimentItem, messageIndex: number, partIndex: number): string | null {
  const message = item.response_messages.find((m) => m.message_index === messageIndex)?.message;
  return message ? (messageParts(message)[partIndex]?.text ?? null) : null;
}

/** reviewExperiment over the items with the human annotations joined: what the resource, markers and CLI show. */
export function reviewWithHumans(
  experiment: { id: string; created_at: string },
  items: readonly ExperimentItem[],
  conversations: ReadonlyMap<string, Conversation>,
  verdicts: readonly Verdict[],
  threshold?: number,
): ReviewedExperiment {
  // Another experiment's verdict can apply only on a conversation this one has (verdicts are keyed
  // by conversation): the rest of a big store's verdicts are left out before any matching.
  const own = new Set(items.map((i) => i.conversation_id));
  const relevant = verdicts.filter((v) => v.experiment_id === experiment.id || own.has(v.annotation_key.conversation_id));
  return reviewExperiment(experiment, withHumanAnnotations(experiment, items, relevant), conversations, relevant, threshold);
}
