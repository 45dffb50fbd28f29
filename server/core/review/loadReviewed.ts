// A stored experiment as the resource shows it after review (reviewedResource.ts), read from the
// store with every verdict and added span that can apply to it. For CLI commands.
import type { Conversation, ExperimentRecord } from '../../../common/schema';
import type { ExperimentStore } from '../experiments/experimentStore';
import { DEFAULT_PASS_THRESHOLD } from './figures';
import { reviewWithHumans } from './humanAnnotations';
import type { ReviewedExperiment } from './reviewedResource';
import { VerdictStore } from './verdictStore';

export interface LoadedReview extends ReviewedExperiment {
  record: ExperimentRecord;
  conversations: Map<string, Conversation>;
  warnings: string[];
}

export function loadReviewed(store: ExperimentStore, id: string, threshold = DEFAULT_PASS_THRESHOLD): LoadedReview {
  const loaded = store.load(id);
  const warnings = [...loaded.warnings];
  const all = new VerdictStore(store).readAll(warnings);
  const conversations = new Map(loaded.conversations.map((c) => [c.id, c]));
  return {
    // With the annotations people added (verdicts "added") joined to their items as detector "human".
    ...reviewWithHumans(loaded.record, loaded.items, conversations, all, threshold),
    record: loaded.record,
    conversations,
    warnings,
  };
}
