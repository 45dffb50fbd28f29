// Several detectors may mark the same span: the lists are merged pairwise (see
// judge/mergeAnnotations for the rules), then ordered by where they point.
import type { Annotation } from '../../../common/schema';
import { mergeAnnotations } from '../judge/mergeAnnotations';

export function mergeAnnotationLists(lists: readonly Annotation[][]): Annotation[] {
  return lists
    .reduce<Annotation[]>((acc, list) => mergeAnnotations(acc, list), [])
    .sort((x, y) => x.message_index - y.message_index || x.message_part_index - y.message_part_index || x.start_offset - y.start_offset);
}
