// The local detector: no model, no network. Tool calls are checked against the trace's tool
// schemas and their values grounded in what came before; answer text is checked for specifics
// (numbers, dates, URLs, names) absent from the context. Pure and synchronous.
import { messageParts, type Annotation } from '../../../../common/schema';
import type { DetectionInput, Detector } from '../detector';
import { findUngroundedSpecifics } from './answerSpecifics';
import { allToolsSchemaText, buildContextIndex, describeSources, quote, withEarlierToolArguments, type ContextIndex } from './context';
import { originalWords } from './argumentWalker';
import { checkToolCalls } from './toolCallChecks';
import { calibrated } from './confidence';

export { buildContextIndex, type ContextIndex } from './context';

/** Roles whose messages are inputs, not responses: there is nothing of the model's to judge. */
const INPUT_ROLES = new Set(['user', 'system', 'developer', 'tool', 'function']);

/**
 * Annotations for the response `input.message` judged against the messages before
 * `input.messageIndex` and the tool schemas. Synchronous; never throws on bad input (bad
 * arguments JSON is an annotation), only on an aborted signal.
 *
 * Where annotations sit (offsets into the message part's text):
 * - unknown_tool, invalid_arguments_json, missing_required_parameter: the whole arguments string
 *   (0..0 when it is empty); parameter_name is null except for the missing parameter.
 * - unknown_parameter: the key's characters inside its quotes.
 * - invalid_parameter_value, ungrounded_parameter_value: the value's characters — inside the quotes
 *   for a string (escapes as written), the token for a number, the whole token for an object or
 *   array; in composed text (a message body) each made-up specific inside the string.
 * - parameter_name is the dotted path ("origin.city"); array elements are named by their array.
 * - answer text: each distinct made-up specific once, at its first occurrence.
 */
export function detectLocal(input: DetectionInput): Annotation[] {
  input.signal?.throwIfAborted();
  const { conversation, messageIndex, message } = input;
  if (INPUT_ROLES.has(message.role)) return [];
  const parts = messageParts(message);
  if (parts.length === 0) return [];
  const ctx = buildContextIndex(conversation, messageIndex);
  // An answer may report what earlier calls did ("booked for 3 nights"): their arguments count as
  // context for answer text (a made-up argument was reported at its call), not for later calls.
  let answerCtx: ContextIndex | null = null;
  const out: Annotation[] = [];
  let contentParts = 0;
  parts.forEach((part, partIndex) => {
    if (part.kind !== 'content') return;
    contentParts++;
    if (answerCtx === null) {
      const schema = allToolsSchemaText(conversation.tools ?? []);
      answerCtx = withEarlierToolArguments(schema ? ctx.withTexts([schema], 'schema') : ctx, conversation, messageIndex);
    }
    out.push(...checkAnswerText(part.text, messageIndex, partIndex, answerCtx));
  });
  if ((message.tool_calls?.length ?? 0) > 0)
    out.push(...checkToolCalls(message, messageIndex, contentParts, conversation, ctx, input.report));
  return out;
}

export function checkAnswerText(text: string, messageIndex: number, partIndex: number, ctx: ContextIndex): Annotation[] {
  const where = describeSources(ctx.kinds);
  return findUngroundedSpecifics(text, ctx).map((f) => {
    const shown = text.slice(f.start, f.end);
    const explanation =
      f.missing !== undefined
        ? `${quote(originalWords(shown, f.missing))} (in the ${f.kind} ${quote(shown)}) does not appear in ${where}.`
        : `The ${f.kind} ${quote(shown)} does not appear in ${where}.`;
    return {
      label: f.label,
      text: shown,
      explanation,
      message_index: messageIndex,
      message_part_index: partIndex,
      start_offset: f.start,
      end_offset: f.end,
      tool_name: null,
      parameter_name: null,
      detector: 'local',
      confidence: calibrated(f.label, f.confidence),
    };
  });
}

export const localDetector: Detector = {
  name: 'local',
  detect: detectLocal,
};
