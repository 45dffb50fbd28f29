// Reading the store's JSON-lines files (items.jsonl, conversations.jsonl) back as a stream of
// chunks, with warnings for over-long, invalid and torn lines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { O_NOFOLLOW } from './durableFiles';

/** Longest stored line read back (a line is one item or conversation; stored responses are capped far below). */
export const MAX_STORED_LINE_BYTES = 256 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads JSON lines as a stream of chunks, never the whole file as one string (a store of several
 * hundred MB would exceed the longest string V8 can make, and the experiment would vanish). A
 * line longer than MAX_STORED_LINE_BYTES is skipped with a warning; a torn last line (a crash
 * mid-write) is dropped with a warning.
 */
export function readJsonLines(file: string, warnings: string[], onValue: (value: unknown, where: string) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  // A line that is not JSON is reported once the next line shows whether it was the last.
  let unparsed: string | null = null;
  let lineNo = 0;
  /** `bytes` null: the line was longer than the cap (its bytes were not kept). */
  const onLine = (bytes: Buffer | null) => {
    lineNo++;
    const where = `${path.basename(file)}:${lineNo}`;
    if (bytes === null) {
      if (unparsed) warnings.push(`${unparsed}: not valid JSON; skipped`);
      unparsed = null;
      warnings.push(`${where}: longer than ${MAX_STORED_LINE_BYTES / (1024 * 1024)} MiB; skipped`);
      return;
    }
    const line = bytes.toString('utf8');
    if (line.trim() === '') return;
    if (unparsed) warnings.push(`${unparsed}: not valid JSON; skipped`);
    unparsed = null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      unparsed = where;
      return;
    }
    onValue(value, where);
  };
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    // The current line's bytes so far (chunks), and their length; past the cap only counted.
    let parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n <= 0) break;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        const end = nl < 0 || nl >= n ? n : nl;
        if (length + (end - from) <= MAX_STORED_LINE_BYTES) parts.push(Buffer.from(chunk.subarray(from, end)));
        else parts = [];
        length += end - from;
        if (end === n) break;
        onLine(length > MAX_STORED_LINE_BYTES ? null : Buffer.concat(parts));
        parts = [];
        length = 0;
        from = end + 1;
      }
    }
    if (length > 0) onLine(length > MAX_STORED_LINE_BYTES ? null : Buffer.concat(parts));
  } finally {
    fs.closeSync(fd);
  }
  if (unparsed) warnings.push(`${unparsed}: incomplete last line (interrupted write) dropped`);
}
