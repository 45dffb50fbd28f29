// Detection bounds and limits, in one place: how much of a response and of its context the
// detectors read, how many annotations an item keeps, and how much of a long conversation
// pass-through judges. Each bound keeps time and memory bounded whatever the traces hold, and each
// one applied is said (a note for the log), never silent.
import { messageParts, type Annotation, type Message } from '../../../common/schema';

/** Characters of one response part the detectors scan (a longer answer is scanned up to here). */
export const MAX_DETECTION_PART_CHARS = 256 * 1024;
/** Characters of context (the messages before a response) the detectors see in all. */
export const MAX_DETECTION_CONTEXT_CHARS = 4 * 1024 * 1024;
/** Annotations kept per item; the rest are counted in the log. */
export const MAX_ANNOTATIONS_PER_ITEM = 1000;
/** Assistant messages a pass-through item judges at most: the last ones (the traced response last). */
export const MAX_PASS_THROUGH_RESPONSES = 100;
/**
 * Detection work of a pass-through item, counted in context messages (each response is judged
 * on every message before it): the last responses are judged while their contexts add up to at
 * most this many messages (the traced response always is). A few seconds of local detection.
 */
export const MAX_PASS_THROUGH_CONTEXT_MESSAGES = 200_000;

/** Cuts `text` to at most `max` characters, at a whitespace boundary when there is one nearby. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max);
  return text.slice(0, space > max - 200 ? space : max);
}

function fmtChars(n: number): string {
  return `${n.toLocaleString('en-US')} characters`;
}

/**
 * The response as the detectors see it: content parts longer than MAX_DETECTION_PART_CHARS are
 * scanned up to that length (offsets stay valid: it is a prefix); a tool call's arguments longer
 * than that are not checked at all (cut JSON would be reported as invalid), and annotations the
 * detectors place on those parts are dropped. Part indices do not change.
 */
export function boundedForDetection(message: Message): { message: Message; skippedParts: Set<number>; notes: string[] } {
  const notes: string[] = [];
  const skippedParts = new Set<number>();
  const parts = messageParts(message);
  if (!parts.some((p) => p.text.length > MAX_DETECTION_PART_CHARS)) return { message, skippedParts, notes };
  const copy: Message = { ...message };
  if (typeof message.content === 'string') copy.content = cut(message.content, MAX_DETECTION_PART_CHARS);
  else if (Array.isArray(message.content))
    copy.content = message.content.map((p) =>
      typeof p.text === 'string' && p.text.length > MAX_DETECTION_PART_CHARS ? { ...p, text: cut(p.text, MAX_DETECTION_PART_CHARS) } : p,
    );
  if (message.tool_calls)
    copy.tool_calls = message.tool_calls.map((c) =>
      c.function.arguments.length > MAX_DETECTION_PART_CHARS ? { ...c, function: { ...c.function, arguments: '{}' } } : c,
    );
  parts.forEach((p, i) => {
    if (p.text.length <= MAX_DETECTION_PART_CHARS) return;
    if (p.kind === 'tool_call') {
      skippedParts.add(i);
      notes.push(
        `part ${i} (arguments of ${p.toolName}) is ${fmtChars(p.text.length)}, above the ${fmtChars(MAX_DETECTION_PART_CHARS)} detectors check; it was not checked`,
      );
    } else notes.push(`part ${i} is ${fmtChars(p.text.length)}; detectors scanned its first ${fmtChars(MAX_DETECTION_PART_CHARS)} only`);
  });
  return { message: copy, skippedParts, notes };
}

function messageChars(m: Message): number {
  let n = 0;
  for (const p of messageParts(m)) n += p.text.length;
  return n;
}

/**
 * The context as the detectors see it: when its text exceeds MAX_DETECTION_CONTEXT_CHARS in all,
 * the longest messages are cut (each to the same length, as long as the budget allows), so that
 * detection takes bounded time and memory. Grounding may then miss what was cut: the note says so.
 */
export function boundedContext(messages: Message[]): { messages: Message[]; note: string | null } {
  const sizes = messages.map(messageChars);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= MAX_DETECTION_CONTEXT_CHARS) return { messages, note: null };
  // Water-filling: the largest per-message length T with sum(min(size, T)) <= budget.
  const sorted = [...sizes].sort((a, b) => a - b);
  let budget = MAX_DETECTION_CONTEXT_CHARS;
  let limit = 0;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(budget / (sorted.length - i));
    if (sorted[i]! <= share) budget -= sorted[i]!;
    else {
      limit = share;
      break;
    }
  }
  const clip = (text: string, perPart: number) => (text.length > perPart ? text.slice(0, perPart) : text);
  const out = messages.map((m, i) => {
    if (sizes[i]! <= limit) return m;
    const parts = messageParts(m).length || 1;
    const perPart = Math.max(0, Math.floor(limit / parts));
    const copy: Message = { ...m };
    if (typeof m.content === 'string') copy.content = clip(m.content, perPart);
    else if (Array.isArray(m.content))
      copy.content = m.content.map((p) => (typeof p.text === 'string' ? { ...p, text: clip(p.text, perPart) } : p));
    if (m.tool_calls)
      copy.tool_calls = m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: clip(c.function.arguments, perPart) } }));
    return copy;
  });
  return {
    messages: out,
    note: `is ${fmtChars(total)}, above the ${fmtChars(MAX_DETECTION_CONTEXT_CHARS)} detectors read; messages longer than ${fmtChars(limit)} were cut to that length, so values found only in the cut text may be reported as ungrounded`,
  };
}

/** Annotations in order of position, the first MAX_ANNOTATIONS_PER_ITEM kept; the note says how many were found. */
export function capAnnotations(annotations: readonly Annotation[]): { annotations: Annotation[]; note: string | null } {
  const sorted = [...annotations].sort(
    (x, y) => x.message_index - y.message_index || x.message_part_index - y.message_part_index || x.start_offset - y.start_offset,
  );
  if (sorted.length <= MAX_ANNOTATIONS_PER_ITEM) return { annotations: sorted, note: null };
  return {
    annotations: sorted.slice(0, MAX_ANNOTATIONS_PER_ITEM),
    note: `${sorted.length} annotations found; the first ${MAX_ANNOTATIONS_PER_ITEM} (in order of position) are kept`,
  };
}

/**
 * The responses pass-through judges among `all` (in message order): the last
 * MAX_PASS_THROUGH_RESPONSES, then as many of those as fit MAX_PASS_THROUGH_CONTEXT_MESSAGES
 * (each response is judged on everything before it, so the work grows with the square of the
 * conversation). The last one is always judged.
 */
export function boundedPassThrough<T extends { message_index: number }>(all: readonly T[]): { responses: T[]; note: string | null } {
  const last = all.slice(-MAX_PASS_THROUGH_RESPONSES);
  let work = 0;
  let from = last.length;
  while (from > 0 && (from === last.length || work + last[from - 1]!.message_index <= MAX_PASS_THROUGH_CONTEXT_MESSAGES)) {
    work += last[from - 1]!.message_index;
    from--;
  }
  const responses = last.slice(from);
  const note =
    all.length > responses.length
      ? `the conversation has ${all.length} assistant messages; pass-through judged the last ${responses.length} (messages ${responses[0]!.message_index}–${responses.at(-1)!.message_index})`
      : null;
  return { responses, note };
}
