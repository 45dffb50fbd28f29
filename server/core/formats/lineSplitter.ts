// Streaming JSONL without holding the file whole: complete lines cut from byte chunks, each with
// its line number and byte range (a leading BOM and a trailing \r dropped).

/** JSONL: complete lines (without the newline and a trailing \r), with their byte ranges. */
export class LineSplitter {
  private carry: Uint8Array[] = [];
  private carryStart = 0;
  private base = 0;
  private line = 0;
  private started = false;

  constructor(private readonly onLine: (text: string, line: number, byteStart: number, byteEnd: number) => void) {}

  push(chunk: Uint8Array): void {
    let from = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
      this.carryStart = from;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      let start: number;
      let text: string;
      if (this.carry.length) {
        this.carry.push(chunk.subarray(from, nl));
        const all = Buffer.concat(this.carry);
        text = decode(all, 0, all.length);
        start = this.carryStart;
        this.carry = [];
      } else {
        text = decode(chunk, from, nl);
        start = this.base + from;
      }
      this.onLine(text, this.line++, start, this.base + nl);
      from = nl + 1;
      this.carryStart = this.base + from;
    }
    if (from < chunk.length) {
      if (this.carry.length === 0) this.carryStart = this.base + from;
      this.carry.push(chunk.subarray(from));
    }
    this.base += chunk.length;
  }

  end(): void {
    if (this.carry.length) {
      const all = Buffer.concat(this.carry);
      this.carry = [];
      this.onLine(decode(all, 0, all.length), this.line++, this.carryStart, this.base);
    }
  }
}

function decode(buf: Uint8Array, from: number, to: number): string {
  if (to > from && buf[to - 1] === 0x0d) to--;
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('utf8');
}
