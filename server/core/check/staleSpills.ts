// Spill folders a `check` killed without warning (SIGKILL, a CI runner's hard timeout, the OOM
// killer) left in the temporary directory: each folder's name carries its owner's process id, and
// a later `check` removes those of this user whose owner is no longer running. A folder whose
// owner runs (another check at the same time) is never touched, nor anything not made by a check.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SPILL_PREFIX = 'hallucination-lab-check-';

/** `hallucination-lab-check-<pid>-<random>` as `mkdtemp` completes it. */
export function spillFolderPrefix(pid: number): string {
  return `${SPILL_PREFIX}${pid}-`;
}

const OWNED = new RegExp(`^${SPILL_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/** Removes the spill folders under `tmp` whose owner process is gone; returns the names removed. */
export function sweepStaleSpills(tmp: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of names) {
    const m = OWNED.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || running(pid)) continue;
    const folder = path.join(tmp, name);
    try {
      // Only a real folder of this user (not a link planted to point elsewhere).
      const st = fs.lstatSync(folder);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      fs.rmSync(folder, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove: left as it is
    }
  }
  return removed;
}

/** Whether a process with this id runs (one of another user answers EPERM: it runs). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
