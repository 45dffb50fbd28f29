// Runs detectors on a dataset's conversations and scores each against the gold spans. Each record
// is judged exactly as a pass-through experiment item (judgeTraced): the responses from
// `metadata.response_message_index` on, with the same bounds and detectors as everywhere.
// With several detectors the merged findings are split back by detector ("local+judge" counts for
// both), so that each is scored on its own.
import type { Annotation } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { judgeTraced } from '../experiments/judgeTraced';
import { readOpenAIConversation } from '../formats/openai';
import { DATASET_KEY, type DatasetRecord } from './datasetFormat';
import { scoreDetector, type DetectorScore } from './datasetScore';

export interface DatasetEvalResult {
  records: number;
  /** Records whose run failed or was skipped, with the reason (not scored). */
  failed: Array<{ id: string; reason: string }>;
  scores: DetectorScore[];
}

export async function evaluateDataset(
  records: readonly DatasetRecord[],
  file: string,
  detectors: readonly Detector[],
  options: { signal?: AbortSignal; warn?: (m: string) => void; onRecord?: (done: number) => void } = {},
): Promise<DatasetEvalResult> {
  const judged: Array<{ record: DatasetRecord; findings: Annotation[] }> = [];
  const failed: DatasetEvalResult['failed'] = [];
  for (const [position, record] of records.entries()) {
    const conversation = readOpenAIConversation(
      record,
      {
        file,
        displayName: file,
        where: () => `${file}:${position + 1}`,
        line: position,
        sourcePath: [],
        position,
        anchor: { path: [], line: position, character: 0 },
      },
      null,
    );
    if (!conversation) {
      failed.push({ id: record.id, reason: 'not a conversation' });
      continue;
    }
    const item = await judgeTraced(conversation, detectors, options.signal, options.warn);
    if (item.status === 'completed') judged.push({ record, findings: item.annotations });
    else failed.push({ id: record.id, reason: item.failure_reason ?? item.status });
    options.onRecord?.(position + 1);
  }
  const scores = detectors.map((d) =>
    scoreDetector(
      d.name,
      judged.map(({ record, findings }) => ({
        id: record.id,
        gold: record.metadata[DATASET_KEY].gold_spans,
        findings: findings.filter((f) => f.detector.split('+').includes(d.name)),
      })),
    ),
  );
  return { records: records.length, failed, scores };
}
