// The workspace file what the receiver accepts is appended to: one OTLP/JSON export request per
// line (the collector file exporter's format, which the indexer reads), a new file each UTC day and
// whenever the current one would pass a size limit. Appends are serialized so lines never
// interleave, and each is handed to the OS before the request is answered: a crash of this process
// afterwards loses nothing that was acknowledged.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Where one appended line is: live detection reads a trace's lines alone, not the whole file. */
export interface WrittenLine {
  file: string;
  offset: number;
  bytes: number;
  /** 0-based line number in the file (where the editor shows it). */
  line: number;
}

export interface LiveTraceFileOptions {
  folder: string;
  /** File name prefix: `traces` gives traces-2026-12-03.jsonl, then traces-2026-12-03.1.jsonl… */
  prefix: string;
  maxFileBytes?: number;
  now?: () => Date;
}

interface OpenFile {
  day: string;
  file: string;
  fd: number;
  size: number;
  /** Lines already in the file: the next append's line number. */
  lines: number;
}

export class LiveTraceFile {
  private readonly maxBytes: number;
  private readonly now: () => Date;
  private current: OpenFile | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LiveTraceFileOptions) {
    this.maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  /** Appends one JSON value as a line; resolves with where it went once written. */
  append(value: unknown): Promise<WrittenLine> {
    const line = Buffer.from(JSON.stringify(value) + '\n');
    const done = this.queue.then(() => this.write(line));
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** Waits for the appends already asked for, then closes the file. */
  async close(): Promise<void> {
    await this.queue;
    if (this.current) fs.closeSync(this.current.fd);
    this.current = null;
  }

  private write(line: Buffer): WrittenLine {
    const target = this.target(line.length);
    const at = target.size;
    let offset = 0;
    while (offset < line.length) offset += fs.writeSync(target.fd, line, offset, line.length - offset);
    target.size += line.length;
    return { file: target.file, offset: at, bytes: line.length, line: target.lines++ };
  }

  private target(bytes: number): OpenFile {
    const day = this.now().toISOString().slice(0, 10);
    const c = this.current;
    if (c && c.day === day && (c.size === 0 || c.size + bytes <= this.maxBytes)) return c;
    if (c) fs.closeSync(c.fd);
    fs.mkdirSync(this.options.folder, { recursive: true });
    // The first file of the day that still has room: a restart goes on appending to it.
    for (let n = 0; ; n++) {
      const file = path.join(this.options.folder, `${this.options.prefix}-${day}${n ? `.${n}` : ''}.jsonl`);
      const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
      if (size > 0 && size + bytes > this.maxBytes) continue;
      const fd = fs.openSync(file, 'a');
      const scanned = size ? scanLines(file) : { newlines: 0, endsWithNewline: true };
      // A line cut short by a crash mid-write is ended first: the next request starts a line of its own.
      if (!scanned.endsWithNewline) fs.writeSync(fd, '\n');
      const ended = scanned.endsWithNewline ? 0 : 1;
      this.current = { day, file, fd, size: size + ended, lines: scanned.newlines + ended };
      return this.current;
    }
  }
}

/** The newlines of a file appended to after a restart, counted once, a chunk at a time. */
function scanLines(file: string): { newlines: number; endsWithNewline: boolean } {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    let newlines = 0;
    let last = 0x0a;
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) {
      for (let at = buf.indexOf(0x0a); at !== -1 && at < n; at = buf.indexOf(0x0a, at + 1)) newlines++;
      last = buf[n - 1]!;
    }
    return { newlines, endsWithNewline: last === 0x0a };
  } finally {
    fs.closeSync(fd);
  }
}
