// Annotations → exact character ranges in the trace file's text, through JSON string escapes —
// also through JSON held in a string held in a string (converted formats: see `partOrigins`).
// A marker is placed only where the file still holds the annotated text.
import { readByteRange } from './byteRange';
import * as fs from 'node:fs';
import {
  messageParts,
  partOriginKey,
  type Annotation,
  type Conversation,
  type Message,
  type PartOrigin,
  type SourceAnchor,
} from '../../common/schema';
import { decodeStringLiteral, literalOffsets, outerOffsets, type Level } from './json/escapes';
import { lineOf, lineStarts } from './json/lines';
import { findValueRange, type JsonPath } from './json/locate';
import type { SourceRange } from './json/scan';

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

/** JSONL conversations are addressed from the start of their line; .json ones from the root. */
export function isLineBased(conversation: Pick<Conversation, 'file'>): boolean {
  return /\.(jsonl|ndjson)$/i.test(conversation.file);
}

/**
 * Range in the file of `annotation` on `conversation` (as currently indexed from this file).
 * Response-level annotations (empty span) cover the whole value.
 */
export function annotationRange(file: FileText, conversation: Conversation, annotation: Annotation): SourceRange | null {
  const origin = originOf(conversation, annotation);
  if (!origin) return null;
  const anchor = conversation.anchors?.[origin.anchor];
  const lineBased = isLineBased(conversation);
  const start = anchor ? anchorOffset(file, anchor) : -1;
  if (start >= 0) {
    const located = locate(file.text, start, origin);
    const r = located && annotationIn(located, annotation);
    if (r) return r;
  }
  // The anchor does not hold it (the file was edited since): the path from the top of the line or file.
  const rootPath: JsonPath = anchor ? [...anchor.path, ...origin.path] : [...conversation.sourcePath, ...origin.path];
  const line = anchor ? anchor.line : conversation.line;
  const from = lineBased ? (file.lines[line] ?? -1) : 0;
  if (from < 0) return null;
  const located = locate(file.text, from, { ...origin, path: rootPath });
  return located ? annotationIn(located, annotation) : null;
}

/**
 * The located value of one message part in the file (its text and the levels of JSON it sits in),
 * found as markers find it: from its anchor, else by its path from the top of the line or file.
 */
export function locatePart(
  file: FileText,
  conversation: Conversation,
  part: Pick<Annotation, 'message_index' | 'message_part_index'>,
): Located | null {
  const origin = originOf(conversation, part);
  if (!origin) return null;
  const anchor = conversation.anchors?.[origin.anchor];
  const start = anchor ? anchorOffset(file, anchor) : -1;
  const located = start >= 0 ? locate(file.text, start, origin) : null;
  if (located) return located;
  const rootPath: JsonPath = anchor ? [...anchor.path, ...origin.path] : [...conversation.sourcePath, ...origin.path];
  const from = isLineBased(conversation) ? (file.lines[anchor ? anchor.line : conversation.line] ?? -1) : 0;
  return from < 0 ? null : locate(file.text, from, { ...origin, path: rootPath });
}

/** Like `annotationRange`, reading only the conversation's part of the file from disk (large files). */
export function annotationPositionFromDisk(
  path: string,
  conversation: Conversation,
  annotation: Annotation,
): { start: { line: number; character: number }; end: { line: number; character: number } } | null {
  const origin = originOf(conversation, annotation);
  const anchor = origin ? conversation.anchors?.[origin.anchor] : undefined;
  if (!origin || !anchor || anchor.byteStart === undefined || anchor.byteEnd === undefined) return null;
  let text: string;
  try {
    const fd = fs.openSync(path, 'r');
    try {
      text = readByteRange(fd, anchor.byteStart, anchor.byteEnd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const located = locate(text, 0, origin);
  const r = located && annotationIn(located, annotation);
  if (!r) return null;
  const lines = lineStarts(text);
  const pos = (o: number) => {
    const l = lineOf(lines, o);
    return { line: anchor.line + l, character: l === 0 ? anchor.character + o : o - lines[l]! };
  };
  return { start: pos(r.start), end: pos(r.end) };
}

/** The origin of the annotated part: explicit for converted formats, implicit for OpenAI ones. */
export function originOf(
  conversation: Conversation,
  annotation: Pick<Annotation, 'message_index' | 'message_part_index'>,
): PartOrigin | null {
  const message = conversation.messages[annotation.message_index];
  if (!message) return null;
  if (conversation.partOrigins)
    return conversation.partOrigins[partOriginKey(annotation.message_index, annotation.message_part_index)] ?? null;
  const inner = partPath(message, annotation.message_part_index);
  if (!inner) return null;
  return { anchor: 0, path: ['messages', annotation.message_index, ...inner] };
}

/** Offset of an anchor in the text, when a value starts there (else -1). */
function anchorOffset(file: FileText, anchor: SourceAnchor): number {
  const lineStart = file.lines[anchor.line];
  if (lineStart === undefined) return -1;
  let o = lineStart + anchor.character;
  if (anchor.line === 0 && file.text.charCodeAt(0) === 0xfeff) o++;
  const c = file.text[o];
  return c === '{' || c === '[' || c === '"' ? o : -1;
}

export interface Located {
  levels: Level[];
  /** The part's text (decoded string, or the raw JSON source of the value). */
  decoded: string;
  raw: boolean;
}

/** Follows an origin from `start` in `text` through each level of JSON-in-a-string. */
export function locate(
  text: string,
  start: number,
  origin: { path: JsonPath; nested?: readonly JsonPath[] | undefined; raw?: boolean | undefined },
): Located | null {
  let r = findValueRange(text, origin.path, start);
  if (!r) return null;
  const levels: Level[] = [{ text, range: r }];
  for (const path of origin.nested ?? []) {
    const inner = decodeLiteral(levels[levels.length - 1]!);
    if (inner === null) return null;
    r = findValueRange(inner, path, 0);
    if (!r) return null;
    levels.push({ text: inner, range: r });
  }
  const last = levels[levels.length - 1]!;
  if (origin.raw) return { levels, decoded: last.text.slice(last.range.start, last.range.end), raw: true };
  const decoded = decodeLiteral(last);
  return decoded === null ? null : { levels, decoded, raw: false };
}

/** The string the literal at `level.range` decodes to (null when the value there is not a string). */
function decodeLiteral(level: Level): string | null {
  return decodeStringLiteral(level.text.slice(level.range.start, level.range.end));
}

function annotationIn(located: Located, annotation: Annotation): SourceRange | null {
  const { start_offset: from, end_offset: to } = annotation;
  const levels = located.levels;
  const last = levels[levels.length - 1]!;
  let a: number;
  let b: number;
  if (from === to && annotation.text === '') {
    a = last.range.start;
    b = last.range.end;
  } else {
    if (from < 0 || to > located.decoded.length || from > to || located.decoded.slice(from, to) !== annotation.text) return null;
    if (located.raw) {
      a = last.range.start + from;
      b = last.range.start + to;
    } else {
      [a, b] = literalOffsets(last, [from, to]) as [number, number];
    }
  }
  // Up through the enclosing levels: offsets in a decoded string → offsets in its literal.
  [a, b] = outerOffsets(levels, [a, b]) as [number, number];
  return { start: a, end: b };
}
