// `.hallucination-lab/experiments/<id>/`: experiment.json (the record, replaced atomically),
// conversations.jsonl (the traces as they were at start) and items.jsonl (item snapshots,
// appended and flushed as they change; the last line of an item wins). A crash loses at most
// the line being written, which is detected and dropped on load.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  experimentRecordSchema,
  itemSchema,
  type Conversation,
  type ExperimentItem,
  type ExperimentRecord,
} from '../../common/schema';

export const STORE_DIR = '.hallucination-lab';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export interface LoadedExperiment {
  record: ExperimentRecord;
  items: ExperimentItem[];
  conversations: Conversation[];
  warnings: string[];
}

export function newExperimentId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `exp-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class ExperimentStore {
  private readonly fds = new Map<string, number>();

  /** `root` is the `.hallucination-lab` folder itself. */
  constructor(readonly root: string) {}

  /** The folder of experiment `id`; refuses any id that could leave the store. */
  dir(id: string): string {
    if (!ID_PATTERN.test(id)) throw new Error(`invalid experiment id "${id}": only letters, digits, "-" and "_" are allowed`);
    const base = path.resolve(this.root, 'experiments');
    const dir = path.resolve(base, id);
    if (path.dirname(dir) !== base) throw new Error(`invalid experiment id "${id}"`);
    return dir;
  }

  create(record: ExperimentRecord, conversations: readonly Conversation[], items: readonly ExperimentItem[]): void {
    const dir = this.dir(record.id);
    if (fs.existsSync(dir)) throw new Error(`experiment ${record.id} already exists`);
    fs.mkdirSync(dir, { recursive: true });
    this.writeGitignore();
    fs.writeFileSync(path.join(dir, 'conversations.jsonl'), conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    this.writeRecord(record);
  }

  writeRecord(record: ExperimentRecord): void {
    const file = path.join(this.dir(record.id), 'experiment.json');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
    fs.renameSync(tmp, file);
  }

  /** Appends one item snapshot and flushes it to disk before returning. */
  appendItem(id: string, item: ExperimentItem): void {
    let fd = this.fds.get(id);
    if (fd === undefined) {
      fd = fs.openSync(path.join(this.dir(id), 'items.jsonl'), 'a');
      this.fds.set(id, fd);
    }
    fs.writeSync(fd, JSON.stringify(item) + '\n');
    fs.fdatasyncSync(fd);
  }

  close(id?: string): void {
    for (const [k, fd] of this.fds) {
      if (id !== undefined && k !== id) continue;
      fs.closeSync(fd);
      this.fds.delete(k);
    }
  }

  list(): string[] {
    const base = path.join(this.root, 'experiments');
    if (!fs.existsSync(base)) return [];
    return fs
      .readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory() && ID_PATTERN.test(d.name) && fs.existsSync(path.join(base, d.name, 'experiment.json')))
      .map((d) => d.name)
      .sort();
  }

  load(id: string): LoadedExperiment {
    const dir = this.dir(id);
    const warnings: string[] = [];
    const record = experimentRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'experiment.json'), 'utf8')));
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
    fs.rmSync(this.dir(id), { recursive: true, force: true });
  }

  private writeGitignore(): void {
    const file = path.join(this.root, '.gitignore');
    if (!fs.existsSync(file)) fs.writeFileSync(file, '# Hallucination Lab results: may hold trace content\n*\n');
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
