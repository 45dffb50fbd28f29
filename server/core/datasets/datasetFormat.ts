// The dataset file (docs/datasets.md): JSON lines, each an OpenAI chat-format conversation — so a
// dataset is a trace file like any other and experiments run on it — whose `metadata` holds
//   response_message_index  the first message that is a reviewed response (what pass-through judges)
//   hallucination_lab_dataset {name, id, source, gold_spans}
// Gold spans are people's verdicts: confirmed, relabelled and added spans are hallucinations,
// dismissed ones known non-hallucinations. Everything else in a saved response is clean: only fully
// reviewed responses are saved. Read with zod, line by line; an error names the line and field.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatZodError, messageParts, messageSchema, toolDefinitionSchema } from '../../../common/schema';

export const DATASET_KEY = 'hallucination_lab_dataset';

export const goldSpanSchema = z.strictObject({
  message_index: z.number().int().nonnegative(),
  message_part_index: z.number().int().nonnegative(),
  start_offset: z.number().int().nonnegative(),
  end_offset: z.number().int().nonnegative(),
  text: z.string(),
  label: z.string().min(1),
  /** What people said: a hallucination, or not (a dismissed detector finding: a known negative). */
  gold: z.enum(['hallucination', 'not_hallucination']),
  /** How the verdict came: confirmed / relabelled / dismissed a detector's finding, or added by hand. */
  source: z.enum(['confirmed', 'relabelled', 'dismissed', 'added']),
  /** Who found the span first ("local", "judge", "local+judge", or "human" for an added one). */
  detector: z.string().min(1),
  /** Who gave the verdict and when (absent for an added span whose record did not say). */
  author: z.string().optional(),
  at: z.string().optional(),
  comment: z.string().optional(),
});
export type GoldSpan = z.infer<typeof goldSpanSchema>;

export const datasetInfoSchema = z.strictObject({
  name: z.string().min(1),
  id: z.string().min(1),
  /** Where the reviewed response came from. */
  source: z.strictObject({
    experiment_id: z.string(),
    item_id: z.string(),
    conversation_id: z.string(),
    model_config: z.string(),
    sample_index: z.number().int().nonnegative(),
  }),
  gold_spans: z.array(goldSpanSchema),
});
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;

export const datasetRecordSchema = z.looseObject({
  id: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  tools: z.array(toolDefinitionSchema).optional(),
  metadata: z.looseObject({
    response_message_index: z.number().int().nonnegative(),
    [DATASET_KEY]: datasetInfoSchema,
  }),
});
export type DatasetRecord = z.infer<typeof datasetRecordSchema>;

/** A dataset file that cannot be used as one: the message names the file and line. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

/** The id of a dataset: the same for every version of the dataset of this name. */
export function datasetId(name: string): string {
  return 'ds-' + createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/** The version of a dataset file: a hash of its content. */
export function datasetVersion(content: string | Uint8Array): string {
  return 'sha256-' + createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Every record of a dataset file's text, or a DatasetError naming the first bad line. */
export function parseDataset(text: string, displayName: string): DatasetRecord[] {
  const records: DatasetRecord[] = [];
  const ids = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${displayName}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new DatasetError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    const r = datasetRecordSchema.safeParse(value);
    if (!r.success) throw new DatasetError(`${where}: not a dataset record: ${formatZodError(r.error).replace(/\n/g, '; ')}`);
    const problem = spanProblem(r.data);
    if (problem) throw new DatasetError(`${where}: ${problem}`);
    const earlier = ids.get(r.data.id);
    if (earlier !== undefined) throw new DatasetError(`${where}: id "${r.data.id}" was already used on line ${earlier}`);
    ids.set(r.data.id, i + 1);
    records.push(r.data);
  });
  if (records.length === 0) throw new DatasetError(`${displayName}: no dataset record (an empty file)`);
  return records;
}

/** Why a record's gold spans do not fit its messages (hand edits), or null. */
function spanProblem(record: DatasetRecord): string | null {
  const spans = record.metadata[DATASET_KEY].gold_spans;
  for (const [n, s] of spans.entries()) {
    const at = `metadata.${DATASET_KEY}.gold_spans[${n}]`;
    const message = record.messages[s.message_index];
    if (!message) return `${at}: message_index ${s.message_index} is past the last message (${record.messages.length - 1})`;
    const part = messageParts(message)[s.message_part_index];
    if (!part) return `${at}: messages[${s.message_index}] has no part ${s.message_part_index}`;
    if (s.end_offset < s.start_offset) return `${at}: end_offset ${s.end_offset} is before start_offset ${s.start_offset}`;
    const found = part.text.slice(s.start_offset, s.end_offset);
    if (found !== s.text)
      return `${at}: text ${JSON.stringify(s.text)} is not at ${s.start_offset}-${s.end_offset} of messages[${s.message_index}] part ${s.message_part_index} (found ${JSON.stringify(found)})`;
  }
  return null;
}
