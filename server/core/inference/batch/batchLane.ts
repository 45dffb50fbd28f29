// What a model call sees of the Batch API: a lane per item. A source or the judge builds its body
// exactly as for a direct call and hands it to the lane first; the lane answers with the batch's
// result for it, says "send it directly" (null), or defers it (BatchDeferred: recorded for the
// next batch, the item waits). The custom_id of a request is the item's id and the call's part
// ("target", "judge/3"), stable across restarts, so a resumed run finds its results again.
import type { ChatCallResult, ChatRequestBody } from '../chatClient';
import type { EndpointOptions } from '../contract';
import { isEditorModel } from '../../../../common/editorModels';

export interface BatchCall {
  /** Which call of the item: "target", or "judge/<message index>". */
  part: string;
  endpoint: EndpointOptions;
  body: ChatRequestBody;
}

export interface BatchLane {
  /** The batch's answer; null: not batched, send it directly. Throws BatchDeferred or the request's failure (InferenceError). */
  call(request: BatchCall): Promise<ChatCallResult | null>;
}

/** Thrown by a lane for a request kept for a batch: the item is left as it was until the batch answers. */
export class BatchDeferred extends Error {
  override readonly name = 'BatchDeferred';
  constructor(readonly customId: string) {
    super(`request ${customId} waits for a batch`);
  }
}

export function customIdOf(itemId: string, part: string): string {
  return `${itemId}/${part}`;
}

/**
 * The answer of a lane, or of `direct` when the lane is absent or says to send it directly. The
 * editor's language models have no Batch API (the extension runs each request): always direct.
 */
export async function viaLane(
  lane: BatchLane | undefined,
  request: BatchCall,
  direct: () => Promise<ChatCallResult>,
): Promise<ChatCallResult> {
  const batched = lane && !isEditorModel(request.endpoint.model) ? await lane.call(request) : null;
  return batched ?? direct();
}
