// Whether a new experiment runs on a dataset: every conversation read from the same dataset file
// (its records carry metadata.hallucination_lab_dataset). Then the experiment records the
// dataset's name, id and version — the content hash of the file as it is at creation.
import * as fs from 'node:fs';
import type { Conversation, ExperimentRecord } from '../../../common/schema';
import { DATASET_KEY, datasetInfoSchema, datasetVersion } from './datasetFormat';
import { MAX_DATASET_BYTES } from './datasetFile';

type DatasetFields = Pick<ExperimentRecord, 'dataset_name' | 'dataset_id' | 'dataset_version_id'>;

export function datasetOrigin(conversations: readonly Conversation[]): DatasetFields {
  const first = conversations[0];
  if (!first) return {};
  const info = datasetInfoSchema.safeParse(first.metadata?.[DATASET_KEY]);
  if (!info.success) return {};
  const { name, id } = info.data;
  const same = conversations.every((c) => {
    const other = datasetInfoSchema.safeParse(c.metadata?.[DATASET_KEY]);
    return c.file === first.file && other.success && other.data.id === id;
  });
  if (!same) return {};
  return { dataset_name: name, dataset_id: id, ...versionOf(first.file) };
}

function versionOf(file: string): DatasetFields {
  try {
    if (fs.statSync(file).size > MAX_DATASET_BYTES) return {};
    return { dataset_version_id: datasetVersion(fs.readFileSync(file)) };
  } catch {
    return {}; // an open editor document with no file, or a file gone since it was read
  }
}
