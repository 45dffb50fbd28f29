// A response's stored text is capped: every snapshot of an item is one line of items.jsonl, so an
// answer of many MB (25 of 12 MB made a 600 MB store) is written again at each status change
// and read back on every load. An item whose responses are larger than the cap is refused with
// the reason; its responses are not kept.
import type { ExperimentItem } from '../../../common/schema';

/** Most characters of response messages (as stored JSON) one item keeps: 16 MiB (a 10 MB answer is kept). */
export const MAX_STORED_RESPONSE_CHARS = 16 * 1024 * 1024;

/** `item`, or when its responses are over the cap, the item failed with the reason and without them. */
export function withinResponseCap(item: ExperimentItem): ExperimentItem {
  if (item.response_messages.length === 0) return item;
  const chars = JSON.stringify(item.response_messages).length;
  if (chars <= MAX_STORED_RESPONSE_CHARS) return item;
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return {
    ...item,
    status: 'failed',
    failure_reason: `the response is ${mib(chars)} MiB of text, more than the ${mib(MAX_STORED_RESPONSE_CHARS)} MiB an item stores; it was not kept or checked`,
    response_messages: [],
    annotations: [],
  };
}
