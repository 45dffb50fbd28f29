// Where a scan puts what it found, so that its memory does not grow with the file: each judged
// conversation (with its findings, or clean when JUnit lists every one) is appended as one JSON
// line to a file in a private folder of the system's temporary directory, and read back line by
// line, as often as the writers ask. The folder is removed by `dispose` (and when the process exits).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CheckedConversation, CheckFindings, SkippedInput } from './findings';

/** Characters of JSON lines gathered before they are written out. */
const WRITE_BUFFER_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

export class FindingSpill implements CheckFindings {
  checked = 0;
  readonly skipped: SkippedInput[] = [];
  private readonly dir: string;
  private readonly file: string;
  private fd: number | null;
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly removeOnExit = () => this.dispose();

  constructor() {
    // mkdtemp makes a folder only this user can enter, with an unguessable name.
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallucination-lab-check-'));
    this.file = path.join(this.dir, 'conversations.jsonl');
    this.fd = fs.openSync(this.file, 'wx', 0o600);
    process.once('exit', this.removeOnExit);
  }

  add(conversation: CheckedConversation): void {
    const line = JSON.stringify(conversation) + '\n';
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= WRITE_BUFFER_CHARS) this.flush();
  }

  /** The conversations in the order added, read again from the spill file. */
  *conversations(): Generator<CheckedConversation> {
    this.flush();
    const fd = fs.openSync(this.file, 'r');
    try {
      let carry: Buffer = Buffer.alloc(0);
      for (;;) {
        const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        const n = fs.readSync(fd, chunk, 0, READ_CHUNK_BYTES, null);
        if (n <= 0) break;
        const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        for (let end = data.indexOf(NEWLINE, start); end >= 0; end = data.indexOf(NEWLINE, start)) {
          yield JSON.parse(data.toString('utf8', start, end)) as CheckedConversation;
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

  /** Closes and removes the spill file and its folder; safe to call more than once. */
  dispose(): void {
    process.removeListener('exit', this.removeOnExit);
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.pending = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.fd === null) throw new Error('the findings spill was disposed');
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }
}
