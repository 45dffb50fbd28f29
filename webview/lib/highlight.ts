// Splits a message part's text into segments by the annotations that cover them, so that the
// hallucinated characters can be marked. Offsets are UTF-16 indices into
// messageParts(message)[message_part_index].text — the same string the detectors saw.
import type { Annotation, Message, MessagePart } from '../../common/schema';
import { messageParts } from '../../common/schemaValues';

export interface Segment {
  text: string;
  start: number;
  end: number;
  /** Indices (into the annotation list given) of the annotations covering this segment. */
  covering: number[];
  /** A zero-length annotation (e.g. a missing parameter): a caret at `start`. */
  caret?: boolean;
}

interface Range {
  start: number;
  end: number;
}

/** Clamps an annotation's offsets to the text; null when it cannot be placed at all. */
export function clampRange(a: { start_offset: number; end_offset: number }, length: number): Range | null {
  if (!Number.isFinite(a.start_offset) || !Number.isFinite(a.end_offset)) return null;
  const start = Math.max(0, Math.min(length, Math.floor(a.start_offset)));
  const end = Math.max(start, Math.min(length, Math.floor(a.end_offset)));
  if (a.start_offset > length) return null;
  return { start, end };
}

export function segmentText(text: string, annotations: readonly { start_offset: number; end_offset: number }[]): Segment[] {
  const ranges = annotations.map((a) => clampRange(a, text.length));
  const bounds = new Set<number>([0, text.length]);
  for (const r of ranges) if (r) bounds.add(r.start).add(r.end);
  const points = [...bounds].sort((a, b) => a - b);
  const carets = new Map<number, number[]>();
  ranges.forEach((r, i) => {
    if (r && r.start === r.end) carets.set(r.start, [...(carets.get(r.start) ?? []), i]);
  });
  const segments: Segment[] = [];
  const pushCarets = (at: number) => {
    const list = carets.get(at);
    if (list) segments.push({ text: '', start: at, end: at, covering: list, caret: true });
  };
  for (let p = 0; p < points.length - 1; p++) {
    const start = points[p]!;
    const end = points[p + 1]!;
    pushCarets(start);
    const covering: number[] = [];
    ranges.forEach((r, i) => {
      if (r && r.start < r.end && r.start <= start && r.end >= end) covering.push(i);
    });
    const last = segments[segments.length - 1];
    if (last && !last.caret && last.covering.length === 0 && covering.length === 0) {
      last.text += text.slice(start, end);
      last.end = end;
    } else segments.push({ text: text.slice(start, end), start, end, covering });
  }
  if (points.length === 1 || text.length === 0) pushCarets(0);
  else pushCarets(text.length);
  return segments.length > 0 ? segments : [{ text, start: 0, end: text.length, covering: [] }];
}

export interface PartView {
  part: MessagePart;
  partIndex: number;
  /** The annotations on this part (indices into the item's annotation list). */
  annotationIndices: number[];
  segments: Segment[];
}

export interface MessageView {
  messageIndex: number;
  role: string;
  parts: PartView[];
}

/** The response messages of an item, each part segmented by its annotations. */
export function responseViews(
  responseMessages: readonly { message_index: number; message: Message }[],
  annotations: readonly Annotation[],
): { messages: MessageView[]; unplaced: number[] } {
  const placed = new Set<number>();
  const messages = responseMessages.map(({ message_index, message }) => {
    const parts = messageParts(message).map((part, partIndex) => {
      const annotationIndices: number[] = [];
      annotations.forEach((a, i) => {
        if (a.message_index === message_index && a.message_part_index === partIndex && clampRange(a, part.text.length))
          annotationIndices.push(i);
      });
      annotationIndices.forEach((i) => placed.add(i));
      const local = segmentText(
        part.text,
        annotationIndices.map((i) => annotations[i]!),
      ).map((s) => ({ ...s, covering: s.covering.map((k) => annotationIndices[k]!) }));
      return { part, partIndex, annotationIndices, segments: local };
    });
    return { messageIndex: message_index, role: message.role, parts };
  });
  const unplaced = annotations.map((_, i) => i).filter((i) => !placed.has(i));
  return { messages, unplaced };
}
