// `.hallucination-lab/experiments/<id>/`: experiment.json (the record, replaced atomically),
// conversations.jsonl (the traces as they were at start) and items.jsonl (item snapshots,
// appended and flushed as they change; the last line of an item wins). A crash loses at most
// the line being written, which is detected and dropped on load (and cut off before the next
// append, so that it cannot swallow the line written after it).
//
// Writes stay inside the store: ids are checked against a strict pattern, and the store folder,
// `experiments/` and each experiment folder must be real folders, not symbolic links (a cloned
// repository could otherwise point `.hallucination-lab` anywhere on the disk). Files are opened
// without following a final symbolic link. A `run.lock` file marks an experiment that a live
// process is running, so that two processes (two windows, the CLI and the editor) never run
// the same items at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  experimentRecordSchema,
  itemSchema,
  type Conversation,
  type ExperimentItem,
  type ExperimentRecord,
} from '../../../common/schema';

export const STORE_DIR = '.hallucination-lab';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const LOCK_FILE = 'run.lock';
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export interface LoadedExperiment {
  record: ExperimentRecord;
  items: ExperimentItem[];
  conversations: Conversation[];
  warnings: string[];
}

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

/** Thrown when an experiment is being run by another live process. */
export class ExperimentLockedError extends Error {
  override readonly name = 'ExperimentLockedError';
}

export class ExperimentStore {
  private readonly fds = new Map<string, number>();
  private readonly locks = new Set<string>();

  /** `root` is the `.hallucination-lab` folder itself. */
  constructor(
    readonly root: string,
    private readonly options: StoreOptions = {},
  ) {}

  /** The folder of experiment `id`; refuses any id that could leave the store. */
  dir(id: string): string {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`invalid experiment id "${String(id).replace(/[\u0000-\u001f]/g, '?')}": only letters, digits, "-" and "_" are allowed`);
    const base = path.resolve(this.root, 'experiments');
    const dir = path.resolve(base, id);
    if (path.dirname(dir) !== base) throw new Error(`invalid experiment id "${id}"`);
    return dir;
  }

  create(record: ExperimentRecord, conversations: readonly Conversation[], items: readonly ExperimentItem[]): void {
    const dir = this.dir(record.id);
    this.ensureRealDir(this.root, !this.options.allowSymlinkedRoot);
    this.ensureRealDir(path.dirname(dir), true);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`experiment ${record.id} already exists`);
      throw e;
    }
    this.writeGitignore();
    writeFileDurable(path.join(dir, 'conversations.jsonl'), conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
    writeFileDurable(path.join(dir, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    this.writeRecord(record);
    syncDir(path.dirname(dir));
  }

  writeRecord(record: ExperimentRecord): void {
    const dir = this.writableDir(record.id);
    const file = path.join(dir, 'experiment.json');
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    writeFileDurable(tmp, JSON.stringify(record, null, 2) + '\n', 'wx');
    fs.renameSync(tmp, file);
    syncDir(dir);
  }

  /** Appends one item snapshot and flushes it to disk before returning. */
  appendItem(id: string, item: ExperimentItem): void {
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
    fs.fdatasyncSync(fd);
  }

  close(id?: string): void {
    for (const [k, fd] of this.fds) {
      if (id !== undefined && k !== id) continue;
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
    const file = path.join(this.writableDir(id), LOCK_FILE);
    const mine: LockHolder = { pid: process.pid, host: os.hostname(), started_at: new Date().toISOString(), process_start: processStart(process.pid) };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o644);
        try {
          writeAll(fd, JSON.stringify(mine) + '\n');
        } finally {
          fs.closeSync(fd);
        }
        this.locks.add(id);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readLock(file);
      if (holder && holder.pid !== process.pid && (holder.host !== os.hostname() || holderAlive(holder))) throw new ExperimentLockedError(lockedMessage(id, holder, file));
      // Stale (its process is gone, or its id now belongs to another process) or ours: replace it.
      fs.rmSync(file, { force: true });
    }
    throw new ExperimentLockedError(`experiment ${id}: could not take ${LOCK_FILE}`);
  }

  /** Throws ExperimentLockedError when another live process runs experiment `id`. */
  assertNotRunElsewhere(id: string): void {
    const file = path.join(this.dir(id), LOCK_FILE);
    const holder = readLock(file);
    if (holder && holder.pid !== process.pid && holder.host === os.hostname() && holderAlive(holder)) throw new ExperimentLockedError(lockedMessage(id, holder, file, 'stop it first'));
  }

  unlockRun(id: string): void {
    if (!this.locks.delete(id)) return;
    try {
      const file = path.join(this.dir(id), LOCK_FILE);
      if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
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

  delete(id: string): void {
    this.close(id);
    this.locks.delete(id);
    // rmSync removes a symbolic link itself, never what it points to.
    fs.rmSync(this.dir(id), { recursive: true, force: true });
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
      throw new Error(`${dir} is a symbolic link: Hallucination Lab writes results only into a real ${STORE_DIR} folder inside the workspace (remove the link to go on)`);
    }
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  }

  private writeGitignore(): void {
    const file = path.join(this.root, '.gitignore');
    try {
      // 'wx' fails on anything already there, a dangling symbolic link included.
      fs.writeFileSync(file, '# Hallucination Lab results: may hold trace content\n*\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Writes, flushes and closes a new file (`flag` 'w' or 'wx'), never through a symbolic link. */
function writeFileDurable(file: string, text: string, flag: 'w' | 'wx' = 'w'): void {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | O_NOFOLLOW | (flag === 'wx' ? fs.constants.O_EXCL : fs.constants.O_TRUNC);
  const fd = fs.openSync(file, flags, 0o644);
  try {
    writeAll(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not supported on every platform (Windows); the rename is still atomic */
  }
}

/**
 * Cuts a torn last line (a crash mid-write: bytes after the last newline) off before appending,
 * so that the next snapshot starts on a line of its own. The load that came before already
 * reported the torn line.
 */
function cutTornTail(fd: number): void {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = fs.readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      const keep = start + at + 1;
      if (keep < size) fs.ftruncateSync(fd, keep);
      return;
    }
    end = start;
  }
  fs.ftruncateSync(fd, 0);
}

interface LockHolder {
  pid: number;
  host: string;
  started_at?: string;
  /** When the holding process started (Linux: /proc start time), so that a reused pid is not taken for it. */
  process_start?: string | null;
}

function readLock(file: string): LockHolder | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof v['pid'] !== 'number' || typeof v['host'] !== 'string') return null;
    return {
      pid: v['pid'],
      host: v['host'],
      ...(typeof v['started_at'] === 'string' ? { started_at: v['started_at'] } : {}),
      ...(typeof v['process_start'] === 'string' ? { process_start: v['process_start'] } : {}),
    };
  } catch {
    return null;
  }
}

function lockedMessage(id: string, holder: LockHolder, file: string, action = 'wait for it to finish or stop it'): string {
  const since = holder.started_at ? ` since ${holder.started_at}` : '';
  const who = holder.host === os.hostname() ? `another process (pid ${holder.pid}${since})` : `${holder.host} (pid ${holder.pid}${since})`;
  return `experiment ${id} is being run by ${who}; ${action}. If no such run is going on (the process is gone or its id was reused), delete ${file} and try again`;
}

/** A process on this host holds the lock: its pid is alive and, where we can tell, is the same process. */
function holderAlive(holder: LockHolder): boolean {
  if (!processAlive(holder.pid)) return false;
  if (!holder.process_start) return true;
  const now = processStart(holder.pid);
  return now === null || now === holder.process_start;
}

/**
 * When process `pid` started, as an opaque token (Linux: field 22 of /proc/<pid>/stat, clock
 * ticks since boot); null where it cannot be read (other systems: the pid alone is used).
 */
export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start && /^\d+$/.test(start) ? start : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads JSON lines; a torn last line (a crash mid-write) is dropped with a warning. */
function readJsonLines(file: string, warnings: string[], onValue: (value: unknown, where: string) => void): void {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path.basename(file)}:${i + 1}`;
    try {
      onValue(JSON.parse(line), where);
    } catch {
      const last = i === lines.length - 1 || lines.slice(i + 1).every((l) => l.trim() === '');
      warnings.push(last ? `${where}: incomplete last line (interrupted write) dropped` : `${where}: not valid JSON; skipped`);
    }
  });
}
