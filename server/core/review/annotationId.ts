// The stable id of an annotation in the experiment resource: a hash of what identifies it, so the
// same annotation has the same id on every reload without the id being stored with the item.
// The detector is part of it: two detectors may mark the same span with the same label.
import { createHash } from 'node:crypto';
import type { Annotation } from '../../../common/schema';

type Identifying = Pick<Annotation, 'message_index' | 'message_part_index' | 'start_offset' | 'end_offset' | 'label' | 'text' | 'detector'>;

export function annotationId(experimentId: string, itemId: string, a: Identifying): string {
  const parts = [experimentId, itemId, a.message_index, a.message_part_index, a.start_offset, a.end_offset, a.label, a.text, a.detector];
  // JSON keeps the fields apart whatever characters they hold.
  return 'a-' + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
