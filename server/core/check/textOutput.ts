// Writing a document that comes piece by piece (a spilled scan's SARIF, JUnit, JSON) without ever
// holding it whole: gathered into blocks, written to a file synchronously, or to a stream with
// its backpressure honoured (a slow pipe reader must not make the text pile up in memory).
import * as fs from 'node:fs';
import * as path from 'node:path';

const BLOCK_CHARS = 1 << 16;

function* blocks(chunks: Iterable<string>): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= BLOCK_CHARS) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield parts.join('');
}

/** Writes the text to `file` (its folder made when missing), replacing what was there. */
export function writeTextFile(file: string, chunks: Iterable<string>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    for (const block of blocks(chunks)) fs.writeSync(fd, block);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the text to `out`, waiting for it to drain whenever it says its buffer is full. */
export async function writeTextStream(out: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const block of blocks(chunks)) if (out.write(block) === false) await new Promise<void>((resolve) => out.once('drain', resolve));
}
