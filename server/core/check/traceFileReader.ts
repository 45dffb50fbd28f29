// One pass over a trace file for the scan: each conversation is handed over as soon as it is read
// and nothing of it is kept (OpenAI chat records). A file of spans cannot be judged as it is
// read — a trace's spans may be anywhere in the file — so the first pass keeps only which trace
// each span belongs to and where its record is (numbers in typed arrays), then a second pass
// reads the traces again one at a time and hands over their conversations (spanTraceReader.ts).
import * as fs from 'node:fs';
import type { Conversation } from '../../../common/schema';
import type { FileCoverage } from '../../../common/protocol';
import { readByteRange } from '../byteRange';
import { TraceFileIndexer, type FormatChoice, type IndexedFile } from '../formats/indexer';
import { protobufTracesToJsonFile } from '../formats/protobufJsonFile';
import { isProtobufTraceFile, otlpProtobufAsJson } from '../formats/protobufTraceFile';
import { LAZY_INDEX_BYTES } from '../traceIndex';
import { isJsonl } from '../traceParser';
import { spanFileConversations, type SpanFileCoverage, type UnreadCall } from './spanTraceReader';
import { TraceMembership } from './traceMembership';

const CHUNK_BYTES = 1 << 20;

/** Called once per conversation, in file order, awaited before the next. */
export type ConversationVisitor = (conversation: Conversation | null, position: number, id: string) => Promise<void>;

/** What the file as a whole is, once read through. */
export type FileHead = Pick<IndexedFile, 'isTrace' | 'problems' | 'format'>;

export interface ReadTraceFile {
  /**
   * Problems, format and coverage of the file; `count` is the conversations kept in the index
   * (none: every conversation is visited while reading), `coverage.unread` each reason once.
   */
  file: FileHead & { count: number; coverage: FileCoverage };
  size: number;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called once the file was read through: before the conversations of a file of spans are visited, after an OpenAI chat file's were. */
  onRead?(head: FileHead): void;
  /** Each LLM call that became no conversation, with why, as it is met. */
  onUnread?(call: UnreadCall): void;
  /** A new path in a private folder (a protobuf file's OTLP/JSON text goes there rather than in memory). */
  scratchFile?(): string;
}

export async function readTraceFile(
  fd: number,
  file: string,
  displayName: string,
  format: FormatChoice | undefined,
  visit: ConversationVisitor,
  { signal, onRead, onUnread, scratchFile }: ReadOptions = {},
): Promise<ReadTraceFile> {
  const size = fs.fstatSync(fd).size;
  const protobuf = isProtobufTraceFile(file);
  const queue: Conversation[] = [];
  const membership = new TraceMembership();
  const indexer = new TraceFileIndexer({
    file,
    displayName,
    lineBased: isJsonl(file),
    lazy: !protobuf && size > LAZY_INDEX_BYTES,
    keepSummaries: false,
    ...(format ? { format } : {}),
    visit: (c) => queue.push(c),
    onSpan: (s) => membership.add(s),
  });
  let position = 0;
  // Conversations read from the last chunk (a chunk's worth at most) are judged before the next is read.
  const drain = async () => {
    for (let i = 0; i < queue.length && !signal?.aborted; i++) await visit(queue[i]!, position++, queue[i]!.id);
    queue.length = 0;
  };
  // A protobuf file is read as its OTLP/JSON text: written to a scratch file one resource entry at a
  // time when the sink gives one (its spans are read again from there), else decoded whole in memory.
  let decoded: Buffer | null = null;
  let textFd = fd;
  let scratch: string | null = null;
  try {
    if (protobuf) {
      scratch = scratchFile?.() ?? null;
      if (scratch !== null && protobufTracesToJsonFile(fd, scratch)) textFd = fs.openSync(scratch, 'r');
      else decoded = Buffer.from(otlpProtobufAsJson(fs.readFileSync(fd)), 'utf8');
    }
    if (decoded) indexer.push(decoded);
    else
      for (let offset = 0; !signal?.aborted;) {
        // A fresh buffer per chunk: records spanning chunks keep references to earlier ones.
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        const n = fs.readSync(textFd, buf, 0, CHUNK_BYTES, offset);
        if (n <= 0) break;
        offset += n;
        indexer.push(buf.subarray(0, n));
        await drain();
      }
    return await visitSpans();
  } finally {
    if (textFd !== fd) fs.closeSync(textFd);
    if (scratch !== null) fs.rmSync(scratch, { force: true });
  }

  async function visitSpans(): Promise<ReadTraceFile> {
    const indexed = indexer.end();
    await drain();
    const head: FileHead = { isTrace: indexed.isTrace, problems: indexed.problems, format: indexed.format };
    onRead?.(head);
    const source = indexer.spanSource();
    if (!source || signal?.aborted) return { file: { ...head, count: indexed.count, coverage: indexed.coverage }, size };

    // Spans: their traces read again one at a time (the record table is kept meanwhile: without room to grow).
    source.records.trim();
    const coverage: SpanFileCoverage = { llmCalls: 0, read: 0, reasons: new Set() };
    const readRange = decoded
      ? (start: number, end: number) => decoded.toString('utf8', start, end)
      : (start: number, end: number) => readByteRange(textFd, start, end);
    const conversations = spanFileConversations(
      { source, file, displayName, readRange, onUnread: (u) => onUnread?.(u) },
      membership,
      coverage,
    );
    for (const c of conversations) {
      if (signal?.aborted) break;
      const p = position++;
      await visit({ ...c, position: p }, p, c.id);
    }
    const unread = [...coverage.reasons].map((reason) => ({ spanId: null, line: 0, reason }));
    return { file: { ...head, count: 0, coverage: { llmCalls: coverage.llmCalls, read: coverage.read, unread } }, size };
  }
}
