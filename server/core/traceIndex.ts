// The conversations of the chosen trace files, by id, kept current as files change. Small files
// are held in memory; large ones are streamed from disk once and keep only where each
// conversation is, re-reading one when it is asked for (memory stays flat, whatever the size).
import { isProtobufTraceFile, otlpProtobufAsJson } from './formats/protobufTraceFile';
import * as fs from 'node:fs';
import type { Conversation } from '../../common/schema';
import type { ConversationSummary, TraceFileSummary } from '../../common/protocol';
import { TraceFileIndexer, type FormatChoice, type IndexedFile } from './formats/indexer';
import { emptyIndexedFile } from './formats/indexedFile';
import { indexTraceText, isJsonl, type ParsedTraceFile, type ParseOptions } from './traceParser';

/** Files above this size are indexed lazily (offsets only) when streamed from disk. */
export const LAZY_INDEX_BYTES = 48 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const CACHE_SIZE = 64;

export interface LoadOptions {
  format?: FormatChoice;
  signal?: AbortSignal;
  /** Called after every chunk read. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Keep only offsets above this size (default LAZY_INDEX_BYTES). */
  lazyAboveBytes?: number;
  /**
   * Keep listing rows of a large file: OpenAI records' as they are read, a file of spans' in a
   * pass over its traces before resolving (yielding between slices). Default true; the CLI,
   * which lists nothing, says false (a listing then reads the conversations again).
   */
  listing?: boolean;
}

export class IndexSupersededError extends Error {
  constructor(file: string) {
    super(`indexing of ${file} was superseded`);
    this.name = 'AbortError';
  }
}

const SLOT = 2 ** 32;

export class TraceIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** id → slot * 2^32 + position. */
  private byId = new Map<string, number>();
  private slots: string[] = [];
  private readonly renamed = new Map<string, Map<number, string>>();
  private duplicateProblems = new Map<string, TraceFileSummary['problems']>();
  private readonly generation = new Map<string, number>();
  private readonly cache = new Map<string, Conversation>();
  private readonly indexing = new Map<string, { bytesRead: number; totalBytes: number }>();

  /** `displayName` turns an absolute path into what messages and fallback ids use. */
  constructor(private readonly displayName: (file: string) => string = (f) => f) {}

  /** Indexes `text` as the content of `file` (in memory). */
  update(file: string, text: string, options: ParseOptions = {}): ParsedTraceFile {
    this.bump(file);
    const indexed = indexTraceText(file, text, this.displayName(file), options);
    this.set(file, indexed);
    return this.file(file)!;
  }

  /**
   * Streams `file` from disk and indexes it; large files lazily. Resolves when indexed; rejects
   * with an AbortError when the signal aborts or the file is updated/removed meanwhile.
   */
  async load(file: string, options: LoadOptions = {}): Promise<ParsedTraceFile> {
    // A binary protobuf file is decoded whole (its text is OTLP/JSON made here, not streamed).
    if (isProtobufTraceFile(file))
      return this.update(file, otlpProtobufAsJson(await fs.promises.readFile(file)), options.format ? { format: options.format } : {});
    const gen = this.bump(file);
    const fh = await fs.promises.open(file, 'r');
    try {
      const { size } = await fh.stat();
      const lazy = size > (options.lazyAboveBytes ?? LAZY_INDEX_BYTES);
      const indexer = new TraceFileIndexer({
        file,
        displayName: this.displayName(file),
        lineBased: isJsonl(file),
        lazy,
        keepSummaries: options.listing !== false,
        ...(options.format ? { format: options.format } : {}),
      });
      let bytesRead = 0;
      const progress = { bytesRead: 0, totalBytes: size };
      this.indexing.set(file, progress);
      for (;;) {
        if (options.signal?.aborted || this.generation.get(file) !== gen) throw new IndexSupersededError(file);
        // A fresh buffer per chunk: records spanning chunks keep references to earlier ones.
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        const { bytesRead: n } = await fh.read(buf, 0, CHUNK_BYTES, null);
        if (n <= 0) break;
        indexer.push(buf.subarray(0, n));
        bytesRead += n;
        progress.bytesRead = bytesRead;
        options.onProgress?.(bytesRead, Math.max(size, bytesRead));
      }
      if (options.signal?.aborted || this.generation.get(file) !== gen) throw new IndexSupersededError(file);
      const indexed = indexer.end();
      const steps = options.listing === false ? null : indexed.summarySteps();
      try {
        while (steps && !steps.next().done) {
          await new Promise((resolve) => setImmediate(resolve));
          if (options.signal?.aborted || this.generation.get(file) !== gen) throw new IndexSupersededError(file);
        }
      } finally {
        steps?.return?.();
      }
      this.set(file, indexed);
      return this.file(file)!;
    } finally {
      if (this.generation.get(file) === gen) this.indexing.delete(file);
      await fh.close();
    }
  }

  /**
   * Sets the index of `file` made elsewhere (a live file's window, indexed as it grows). Only this
   * file's ids are mapped again — not every file's, as a re-indexed file's are — since it changes
   * several times a second; an id another file already uses gets a positional id, as in rebuildIds.
   */
  replace(file: string, indexed: IndexedFile): void {
    const previous = this.files.get(file);
    this.bump(file);
    this.indexing.delete(file);
    if (!previous) return this.set(file, indexed);
    const slot = this.slots.indexOf(file);
    for (let p = 0; p < previous.count; p++) {
      const id = this.effectiveId(file, previous, p);
      const ref = this.byId.get(id);
      if (ref !== undefined && Math.floor(ref / SLOT) === slot) this.byId.delete(id);
    }
    this.files.set(file, indexed);
    this.dropCache(file);
    this.renamed.delete(file);
    this.duplicateProblems.delete(file);
    let renamed: Map<number, string> | undefined;
    for (let p = 0; p < indexed.count; p++) {
      const id = indexed.idAt(p);
      let effective = id;
      const taken = this.byId.get(id);
      if (taken !== undefined) {
        const takenFile = this.slots[Math.floor(taken / SLOT)]!;
        effective = `${this.displayName(file)}#${p + 1}`;
        const problems = this.duplicateProblems.get(file) ?? [];
        problems.push({
          file,
          line: indexed.lineAt(p),
          message: `conversation id "${id}" is also used by ${this.displayName(takenFile)}:${this.files.get(takenFile)!.lineAt(taken % SLOT) + 1}; this one is indexed as "${effective}"`,
          severity: 'warning',
        });
        this.duplicateProblems.set(file, problems);
        (renamed ??= new Map()).set(p, effective);
      }
      if (indexed.conversations) indexed.conversations[p]!.id = effective;
      this.byId.set(effective, slot * SLOT + p);
    }
    if (renamed) this.renamed.set(file, renamed);
  }

  /** Records a file being streamed: listed with no conversations until it is indexed. */
  setIndexing(file: string, totalBytes: number): void {
    this.indexing.set(file, { bytesRead: 0, totalBytes });
    if (!this.files.has(file)) {
      this.files.set(file, emptyIndexedFile(file, true, []));
      this.rebuildIds();
    }
  }

  /** Records a file that could not be read at all (missing, too large). */
  setUnreadable(file: string, message: string): void {
    this.bump(file);
    this.indexing.delete(file);
    this.set(file, emptyIndexedFile(file, true, [{ file, line: 0, message, severity: 'error' }]));
  }

  remove(file: string): boolean {
    this.bump(file);
    this.indexing.delete(file);
    const had = this.files.delete(file);
    if (had) {
      this.dropCache(file);
      this.rebuildIds();
    }
    return had;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }
  fileNames(): string[] {
    return [...this.files.keys()];
  }
  /** Whether `file` is being streamed in (and how far). */
  progress(file: string): { bytesRead: number; totalBytes: number } | undefined {
    return this.indexing.get(file);
  }

  /** The file as indexed; its `conversations` are made when read (views for a lazy file). */
  file(file: string): ParsedTraceFile | undefined {
    const f = this.files.get(file);
    if (!f) return undefined;
    const conversations = () => this.conversations(file);
    return {
      file,
      isTrace: f.isTrace,
      get conversations() {
        return conversations();
      },
      problems: f.problems,
      ...(f.format ? { format: f.format } : {}),
      coverage: f.coverage,
    };
  }

  /** Number of conversations of a file, and the id of one by position (cheap for lazy files). */
  count(file: string): number {
    return this.files.get(file)?.count ?? 0;
  }
  idAt(file: string, position: number): string | undefined {
    const f = this.files.get(file);
    return f && position < f.count ? this.effectiveId(file, f, position) : undefined;
  }

  /** The file `id` is indexed from, without reading the conversation (cheap for lazy files). */
  fileOf(id: string): string | undefined {
    const ref = this.byId.get(id);
    return ref === undefined ? undefined : this.slots[Math.floor(ref / SLOT)];
  }

  get(id: string): Conversation | undefined {
    const ref = this.byId.get(id);
    if (ref === undefined) return undefined;
    return this.at(this.slots[Math.floor(ref / SLOT)]!, ref % SLOT) ?? undefined;
  }

  /**
   * The conversations of one file or all. For a lazily indexed file they are views that read
   * their messages from disk when touched (prefer `conversationSummaries` for listings).
   */
  conversations(file?: string): Conversation[] {
    if (file === undefined) return [...this.files.keys()].flatMap((f) => this.conversations(f));
    const f = this.files.get(file);
    if (!f) return [];
    if (f.conversations) return f.conversations;
    const out: Conversation[] = [];
    for (let p = 0; p < f.count; p++) out.push(this.lazyView(file, f, p));
    return out;
  }

  /** Listing rows of the conversations, in order; a lazily indexed file's were kept when it was read. */
  conversationSummaries(file?: string): ConversationSummary[] {
    if (file === undefined) return [...this.files.keys()].flatMap((f) => this.conversationSummaries(f));
    const f = this.files.get(file);
    if (!f) return [];
    const out: ConversationSummary[] = [];
    const renamed = this.renamed.get(file);
    for (let p = 0; p < f.count; p++) {
      const s = f.summaryAt(p);
      if (!s) continue;
      const { messageCount, hasToolCalls, firstUserMessage, tracedResponse, model } = s;
      out.push({
        id: renamed?.get(p) ?? f.idAt(p),
        file,
        line: f.lineAt(p),
        position: p,
        messageCount,
        hasToolCalls,
        firstUserMessage,
        tracedResponse,
        model,
      });
    }
    return out;
  }

  summaries(): TraceFileSummary[] {
    return [...this.files.entries()].map(([file, f]) => ({
      file,
      conversationCount: f.count,
      isTrace: f.isTrace,
      problems: f.problems.concat(this.duplicateProblems.get(file) ?? []),
      ...(this.indexing.has(file) ? {} : { coverage: f.coverage }),
    }));
  }

  // ---- internals ---------------------------------------------------------------------------

  private bump(file: string): number {
    const g = (this.generation.get(file) ?? 0) + 1;
    this.generation.set(file, g);
    return g;
  }

  private set(file: string, indexed: IndexedFile): void {
    this.files.set(file, indexed);
    this.dropCache(file);
    this.renamed.delete(file);
    this.rebuildIds();
  }

  private dropCache(file: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${file}\u0000`)) this.cache.delete(k);
  }

  private effectiveId(file: string, f: IndexedFile, position: number): string {
    return this.renamed.get(file)?.get(position) ?? f.idAt(position);
  }

  /** The conversation at `position` of `file` (materialized from disk for a lazy file). */
  private at(file: string, position: number): Conversation | null {
    const f = this.files.get(file);
    if (!f || position >= f.count) return null;
    if (f.conversations) return f.conversations[position] ?? null;
    const key = `${file}\u0000${position}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const c = f.materialize(position);
    if (!c) return null;
    c.id = this.effectiveId(file, f, position);
    this.cache.set(key, c);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return c;
  }

  private lazyView(file: string, f: IndexedFile, position: number): Conversation {
    return new LazyConversation(this.effectiveId(file, f, position), file, f.lineAt(position), position, () =>
      this.at(file, position),
    ) as unknown as Conversation;
  }

  /** Ids are unique across files: a repeated id keeps the first; later ones get a positional id. */
  private rebuildIds(): void {
    this.byId = new Map();
    this.duplicateProblems = new Map();
    this.slots = [...this.files.keys()];
    this.slots.forEach((file, slot) => {
      const f = this.files.get(file)!;
      let renamed: Map<number, string> | undefined;
      for (let p = 0; p < f.count; p++) {
        const id = f.idAt(p);
        let effective = id;
        const taken = this.byId.get(id);
        if (taken !== undefined) {
          const takenFile = this.slots[Math.floor(taken / SLOT)]!;
          const takenF = this.files.get(takenFile)!;
          effective = `${this.displayName(file)}#${p + 1}`;
          const problems = this.duplicateProblems.get(file) ?? [];
          problems.push({
            file,
            line: f.lineAt(p),
            message: `conversation id "${id}" is also used by ${this.displayName(takenFile)}:${takenF.lineAt(taken % SLOT) + 1}; this one is indexed as "${effective}"`,
            severity: 'warning',
          });
          this.duplicateProblems.set(file, problems);
          (renamed ??= new Map()).set(p, effective);
        }
        if (f.conversations) f.conversations[p]!.id = effective;
        this.byId.set(effective, slot * SLOT + p);
      }
      if (renamed) this.renamed.set(file, renamed);
      else this.renamed.delete(file);
    });
    this.cache.clear();
  }
}

/**
 * A conversation of a lazily indexed file: id, file, line and position at hand, the rest read
 * from disk when touched (through the index's small cache). `toJSON` gives the whole conversation.
 */
class LazyConversation {
  constructor(
    public id: string,
    readonly file: string,
    readonly line: number,
    readonly position: number,
    private readonly load: () => Conversation | null,
  ) {}
  get sourcePath() {
    return this.load()?.sourcePath ?? [];
  }
  get messages() {
    return this.load()?.messages ?? [];
  }
  get tools() {
    return this.load()?.tools ?? [];
  }
  get model() {
    return this.load()?.model;
  }
  get usage() {
    return this.load()?.usage;
  }
  get metadata() {
    return this.load()?.metadata;
  }
  get format() {
    return this.load()?.format;
  }
  get anchors() {
    return this.load()?.anchors;
  }
  get partOrigins() {
    return this.load()?.partOrigins;
  }
  toJSON(): Conversation | null {
    const c = this.load();
    return c && { ...c, id: this.id };
  }
}

export { summarize } from './formats/summaries';
