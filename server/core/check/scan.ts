// The scan behind `hallucination-lab check`: every conversation of every given trace file, judged
// exactly as a pass-through experiment item is (the same item pipeline and detectors), with each
// finding placed on the trace file's characters the way the editor's markers are. A file of OpenAI
// chat records is judged as it is read, in one pass, keeping nothing per conversation but a hash
// of its id; what is found goes to a sink (a spill file on disk for the CLI). A file of spans is
// read twice: once to learn which trace each span belongs to (a trace's spans may be anywhere in
// it), then trace by trace. Each marked conversation's bytes are read alone to place its findings.
import { readByteRange } from '../byteRange';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Conversation } from '../../../common/schema';
import type { Detector } from '../detectors/detector';
import { judgeTraced } from '../experiments/judgeTraced';
import { refusal } from '../formats/convert';
import type { FormatChoice } from '../formats/indexer';
import { AnchorRangeLocator } from '../markerText';
import { readTraceFile, type ConversationVisitor, type FileHead } from './traceFileReader';
import { SkipBuffer } from './skipBuffer';
import { SeenIds } from './seenIds';
import { conversationFingerprints } from './fingerprint';
import type { CheckedConversation, CheckFinding, FindingSink, SkippedInput } from './findings';
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

/** Scans the files in order; what it judged goes to `into` (a spill file for a large scan). */
export async function scanTraceFiles<T extends FindingSink>(files: readonly string[], options: ScanOptions, into: T): Promise<T> {
  for (const file of files) {
    if (options.signal?.aborted) break;
    await scanFile(path.resolve(options.cwd, file), options, into);
  }
  return into;
}

async function scanFile(abs: string, options: ScanOptions, into: FindingSink): Promise<void> {
  const shown = displayPath(abs, options.cwd);
  const skip = (conversationId: string | null, reason: string) => into.skip({ file: shown, conversationId, reason });
  const unreadable = (e: unknown) =>
    skip(null, `cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch (e) {
    return unreadable(e);
  }
  const counts = { conversations: 0, checked: 0, findings: 0 };
  // Inputs left out are listed after the file is read: its unread LLM calls first, then its
  // conversations that could not be judged — and neither when the file gives no conversation.
  const unreadCalls = new SkipBuffer(into);
  const failed = new SkipBuffer(into);
  // Problems that are errors are said once the file is known to give conversations: before the
  // first is judged (a file of spans), or at its end (an OpenAI chat file, whose problems are known then).
  let head: FileHead | null = null;
  let warned = false;
  const warnProblems = () => {
    if (warned || !head) return;
    warned = true;
    for (const p of head.problems) if (p.severity === 'error') options.warn?.(`${shown}:${p.line + 1}: ${p.message}`);
  };
  let refused = false;
  try {
    const judge = judgeInto(fd, shown, options, into, counts, (s) => failed.add(s));
    const read = await readTraceFile(
      fd,
      abs,
      shown,
      options.format,
      async (conversation, position, id) => {
        warnProblems();
        await judge(conversation, position, id);
      },
      {
        ...(options.signal ? { signal: options.signal } : {}),
        onRead: (h) => void (head = h),
        ...(into.scratchFile ? { scratchFile: () => into.scratchFile!() } : {}),
        // LLM calls of the file that could not be read are left out and named, never counted as clean.
        onUnread: (u) =>
          unreadCalls.add({ file: shown, conversationId: u.spanId, reason: `line ${u.line + 1}: LLM call not read: ${u.reason}` }),
      },
    );
    const { file, size } = read;
    // Why a file gave nothing, in the words `convert` and `run` use (empty, not a trace, LLM calls unread).
    const why = refusal(shown, size === 0, file.isTrace, counts.conversations + file.count, file.coverage);
    refused = why !== undefined;
    if (why) {
      unreadCalls.discard();
      failed.discard();
      skip(null, `not read as a trace file: ${file.problems.find((p) => p.severity === 'error')?.message ?? why}`);
    } else {
      unreadCalls.flushInto(into);
      failed.flushInto(into);
      warnProblems();
    }
  } catch (e) {
    unreadCalls.discard();
    failed.discard();
    return unreadable(e);
  } finally {
    fs.closeSync(fd);
  }
  if (!refused && !options.signal?.aborted) options.onFile?.(shown, counts.checked, counts.findings);
}

/** Judges one conversation, places its findings and hands them to `into`; nothing of it is kept. */
function judgeInto(
  fd: number,
  shown: string,
  options: ScanOptions,
  into: FindingSink,
  counts: { conversations: number; checked: number; findings: number },
  leftOut: (input: SkippedInput) => void,
): ConversationVisitor {
  const readRange = (start: number, end: number): string => readByteRange(fd, start, end);
  const seen = new SeenIds();
  return async (conversation, position, indexedId) => {
    counts.conversations++;
    // A repeated id keeps the first; a later one gets a positional id, as the editor's index gives it.
    let id = indexedId;
    if (seen.add(id)) {
      id = `${shown}#${position + 1}`;
      seen.add(id);
    }
    const skip = (reason: string) => leftOut({ file: shown, conversationId: id, reason });
    if (!conversation) return skip('the conversation could not be read again from the file');
    conversation.id = id;
    const item = await judgeTraced(conversation, options.detectors, options.signal, (m) => options.warn?.(m));
    if (item.status !== 'completed') return skip(item.failure_reason ?? 'could not be judged');
    into.checked++;
    counts.checked++;
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
    counts.findings += findings.length;
    if (findings.length > 0 || options.keepClean) into.add({ id, file: shown, findings } satisfies CheckedConversation);
  };
}

function suppressionOf(
  dismissals: Dismissals | undefined,
  conversation: Conversation,
  annotation: Annotation,
): Pick<CheckFinding, 'suppressed'> {
  const s = dismissals?.suppressionOf(conversation, annotation);
  return s ? { suppressed: s } : {};
}
