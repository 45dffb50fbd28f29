// One traced conversation judged outside an experiment (the `check` scan, live traces): exactly as
// a pass-through experiment item is — the same item pipeline, response selection, bounds and
// detectors — with nothing stored. The item as it ended says what happened (completed with its
// annotations, or failed / skipped with the reason).
import { experimentConfigSchema, type Conversation, type ExperimentItem } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { pendingItem } from './experimentItems';
import { runItem } from './itemPipeline';
import { passThroughSource } from './responses';

const PASS_THROUGH = experimentConfigSchema.parse({ name: 'traced', model: 'traced', pass_through: true, conversation_ids: ['traced'] });

export async function judgeTraced(
  conversation: Conversation,
  detectors: readonly Detector[],
  signal: AbortSignal = new AbortController().signal,
  warn: (message: string) => void = () => {},
): Promise<ExperimentItem> {
  let last: ExperimentItem = pendingItem('traced', conversation.id, 'traced', 0);
  await runItem({
    experimentId: 'traced',
    config: PASS_THROUGH,
    item: last,
    conversation,
    source: passThroughSource,
    modelConfig: { model: 'traced' },
    detectors,
    signal,
    update: (item) => (last = item),
    warn,
  });
  return last;
}
