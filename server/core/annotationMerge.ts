// Several detectors may mark the same span: one annotation per span and label survives, with the
// detectors joined ("local+judge"), the highest confidence and both explanations.
import type { Annotation } from '../../common/schema';

export function mergeAnnotationLists(lists: readonly Annotation[][]): Annotation[] {
  const out: Annotation[] = [];
  for (const a of lists.flat()) {
    const same = out.findIndex((b) => sameSpan(a, b) && a.label === b.label);
    if (same < 0) {
      out.push(a);
      continue;
    }
    const b = out[same]!;
    const detectors = [...new Set([...b.detector.split('+'), ...a.detector.split('+')])].join('+');
    out[same] = {
      ...b,
      detector: detectors,
      confidence: Math.max(a.confidence, b.confidence),
      explanation: b.explanation === a.explanation || b.detector.includes(a.detector) ? b.explanation : `${b.explanation} / ${a.explanation}`,
    };
  }
  return out.sort((x, y) => x.message_index - y.message_index || x.message_part_index - y.message_part_index || x.start_offset - y.start_offset);
}

function sameSpan(a: Annotation, b: Annotation): boolean {
  return (
    a.message_index === b.message_index &&
    a.message_part_index === b.message_part_index &&
    a.start_offset < Math.max(b.end_offset, b.start_offset + 1) &&
    b.start_offset < Math.max(a.end_offset, a.start_offset + 1)
  );
}
