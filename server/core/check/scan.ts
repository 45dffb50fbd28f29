// The scan behind `hallucination-lab check`: every conversation of every given trace file, judged
// exactly as a pass-through experiment item is (the same item pipeline and detectors), with each
// finding placed on the trace file's characters the way the editor's markers are. Files are
// streamed through the index (large ones lazily) and each marked conversation's bytes are read
// alone, so memory stays bounded by the findings, not by the files.
import { readByteRange } from '../byteRange';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Conversation } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { judgeTraced } from '../experiments/judgeTraced';
import { refusal } from '../formats/convert';
import type { FormatChoice } from '../formats/indexer';
import { AnchorRangeLocator } from '../markerText';
import { TraceIndex } from '../traceIndex';
import { conversationFingerprints } from './fingerprint';
import type { CheckedConversation, CheckFinding, CheckResult, SkippedInput } from './findings';
import { regionOf } from './experimentFindings';
import type { Dismissals } from './dismissals';
import type { Annotation } from '../../../common/schema';

export interface ScanOptions {
  detectors: readonly Detector[];
  /** Paths in the result are relative to this folder, with forward slashes. */
  cwd: string;
  format?: FormatChoice;
  /** Keep conversations without findings too (JUnit lists every conversation). */
  keepClean?: boolean;
  /** Fingerprints of a baseline: findings among them are reported but not counted. */
  baseline?: ReadonlySet<string>;
  /** Findings people dismissed in reviews: reported as suppressed, not counted. */
  dismissals?: Dismissals;
  signal?: AbortSignal;
  warn?(message: string): void;
  /** Called after each file, with what it added. */
  onFile?(file: string, conversations: number, findings: number): void;
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

export async function scanTraceFiles(files: readonly string[], options: ScanOptions): Promise<CheckResult> {
  const result: CheckResult = { checked: 0, conversations: [], skipped: [] };
  for (const file of files) {
    if (options.signal?.aborted) break;
    await scanFile(path.resolve(options.cwd, file), options, result);
  }
  return result;
}

async function scanFile(abs: string, options: ScanOptions, result: CheckResult): Promise<void> {
  const shown = displayPath(abs, options.cwd);
  const skip = (conversationId: string | null, reason: string): void => {
    result.skipped.push({ file: shown, conversationId, reason } satisfies SkippedInput);
  };
  const index = new TraceIndex((f) => displayPath(f, options.cwd));
  let parsed;
  try {
    // No listing rows: a scan never lists, and rows (previews of every conversation) would grow with the file.
    parsed = await index.load(abs, { listing: false, ...(options.format ? { format: options.format } : {}) });
  } catch (e) {
    return skip(null, `cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const count = index.count(abs);
  // Why a file gave nothing, in the words `convert` and `run` use (empty, not a trace, LLM calls unread).
  const refused = refusal(shown, fs.statSync(abs).size === 0, parsed.isTrace, count, parsed.coverage);
  if (refused) return skip(null, `not read as a trace file: ${parsed.problems.find((p) => p.severity === 'error')?.message ?? refused}`);
  // LLM calls of the file that could not be read are left out and named, never counted as clean.
  for (const u of parsed.coverage?.unread ?? []) skip(u.spanId, `line ${u.line + 1}: LLM call not read: ${u.reason}`);
  for (const p of parsed.problems) if (p.severity === 'error') options.warn?.(`${shown}:${p.line + 1}: ${p.message}`);

  const fd = fs.openSync(abs, 'r');
  const before = { checked: result.checked, findings: result.conversations.reduce((n, c) => n + c.findings.length, 0) };
  try {
    const readRange = (start: number, end: number): string => readByteRange(fd, start, end);
    for (let position = 0; position < count; position++) {
      if (options.signal?.aborted) return;
      const id = index.idAt(abs, position);
      const conversation = id === undefined ? undefined : index.get(id);
      if (!id || !conversation) {
        skip(id ?? null, 'the conversation could not be read again from the file');
        continue;
      }
      const item = await judgeTraced(conversation, options.detectors, options.signal, (m) => options.warn?.(m));
      if (item.status !== 'completed') {
        skip(id, item.failure_reason ?? 'could not be judged');
        continue;
      }
      result.checked++;
      const fingerprints = conversationFingerprints(id, item.annotations);
      // A locator per conversation: it keeps the anchor texts it read, which must not add up over a large file.
      const locator = new AnchorRangeLocator(readRange);
      const findings: CheckFinding[] = item.annotations.map((annotation, i) => ({
        annotation,
        region: regionOf(locator.range(conversation, annotation)),
        fingerprint: fingerprints[i]!,
        inBaseline: options.baseline?.has(fingerprints[i]!) ?? false,
        ...suppressionOf(options.dismissals, conversation, annotation),
      }));
      if (findings.length > 0 || options.keepClean) result.conversations.push({ id, file: shown, findings } satisfies CheckedConversation);
    }
  } finally {
    fs.closeSync(fd);
  }
  const findings = result.conversations.reduce((n, c) => n + c.findings.length, 0) - before.findings;
  options.onFile?.(shown, result.checked - before.checked, findings);
}

function suppressionOf(
  dismissals: Dismissals | undefined,
  conversation: Conversation,
  annotation: Annotation,
): Pick<CheckFinding, 'suppressed'> {
  const s = dismissals?.suppressionOf(conversation, annotation);
  return s ? { suppressed: s } : {};
}
