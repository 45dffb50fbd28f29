// One pass over a trace file for the scan: each conversation is handed over as soon as it is read
// and nothing of it is kept (OpenAI chat records). A file of spans cannot be judged as it is
// read — a trace's spans may be anywhere in the file — so it is indexed (lazily when large: byte
// ranges only), then its conversations are read again one at a time.
import * as fs from 'node:fs';
import type { Conversation } from '../../../common/schema';
import { TraceFileIndexer, type FormatChoice, type IndexedFile } from '../formats/indexer';
import { isProtobufTraceFile, otlpProtobufAsJson } from '../formats/protobufTraceFile';
import { LAZY_INDEX_BYTES } from '../traceIndex';
import { isJsonl } from '../traceParser';

const CHUNK_BYTES = 1 << 20;

/** Called once per conversation, in file order (null when it could not be read again), awaited before the next. */
export type ConversationVisitor = (conversation: Conversation | null, position: number, id: string) => Promise<void>;

export interface ReadTraceFile {
  /** Problems, format and coverage of the file (its `count` leaves out the conversations visited while reading). */
  file: IndexedFile;
  size: number;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called once the whole file is read, before the conversations of a file of spans are visited. */
  onIndexed?(read: ReadTraceFile): void;
}

export async function readTraceFile(
  fd: number,
  file: string,
  displayName: string,
  format: FormatChoice | undefined,
  visit: ConversationVisitor,
  { signal, onIndexed }: ReadOptions = {},
): Promise<ReadTraceFile> {
  const size = fs.fstatSync(fd).size;
  const protobuf = isProtobufTraceFile(file);
  const queue: Conversation[] = [];
  const indexer = new TraceFileIndexer({
    file,
    displayName,
    lineBased: isJsonl(file),
    // A protobuf file is decoded whole: its byte ranges are in the decoded text, not in the file.
    lazy: !protobuf && size > LAZY_INDEX_BYTES,
    keepSummaries: false,
    ...(format ? { format } : {}),
    visit: (c) => queue.push(c),
  });
  let position = 0;
  // Conversations read from the last chunk (a chunk's worth at most) are judged before the next is read.
  const drain = async () => {
    for (let i = 0; i < queue.length && !signal?.aborted; i++) await visit(queue[i]!, position++, queue[i]!.id);
    queue.length = 0;
  };
  if (protobuf) indexer.pushText(otlpProtobufAsJson(fs.readFileSync(fd)));
  else
    for (let offset = 0; !signal?.aborted;) {
      // A fresh buffer per chunk: records spanning chunks keep references to earlier ones.
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = fs.readSync(fd, buf, 0, CHUNK_BYTES, offset);
      if (n <= 0) break;
      offset += n;
      indexer.push(buf.subarray(0, n));
      await drain();
    }
  const indexed = indexer.end();
  await drain();
  onIndexed?.({ file: indexed, size });
  // Span formats: the conversations assembled from the whole file, read again one at a time.
  for (let p = 0; p < indexed.count && !signal?.aborted; p++) await visit(indexed.materialize(p), position++, indexed.idAt(p));
  return { file: indexed, size };
}
