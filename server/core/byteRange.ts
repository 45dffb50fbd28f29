// Reading bytes [start, end) of an open file as UTF-8: what markers, re-reading a large file's
// records and the `check` scan all do. `readSync` may return fewer bytes than asked; this loops
// until the range is read or the file ends (a file cut short gives what is there).

import * as fs from 'node:fs';

export function readByteRange(fd: number, start: number, end: number): string {
  const buf = Buffer.allocUnsafe(Math.max(0, end - start));
  let got = 0;
  while (got < buf.length) {
    const n = fs.readSync(fd, buf, got, buf.length - got, start + got);
    if (n <= 0) break;
    got += n;
  }
  return buf.toString('utf8', 0, got);
}
