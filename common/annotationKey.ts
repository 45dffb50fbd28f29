// Where an annotated text is, as a verdict keys it (server/core/review/carryOver.ts): enough to find
// the same text at the same place again in a later experiment on the same conversation, not only
// by the annotation's id. Shared by the verdict store and the protocol's answers.
import { z } from 'zod';

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
