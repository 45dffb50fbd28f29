// batches.jsonl in the experiment's folder: every step of a batch is appended and flushed to disk
// (fdatasync) the moment it happens and before the next one starts: the input file written, its
// file id, the batch id, the end, a cancel asked for, the results applied. A restarted server or
// CLI reads it back to poll the batches it had made instead of making them again. A crash can tear
// only the last line: it is dropped on read and cut off before the next append.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { cutTornTail, O_NOFOLLOW, writeAll, writeFileDurable } from '../../experiments/durableFiles';
import { readJsonLines } from '../../experiments/storedJsonLines';

export const BATCH_LOG_FILE = 'batches.jsonl';

/** Where a batch goes: never the key itself, only the name it is stored under. */
export const batchEndpointSchema = z.object({ baseURL: z.string().nullable(), model: z.string(), apiKeyName: z.string().nullable() });
export type BatchEndpoint = z.infer<typeof batchEndpointSchema>;

export const batchEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('prepared'),
    key: z.string(),
    at: z.string(),
    endpoint: batchEndpointSchema,
    /** The input file, in the experiment's folder. */
    input: z.string(),
    requests: z.number().int(),
  }),
  z.object({ event: z.literal('uploaded'), key: z.string(), at: z.string(), input_file_id: z.string() }),
  z.object({ event: z.literal('created'), key: z.string(), at: z.string(), batch_id: z.string() }),
  z.object({
    event: z.literal('ended'),
    key: z.string(),
    at: z.string(),
    status: z.string(),
    output_file_id: z.string().nullable(),
    error_file_id: z.string().nullable(),
    errors: z.array(z.string()),
  }),
  z.object({ event: z.literal('cancel_requested'), key: z.string(), at: z.string() }),
  /** Its results were applied to the items (or no item needs them any more): never polled again. */
  z.object({ event: z.literal('applied'), key: z.string(), at: z.string() }),
]);
export type BatchEvent = z.infer<typeof batchEventSchema>;

/** What the log says of one batch. */
export interface LoggedBatch {
  key: string;
  prepared_at: string;
  endpoint: BatchEndpoint;
  input: string;
  requests: number;
  input_file_id: string | null;
  batch_id: string | null;
  ended: Extract<BatchEvent, { event: 'ended' }> | null;
  cancel_requested: boolean;
  applied: boolean;
}

type NewEvent = BatchEvent extends infer E ? (E extends BatchEvent ? Omit<E, 'at'> : never) : never;

export class BatchLog {
  constructor(readonly dir: string) {}

  /** Appends one event, flushed to disk before this returns. */
  append(event: NewEvent): void {
    const line = JSON.stringify(batchEventSchema.parse({ ...event, at: new Date().toISOString() })) + '\n';
    const fd = fs.openSync(
      path.join(this.dir, BATCH_LOG_FILE),
      fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW,
      0o644,
    );
    try {
      cutTornTail(fd);
      writeAll(fd, line);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes a batch's input file (flushed) before the batch is logged as prepared. */
  writeInput(name: string, text: string): void {
    writeFileDurable(path.join(this.dir, name), text);
  }

  readInput(name: string): string {
    return fs.readFileSync(path.join(this.dir, path.basename(name)), 'utf8');
  }

  /** Every batch of the log, in the order prepared. */
  read(warnings: string[] = []): LoggedBatch[] {
    const batches = new Map<string, LoggedBatch>();
    readJsonLines(path.join(this.dir, BATCH_LOG_FILE), warnings, (value, where) => {
      const parsed = batchEventSchema.safeParse(value);
      if (!parsed.success) {
        warnings.push(`${where}: not a batch event; skipped`);
        return;
      }
      const e = parsed.data;
      if (e.event === 'prepared') {
        batches.set(e.key, {
          key: e.key,
          prepared_at: e.at,
          endpoint: e.endpoint,
          input: e.input,
          requests: e.requests,
          input_file_id: null,
          batch_id: null,
          ended: null,
          cancel_requested: false,
          applied: false,
        });
        return;
      }
      const b = batches.get(e.key);
      if (!b) {
        warnings.push(`${where}: names batch ${e.key}, which was never prepared; skipped`);
        return;
      }
      if (e.event === 'uploaded') b.input_file_id = e.input_file_id;
      else if (e.event === 'created') b.batch_id = e.batch_id;
      else if (e.event === 'ended') b.ended = e;
      else if (e.event === 'cancel_requested') b.cancel_requested = true;
      else b.applied = true;
    });
    return [...batches.values()];
  }
}

/** Whether the experiment in `dir` has a batch not yet applied (a run to resume after a restart). */
export function hasOpenBatch(dir: string): boolean {
  try {
    return new BatchLog(dir).read().some((b) => !b.applied);
  } catch {
    return false;
  }
}
