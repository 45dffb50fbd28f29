// The LLM judge's prompt: a versioned template. Changing any text here changes what the judge
// answers, so bump JUDGE_PROMPT_VERSION with it (the prompt snapshot test pins the exact text).
import { type Conversation, type LabelSet, type Message, builtInLabels, messageParts } from '../../../common/schema';

export const JUDGE_PROMPT_VERSION = '1';

/** The labels the judge uses when the experiment names no label set (schema_violation is the
 * schema checker's, not the judge's). */
export function defaultJudgeLabelSet(): LabelSet {
  return {
    labels: Object.entries(builtInLabels)
      .filter(([name]) => name !== 'schema_violation')
      .map(([name, description]) => ({ name, description })),
    domain_context: '',
  };
}

export const JUDGE_SYSTEM_TEMPLATE = (v: {
  labels: string;
  domainContext: string;
}) => `You are a meticulous reviewer of LLM applications and agents. You are shown everything a model saw — the system prompt, the user turns, the tool schemas, earlier tool calls and their results — and one response the model produced. Find every hallucination in that response: statements the context does not support or that contradict it, and tool-call arguments that are unknown, invalid or not grounded in what came before the call.

How to judge:
- Judge only the RESPONSE, and only against the CONTEXT and the TOOLS. General knowledge does not ground a specific claim (a number, date, amount, URL, e-mail address or name) that the context does not contain.
- Faithful paraphrases, summaries, arithmetic on numbers from the context, and clearly hedged statements are not hallucinations.
- A tool-call argument is grounded when the user, the system prompt, an earlier tool result, or the tool's schema (defaults, enums, descriptions) supplies it, also in a different form ("Tel Aviv" grounds "Tel Aviv, Israel").
- Report each problem once, on the shortest span that is wrong.

How to answer, for each hallucination:
- "label": one of the labels below, nothing else.
- "text": the exact characters of the response part that are wrong, copied verbatim — no ellipsis, no added quotation marks, no paraphrase. For a tool-call argument, copy the argument's value as it is written in the arguments JSON.
- "explanation": one or two sentences saying what the context says instead, or that it says nothing about it.
- "message_part_index": the number of the response part the text comes from.
- "tool_name": the name of the called tool when the part is a tool call, else null.
- "parameter_name": the argument concerned, or null when the whole call is at fault or the part is not a tool call.
- "confidence": your probability, from 0 to 1, that this is a real hallucination.

Labels:
${v.labels}
${v.domainContext ? `\nDomain context, from the people who built this application:\n${v.domainContext}\n` : ''}
Answer with one JSON object, {"annotations": [...]}, and nothing else. When the response has no hallucination, answer {"annotations": []}.`;

export const JUDGE_USER_TEMPLATE = (v: { tools: string; context: string; messageIndex: number; response: string }) => `<tools>
${v.tools}
</tools>

<context>
${v.context}
</context>

<response message_index="${v.messageIndex}">
${v.response}
</response>`;

function attr(value: string): string {
  return JSON.stringify(value);
}

function contentText(content: Message['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p.text === 'string' ? p.text : `[${p.type} content]`)).join('\n');
  }
  return '';
}

function renderContextMessage(m: Message, index: number, callNames: Map<string, string>): string {
  const attrs = [`index="${index}"`, `role=${attr(m.role)}`];
  if (typeof m.name === 'string' && m.name) attrs.push(`name=${attr(m.name)}`);
  if (m.tool_call_id) {
    attrs.push(`tool_call_id=${attr(m.tool_call_id)}`);
    const called = callNames.get(m.tool_call_id);
    if (called && called !== m.name) attrs.push(`tool_name=${attr(called)}`);
  }
  const lines: string[] = [];
  const text = contentText(m.content);
  if (text) lines.push(text);
  for (const call of m.tool_calls ?? []) {
    const id = call.id ? ` id=${attr(call.id)}` : '';
    lines.push(`<tool_call${id} name=${attr(call.function.name)}>${call.function.arguments}</tool_call>`);
  }
  return `<message ${attrs.join(' ')}>\n${lines.join('\n')}\n</message>`;
}

/** The response, part by part, numbered as messageParts() numbers them (offsets refer to these). */
export function renderResponseParts(message: Message): string {
  const parts = messageParts(message);
  if (parts.length === 0) return '(empty response)';
  return parts
    .map((p, i) =>
      p.kind === 'content'
        ? `<part index="${i}" kind="text">\n${p.text}\n</part>`
        : `<part index="${i}" kind="tool_call" tool_name=${attr(p.toolName)}>\n${p.text}\n</part>`,
    )
    .join('\n');
}

export interface JudgeMessagesInput {
  conversation: Conversation;
  messageIndex: number;
  message: Message;
  labelSet?: LabelSet | null;
}

export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

export function buildJudgeMessages(input: JudgeMessagesInput): JudgeMessage[] {
  const labelSet = input.labelSet ?? defaultJudgeLabelSet();
  const labels = labelSet.labels.map((l) => `- ${l.name}: ${l.description}`).join('\n');
  const tools =
    input.conversation.tools.length > 0
      ? JSON.stringify(
          input.conversation.tools.map((t) => t.function),
          null,
          2,
        )
      : '(no tools)';
  const before = input.conversation.messages.slice(0, Math.max(0, input.messageIndex));
  const callNames = new Map<string, string>();
  for (const m of before) for (const c of m.tool_calls ?? []) if (c.id) callNames.set(c.id, c.function.name);
  const context = before.length > 0 ? before.map((m, i) => renderContextMessage(m, i, callNames)).join('\n') : '(no context)';
  return [
    { role: 'system', content: JUDGE_SYSTEM_TEMPLATE({ labels, domainContext: labelSet.domain_context?.trim() ?? '' }) },
    {
      role: 'user',
      content: JUDGE_USER_TEMPLATE({ tools, context, messageIndex: input.messageIndex, response: renderResponseParts(input.message) }),
    },
  ];
}
