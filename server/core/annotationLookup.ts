// Finding annotations: the one an editor request names (by conversation, message part and
// offsets), those of an experiment that can be marked in one trace file, and the markers under
// a cursor position. Pure: the server feeds it items, conversations and positions.
import type { Annotation, Conversation, ExperimentItem } from '../../common/schema';

/** How the extension names one annotation of an experiment (it has no id of its own). */
export interface AnnotationKey {
  conversation_id: string;
  message_index: number;
  message_part_index: number;
  start_offset: number;
  /** Omitted: any end (older clients name an annotation by its start only). */
  end_offset?: number | undefined;
}

/** The first annotation of `items` that `key` names, or undefined. */
export function findAnnotation(
  items: readonly Pick<ExperimentItem, 'conversation_id' | 'annotations'>[],
  key: AnnotationKey,
): Annotation | undefined {
  for (const item of items) {
    if (item.conversation_id !== key.conversation_id) continue;
    const found = item.annotations.find(
      (a) =>
        a.message_index === key.message_index &&
        a.message_part_index === key.message_part_index &&
        a.start_offset === key.start_offset &&
        (key.end_offset === undefined || a.end_offset === key.end_offset),
    );
    if (found) return found;
  }
  return undefined;
}

/** A completed item's conversation as it is indexed now, with the annotations to mark on it. */
export interface MarkableItem<Item> {
  item: Item;
  conversation: Conversation;
}

/** The index as marker placement needs it: where an id is, and the conversation itself. */
export interface ConversationLookup {
  /** The file `id` is indexed from, known without reading the conversation. */
  fileOf(id: string): string | undefined;
  /** The conversation indexed under `id` now (read from disk for a large file). */
  get(id: string): Conversation | undefined;
}

/**
 * The completed items with annotations whose conversation is indexed from `file`, in item order.
 * Only the conversations of `file` that carry annotations are read (a large file's others, and
 * those of other files, are never materialized).
 */
export function markableItems<Item extends Pick<ExperimentItem, 'conversation_id' | 'status' | 'annotations'>>(
  items: readonly Item[],
  file: string,
  conversations: ConversationLookup,
): Array<MarkableItem<Item>> {
  const out: Array<MarkableItem<Item>> = [];
  for (const item of items) {
    if (item.status !== 'completed' || item.annotations.length === 0) continue;
    if (conversations.fileOf(item.conversation_id) !== file) continue;
    const conversation = conversations.get(item.conversation_id);
    if (conversation) out.push({ item, conversation });
  }
  return out;
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** Whether `position` is inside `range`, both ends included (a hover at a marker's end still shows it). */
export function rangeContains(range: Range, position: Position): boolean {
  const { start, end } = range;
  const afterStart = position.line > start.line || (position.line === start.line && position.character >= start.character);
  const beforeEnd = position.line < end.line || (position.line === end.line && position.character <= end.character);
  return afterStart && beforeEnd;
}

/** The markers whose range holds `position`, in their order. */
export function markersAt<Marker extends { range: Range }>(markers: readonly Marker[], position: Position): Marker[] {
  return markers.filter((m) => rangeContains(m.range, position));
}
