// A person's verdict on one annotation, as stored (one line of verdicts.jsonl) and as applied.
// The key says where the annotated text is, so that the verdict can be found again in a later
// experiment on the same conversation (carryOver.ts), not only by the annotation's id.
import { z } from 'zod';
import { annotationKeySchema } from '../../../common/annotationKey';

export { annotationKeySchema, type AnnotationKey } from '../../../common/annotationKey';

// 'added': a person's own annotation of text no detector marked (Mark as hallucination… on a
// selection): `label` and `explanation` say what it is; it joins the item's annotations with
// detector HUMAN_DETECTOR (humanAnnotations.ts), and later verdicts on it work as on any other.
export const verdictKinds = ['confirmed', 'dismissed', 'relabelled', 'added'] as const;
export type VerdictKind = (typeof verdictKinds)[number];

/** The detector name of annotations people added. */
export const HUMAN_DETECTOR = 'human';

export const verdictSchema = z.object({
  annotation_key: annotationKeySchema,
  annotation_id: z.string(),
  /** The experiment the verdict was given in, and when that experiment was created: a verdict carries over to later experiments only. */
  experiment_id: z.string(),
  experiment_created_at: z.string(),
  verdict: z.enum(verdictKinds),
  label: z.string().min(1).optional(),
  comment: z.string().optional(),
  /** With 'added': why it is a hallucination (the annotation's explanation). */
  explanation: z.string().optional(),
  author: z.string(),
  at: z.string(),
});
export type Verdict = z.infer<typeof verdictSchema>;
