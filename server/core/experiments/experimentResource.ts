// An experiment as the report and `show` read it: the record, its items with annotation ids and
// people's verdicts (and the annotations people added) and comments, the status summary, and metrics that leave dismissed annotations out.
import type { Conversation, ExperimentItem, ExperimentRecord, ExperimentResource } from '../../../common/schema';
import { reviewWithHumans } from '../review/humanAnnotations';
import { withComments, type ReviewComment } from '../review/reviewComments';
import type { Verdict } from '../review/verdict';
import { datasetExperimentScores } from '../datasets/datasetExperimentScores';
import type { ExperimentInfo } from './experimentInfo';
import { computeMetrics, metricsByModel, statusSummary } from './metrics';

export function experimentResource(
  experiment: { record: ExperimentRecord; items: readonly ExperimentItem[]; conversations: ReadonlyMap<string, Conversation> },
  verdicts: readonly Verdict[],
  /** Tags, metadata and comments on the experiment (experimentInfo.ts). */
  info: ExperimentInfo = { tags: experiment.record.config.tags ?? [], metadata: experiment.record.config.metadata ?? {}, comments: [] },
  /** People's comments on its annotations and items that are not verdicts (reviewComments.ts). */
  comments: readonly ReviewComment[] = [],
): ExperimentResource {
  const { config: _config, ...record } = experiment.record;
  const summary = statusSummary(experiment.items);
  // With the annotations people added (verdicts "added") joined to their items.
  const reviewed = reviewWithHumans(experiment.record, experiment.items, experiment.conversations, verdicts);
  const datasetScores = datasetExperimentScores(experiment.record, reviewed.items, experiment.conversations);
  return {
    ...record,
    total_items_count: experiment.items.length,
    completed_items_count: summary.completed,
    status_summary: summary,
    metrics: computeMetrics(reviewed.countedItems, { passThrough: experiment.record.pass_through }),
    metrics_by_model: metricsByModel(reviewed.countedItems, { passThrough: experiment.record.pass_through }),
    items: withComments(reviewed.items, comments),
    ...reviewed.figures,
    stale_verdicts: reviewed.stale,
    ...info,
    comments: [
      ...info.comments,
      ...reviewed.figures.comments,
      ...comments.map((c) => ({
        text: c.text,
        author: c.author,
        at: c.at,
        ...(c.annotation_id !== undefined ? { annotation_id: c.annotation_id } : {}),
        item_id: c.item_id,
      })),
    ],
    ...(datasetScores ? { dataset_scores: datasetScores } : {}),
  };
}
