// `--baseline previous.sarif`: the fingerprints of a previous SARIF log, read as a stream. A log of
// a large scan can be hundreds of megabytes; only its results are parsed, one at a time, and only
// their fingerprints are kept (a Set of 32-character strings: about 80 bytes of heap per result).
import * as fs from 'node:fs';
import type { Result } from 'sarif';
import { FINGERPRINT_KEY } from './fingerprint';
import { JsonSplitter, type Plan } from '../formats/splitter';

const CHUNK_BYTES = 1 << 20;
const NOT_SARIF = 'not a SARIF log: it has no "runs" array';

/** Fingerprints held by the SARIF log in `file`; throws with the reason when it is not a whole SARIF log. */
export function baselineFingerprintsOfFile(file: string): Set<string> {
  const out = new Set<string>();
  let sawRuns = false;
  const plan: Plan = (path, kind) => {
    if (path.length === 0) return kind === 'object' ? 'descend' : 'skip';
    if (path[0] !== 'runs') return 'skip';
    if (path.length === 1) {
      sawRuns ||= kind === 'array';
      return kind === 'array' ? 'descend' : 'skip';
    }
    if (path.length === 2) return kind === 'object' ? 'descend' : 'skip';
    if (path[2] !== 'results') return 'skip';
    if (path.length === 3) return kind === 'array' ? 'descend' : 'skip';
    return path.length === 4 ? 'record' : 'skip';
  };
  let problem: string | null = null;
  const splitter = new JsonSplitter(plan, {
    value: (v) => {
      const fp = (v.value as Partial<Result> | null)?.partialFingerprints?.[FINGERPRINT_KEY];
      if (typeof fp === 'string') out.add(fp);
    },
    problem: (_at, message, severity) => {
      if (severity === 'error') problem ??= message;
    },
  });
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk: a result spanning chunks keeps references to earlier ones.
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n <= 0) break;
      splitter.push(chunk.subarray(0, n));
      if (problem) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (!problem) splitter.end();
  if (problem) throw new Error(problem);
  if (!sawRuns) throw new Error(NOT_SARIF);
  return out;
}
