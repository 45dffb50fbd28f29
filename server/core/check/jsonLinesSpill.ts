// Values appended one JSON line each to a file, and read back line by line as often as asked: how
// a scan keeps what it found on disk rather than in memory. Lines are gathered into blocks before
// they are written; reading back flushes first.
import * as fs from 'node:fs';

/** Characters of JSON lines gathered before they are written out. */
const WRITE_BUFFER_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

export class JsonLinesSpill<T> {
  private fd: number | null;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Values appended so far. */
  count = 0;

  /** Creates `file` (which must not exist), readable and writable by its owner only. */
  constructor(private readonly file: string) {
    this.fd = fs.openSync(file, 'wx', 0o600);
  }

  add(value: T): void {
    const line = JSON.stringify(value) + '\n';
    this.pending.push(line);
    this.pendingChars += line.length;
    this.count++;
    if (this.pendingChars >= WRITE_BUFFER_CHARS) this.flush();
  }

  /** The values in the order added, read again from the file. */
  *values(): Generator<T> {
    this.flush();
    const fd = fs.openSync(this.file, 'r');
    try {
      let carry: Buffer = Buffer.alloc(0);
      for (let offset = 0; ;) {
        const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        const n = fs.readSync(fd, chunk, 0, READ_CHUNK_BYTES, offset);
        if (n <= 0) break;
        offset += n;
        const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        for (let end = data.indexOf(NEWLINE, start); end >= 0; end = data.indexOf(NEWLINE, start)) {
          yield JSON.parse(data.toString('utf8', start, end)) as T;
          start = end + 1;
        }
        // The unfinished line is copied: the chunk's buffer is not kept alive by it.
        carry = Buffer.from(data.subarray(start));
      }
      if (carry.length) throw new Error(`${this.file}: the spill file ends inside a line`);
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.pending = [];
  }

  private flush(): void {
    if (this.fd === null) throw new Error(`${this.file}: the spill was disposed`);
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }
}
