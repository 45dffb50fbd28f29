// Tool calls checked against the tool schemas of the trace: the tool exists, the arguments are a
// JSON object, every argument is declared, has an allowed type and value, required ones are
// present, and every value is grounded in what came before the call.
// This module finds the tool and parses the arguments; the walk over them is argumentWalker.ts.
import type { Annotation, Conversation, Message, ToolDefinition } from '../../../../common/schema';
import { noteOnce, type DetectionReport } from '../detector';
import { saysToolDoesNotExist } from '../../toolExecution';
import { ArgumentWalker, type FromUnansweredCall } from './argumentWalker';
import { annotation, type CallTarget } from './callAnnotation';
import { quote, toolDescriptionText, type ContextIndex } from './context';
import { parseJsonWithPositions, type JsonNode } from '../../json/parse';
import { confidenceOf } from './confidence';
import { findTool, nameKey } from './toolLookup';
import { mayComeFromUnansweredCall, unansweredCallOutputs, UNANSWERED_CALL_NOTE } from './unansweredCalls';

export { findTool } from './toolLookup';

/**
 * Whether the trace shows the tool ran: a tool result answering this call's id, or a message whose
 * role or name is the tool's name (how some producers record a tool's output). A tool that ran
 * exists, whatever the recorded definitions say.
 */
function toolWasExecuted(conversation: Conversation, name: string, callId: string | undefined): boolean {
  // Recorded by the reader (a tool span of the trace, a result answering the call).
  if (conversation.executedTools?.includes(name)) return true;
  for (const m of conversation.messages) {
    if (m.role === 'assistant' || m.role === 'user') continue;
    const answersCall = m.role === name || m.name === name || (callId !== undefined && m.tool_call_id === callId);
    if (answersCall && !saysToolDoesNotExist(messageText(m), name)) return true;
  }
  return false;
}

function messageText(m: Message): string {
  if (typeof m.content === 'string') return m.content;
  return Array.isArray(m.content) ? m.content.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ') : '';
}

export const NO_TOOL_DEFINITIONS_NOTE =
  'the trace records no tool definitions: tool calls were not checked against a schema (their values were still grounded)';

/**
 * Annotations for every tool call of `message`. `firstPartIndex` is the message-part index of the
 * first call (the number of content parts before the calls).
 */
export function checkToolCalls(
  message: Message,
  messageIndex: number,
  firstPartIndex: number,
  conversation: Conversation,
  ctx: ContextIndex,
  report?: DetectionReport,
): Annotation[] {
  const out: Annotation[] = [];
  const tools = conversation.tools ?? [];
  // what unanswered earlier calls could have returned: found on first need (a value not grounded)
  let outputs: ReadonlySet<string> | null = null;
  const fromUnansweredCall: FromUnansweredCall = (value, path, schema, toolName) => {
    outputs ??= unansweredCallOutputs(conversation, messageIndex);
    if (!mayComeFromUnansweredCall(value, path, schema, outputs, toolName, tools)) return false;
    noteOnce(report, UNANSWERED_CALL_NOTE);
    return true;
  };
  (message.tool_calls ?? []).forEach((call, i) => {
    const target: CallTarget = {
      messageIndex,
      partIndex: firstPartIndex + i,
      args: call.function.arguments,
      toolName: call.function.name,
    };
    if (tools.length === 0) noteOnce(report, NO_TOOL_DEFINITIONS_NOTE);
    checkCall(target, tools, ctx, out, () => toolWasExecuted(conversation, call.function.name, call.id), fromUnansweredCall);
  });
  return out;
}

function checkCall(
  t: CallTarget,
  tools: readonly ToolDefinition[],
  ctx: ContextIndex,
  out: Annotation[],
  executed: () => boolean,
  fromUnansweredCall: FromUnansweredCall,
): void {
  const tool = findTool(tools, t.toolName);
  // unknown_tool only where the definitions are known and the tool did not run: with none
  // recorded (or an incomplete list), nothing says the call is made up.
  if (!tool && tools.length > 0 && !executed()) {
    // The whole arguments string is marked: the call as a whole is at fault (0..0 when empty).
    const names = tools.map((x) => x.function.name);
    const near = names.find((n) => nameKey(n).toLowerCase() === nameKey(t.toolName).toLowerCase());
    const known =
      near !== undefined
        ? `did you mean ${quote(near)}?`
        : names.length <= 5
          ? `the trace defines ${names.map((n) => quote(n)).join(', ')}`
          : `the trace defines ${names.length} other tools`;
    out.push(
      annotation(
        t,
        'unknown_tool',
        0,
        t.args.length,
        null,
        confidenceOf('unknown_tool'),
        `No tool named ${quote(t.toolName)} exists; ${known}${near !== undefined ? '' : '.'}`,
      ),
    );
    return;
  }
  // An empty arguments string is how some providers send a call without arguments.
  let root: JsonNode;
  if (t.args.trim() === '') root = { kind: 'object', start: 0, end: t.args.length, entries: [] };
  else {
    const parsed = parseJsonWithPositions(t.args);
    if (!parsed.ok) {
      out.push(annotation(t, 'invalid_arguments_json', 0, t.args.length, null, 1, `The arguments are not valid JSON: ${parsed.error}.`));
      return;
    }
    root = parsed.node;
  }
  if (root.kind !== 'object') {
    out.push(
      annotation(t, 'invalid_arguments_json', 0, t.args.length, null, 1, `The arguments are JSON but not an object (found ${root.kind}).`),
    );
    return;
  }
  // Values are grounded in the conversation and the called tool's own schema, not every tool's:
  // a word of another tool's schema does not support a value of this one.
  const description = tool ? toolDescriptionText(tool) : null;
  const walker = new ArgumentWalker(t, ctx, out, description, fromUnansweredCall);
  // No schema (no definitions, or none for this tool): no names or types to check, but values can
  // still be made up.
  walker.object(root, tool?.function.parameters ?? null, '', true, null);
}
