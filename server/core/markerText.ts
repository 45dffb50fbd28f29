// Markers on a large trace file without reading the file: each annotation is placed in the bytes
// of its conversation's anchor alone (the index keeps every anchor's byte range), and the range
// found there is shifted to the anchor's line and character in the file. Only the conversations
// that carry markers are read, each anchor once.
import type { Annotation, Conversation, SourceAnchor } from '../../common/schema';
import { annotationRange, fileText, originOf, type FileText } from './markers';
import type { Range } from './annotationLookup';

/** Reads bytes [start, end) of the trace file as UTF-8; null when it cannot be read. */
export type ByteRangeReader = (start: number, end: number) => string | null;

/** Anchor texts kept: annotations of one conversation, and conversations of one record, come together. */
const KEPT_ANCHOR_TEXTS = 8;

/** Places annotations of the conversations of one file from their anchors' byte ranges. */
export class AnchorRangeLocator {
  /**
   * The last anchor texts read, by byte start (least recent first): conversations of one record
   * (spans of a trace) share one. Few are kept, so that a pass over a large file holds a few
   * records, not all it has read.
   */
  private readonly texts = new Map<number, FileText | null>();

  constructor(private readonly read: ByteRangeReader) {}

  /**
   * Where `annotation` is in the file, or null when it cannot be placed: no byte range for its
   * anchor (indexed from memory), the bytes cannot be read, or they no longer hold the text.
   */
  range(conversation: Conversation, annotation: Annotation): Range | null {
    const origin = originOf(conversation, annotation);
    const anchors = conversation.anchors;
    const anchor = origin ? anchors?.[origin.anchor] : undefined;
    if (!origin || !anchors || !anchor || anchor.byteStart === undefined || anchor.byteEnd === undefined) return null;
    const text = this.textOf(anchor.byteStart, anchor.byteEnd);
    if (!text) return null;
    // The same conversation seen from inside the slice: its anchor at the slice's start.
    const inSlice: Conversation = {
      id: conversation.id,
      file: conversation.file,
      line: 0,
      position: conversation.position,
      sourcePath: [],
      messages: conversation.messages,
      tools: conversation.tools,
      anchors: anchors.map((a, i) => (i === origin.anchor ? { path: [], line: 0, character: 0 } : a)),
      ...(conversation.partOrigins ? { partOrigins: conversation.partOrigins } : {}),
    };
    const r = annotationRange(text, inSlice, annotation);
    if (!r) return null;
    return { start: filePosition(anchor, text, r.start), end: filePosition(anchor, text, r.end) };
  }

  private textOf(start: number, end: number): FileText | null {
    let text = this.texts.get(start);
    if (text === undefined) {
      const read = end >= start ? this.read(start, end) : null;
      text = read === null ? null : fileText(read);
      if (this.texts.size >= KEPT_ANCHOR_TEXTS) this.texts.delete(this.texts.keys().next().value!);
    } else this.texts.delete(start); // re-inserted below as the most recent
    this.texts.set(start, text);
    return text;
  }
}

/** Line and character in the file of `offset` in the slice that starts at `anchor`. */
export function filePosition(
  anchor: Pick<SourceAnchor, 'line' | 'character'>,
  slice: FileText,
  offset: number,
): { line: number; character: number } {
  let lo = 0;
  let hi = slice.lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (slice.lines[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const line = lo; // the last line start at or before `offset`
  const character = offset - slice.lines[line]!;
  return line === 0 ? { line: anchor.line, character: anchor.character + character } : { line: anchor.line + line, character };
}
