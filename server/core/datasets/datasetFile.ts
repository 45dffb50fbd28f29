// Where a dataset is written and how: `datasets/<name>.jsonl` for a bare name, the path as given
// otherwise; replaced whole (a new file flushed, then renamed over the old one), so a crash leaves
// the old version or the new one, never half of one. Read back with the same parser users' hand
// edits go through.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDir, writeFileDurable } from '../experiments/durableFiles';
import { DatasetError, datasetVersion, parseDataset, type DatasetRecord } from './datasetFormat';

export const DATASETS_DIR = 'datasets';
/** A dataset is read whole; larger files are refused with a message. */
export const MAX_DATASET_BYTES = 256 * 1024 * 1024;

/** The file a dataset argument names (relative to `cwd`), and the dataset's name. */
export function datasetTarget(arg: string, cwd: string): { file: string; name: string } {
  const bare = !arg.includes('/') && !arg.includes(path.sep) && !arg.endsWith('.jsonl');
  const file = path.resolve(cwd, bare ? path.join(DATASETS_DIR, `${arg}.jsonl`) : arg);
  if (!file.endsWith('.jsonl')) throw new DatasetError(`a dataset file ends in .jsonl (it is a JSON-lines trace file): ${arg}`);
  const name = path.basename(file, '.jsonl');
  if (name === '') throw new DatasetError(`a dataset needs a name: ${arg}`);
  return { file, name };
}

/** Writes the dataset text to `file` crash-safely; returns its version (content hash). */
export function writeDataset(file: string, text: string): string {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileDurable(tmp, text, 'wx');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dir);
  return datasetVersion(text);
}

export interface ReadDataset {
  records: DatasetRecord[];
  version: string;
}

/** A dataset file's records and version, or a DatasetError (file and line named). */
export function readDataset(file: string, displayName: string): ReadDataset {
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new DatasetError(`${displayName}: not a file`);
    if (st.size > MAX_DATASET_BYTES)
      throw new DatasetError(`${displayName}: ${st.size} bytes; datasets are read whole, up to ${MAX_DATASET_BYTES}`);
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${displayName}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetError(`${displayName}: not UTF-8 text`);
  }
  return { records: parseDataset(text, displayName), version: datasetVersion(bytes) };
}
