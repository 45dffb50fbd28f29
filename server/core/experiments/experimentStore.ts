// `.hallucination-lab/experiments/<id>/`: experiment.json (the record, replaced atomically),
// conversations.jsonl (the traces as they were at start) and items.jsonl (item snapshots,
// appended as they change and flushed off the event loop; the last line of an item wins). A crash loses at most
// the line being written, which is detected and dropped on load (and cut off before the next
// append, so that it cannot swallow the line written after it). experiment.json also carries
// the summary `list` shows (status counts and item rows, stamped with the items.jsonl it was
// computed from), so that listing never reads items or conversations; a summary whose stamp no
// longer matches is ignored.
//
// Writes stay inside the store: ids are checked against a strict pattern, and the store folder,
// `experiments/` and each experiment folder must be real folders, not symbolic links (a cloned
// repository could otherwise point `.hallucination-lab` anywhere on the disk). Files are opened
// without following a final symbolic link. A `run.lock` file marks an experiment that a live
// process is running (runLock.ts), so that two processes (two windows, the CLI and the editor) never run
// the same items at once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { assertNotHeldElsewhere, releaseRunLock, takeRunLock } from './runLock';
import { cutTornTail, O_NOFOLLOW, syncDir, writeAll, writeFileDurable } from './durableFiles';
import { GroupFlush } from './groupFlush';
import { readJsonLines } from './storedJsonLines';
import { VERDICTS_FILE } from '../review/verdictStore';

export { ExperimentLockedError } from './runLock';
import { experimentSummarySchema, type ExperimentSummary } from '../../../common/protocol';
import { experimentRecordSchema, itemSchema, type Conversation, type ExperimentItem, type ExperimentRecord } from '../../../common/schema';

export const STORE_DIR = '.hallucination-lab';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const LOCK_FILE = 'run.lock';

export interface LoadedExperiment {
  record: ExperimentRecord;
  items: ExperimentItem[];
  conversations: Conversation[];
  warnings: string[];
}

/**
 * Size and time of items.jsonl, and of verdicts.jsonl (the summary counts what review did): each
 * changes whenever a line is appended or the file is replaced. A summary stamped before verdicts
 * were counted in it (no verdicts stamp) is out of date.
 */
const itemsStampSchema = z.object({
  items_bytes: z.number(),
  items_mtime_ms: z.number(),
  verdicts_bytes: z.number().optional(),
  verdicts_mtime_ms: z.number().optional(),
});
export type ItemsStamp = z.infer<typeof itemsStampSchema>;

/** An experiment's summary as listed (without `running`, which only the live process knows). */
export type StoredSummary = Omit<ExperimentSummary, 'running'>;
const storedSummarySchema = z.object({ stamp: itemsStampSchema, summary: experimentSummarySchema.omit({ running: true }) });
const recordFileSchema = z.object({ summary: storedSummarySchema.optional() });

export interface StoreOptions {
  /**
   * Accept a store folder that is itself a symbolic link (the CLI's explicit `--out`). Never for
   * the editor, where the folder comes from the workspace. Default false.
   */
  allowSymlinkedRoot?: boolean;
}

export function newExperimentId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `exp-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class ExperimentStore {
  private readonly fds = new Map<string, number>();
  private readonly locks = new Set<string>();
  private readonly flushers = new Map<string, GroupFlush>();

  /** `root` is the `.hallucination-lab` folder itself. */
  constructor(
    readonly root: string,
    private readonly options: StoreOptions = {},
  ) {}

  /** The folder of experiment `id`; refuses any id that could leave the store. */
  dir(id: string): string {
    if (typeof id !== 'string' || !ID_PATTERN.test(id))
      throw new Error(`invalid experiment id "${printable(String(id))}": only letters, digits, "-" and "_" are allowed`);
    const base = path.resolve(this.root, 'experiments');
    const dir = path.resolve(base, id);
    if (path.dirname(dir) !== base) throw new Error(`invalid experiment id "${id}"`);
    return dir;
  }

  /** `summary`: what `list` shows for it (see writeRecord). */
  create(
    record: ExperimentRecord,
    conversations: readonly Conversation[],
    items: readonly ExperimentItem[],
    summary?: StoredSummary,
  ): void {
    const dir = this.dir(record.id);
    const dedicated = this.isDedicatedRoot();
    this.ensureRealDir(this.root, !this.options.allowSymlinkedRoot);
    this.ensureRealDir(path.dirname(dir), true);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`experiment ${record.id} already exists`, { cause: e });
      throw e;
    }
    this.writeGitignore(dedicated ? this.root : path.dirname(dir));
    writeFileDurable(path.join(dir, 'conversations.jsonl'), conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
    writeFileDurable(path.join(dir, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    this.writeRecord(record, summary);
    syncDir(path.dirname(dir));
  }

  /**
   * Replaces experiment.json. With `summary` (the items as they are now in items.jsonl), the
   * record carries it, stamped with items.jsonl's size and time, so that `list` reads this one
   * small file per experiment; a later append makes the stamp differ and the summary unused.
   */
  writeRecord(record: ExperimentRecord, summary?: StoredSummary): void {
    const dir = this.writableDir(record.id);
    const file = path.join(dir, 'experiment.json');
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    const body = summary ? { ...record, summary: { stamp: this.itemsStamp(record.id), summary } } : record;
    writeFileDurable(tmp, JSON.stringify(body, null, 2) + '\n', 'wx');
    fs.renameSync(tmp, file);
    syncDir(dir);
  }

  /**
   * Appends one item snapshot. The line is written before this returns (a killed process loses
   * nothing); the returned promise resolves once it is flushed to disk. Flushes run off the event
   * loop and one flush covers every line written before it started (group commit), so that
   * items running side by side do not wait for each other's disk writes.
   */
  appendItem(id: string, item: ExperimentItem): Promise<void> {
    let fd = this.fds.get(id);
    if (fd === undefined) {
      const file = path.join(this.writableDir(id), 'items.jsonl');
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW, 0o644);
      try {
        cutTornTail(fd);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      this.fds.set(id, fd);
    }
    writeAll(fd, JSON.stringify(item) + '\n');
    let flusher = this.flushers.get(id);
    if (!flusher) this.flushers.set(id, (flusher = new GroupFlush(fd)));
    return flusher.flush();
  }

  /** Flushes and closes the items file of `id` (of every experiment without one). */
  close(id?: string): void {
    for (const [k, fd] of this.fds) {
      if (id !== undefined && k !== id) continue;
      fs.fdatasyncSync(fd);
      this.flushers.get(k)?.closed();
      this.flushers.delete(k);
      fs.closeSync(fd);
      this.fds.delete(k);
    }
  }

  /**
   * Marks experiment `id` as being run by this process. Throws ExperimentLockedError when another
   * live process on this machine holds it; a lock left by a process that died (a crash, a kill)
   * is taken over.
   */
  lockRun(id: string): void {
    takeRunLock(path.join(this.writableDir(id), LOCK_FILE), id);
    this.locks.add(id);
  }

  /** Throws ExperimentLockedError when another live process runs experiment `id`. */
  assertNotRunElsewhere(id: string): void {
    assertNotHeldElsewhere(path.join(this.dir(id), LOCK_FILE), id);
  }

  unlockRun(id: string): void {
    if (!this.locks.delete(id)) return;
    try {
      releaseRunLock(path.join(this.dir(id), LOCK_FILE));
    } catch {
      /* the experiment may have been deleted */
    }
  }

  list(): string[] {
    return this.scan().ids;
  }

  /**
   * The stored experiments, and what is wrong with folders that look like experiments but cannot
   * be one (an experiment.json deleted by hand): said, so that an experiment never vanishes silently.
   */
  scan(): { ids: string[]; problems: string[] } {
    const base = path.join(this.root, 'experiments');
    if (!fs.existsSync(base)) return { ids: [], problems: [] };
    const ids: string[] = [];
    const problems: string[] = [];
    for (const d of fs.readdirSync(base, { withFileTypes: true })) {
      if (!d.isDirectory() || !ID_PATTERN.test(d.name)) continue;
      if (fs.existsSync(path.join(base, d.name, 'experiment.json'))) ids.push(d.name);
      else
        problems.push(
          `experiment ${d.name} cannot be shown: ${path.join(base, d.name, 'experiment.json')} is missing (deleted?). Restore it (from version control or a backup) to see the experiment again, or delete the folder ${path.join(base, d.name)}`,
        );
    }
    return { ids: ids.sort(), problems };
  }

  /** Whether experiment `id` is stored (its experiment.json exists). */
  exists(id: string): boolean {
    return fs.existsSync(path.join(this.dir(id), 'experiment.json'));
  }

  load(id: string): LoadedExperiment {
    const dir = this.dir(id);
    const warnings: string[] = [];
    const record = experimentRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'experiment.json'), 'utf8')));
    if (record.id !== id) throw new Error(`experiment.json names experiment "${record.id}", not "${id}"`);
    const byId = new Map<string, ExperimentItem>();
    readJsonLines(path.join(dir, 'items.jsonl'), warnings, (value, where) => {
      const r = itemSchema.safeParse(value);
      if (r.success) byId.set(r.data.id, r.data);
      else warnings.push(`${where}: not an item (${r.error.issues[0]?.message ?? 'invalid'}); skipped`);
    });
    const conversations: Conversation[] = [];
    readJsonLines(path.join(dir, 'conversations.jsonl'), warnings, (value) => conversations.push(value as Conversation));
    return { record, items: [...byId.values()], conversations, warnings };
  }

  /** items.jsonl and verdicts.jsonl as they are now (-1 for a file that is not there). */
  itemsStamp(id: string): Required<ItemsStamp> {
    const [items_bytes, items_mtime_ms] = this.fileStamp(id, 'items.jsonl');
    const [verdicts_bytes, verdicts_mtime_ms] = this.fileStamp(id, VERDICTS_FILE);
    return { items_bytes, items_mtime_ms, verdicts_bytes, verdicts_mtime_ms };
  }

  private fileStamp(id: string, name: string): [number, number] {
    try {
      const st = fs.statSync(path.join(this.dir(id), name));
      return [st.size, st.mtimeMs];
    } catch {
      return [-1, -1];
    }
  }

  /** Changes whenever experiment.json is replaced or items.jsonl written: what a cached listing is checked against. */
  listingStamp(id: string): string {
    const items = this.itemsStamp(id);
    let record = '-';
    try {
      const st = fs.statSync(path.join(this.dir(id), 'experiment.json'));
      record = `${st.size}:${st.mtimeMs}`;
    } catch {
      /* reported by the reader */
    }
    return `${items.items_bytes}:${items.items_mtime_ms}:${items.verdicts_bytes}:${items.verdicts_mtime_ms}:${record}`;
  }

  /**
   * The summary experiment.json carries, or null when it has none or items.jsonl changed since it
   * was written (a run elsewhere, a crash): then the caller reads the experiment in full.
   */
  readSummary(id: string): StoredSummary | null {
    try {
      const parsed = recordFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(this.dir(id), 'experiment.json'), 'utf8')));
      const stored = parsed.success ? parsed.data.summary : undefined;
      if (!stored || stored.summary.id !== id) return null;
      // A summary from before review counts were kept in it is out of date too.
      if (stored.summary.unreviewed_count === undefined) return null;
      const now = this.itemsStamp(id);
      const then = stored.stamp;
      const same =
        now.items_bytes === then.items_bytes &&
        now.items_mtime_ms === then.items_mtime_ms &&
        now.verdicts_bytes === then.verdicts_bytes &&
        now.verdicts_mtime_ms === then.verdicts_mtime_ms;
      return same ? stored.summary : null;
    } catch {
      return null;
    }
  }

  /**
   * Removes experiment `id`. Checked like a write first: through a symbolic `experiments/` (or
   * store, or experiment) folder the removal would reach files outside the workspace.
   */
  delete(id: string): void {
    const dir = this.writableDir(id);
    this.close(id);
    this.locks.delete(id);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** The experiment folder, checked to be a real folder inside a real store before writing. */
  private writableDir(id: string): string {
    const dir = this.dir(id);
    this.ensureRealDir(this.root, !this.options.allowSymlinkedRoot, false);
    this.ensureRealDir(path.dirname(dir), true, false);
    this.ensureRealDir(dir, true, false);
    return dir;
  }

  /** Creates `dir` when missing (unless `create` is false) and refuses a symbolic link. */
  private ensureRealDir(dir: string, refuseSymlink: boolean, create = true): void {
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (st === null) {
      if (!create) throw new Error(`${dir} does not exist`);
      fs.mkdirSync(dir, { recursive: true });
      return;
    }
    if (st.isSymbolicLink()) {
      if (!refuseSymlink && fs.statSync(dir).isDirectory()) return;
      throw new Error(
        `${dir} is a symbolic link: Hallucination Lab writes results only into a real ${STORE_DIR} folder inside the workspace (remove the link to go on)`,
      );
    }
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  }

  /**
   * Whether the store folder is the store's own: named `.hallucination-lab`, not there yet, or
   * holding nothing but what the store writes. Any other folder (`--out .` at a repository root)
   * holds the user's files, which a `*` .gitignore there would hide from version control.
   */
  private isDedicatedRoot(): boolean {
    if (path.basename(this.root) === STORE_DIR) return true;
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw e;
    }
    return names.every((n) => n === 'experiments' || n === '.gitignore');
  }

  /**
   * Keeps results (which may hold trace content) out of version control: a `*` .gitignore in the
   * store folder when it is the store's own, else in its `experiments/` folder only.
   */
  private writeGitignore(folder: string): void {
    const file = path.join(folder, '.gitignore');
    try {
      // 'wx' fails on anything already there, a dangling symbolic link included.
      fs.writeFileSync(file, '# Hallucination Lab results: may hold trace content\n*\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** `text` with control characters shown as "?" (an id in a message must not drive a terminal). */
function printable(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 0x20 ? '?' : c)).join('');
}
