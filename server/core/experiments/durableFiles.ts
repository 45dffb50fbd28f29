// Durable file primitives of the experiment store: whole writes, writes flushed to disk before
// close, folder syncs after a rename, never through a final symbolic link, and cutting a torn
// last line before appending.
import * as fs from 'node:fs';

export const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Writes, flushes and closes a new file (`flag` 'w' or 'wx'), never through a symbolic link. */
export function writeFileDurable(file: string, text: string, flag: 'w' | 'wx' = 'w'): void {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | O_NOFOLLOW | (flag === 'wx' ? fs.constants.O_EXCL : fs.constants.O_TRUNC);
  const fd = fs.openSync(file, flags, 0o644);
  try {
    writeAll(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not supported on every platform (Windows); the rename is still atomic */
  }
}

/**
 * Cuts a torn last line (a crash mid-write: bytes after the last newline) off before appending,
 * so that the next snapshot starts on a line of its own. The load that came before already
 * reported the torn line.
 */
export function cutTornTail(fd: number): void {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = fs.readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      const keep = start + at + 1;
      if (keep < size) fs.ftruncateSync(fd, keep);
      return;
    }
    end = start;
  }
  fs.ftruncateSync(fd, 0);
}

/**
 * Appends one line to `file` (created when missing, never through a symbolic link) and flushes it
 * to disk before returning; a torn last line a crash left is cut off first.
 */
export function appendLineDurable(file: string, line: string): void {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW, 0o644);
  try {
    cutTornTail(fd);
    writeAll(fd, line.endsWith('\n') ? line : line + '\n');
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
