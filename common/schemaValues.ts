// The values of the schema module that hold no zod schema: the report's webview bundle imports
// them from here, so that it does not pull in zod (half of its size, and module set-up before the
// first paint). common/schema.ts re-exports them; everything else imports them from there.
import type { Message } from './schema';

export const builtInLabels = {
  unsupported_claim: 'A claim the context does not support.',
  context_contradiction: 'Contradicts the system prompt, the user or a tool result.',
  fabricated_number: 'A number or amount that appears nowhere in the context.',
  fabricated_date: 'A date or time that appears nowhere in the context.',
  fabricated_url: 'A URL or e-mail address that appears nowhere in the context.',
  fabricated_entity: 'A named person, place, product or organisation absent from the context.',
  unknown_tool: 'A call to a tool that the trace does not define.',
  unknown_parameter: 'An argument that the tool schema does not declare.',
  invalid_parameter_value: 'An argument whose type or value the tool schema does not allow.',
  missing_required_parameter: 'A required argument left out of the call.',
  ungrounded_parameter_value: 'An argument value that nothing before the call supports.',
  invalid_arguments_json: 'Tool-call arguments that are not valid JSON.',
  schema_violation: 'A structured response that does not conform to the output schema.',
} as const;

/**
 * The parts of a message that annotations point into, in a fixed order: the text content
 * parts first (a string content is one part), then each tool call's arguments string.
 */
export type MessagePart =
  | { kind: 'content'; contentIndex: number | null; text: string }
  | { kind: 'tool_call'; toolCallIndex: number; toolName: string; text: string };

export function messageParts(message: Message): MessagePart[] {
  const parts: MessagePart[] = [];
  const content = message.content;
  if (typeof content === 'string') parts.push({ kind: 'content', contentIndex: null, text: content });
  else if (Array.isArray(content))
    content.forEach((p, i) => {
      if (typeof p.text === 'string') parts.push({ kind: 'content', contentIndex: i, text: p.text });
    });
  (message.tool_calls ?? []).forEach((call, i) =>
    parts.push({ kind: 'tool_call', toolCallIndex: i, toolName: call.function.name, text: call.function.arguments }),
  );
  return parts;
}

export const itemStatuses = ['pending', 'in_progress', 'inference_completed', 'completed', 'failed'] as const;

export const SKIPPED_REASON_PREFIX = 'skipped:';

/** An item that ended without a result because there was nothing to judge, not because something failed. */
export function isSkippedItem(item: { status: string; failure_reason: string | null }): boolean {
  return item.status === 'failed' && (item.failure_reason ?? '').startsWith(SKIPPED_REASON_PREFIX);
}
