// The conversations of the chosen trace files, by id, kept current as files change.
import type { Conversation } from '../../common/schema';
import type { TraceFileSummary } from '../../common/protocol';
import { parseTraceText, type ParsedTraceFile } from './traceParser';

export class TraceIndex {
  private readonly files = new Map<string, ParsedTraceFile>();
  private byId = new Map<string, Conversation>();

  /** `displayName` turns an absolute path into what messages and fallback ids use. */
  constructor(private readonly displayName: (file: string) => string = (f) => f) {}

  update(file: string, text: string): ParsedTraceFile {
    const parsed = parseTraceText(file, text, this.displayName(file));
    this.files.set(file, parsed);
    this.rebuildIds();
    return parsed;
  }

  /** Records a file that could not be read at all (missing, too large). */
  setUnreadable(file: string, message: string): void {
    this.files.set(file, { file, isTrace: true, conversations: [], problems: [{ file, line: 0, message, severity: 'error' }] });
    this.rebuildIds();
  }

  remove(file: string): boolean {
    const had = this.files.delete(file);
    if (had) this.rebuildIds();
    return had;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }
  fileNames(): string[] {
    return [...this.files.keys()];
  }
  file(file: string): ParsedTraceFile | undefined {
    return this.files.get(file);
  }
  get(id: string): Conversation | undefined {
    return this.byId.get(id);
  }
  conversations(file?: string): Conversation[] {
    if (file !== undefined) return this.files.get(file)?.conversations ?? [];
    return [...this.files.values()].flatMap((f) => f.conversations);
  }
  summaries(): TraceFileSummary[] {
    return [...this.files.values()].map((f) => ({
      file: f.file,
      conversationCount: f.conversations.length,
      isTrace: f.isTrace,
      problems: f.problems.concat(this.duplicateProblems.get(f.file) ?? []),
    }));
  }

  /** The id a conversation was parsed with, before any renaming for uniqueness. */
  private readonly originalIds = new WeakMap<Conversation, string>();
  private duplicateProblems = new Map<string, TraceFileSummary['problems']>();

  /** Ids are unique across files: a repeated id keeps the first; later ones get a positional id. */
  private rebuildIds(): void {
    this.byId = new Map();
    this.duplicateProblems = new Map();
    for (const f of this.files.values()) {
      for (const c of f.conversations) {
        if (!this.originalIds.has(c)) this.originalIds.set(c, c.id);
        c.id = this.originalIds.get(c)!;
        const taken = this.byId.get(c.id);
        if (taken && taken !== c) {
          const fresh = `${this.displayName(f.file)}#${c.position + 1}`;
          const problems = this.duplicateProblems.get(f.file) ?? [];
          problems.push({
            file: f.file,
            line: c.line,
            message: `conversation id "${c.id}" is also used by ${this.displayName(taken.file)}:${taken.line + 1}; this one is indexed as "${fresh}"`,
            severity: 'warning',
          });
          this.duplicateProblems.set(f.file, problems);
          c.id = fresh;
        }
        this.byId.set(c.id, c);
      }
    }
  }
}
