// An experiment as the service holds it in memory: the record as stored, the configuration the
// run uses, the items (updated in place as they run) and the conversations as they were when it
// started — read from the store the same way whether it is opened, listed or reloaded.
import type { Conversation, ExperimentConfig, ExperimentItem, ExperimentRecord } from '../../../common/schema';
import { itemsAfterReload } from './experimentItems';
import type { LoadedExperiment } from './experimentStore';

export interface LiveExperiment {
  /** As stored and shown: URL credentials removed. */
  record: ExperimentRecord;
  /** The configuration as submitted in this process (it may carry URL credentials the run needs). */
  runConfig: ExperimentConfig;
  items: ExperimentItem[];
  conversations: Map<string, Conversation>;
  run: { controller: AbortController; done: Promise<void> } | null;
}

/** What the store loaded, as held in memory (items a crash left running are pending again). */
export function loadedState(loaded: LoadedExperiment): Pick<LiveExperiment, 'record' | 'items' | 'conversations'> {
  return {
    record: loaded.record,
    items: itemsAfterReload(loaded.items),
    conversations: new Map(loaded.conversations.map((c) => [c.id, c])),
  };
}
