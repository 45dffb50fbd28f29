// The trace files the user chose, kept in step with the disk and the editors: indexed at once
// when small, streamed with progress when large, re-indexed 150 ms after the last edit of an open
// one, and on every change the file watcher reports. Every read of a trace file goes through
// here, and each one checks first that the file (followed through symbolic links) is still inside
// the workspace: a file replaced by a link to elsewhere after it was added is refused, not read.
import { readByteRange } from './core/byteRange';
import { isProtobufTraceFile, traceFileText } from './core/formats/protobufTraceFile';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import type { Settings, TraceFileSummary } from '../common/protocol';
import { formatForFile } from './core/formats/formatSetting';
import { MAX_TRACE_FILE_BYTES } from './core/traceParser';
import { checkUtf8, type InvalidUtf8 } from './core/formats/utf8Check';
import type { ByteRangeReader } from './core/markerText';
import type { Session } from './session';
import type { IndexedFile } from './core/formats/indexedFile';

/** Files up to this size are read and indexed at once (and read whole for markers); larger ones are streamed. */
const SYNC_INDEX_BYTES = 8 * 1024 * 1024;
/** Streamed files are indexed lazily above LAZY_INDEX_BYTES; past this they are refused. */
const MAX_STREAMED_TRACE_FILE_BYTES = 64 * 1024 * 1024 * 1024;
/** An edit in an open trace file is indexed once the typing pauses this long. */
const EDIT_DEBOUNCE_MS = 150;
/**
 * A live file's markers go out at most this often: each publish carries all its markers (up to
 * 1,000, ~350 KB), and a client slower than the traces arrive would otherwise queue them all.
 */
const LIVE_PUBLISH_INTERVAL_MS = 250;
/** Streaming progress goes out at most this often per file. */
const PROGRESS_INTERVAL_MS = 100;

/** How the text of a trace file can be read for markers. */
export type TraceSource =
  /** The editor's text of an open file, or the whole of a small file on disk. */
  | { kind: 'text'; text: string }
  /** A large file on disk: read by byte ranges (each read checked again). */
  | { kind: 'ranges'; read: ByteRangeReader };

/** The editor's open documents, as far as trace files need them. */
export interface OpenDocuments {
  get(uri: string): { getText(): string } | undefined;
}

/** What trace files tell the world. */
export interface TraceFilesEvents {
  /** Diagnostics of a file that is no longer a trace file: cleared. */
  cleared(uri: string): void;
  indexChanged(files: TraceFileSummary[]): void;
  progress(update: { file: string; bytesRead: number; totalBytes: number; done?: true }): void;
  /** A file's index changed: its markers must be placed again. */
  publishFile(file: string): void;
  publishAll(): void;
  warn(message: string): void;
}

/**
 * Why `file` may not be read as a trace, or null when it may: it must be inside the workspace
 * folder, and so must what it points to when it is a symbolic link (or sits under one).
 */
export function refusalReason(workspaceRoot: string | null, file: string): string | null {
  if (!workspaceRoot) return null;
  const inside = (root: string, f: string) => {
    const rel = path.relative(root, f);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  };
  if (file.includes('\u0000')) return `${JSON.stringify(file)} is not a valid path`;
  let real = file;
  let realRoot = workspaceRoot;
  try {
    realRoot = fs.realpathSync(workspaceRoot);
    real = fs.realpathSync(file); // a symbolic link is judged by where it points
  } catch {
    /* missing: judged by its path; loading reports it missing */
  }
  if (inside(path.resolve(workspaceRoot), file) && (real === file || inside(realRoot, real))) return null;
  return `${file} is outside the workspace folder ${workspaceRoot}: Hallucination Lab reads trace files only inside the workspace (copy the file into it)`;
}

export function uriToPath(uri: string): string | null {
  return uri.startsWith('file:') ? path.resolve(fileURLToPath(uri)) : null;
}

export class TraceFiles {
  /** Files refused when they were chosen (outside the workspace): reported, never read. */
  private refused: TraceFileSummary[] = [];
  private readonly streaming = new Map<string, AbortController>();
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  /** The last UTF-8 check of each open document's file on disk (see diskUtf8). */
  private readonly diskUtf8Checks = new Map<string, { size: number; mtimeMs: number; found: InvalidUtf8 | null }>();
  /**
   * Files the server writes itself (live traces): indexed whatever the user chose, until the server
   * stops, by their appendable index (what was appended read alone), never read whole.
   */
  private readonly followed = new Map<string, () => IndexedFile | null>();
  /** Per live file: when its markers last went out, and the publish waiting for the interval to pass. */
  private readonly livePublishes = new Map<string, { last: number; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly session: Session,
    private readonly documents: OpenDocuments,
    private readonly events: TraceFilesEvents,
  ) {}

  /** Every chosen file: the indexed ones and the refused ones. */
  summaries(): TraceFileSummary[] {
    return [...this.session.index.summaries(), ...this.refused];
  }

  /** The problems reported for `file` (format problems, or why it is refused or unreadable). */
  problemsOf(file: string): TraceFileSummary['problems'] {
    return this.summaries().find((s) => s.file === file)?.problems ?? [];
  }

  /** The user's choice of trace files: new ones indexed, dropped ones forgotten with their markers. */
  choose(files: readonly string[]): TraceFileSummary[] {
    const index = this.session.index;
    const wanted = new Set<string>();
    const refused: TraceFileSummary[] = [];
    for (const f of new Set(files.map((x) => path.resolve(x)))) {
      const why = refusalReason(this.session.root, f);
      if (why) {
        refused.push({ file: f, conversationCount: 0, isTrace: true, problems: [{ file: f, line: 0, message: why, severity: 'error' }] });
        this.events.warn(why);
      } else wanted.add(f);
    }
    for (const f of this.followed.keys()) wanted.add(f);
    this.refused = refused;
    for (const f of index.fileNames())
      if (!wanted.has(f)) {
        index.remove(f);
        this.events.cleared(pathToFileURL(f).toString());
      }
    for (const f of wanted) if (!index.has(f)) this.load(f);
    this.events.publishAll();
    const summaries = this.summaries();
    this.events.indexChanged(summaries);
    return summaries;
  }

  /** An open document changed: re-indexed once the edits pause. */
  edited(uri: string): void {
    const file = uriToPath(uri);
    // A live file open in an editor changes with every request: its index is the appendable one.
    if (!file || !this.session.index.has(file) || this.followed.has(file)) return;
    clearTimeout(this.pendingEdits.get(file));
    this.pendingEdits.set(
      file,
      setTimeout(() => {
        this.pendingEdits.delete(file);
        this.reindex(file);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** An open document was closed: the disk holds the truth again. */
  closed(uri: string): void {
    const file = uriToPath(uri);
    if (file && this.session.index.has(file) && !this.followed.has(file)) this.reindex(file);
  }

  /** The file watcher's changes; open documents are followed through their edits instead. */
  changedOnDisk(changes: readonly FileEvent[]): void {
    for (const change of changes) {
      const file = uriToPath(change.uri);
      if (!file || !this.session.index.has(file) || this.documents.get(change.uri)) continue;
      // The live files grow with every request: their writer indexes what it appended once a trace is judged.
      if (change.type === FileChangeType.Changed && this.followed.has(file)) continue;
      if (change.type === FileChangeType.Deleted) this.session.index.setUnreadable(file, `${path.basename(file)} was deleted`);
      this.reindex(file);
    }
  }

  /**
   * A file the server writes (a live trace file): kept whatever the user's choice of files, its
   * index taken from `indexed` (the appendable index its writer keeps) now and on each call — its
   * writer calls again after indexing what it appended. Refused like any file outside the workspace.
   */
  follow(file: string, indexed: () => IndexedFile | null): void {
    const f = path.resolve(file);
    const why = refusalReason(this.session.root, f);
    if (why) return this.events.warn(why);
    this.followed.set(f, indexed);
    this.load(f); // the index is current at once (requests read it); markers follow within the interval
    this.publishLive(f);
  }

  /** Publishes a live file's markers now, or once LIVE_PUBLISH_INTERVAL_MS has passed since the last (then its newest state). */
  private publishLive(file: string): void {
    let state = this.livePublishes.get(file);
    if (!state) this.livePublishes.set(file, (state = { last: 0, timer: null }));
    if (state.timer) return;
    const publish = (s: { last: number; timer: NodeJS.Timeout | null }) => {
      s.timer = null;
      s.last = Date.now();
      this.events.publishFile(file);
      this.events.indexChanged(this.session.index.summaries());
    };
    const wait = state.last + LIVE_PUBLISH_INTERVAL_MS - Date.now();
    if (wait <= 0) publish(state);
    else state.timer = setTimeout(publish, wait, state);
  }

  /**
   * How to read `file` for markers now, or null when it may not be read (it points outside the
   * workspace now) or cannot be.
   */
  source(file: string): TraceSource | null {
    if (refusalReason(this.session.root, file)) return null;
    // A live file is read by the byte ranges its index holds: the editor's text of it may lag the
    // disk, and reading it whole for every trace would cost what its appendable index saves.
    if (this.followed.has(file)) return { kind: 'ranges', read: this.liveReader(file) };
    const open = this.documents.get(pathToFileURL(file).toString());
    if (open) return { kind: 'text', text: open.getText() };
    try {
      if (fs.statSync(file).size <= SYNC_INDEX_BYTES) return { kind: 'text', text: fs.readFileSync(file, 'utf8') };
    } catch {
      return null;
    }
    return { kind: 'ranges', read: (start, end) => this.readRange(file, start, end) };
  }

  /** Cancels streaming and pending edits (shutdown). */
  dispose(): void {
    for (const c of this.streaming.values()) c.abort();
    this.streaming.clear();
    for (const t of this.pendingEdits.values()) clearTimeout(t);
    this.pendingEdits.clear();
    for (const p of this.livePublishes.values()) if (p.timer) clearTimeout(p.timer);
    this.livePublishes.clear();
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * Byte ranges of a live file for one publish of its markers (checked inside the workspace once,
   * by `source`): one descriptor for all the ranges read in this turn, closed after it.
   */
  private liveReader(file: string): (start: number, end: number) => string | null {
    let fd: number | null = null;
    return (start, end) => {
      try {
        if (fd === null) {
          const opened = fs.openSync(file, 'r');
          fd = opened;
          setImmediate(() => {
            fd = null;
            fs.closeSync(opened);
          });
        }
        return readByteRange(fd, start, end);
      } catch {
        return null;
      }
    };
  }

  private readRange(file: string, start: number, end: number): string | null {
    if (refusalReason(this.session.root, file)) return null;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return null;
    }
    try {
      return readByteRange(fd, start, end);
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }

  private reindex(file: string): void {
    this.load(file);
    this.events.publishFile(file);
    this.events.indexChanged(this.session.index.summaries());
  }

  private load(file: string): void {
    const index = this.session.index;
    this.streaming.get(file)?.abort();
    this.streaming.delete(file);
    // Checked at every read, not only when chosen: the file may have become a link to elsewhere.
    const why = refusalReason(this.session.root, file);
    if (why) {
      this.events.warn(why);
      index.setUnreadable(file, why);
      return;
    }
    const live = fs.existsSync(file) ? this.followed.get(file)?.() : null;
    if (live) return index.replace(file, live);
    const format = formatForFile(file, this.session.root, this.session.settings.formats);
    const options = format ? { format } : {};
    const open = isProtobufTraceFile(file) ? undefined : this.documents.get(pathToFileURL(file).toString());
    if (open) {
      index.update(file, open.getText(), { ...options, invalidUtf8: this.diskUtf8(file) });
      return;
    }
    try {
      const size = fs.statSync(file).size;
      if (size <= Math.min(SYNC_INDEX_BYTES, MAX_TRACE_FILE_BYTES) || (isProtobufTraceFile(file) && size <= MAX_TRACE_FILE_BYTES)) {
        const { text, invalidUtf8 } = traceFileText(file);
        index.update(file, text, { ...options, invalidUtf8 });
        return;
      }
      if (size > MAX_STREAMED_TRACE_FILE_BYTES)
        return index.setUnreadable(
          file,
          `${path.basename(file)} is ${(size / 1073741824).toFixed(0)} GB, above the ${MAX_STREAMED_TRACE_FILE_BYTES / 1073741824} GB limit for one trace file; split it to index it`,
        );
      this.stream(file, size, options);
    } catch (e) {
      index.setUnreadable(file, `${path.basename(file)} cannot be read: ${(e as Error).message}`);
    }
  }

  /**
   * Invalid UTF-8 in the bytes on disk of an open document's file: the editor decoded them into
   * U+FFFD, so the document's text cannot tell. Checked once per version on disk (size, mtime).
   */
  private diskUtf8(file: string): InvalidUtf8 | null {
    try {
      const { size, mtimeMs } = fs.statSync(file);
      const known = this.diskUtf8Checks.get(file);
      if (known && known.size === size && known.mtimeMs === mtimeMs) return known.found;
      const found = size <= MAX_TRACE_FILE_BYTES && !isProtobufTraceFile(file) ? checkUtf8(fs.readFileSync(file)) : null;
      this.diskUtf8Checks.set(file, { size, mtimeMs, found });
      return found;
    } catch {
      return null; // not on disk (yet): the editor's text is all there is
    }
  }

  /** Indexes a large file in the background: progress notifications, then markers and the new index. */
  private stream(file: string, size: number, options: { format?: Settings['formats'][string] }): void {
    const index = this.session.index;
    const controller = new AbortController();
    this.streaming.set(file, controller);
    index.setIndexing(file, size);
    let last = 0;
    const progress = (bytesRead: number, totalBytes: number, done = false) =>
      this.events.progress({ file, bytesRead, totalBytes, ...(done ? { done } : {}) });
    progress(0, size);
    const settled = (failure: Error | null) => {
      if (this.streaming.get(file) !== controller) return; // superseded by a newer load (or removed)
      this.streaming.delete(file);
      progress(failure ? 0 : size, size, true);
      if (failure?.name === 'AbortError') return;
      if (failure && index.has(file)) index.setUnreadable(file, `${path.basename(file)} cannot be read: ${failure.message}`);
      this.events.publishFile(file);
      this.events.indexChanged(index.summaries());
    };
    index
      .load(file, {
        ...options,
        signal: controller.signal,
        onProgress: (bytesRead, totalBytes) => {
          const now = Date.now();
          if (now - last < PROGRESS_INTERVAL_MS) return;
          last = now;
          progress(bytesRead, totalBytes);
        },
      })
      .then(
        () => settled(null),
        (e: Error) => settled(e),
      );
  }
}
