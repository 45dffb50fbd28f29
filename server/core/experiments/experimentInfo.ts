// What people say about an experiment after it was created: its tags and metadata (Opik shape;
// set at create in the configuration, replaced here) and comments on the experiment itself.
// info.json in the experiment's folder, replaced whole (a new file flushed, then renamed over the
// old one): a crash leaves the previous state or the new one. Two writers at once: the last wins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { experimentMetadataSchema, experimentTagsSchema, type ExperimentRecord } from '../../../common/schema';
import { syncDir, writeFileDurable } from './durableFiles';
import type { ExperimentStore } from './experimentStore';

export const INFO_FILE = 'info.json';

const commentSchema = z.object({ text: z.string(), author: z.string(), at: z.string() });
const infoSchema = z.object({
  tags: experimentTagsSchema.optional(),
  metadata: experimentMetadataSchema.optional(),
  comments: z.array(commentSchema).default([]),
});
type StoredInfo = z.infer<typeof infoSchema>;

/** A change: tags or metadata replaced (when given), a comment appended (when given). */
export const infoUpdateSchema = z.object({
  tags: experimentTagsSchema.optional(),
  metadata: experimentMetadataSchema.optional(),
  comment: z.string().trim().min(1, 'a comment must not be empty').max(10_000).optional(),
});
export type InfoUpdate = z.input<typeof infoUpdateSchema>;

export interface ExperimentInfo {
  tags: string[];
  metadata: Record<string, string>;
  comments: Array<z.infer<typeof commentSchema>>;
}

export class ExperimentInfoStore {
  constructor(private readonly store: ExperimentStore) {}

  /** The experiment's tags, metadata and comments: info.json over what the configuration set. */
  read(record: ExperimentRecord, warnings: string[] = []): ExperimentInfo {
    const stored = this.stored(record.id, warnings);
    return {
      tags: stored?.tags ?? record.config.tags ?? [],
      metadata: stored?.metadata ?? record.config.metadata ?? {},
      comments: stored?.comments ?? [],
    };
  }

  /**
   * The tags people set since the experiment was created, or null when they changed none: read
   * apart from the record so that listing (from stored summaries) stays cheap.
   */
  changedTags(id: string, warnings: string[] = []): string[] | null {
    return this.stored(id, warnings)?.tags ?? null;
  }

  update(record: ExperimentRecord, update: InfoUpdate, author: string, now = new Date()): ExperimentInfo {
    const change = infoUpdateSchema.parse(update);
    const current = this.read(record);
    const next: StoredInfo = {
      tags: change.tags ?? current.tags,
      metadata: change.metadata ?? current.metadata,
      comments:
        change.comment === undefined ? current.comments : [...current.comments, { text: change.comment, author, at: now.toISOString() }],
    };
    const dir = this.store.dir(record.id);
    const tmp = path.join(dir, `.${INFO_FILE}.${process.pid}.tmp`);
    try {
      writeFileDurable(tmp, JSON.stringify(next, null, 2) + '\n', 'wx');
      fs.renameSync(tmp, path.join(dir, INFO_FILE));
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    syncDir(dir);
    return this.read(record);
  }

  private stored(id: string, warnings: string[]): StoredInfo | null {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.store.dir(id), INFO_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      const r = infoSchema.safeParse(JSON.parse(text));
      if (r.success) return r.data;
      warnings.push(
        `experiment ${id}: ${INFO_FILE} is not valid (${r.error.issues[0]?.message ?? 'invalid'}); its tags, metadata and comments are ignored`,
      );
    } catch {
      warnings.push(`experiment ${id}: ${INFO_FILE} is not JSON; its tags, metadata and comments are ignored`);
    }
    return null;
  }
}
