// A person's verdict on one annotation, as stored (one line of verdicts.jsonl) and as applied.
// The key says where the annotated text is, so that the verdict can be found again in a later
// experiment on the same conversation (carryOver.ts), not only by the annotation's id.
import { z } from 'zod';

export const verdictKinds = ['confirmed', 'dismissed', 'relabelled'] as const;
export type VerdictKind = (typeof verdictKinds)[number];

export const annotationKeySchema = z.object({
  conversation_id: z.string(),
  message_index: z.number().int().nonnegative(),
  message_part_index: z.number().int().nonnegative(),
  start_offset: z.number().int().nonnegative(),
  end_offset: z.number().int().nonnegative(),
  text: z.string(),
  /**
   * Which occurrence of `text` in the part's text the span is (0 = the first), or null when the
   * part's text was not known. Survives an edit before the span that shifts the offsets.
   */
  occurrence: z.number().int().nonnegative().nullable(),
});
export type AnnotationKey = z.infer<typeof annotationKeySchema>;

export const verdictSchema = z.object({
  annotation_key: annotationKeySchema,
  annotation_id: z.string(),
  /** The experiment the verdict was given in, and when that experiment was created: a verdict carries over to later experiments only. */
  experiment_id: z.string(),
  experiment_created_at: z.string(),
  verdict: z.enum(verdictKinds),
  label: z.string().min(1).optional(),
  comment: z.string().optional(),
  author: z.string(),
  at: z.string(),
});
export type Verdict = z.infer<typeof verdictSchema>;

// ---- annotations people added (what the detectors missed) -----------------------------------
// "Mark as hallucination…" on a selection: one line of added.jsonl in the experiment's folder
// (VerdictStore.appendAdded, flushed like verdicts). It becomes an annotation of detector
// HUMAN_DETECTOR with confidence 1 on item `item_id` (addedAnnotation), with a stable id like any
// other (addedAnnotationId), so that it can be confirmed, relabelled or dismissed (= withdrawn)
// by an ordinary verdict. It carries over to later experiments on the same conversation where the
// same text is at the same place (same message, part and occurrence), like a verdict. Figures
// count it as a miss of every detector that flagged nothing overlapping it (figures.ts).

export const HUMAN_DETECTOR = 'human';

export const addedAnnotationSchema = z.object({
  /** Where the selected text is; `text` is exactly the selected characters. */
  annotation_key: annotationKeySchema,
  experiment_id: z.string(),
  experiment_created_at: z.string(),
  /** The item (response) it was added to, in `experiment_id`. */
  item_id: z.string(),
  label: z.string().min(1),
  explanation: z.string().default(''),
  /** Set when the span is inside a tool call's arguments. */
  tool_name: z.string().nullable().default(null),
  parameter_name: z.string().nullable().default(null),
  author: z.string(),
  at: z.string(),
});
export type AddedAnnotation = z.infer<typeof addedAnnotationSchema>;
export type AddedAnnotationInput = z.input<typeof addedAnnotationSchema>;
