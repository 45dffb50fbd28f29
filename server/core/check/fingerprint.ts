// A finding's fingerprint: the same hallucination keeps the same fingerprint across runs and when
// unrelated lines are added to or removed from the trace file, so a baseline and code scanning can
// tell new findings from old ones. It hashes what the finding *is* (conversation, message, part,
// label, tool, parameter, annotated text and its occurrence within the part) — never a line number.
import { createHash } from 'node:crypto';
import type { Annotation } from '../../../common/schema';

export const FINGERPRINT_KEY = 'hallucinationLab/v1';

export function findingFingerprint(conversationId: string, annotation: Annotation, occurrence: number): string {
  const identity = [
    conversationId,
    annotation.message_index,
    annotation.message_part_index,
    annotation.label,
    annotation.tool_name ?? '',
    annotation.parameter_name ?? '',
    annotation.text,
    occurrence,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/**
 * Fingerprints for the annotations of one conversation. Two annotations with the same identity
 * (the same text flagged twice in one part) are told apart by their order of occurrence.
 */
export function conversationFingerprints(conversationId: string, annotations: readonly Annotation[]): string[] {
  const seen = new Map<string, number>();
  return annotations.map((a) => {
    const key = JSON.stringify([a.message_index, a.message_part_index, a.label, a.tool_name, a.parameter_name, a.text]);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return findingFingerprint(conversationId, a, occurrence);
  });
}
