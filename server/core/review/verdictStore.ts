// verdicts.jsonl in each experiment's folder: one verdict per line, appended and flushed to disk
// (fdatasync) before `append` returns, as items.jsonl is, so that a verdict given is never lost.
// A crash can tear only the last line: it is dropped on read (with a warning) and cut off before
// the next append so that it cannot swallow the line written after it.
import { appendLineDurable } from '../experiments/durableFiles';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExperimentStore } from '../experiments/experimentStore';
import { verdictSchema, type Verdict } from './verdict';

export const VERDICTS_FILE = 'verdicts.jsonl';

export class VerdictStore {
  /**
   * Each experiment's verdicts as last read, with the file's size, time and inode: a file that did
   * not change is not read again (the resource, the markers and summaries read every experiment's
   * verdicts, because verdicts carry over, on every call). Appends change the size; a file replaced
   * by hand changes the inode or the time.
   */
  private readonly cache = new Map<string, { stamp: string; verdicts: Verdict[]; warnings: string[] }>();
  private lastFingerprint = '';

  constructor(private readonly store: ExperimentStore) {}

  /** Appends one verdict to experiment `experimentId`'s file and flushes it. */
  append(experimentId: string, verdict: Verdict): void {
    const parsed = verdictSchema.parse(verdict);
    const dir = this.store.dir(experimentId);
    if (!fs.lstatSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
    appendLineDurable(path.join(dir, VERDICTS_FILE), JSON.stringify(parsed));
  }

  /** The verdicts given in experiment `experimentId`, in the order written. */
  read(experimentId: string, warnings: string[] = []): Verdict[] {
    const file = path.join(this.store.dir(experimentId), VERDICTS_FILE);
    const stamp = fileStamp(file);
    if (stamp === null) {
      this.cache.delete(experimentId);
      return [];
    }
    let cached = this.cache.get(experimentId);
    if (cached?.stamp !== stamp) {
      const own: string[] = [];
      const verdicts = readVerdicts(file, own);
      cached = { stamp, verdicts, warnings: own.map((w) => `experiment ${experimentId}: ${w}`) };
      this.cache.set(experimentId, cached);
    }
    warnings.push(...cached.warnings);
    return cached.verdicts.slice();
  }

  /** The verdicts of every experiment in the store (what can carry over), in the order written per file. */
  readAll(warnings: string[] = []): Verdict[] {
    const ids = this.store.list();
    const verdicts = ids.flatMap((id) => {
      try {
        return this.read(id, warnings);
      } catch (e) {
        // One unreadable file (no permission, a folder in its place) must not hide every experiment's
        // verdicts, nor the experiments listed with them: said, and left out like a bad line.
        this.cache.delete(id);
        warnings.push(`experiment ${id}: ${VERDICTS_FILE} cannot be read (${(e as Error).message}); its verdicts are left out`);
        return [];
      }
    });
    this.lastFingerprint = ids.map((id) => `${id}=${this.cache.get(id)?.stamp ?? '-'}`).join('\n');
    return verdicts;
  }

  /**
   * Which files, in which state, the last readAll read: the same fingerprint, the same verdicts (what
   * is computed from them can be kept).
   */
  get fingerprint(): string {
    return this.lastFingerprint;
  }
}

/** Size, time and inode of `file`, or null when there is none. */
function fileStamp(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function readVerdicts(file: string, warnings: string[]): Verdict[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: Verdict[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path.basename(file)}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      warnings.push(last ? `${where}: incomplete last line (interrupted write) dropped` : `${where}: not valid JSON; skipped`);
      return;
    }
    const r = verdictSchema.safeParse(value);
    if (r.success) out.push(r.data);
    else warnings.push(`${where}: not a verdict (${r.error.issues[0]?.message ?? 'invalid'}); skipped`);
  });
  return out;
}
