// A selection in a trace file → the message part and the offsets in its decoded text: the reverse
// of placing a marker (markers.ts), through JSON string escapes and JSON held in strings. Used to
// add a person's annotation on exactly the selected characters. A selection boundary inside an
// escape (between "\" and "n") takes in the whole escape: a decoded character is all or nothing.
import { messageParts, type Conversation } from '../../common/schema';
import { literalOffsets, outerOffsets } from './json/escapes';
import { locatePart, type FileText, type Located } from './markers';

export interface SelectedSpan {
  conversation: Conversation;
  message_index: number;
  message_part_index: number;
  start_offset: number;
  end_offset: number;
  /** The selected characters, decoded. */
  text: string;
}

export type SelectionResult = { ok: true; span: SelectedSpan } | { ok: false; reason: string };

/**
 * The part of one of `conversations` whose value holds the selection [start, end) (offsets in
 * `file.text`), with the decoded offsets of the selected characters. Refused (with the reason a
 * person can act on) when the selection is empty, outside every message part, or in a message
 * that is not a response.
 */
export function spanAtSelection(file: FileText, conversations: Iterable<Conversation>, start: number, end: number): SelectionResult {
  if (end <= start) return { ok: false, reason: 'select the characters to mark first (the selection is empty)' };
  for (const conversation of conversations)
    for (const [message_index, message] of conversation.messages.entries())
      for (const message_part_index of messageParts(message).keys()) {
        const located = locatePart(file, conversation, { message_index, message_part_index });
        if (!located || !holds(located, start, end)) continue;
        if (message.role !== 'assistant')
          return {
            ok: false,
            reason: `the selection is in a ${message.role} message (message ${message_index} of conversation ${conversation.id}): only a traced response or tool-call argument can be marked`,
          };
        const [from, to] = decodedSpan(located, start, end);
        if (to <= from) return { ok: false, reason: 'the selection holds no character of the response text (only quotes)' };
        return {
          ok: true,
          span: {
            conversation,
            message_index,
            message_part_index,
            start_offset: from,
            end_offset: to,
            text: located.decoded.slice(from, to),
          },
        };
      }
  return { ok: false, reason: 'the selection is not inside a traced response or tool-call argument of a conversation read from this file' };
}

/** Whether the part's value (quotes included), as written in the file, holds [start, end). */
function holds(located: Located, start: number, end: number): boolean {
  const last = located.levels[located.levels.length - 1]!;
  // Where the innermost value begins and ends in the file: through every level of JSON-in-a-string.
  const [from, to] = outerOffsets(located.levels, [last.range.start, last.range.end]) as [number, number];
  return start >= from && end <= to;
}

/**
 * Decoded offsets [from, to) of the characters the raw selection [start, end) touches: every
 * decoded character whose raw text overlaps the selection. Quotes around a string are left out.
 */
export function decodedSpan(located: Located, start: number, end: number): [number, number] {
  const rawStarts = rawStartsOf(located);
  const n = located.decoded.length;
  // from: the last character starting at or before `start` — unless `start` is at or past its end.
  let from = 0;
  while (from < n && rawStarts[from + 1]! <= start) from++;
  let to = n;
  while (to > from && rawStarts[to - 1]! >= end) to--;
  return [from, to];
}

/** Raw offset (in the file text) of where each decoded character starts; entry n is where the text ends. */
function rawStartsOf(located: Located): number[] {
  const last = located.levels[located.levels.length - 1]!;
  const ks = Array.from({ length: located.decoded.length + 1 }, (_, k) => k);
  const inLast = located.raw ? ks.map((k) => last.range.start + k) : literalOffsets(last, ks);
  return outerOffsets(located.levels, inLast);
}
