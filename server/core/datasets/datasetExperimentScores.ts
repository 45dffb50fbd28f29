// A pass-through experiment on a dataset file scores its detectors against the gold spans the
// dataset's records carry (metadata.hallucination_lab_dataset), the way `eval` does: the same
// responses were judged, so the gold spans' places are the annotations' places. An experiment that
// generated new responses has nothing to compare (the gold spans are about other text).
import type { Conversation, ExperimentRecord, ExperimentItem } from '../../../common/schema';
import { DATASET_KEY, datasetInfoSchema } from './datasetFormat';
import { scoreDetector, type DetectorScore } from './datasetScore';

export function datasetExperimentScores(
  record: Pick<ExperimentRecord, 'pass_through' | 'dataset_id' | 'config'>,
  /** Reviewed items (dismissals do not change what a detector said: every annotation counts). */
  items: readonly ExperimentItem[],
  conversations: ReadonlyMap<string, Conversation>,
): DetectorScore[] | undefined {
  if (!record.pass_through || record.dataset_id === undefined) return undefined;
  const scored: Array<{
    id: string;
    gold: ReturnType<typeof datasetInfoSchema.parse>['gold_spans'];
    findings: ExperimentItem['annotations'];
  }> = [];
  for (const item of items) {
    if (item.status !== 'completed') continue;
    const info = datasetInfoSchema.safeParse(conversations.get(item.conversation_id)?.metadata?.[DATASET_KEY]);
    if (!info.success) continue;
    scored.push({ id: item.conversation_id, gold: info.data.gold_spans, findings: item.annotations });
  }
  return record.config.detectors.map((d) =>
    scoreDetector(
      d,
      scored.map((s) => ({ ...s, findings: s.findings.filter((f) => f.detector.split('+').includes(d)) })),
    ),
  );
}
