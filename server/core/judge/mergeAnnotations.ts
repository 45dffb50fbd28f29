// Merging the annotations of two detectors (typically local and judge) on one response.
//
// An annotation of `b` merges into every annotation of `a` that
//   - points into the same message and message part,
//   - has the same span or an overlapping one (two zero-length, response-level annotations at
//     the same place count as the same span),
//   - has a compatible label: the same label; or two labels of one family (the claim family:
//     unsupported_claim, context_contradiction, fabricated_*; the argument-value family:
//     invalid_parameter_value, ungrounded_parameter_value); custom labels only match themselves;
//   - and does not name a different parameter.
// The merged annotation keeps a's span and text (the narrower one when b's span lies inside
// a's), takes the more specific label (anything over unsupported_claim, else a's), the highest
// confidence, both explanations joined, and detector "a+b" (e.g. "local+judge").
// Annotations of `b` that merged nowhere are kept as they are; order: a's, then the rest of b's.
import type { Annotation } from '../../../common/schema';

const FAMILIES: readonly (readonly string[])[] = [
  ['unsupported_claim', 'context_contradiction', 'fabricated_number', 'fabricated_date', 'fabricated_url', 'fabricated_entity'],
  ['invalid_parameter_value', 'ungrounded_parameter_value'],
];

export function labelsCompatible(x: string, y: string): boolean {
  if (x === y) return true;
  return FAMILIES.some((f) => f.includes(x) && f.includes(y));
}

function spansMatch(a: Annotation, b: Annotation): boolean {
  if (a.message_index !== b.message_index || a.message_part_index !== b.message_part_index) return false;
  if (a.start_offset === b.start_offset && a.end_offset === b.end_offset) return true;
  return a.start_offset < b.end_offset && b.start_offset < a.end_offset;
}

function detectorsJoined(x: string, y: string): string {
  return [...new Set([...x.split('+'), ...y.split('+')])].join('+');
}

function moreSpecific(x: string, y: string): string {
  if (x === 'unsupported_claim' && y !== 'unsupported_claim') return y;
  return x;
}

export function mergeAnnotations(a: readonly Annotation[], b: readonly Annotation[]): Annotation[] {
  const merged: Annotation[] = a.map((x) => ({ ...x }));
  const rest: Annotation[] = [];
  for (const y of b) {
    let used = false;
    for (let i = 0; i < merged.length; i++) {
      const x = merged[i]!;
      if (!spansMatch(x, y) || !labelsCompatible(x.label, y.label)) continue;
      if (x.parameter_name && y.parameter_name && x.parameter_name !== y.parameter_name) continue;
      used = true;
      const yInside = y.start_offset >= x.start_offset && y.end_offset <= x.end_offset && y.end_offset > y.start_offset;
      const span = yInside ? y : x;
      const explanations =
        x.explanation === y.explanation || !y.explanation
          ? x.explanation
          : x.explanation
            ? `${x.explanation}\n${y.explanation}`
            : y.explanation;
      merged[i] = {
        ...x,
        label: moreSpecific(x.label, y.label),
        text: span.text,
        start_offset: span.start_offset,
        end_offset: span.end_offset,
        tool_name: x.tool_name ?? y.tool_name,
        parameter_name: x.parameter_name ?? y.parameter_name,
        explanation: explanations,
        confidence: Math.max(x.confidence, y.confidence),
        detector: detectorsJoined(x.detector, y.detector),
      };
    }
    if (!used) rest.push({ ...y });
  }
  return [...merged, ...rest];
}
