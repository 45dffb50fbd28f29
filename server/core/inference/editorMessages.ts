// A chat-completions body (what the inference source and the judge build) as a request to one of
// the editor's language models. The Language Model API differs from chat completions in ways
// that each needed a decision:
//  * No system role. System and developer messages are carried by the first user message, their
//    text first, marked as instructions ("Instructions (system message):"), then a blank line and
//    the user's own text; with no user message after them, they become one user message. The
//    judge's system prompt reaches the model this way too (README: "Editor language models").
//  * Tool results live in user messages (`LanguageModelToolResultPart`), tool calls in assistant
//    messages (`LanguageModelToolCallPart` with an object input: arguments that are not a JSON
//    object are passed as {"arguments": "<text>"}).
//  * No response_format. Structured output is asked for in words (the schema appended to the last
//    user message) and checked afterwards (editorModelCaller.ts repairs once).
//  * tool_choice: "none" sends no tools; "required" → ToolMode.Required; a named function sends
//    only that tool, Required.
//  * Sampling parameters travel as `modelOptions` under their chat-completions names (the vendor
//    decides what it honours). logprobs cannot be given: such a configuration fails with the reason.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { EditorChatMessage, EditorChatPart, EditorChatRequestInput, EditorChatTool } from '../../../common/editorModels';
import type { ModelConfig } from '../../../common/schema';
import type { ChatRequestBody } from './chatClient';
import { InferenceError } from './retry';

export const SYSTEM_PREFIX = 'Instructions (system message):';
export const DEFAULT_JUSTIFICATION =
  'Hallucination Lab sends the conversations of the experiment or judge pass you started to this model, to compare its answers and find hallucinations.';

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p: unknown) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '',
      )
      .join('');
  return '';
}

function toolInput(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* not JSON: passed as text below */
  }
  return { arguments: args };
}

/** Chat-completions messages → the editor's two roles (see the decisions at the top of the file). */
export function toEditorMessages(messages: readonly ChatCompletionMessageParam[]): EditorChatMessage[] {
  const out: EditorChatMessage[] = [];
  let pendingSystem: string[] = [];
  const pushUser = (parts: EditorChatPart[]) => {
    const last = out[out.length - 1];
    // Consecutive tool results (one per call of the same assistant turn) share one user message.
    if (last?.role === 'user' && parts.every((p) => p.type === 'toolResult') && last.parts.every((p) => p.type === 'toolResult'))
      last.parts.push(...parts);
    else out.push({ role: 'user', parts });
  };
  const withSystem = (text: string): string => {
    if (pendingSystem.length === 0) return text;
    const joined = `${SYSTEM_PREFIX}\n${pendingSystem.join('\n\n')}`;
    pendingSystem = [];
    return text ? `${joined}\n\n${text}` : joined;
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'developer':
        pendingSystem.push(contentText(m.content));
        break;
      case 'user':
        pushUser([{ type: 'text', text: withSystem(contentText(m.content)) }]);
        break;
      case 'assistant': {
        if (pendingSystem.length > 0) pushUser([{ type: 'text', text: withSystem('') }]);
        const parts: EditorChatPart[] = [];
        const text = contentText(m.content);
        if (text) parts.push({ type: 'text', text });
        for (const c of m.tool_calls ?? []) {
          if (c.type !== 'function') continue;
          parts.push({ type: 'toolCall', callId: c.id, name: c.function.name, input: toolInput(c.function.arguments) });
        }
        out.push({ role: 'assistant', parts: parts.length ? parts : [{ type: 'text', text: '' }] });
        break;
      }
      case 'tool':
        pushUser([{ type: 'toolResult', callId: m.tool_call_id, content: contentText(m.content) }]);
        break;
      case 'function':
        pushUser([{ type: 'text', text: withSystem(`Result of the function ${m.name}:\n${m.content ?? ''}`) }]);
        break;
    }
  }
  if (pendingSystem.length > 0) pushUser([{ type: 'text', text: withSystem('') }]);
  return out;
}

/** The words that ask for structured output, with the schema the endpoint would have been sent. */
export function structuredOutputInstruction(format: ChatRequestBody['response_format']): string | null {
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') return 'Answer with one JSON object only: no prose before or after it, no code fence.';
  if (format.type === 'json_schema')
    return `Answer with one JSON object only (no prose before or after it, no code fence) that conforms to this JSON schema:\n${JSON.stringify(format.json_schema.schema ?? {})}`;
  return null;
}

/** Appends `text` to the last user message (a new user message when the last one is the assistant's). */
export function appendToLastUser(messages: EditorChatMessage[], text: string): EditorChatMessage[] {
  const out = messages.map((m) => ({ ...m, parts: [...m.parts] }));
  const last = out[out.length - 1];
  if (last?.role === 'user') last.parts.push({ type: 'text', text: `\n\n${text}` });
  else out.push({ role: 'user', parts: [{ type: 'text', text }] });
  return out;
}

const OPTION_FIELDS = ['temperature', 'max_tokens', 'max_completion_tokens', 'top_p', 'seed', 'stop', 'user', 'reasoning_effort'] as const;

/** The request the extension runs for this body (see the decisions at the top of the file). */
export function editorChatRequest(
  model: ModelConfig,
  body: ChatRequestBody,
  opts: { userStarted: boolean; justification?: string },
): EditorChatRequestInput {
  if (body.logprobs || body.top_logprobs !== undefined)
    throw new InferenceError("logprobs are not available from the editor's language models (the API does not report them)", 'unknown');
  let tools: EditorChatTool[] = (body.tools ?? []).flatMap((t) =>
    t.type === 'function'
      ? [
          {
            name: t.function.name,
            description: t.function.description ?? '',
            ...(t.function.parameters ? { inputSchema: t.function.parameters as Record<string, unknown> } : {}),
          },
        ]
      : [],
  );
  let toolMode: 'auto' | 'required' = 'auto';
  const choice = body.tool_choice;
  if (choice === 'none') tools = [];
  else if (choice === 'required') toolMode = 'required';
  else if (choice && typeof choice === 'object' && choice.type === 'function') {
    tools = tools.filter((t) => t.name === choice.function.name);
    toolMode = 'required';
  }
  const modelOptions: Record<string, unknown> = {};
  for (const k of OPTION_FIELDS) if (body[k] !== undefined && body[k] !== null) modelOptions[k] = body[k];
  let messages = toEditorMessages(body.messages);
  const instruction = structuredOutputInstruction(body.response_format);
  if (instruction) messages = appendToLastUser(messages, instruction);
  return {
    model: { id: model.model, ...(model.vendor ? { vendor: model.vendor } : {}), ...(model.family ? { family: model.family } : {}) },
    messages,
    tools,
    toolMode,
    modelOptions,
    justification: opts.justification ?? DEFAULT_JUSTIFICATION,
    userStarted: opts.userStarted,
  };
}
