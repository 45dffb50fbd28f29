// Trace files → conversations, with a problem (line, message) for every part that cannot be
// read. A bad conversation never hides the good ones beside it. The formats (OpenAI chat,
// OpenTelemetry GenAI, OpenInference, Langfuse, LangSmith, Opik) live in ./formats.
import type { Conversation, TraceFormat } from '../../common/schema';
import type { FileCoverage, TraceProblem } from '../../common/protocol';
import { TraceFileIndexer, type FormatChoice, type IndexedFile } from './formats/indexer';
import type { InvalidUtf8 } from './formats/utf8Check';

export { KNOWN_ROLES, isRawConversation } from './formats/openai';

/** Largest file read whole into a string (an open document). Larger files are streamed (the server, the CLI). */
export const MAX_TRACE_FILE_BYTES = 512 * 1024 * 1024;

export interface ParsedTraceFile {
  file: string;
  isTrace: boolean;
  conversations: Conversation[];
  problems: TraceProblem[];
  /** The detected (or forced) format; absent when the file is not a trace. */
  format?: TraceFormat;
  /** LLM calls read and left out (absent for a file not indexed). */
  coverage?: FileCoverage;
}

export interface ParseOptions {
  /** Force a format instead of detecting it ('auto' detects). */
  format?: FormatChoice;
  /** Invalid UTF-8 found in the bytes `text` was decoded from (warned as the streamed path does). */
  invalidUtf8?: InvalidUtf8 | null;
}

export function isJsonl(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

/** Indexes a whole text in memory. */
export function indexTraceText(file: string, text: string, displayName = file, options: ParseOptions = {}): IndexedFile {
  const indexer = new TraceFileIndexer({
    file,
    displayName,
    lineBased: isJsonl(file),
    ...(options.format ? { format: options.format } : {}),
    ...(options.invalidUtf8 ? { invalidUtf8: options.invalidUtf8 } : {}),
  });
  indexer.pushText(text);
  return indexer.end();
}

/** `file` is used for ids and messages only; `text` is its content. */
export function parseTraceText(file: string, text: string, displayName = file, options: ParseOptions = {}): ParsedTraceFile {
  const r = indexTraceText(file, text, displayName, options);
  return {
    file,
    isTrace: r.isTrace,
    conversations: r.conversations ?? [],
    problems: r.problems,
    ...(r.format ? { format: r.format } : {}),
    coverage: r.coverage,
  };
}

/** Index of the traced response: the last assistant message, or -1. */
export function tracedResponseIndex(conversation: Pick<Conversation, 'messages'>): number {
  for (let i = conversation.messages.length - 1; i >= 0; i--) if (conversation.messages[i]!.role === 'assistant') return i;
  return -1;
}

/** Plain text of a message's content (parts joined), for previews and grounding. */
export function messageText(content: Conversation['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('\n');
  return '';
}
