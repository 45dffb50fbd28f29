// Annotations people added, as annotations of an experiment's items: the experiment's own on the
// item they were added to, and those added in earlier experiments on the same conversation where
// the same text is found at the same place (message, part, occurrence) in this experiment's item.
import type { Annotation, ExperimentItem } from '../../../common/schema';
import { annotationId } from './annotationId';
import { HUMAN_DETECTOR, type AddedAnnotation } from './verdict';

/** The annotation an added record stands for, at `start` (its own offsets unless carried). */
export function addedAnnotation(a: AddedAnnotation, start = a.annotation_key.start_offset): Annotation {
  const key = a.annotation_key;
  return {
    label: a.label,
    text: key.text,
    explanation: a.explanation,
    message_index: key.message_index,
    message_part_index: key.message_part_index,
    start_offset: start,
    end_offset: start + key.text.length,
    tool_name: a.tool_name,
    parameter_name: a.parameter_name,
    detector: HUMAN_DETECTOR,
    confidence: 1,
  };
}

/** The stable id of an added annotation in its own experiment (what verdicts on it refer to). */
export function addedAnnotationId(a: AddedAnnotation): string {
  return annotationId(a.experiment_id, a.item_id, addedAnnotation(a));
}

/** Where the `occurrence`-th occurrence of `text` starts in `partText` (overlaps counted), or null. */
export function nthOccurrence(partText: string, text: string, occurrence: number): number | null {
  if (text === '') return null;
  let at = partText.indexOf(text);
  for (let n = 0; at !== -1 && n < occurrence; n++) at = partText.indexOf(text, at + 1);
  return at === -1 ? null : at;
}

/**
 * The added annotations that belong on `item` of experiment `experiment`: its own (by item id),
 * and carried ones from experiments created no later, found again in the item's part text
 * (`partTextOf(message_index, part_index)`, null when unknown: then the offsets must hold the text).
 */
export function addedFor(
  experiment: { id: string; created_at: string },
  item: Pick<ExperimentItem, 'id' | 'conversation_id'>,
  added: readonly AddedAnnotation[],
  partTextOf: (messageIndex: number, partIndex: number) => string | null,
): Annotation[] {
  const out: Annotation[] = [];
  const seen = new Set<string>();
  for (const a of added) {
    const key = a.annotation_key;
    if (key.conversation_id !== item.conversation_id) continue;
    const own = a.experiment_id === experiment.id;
    if (own ? a.item_id !== item.id : a.experiment_created_at > experiment.created_at) continue;
    const start = own ? key.start_offset : placeIn(partTextOf(key.message_index, key.message_part_index), a);
    if (start === null) continue;
    const annotation = addedAnnotation(a, start);
    // The same span and label added twice (own and carried, or twice by hand) is one annotation.
    const dedupe = JSON.stringify([annotation.message_index, annotation.message_part_index, start, annotation.text, annotation.label]);
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push(annotation);
  }
  return out;
}

function placeIn(partText: string | null, a: AddedAnnotation): number | null {
  const key = a.annotation_key;
  if (partText === null) return null;
  if (key.occurrence !== null) return nthOccurrence(partText, key.text, key.occurrence);
  return partText.slice(key.start_offset, key.end_offset) === key.text ? key.start_offset : null;
}
