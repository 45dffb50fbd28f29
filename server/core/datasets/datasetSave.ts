// An experiment's reviewed responses as dataset records (datasetFormat.ts). A response is saved
// when people reviewed it completely — every annotation on it has a verdict, or was added by a
// person — and at least one verdict or added span is on it: then its gold spans are the whole
// truth about it (what is not a hallucination span is clean). Partly reviewed responses are left
// out and counted, so that a dataset never calls an unreviewed finding clean; responses nothing
// flagged are left out unless the caller says people looked at them (includeClean).
import type { Conversation, ExperimentItem, Message, RawConversation } from '../../../common/schema';
import { HUMAN_DETECTOR } from '../review/verdict';
import { DATASET_KEY, datasetId, type DatasetRecord, type GoldSpan } from './datasetFormat';

export interface SavedDataset {
  records: DatasetRecord[];
  /** Completed responses left out, and why. */
  leftOut: { unreviewed: number; untouched: number };
}

export function datasetRecords(
  name: string,
  experiment: { id: string; pass_through: boolean },
  /** The reviewed items (reviewedResource.ts: annotations with `review`, added spans included). */
  items: readonly ExperimentItem[],
  conversations: ReadonlyMap<string, Conversation>,
  /** Also save completed responses no detector flagged and nobody marked, as clean (people looked at them). */
  includeClean = false,
): SavedDataset {
  const done = items.filter((i) => i.status === 'completed');
  const leftOut = { unreviewed: 0, untouched: 0 };
  const saved: Array<{ item: ExperimentItem; conversation: Conversation; spans: GoldSpan[] }> = [];
  for (const item of done) {
    const conversation = conversations.get(item.conversation_id);
    if (!conversation || item.response_messages.length === 0) continue;
    const annotations = item.annotations;
    if (annotations.some((a) => a.detector !== HUMAN_DETECTOR && !a.review)) {
      leftOut.unreviewed++;
      continue;
    }
    if (annotations.length === 0 && !includeClean) {
      leftOut.untouched++;
      continue;
    }
    const spans = annotations.map((a): GoldSpan => {
      const r = a.review;
      const added = a.detector === HUMAN_DETECTOR;
      const dismissed = r?.verdict === 'dismissed';
      return {
        message_index: a.message_index,
        message_part_index: a.message_part_index,
        start_offset: a.start_offset,
        end_offset: a.end_offset,
        text: a.text,
        label: r?.verdict === 'relabelled' && r.label ? r.label : a.label,
        gold: dismissed ? 'not_hallucination' : 'hallucination',
        source: dismissed ? 'dismissed' : added ? 'added' : (r?.verdict ?? 'confirmed'),
        detector: a.detector,
        ...(r ? { author: r.author, at: r.at } : {}),
        ...(r?.comment !== undefined ? { comment: r.comment } : {}),
      };
    });
    // An added span withdrawn by its author is no gold span at all.
    saved.push({ item, conversation, spans: spans.filter((s) => !(s.source === 'dismissed' && s.detector === HUMAN_DETECTOR)) });
  }
  // One record per conversation keeps its id; several responses of one conversation (models,
  // samples) are told apart by model and sample.
  const perConversation = new Map<string, number>();
  for (const s of saved) perConversation.set(s.conversation.id, (perConversation.get(s.conversation.id) ?? 0) + 1);
  const id = datasetId(name);
  const records = saved.map(({ item, conversation, spans }): DatasetRecord => {
    const messages = responseInPlace(conversation.messages, item.response_messages, experiment.pass_through);
    const first = Math.min(...item.response_messages.map((m) => m.message_index));
    const raw: RawConversation['metadata'] = conversation.metadata ?? {};
    return {
      id: perConversation.get(conversation.id)! > 1 ? `${conversation.id}~${item.model_config}~${item.sample_index}` : conversation.id,
      messages,
      ...(conversation.toolsKnown === false ? {} : { tools: conversation.tools }),
      metadata: {
        ...raw,
        response_message_index: first,
        [DATASET_KEY]: {
          name,
          id,
          source: {
            experiment_id: experiment.id,
            item_id: item.id,
            conversation_id: conversation.id,
            model_config: item.model_config,
            sample_index: item.sample_index,
          },
          gold_spans: spans,
        },
      },
    };
  });
  return { records, leftOut };
}

/**
 * The conversation with the evaluated responses at their message indices. A generated response
 * ends the conversation (what followed it in the trace answered another response); a traced one
 * keeps what followed (tool results say which tools ran).
 */
function responseInPlace(messages: readonly Message[], responses: ExperimentItem['response_messages'], passThrough: boolean): Message[] {
  const out = [...messages];
  for (const r of responses) out[r.message_index] = r.message;
  if (passThrough) return out;
  return out.slice(0, Math.max(...responses.map((r) => r.message_index)) + 1);
}

/** The text of a dataset file: one record per line. */
export function datasetText(records: readonly DatasetRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
