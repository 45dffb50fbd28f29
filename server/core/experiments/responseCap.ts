// A response's stored text is capped: every snapshot of an item is one line of items.jsonl, so an
// answer of many MB (25 of 12 MB made a 600 MB store) is written again at each status change
// and read back on every load. An item whose responses are larger than the cap is refused with
// the reason; its responses are not kept. The raw provider exchange and the logprobs count
// towards the same cap: they are left out first (with the reason), since the responses are what
// the item is judged on.
import type { ExperimentItem } from '../../../common/schema';

/** Most characters of response messages (as stored JSON) one item keeps: 16 MiB (a 10 MB answer is kept). */
export const MAX_STORED_RESPONSE_CHARS = 16 * 1024 * 1024;

const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);

/** `item`, or when its responses are over the cap, the item failed with the reason and without them. */
export function withinResponseCap(item: ExperimentItem, cap = MAX_STORED_RESPONSE_CHARS): ExperimentItem {
  if (item.response_messages.length === 0 && !item.raw && !item.logprobs) return item;
  const chars = item.response_messages.length === 0 ? 0 : JSON.stringify(item.response_messages).length;
  const extras = extraChars(item);
  if (chars + extras <= cap) return item;
  let kept = item;
  if (extras > 0) {
    const { logprobs: _logprobs, ...rest } = item;
    kept = {
      ...rest,
      ...(item.raw
        ? {
            raw: {
              request: null,
              response: null,
              omitted: `the request, response and logprobs are ${mib(chars + extras)} MiB with the answer, more than the ${mib(cap)} MiB an item stores`,
            },
          }
        : {}),
    };
  }
  if (chars <= cap) return kept;
  return {
    ...kept,
    status: 'failed',
    failure_reason: `the response is ${mib(chars)} MiB of text, more than the ${mib(cap)} MiB an item stores; it was not kept or checked`,
    response_messages: [],
    annotations: [],
  };
}

function extraChars(item: ExperimentItem): number {
  let n = 0;
  if (item.raw) n += JSON.stringify(item.raw).length;
  if (item.logprobs) n += JSON.stringify(item.logprobs).length;
  return n;
}
