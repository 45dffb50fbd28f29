// Annotations → exact character ranges in the trace file's text, through JSON string escapes.
// A marker is placed only where the file still holds the annotated text.
import { messageParts, type Annotation, type Conversation, type Message } from '../../common/schema';
import { decodedToRawOffsets, findValueRange, lineStarts, type JsonPath, type SourceRange } from './jsonSource';

/** JSON path (inside the message) of a message part, as `messageParts` orders them. */
export function partPath(message: Message, partIndex: number): JsonPath | null {
  const part = messageParts(message)[partIndex];
  if (!part) return null;
  if (part.kind === 'tool_call') return ['tool_calls', part.toolCallIndex, 'function', 'arguments'];
  return part.contentIndex === null ? ['content'] : ['content', part.contentIndex, 'text'];
}

export interface FileText {
  text: string;
  /** Start offset of each line; computed once per text. */
  lines: number[];
}

export function fileText(text: string): FileText {
  return { text, lines: lineStarts(text) };
}

/**
 * Range in the file of `annotation` on `conversation` (as currently indexed from this file).
 * Response-level annotations (empty span) cover the whole string value.
 */
export function annotationRange(file: FileText, conversation: Conversation, annotation: Annotation): SourceRange | null {
  const message = conversation.messages[annotation.message_index];
  if (!message) return null;
  const inner = partPath(message, annotation.message_part_index);
  if (!inner) return null;
  const path: JsonPath = [...conversation.sourcePath, 'messages', annotation.message_index, ...inner];
  // JSONL conversations start at their line; a .json file's paths start at the document root.
  const start = isLineBased(conversation) ? (file.lines[conversation.line] ?? -1) : 0;
  if (start < 0) return null;
  const literalRange = findValueRange(file.text, path, start);
  if (!literalRange || file.text[literalRange.start] !== '"') return null;
  const literal = file.text.slice(literalRange.start, literalRange.end);
  let decoded: unknown;
  try {
    decoded = JSON.parse(literal);
  } catch {
    return null;
  }
  if (typeof decoded !== 'string') return null;
  const { start_offset: from, end_offset: to } = annotation;
  if (from === to && annotation.text === '') return literalRange;
  if (from < 0 || to > decoded.length || from > to || decoded.slice(from, to) !== annotation.text) return null;
  const map = decodedToRawOffsets(literal);
  return { start: literalRange.start + map[from]!, end: literalRange.start + map[to]! };
}

/** JSONL conversations are addressed from the start of their line; .json ones from the root. */
export function isLineBased(conversation: Conversation): boolean {
  return /\.jsonl$/i.test(conversation.file);
}
