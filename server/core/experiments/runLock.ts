// `run.lock`: marks an experiment that a live process is running, so that two processes (two
// windows, the CLI and the editor) never run the same items at once. The lock records the pid,
// the host and when the process started (Linux: /proc start time), so that a lock left by a
// process that died is taken over even when its pid now belongs to another process; where the
// start time cannot be read, the pid alone is used and the refusal says how to clear the lock.
import * as fs from 'node:fs';
import * as os from 'node:os';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** Thrown when an experiment is being run by another live process. */
export class ExperimentLockedError extends Error {
  override readonly name = 'ExperimentLockedError';
}

/**
 * Takes the lock at `file` for experiment `id`. Throws ExperimentLockedError when another live
 * process holds it; a lock whose process is gone (a crash, a kill, a reused pid) is taken over.
 */
export function takeRunLock(file: string, id: string): void {
  const mine: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    started_at: new Date().toISOString(),
    process_start: processStart(process.pid),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o644);
      try {
        fs.writeFileSync(fd, JSON.stringify(mine) + '\n');
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(file);
    if (holder && holder.pid !== process.pid && (holder.host !== os.hostname() || holderAlive(holder)))
      throw new ExperimentLockedError(lockedMessage(id, holder, file));
    // Stale (its process is gone, or its id now belongs to another process) or ours: replace it.
    fs.rmSync(file, { force: true });
  }
  throw new ExperimentLockedError(`experiment ${id}: could not take ${file}`);
}

/** Throws ExperimentLockedError when another live process on this host holds the lock at `file`. */
export function assertNotHeldElsewhere(file: string, id: string): void {
  const holder = readLock(file);
  if (holder && holder.pid !== process.pid && holder.host === os.hostname() && holderAlive(holder))
    throw new ExperimentLockedError(lockedMessage(id, holder, file, 'stop it first'));
}

/** Removes the lock at `file` when this process holds it. */
export function releaseRunLock(file: string): void {
  if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
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
