// OpenAI chat-format trace files → conversations, with a problem (line, message) for every
// part that cannot be read. A bad conversation never hides the good ones beside it.
import { conversationSchema, formatZodError, type Conversation, type RawConversation } from '../../common/schema';
import type { TraceProblem } from '../../common/protocol';
import { arrayElementOffsets, lineOf, lineStarts } from './jsonSource';

export const KNOWN_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
export const MAX_TRACE_FILE_BYTES = 512 * 1024 * 1024;

export interface ParsedTraceFile {
  file: string;
  isTrace: boolean;
  conversations: Conversation[];
  problems: TraceProblem[];
}

export function isJsonl(file: string): boolean {
  return /\.jsonl$/i.test(file);
}

/** `file` is used for ids and messages only; `text` is its content. */
export function parseTraceText(file: string, text: string, displayName = file): ParsedTraceFile {
  const out: ParsedTraceFile = { file, isTrace: true, conversations: [], problems: [] };
  if (text.trim() === '') {
    out.problems.push({ file, line: 0, message: `${displayName} is empty: no conversations`, severity: 'info' });
    return out;
  }
  if (isJsonl(file)) parseJsonl(out, text, displayName);
  else parseJson(out, text, displayName);
  return out;
}

function parseJsonl(out: ParsedTraceFile, text: string, displayName: string): void {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    if (raw.trim() !== '') {
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        parsed = false;
        out.problems.push({
          file: out.file,
          line,
          message: `${displayName}:${line + 1} is not valid JSON (${(e as Error).message}); this line is skipped`,
          severity: 'error',
        });
      }
      if (parsed) addConversation(out, value, line, [], displayName, `${displayName}:${line + 1}`);
    }
    line++;
    start = end + 1;
  }
}

function parseJson(out: ParsedTraceFile, text: string, displayName: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    out.isTrace = false;
    out.problems.push({ file: out.file, line: 0, message: `${displayName} is not valid JSON (${(e as Error).message})`, severity: 'error' });
    return;
  }
  if (Array.isArray(value)) {
    if (!value.some(looksLikeConversation)) {
      out.isTrace = false;
      out.problems.push({ file: out.file, line: 0, message: `${displayName} is not a trace file: no element has a "messages" array; ignored`, severity: 'info' });
      return;
    }
    const starts = arrayElementOffsets(text);
    const lines = lineStarts(text);
    value.forEach((element, i) => {
      const line = starts[i] === undefined ? 0 : lineOf(lines, starts[i]);
      addConversation(out, element, line, [i], displayName, `${displayName}[${i}] (line ${line + 1})`);
    });
  } else if (looksLikeConversation(value)) {
    addConversation(out, value, 0, [], displayName, displayName);
  } else {
    out.isTrace = false;
    out.problems.push({ file: out.file, line: 0, message: `${displayName} is not a trace file: no "messages" array; ignored`, severity: 'info' });
  }
}

function looksLikeConversation(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Array.isArray((v as { messages?: unknown }).messages);
}

function addConversation(out: ParsedTraceFile, value: unknown, line: number, sourcePath: Array<string | number>, displayName: string, where: string): void {
  // The hand-written check accepts exactly what the schema accepts and is several times faster;
  // zod runs only on a rejected conversation, to name the field at fault.
  const result: { success: true; data: RawConversation } | ReturnType<typeof conversationSchema.safeParse> = isRawConversation(value)
    ? { success: true, data: value }
    : conversationSchema.safeParse(value);
  if (!result.success) {
    out.problems.push({
      file: out.file,
      line,
      message: `${where} is not a conversation: ${formatZodError(result.error).replace(/\n/g, '; ')}`,
      severity: 'error',
    });
    return;
  }
  const raw: RawConversation = result.data;
  const position = out.conversations.length;
  checkMessages(out, raw, line, where);
  out.conversations.push({
    id: raw.id !== undefined ? String(raw.id) : `${displayName}#${position + 1}`,
    file: out.file,
    line,
    position,
    sourcePath,
    messages: raw.messages,
    tools: raw.tools ?? [],
    ...(raw.model !== undefined ? { model: raw.model } : {}),
    ...(raw.usage !== undefined ? { usage: raw.usage } : {}),
    ...(raw.metadata !== undefined ? { metadata: raw.metadata } : {}),
  });
}

/** Warnings that do not stop indexing: unknown roles, missing content, orphan tool results. */
function checkMessages(out: ParsedTraceFile, conv: RawConversation, line: number, where: string): void {
  const callIds = new Set<string>();
  conv.messages.forEach((m, i) => {
    const warn = (message: string) => out.problems.push({ file: out.file, line, message: `${where}: messages[${i}] ${message}`, severity: 'warning' });
    if (!KNOWN_ROLES.has(m.role)) warn(`has unknown role "${m.role}" (expected one of ${[...KNOWN_ROLES].join(', ')}); kept as context`);
    for (const call of m.tool_calls ?? []) if (call.id) callIds.add(call.id);
    const hasContent = m.content !== undefined && m.content !== null;
    if (!hasContent && !(m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0)) warn(`(${m.role}) has no "content"`);
    if (m.role === 'tool' && m.tool_call_id && !callIds.has(m.tool_call_id))
      warn(`is a tool result for "${m.tool_call_id}", which no earlier tool call has`);
  });
  if (!conv.messages.some((m) => m.role === 'assistant'))
    out.problems.push({ file: out.file, line, message: `${where} has no assistant message: nothing to evaluate`, severity: 'info' });
}

/** Index of the traced response: the last assistant message, or -1. */
export function tracedResponseIndex(conversation: Pick<Conversation, 'messages'>): number {
  for (let i = conversation.messages.length - 1; i >= 0; i--) if (conversation.messages[i]!.role === 'assistant') return i;
  return -1;
}

/** Plain text of a message's content (parts joined), for previews and grounding. */
export function messageText(content: Conversation['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('\n');
  return '';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const optNum = (v: unknown) => v === undefined || typeof v === 'number';

/** Fast structural check equal to `conversationSchema` (which has no defaults or transforms). */
export function isRawConversation(v: unknown): v is RawConversation {
  if (!isObj(v) || !Array.isArray(v.messages)) return false;
  if (v.id !== undefined && typeof v.id !== 'string' && typeof v.id !== 'number') return false;
  if (!optStr(v.model)) return false;
  if (v.usage !== undefined && !(isObj(v.usage) && optNum(v.usage.prompt_tokens) && optNum(v.usage.completion_tokens) && optNum(v.usage.total_tokens))) return false;
  if (v.metadata !== undefined && !isObj(v.metadata)) return false;
  if (v.tools !== undefined) {
    if (!Array.isArray(v.tools)) return false;
    for (const t of v.tools) {
      if (!isObj(t) || !optStr(t.type) || !isObj(t.function) || typeof t.function.name !== 'string' || !optStr(t.function.description)) return false;
      if (t.function.parameters !== undefined && !isObj(t.function.parameters)) return false;
    }
  }
  for (const m of v.messages) {
    if (!isObj(m) || typeof m.role !== 'string' || !optStr(m.name) || !optStr(m.tool_call_id)) return false;
    const c = m.content;
    if (c !== undefined && c !== null && typeof c !== 'string') {
      if (!Array.isArray(c)) return false;
      for (const p of c) if (!isObj(p) || typeof p.type !== 'string' || !optStr(p.text)) return false;
    }
    if (m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls)) return false;
      for (const call of m.tool_calls)
        if (!isObj(call) || !optStr(call.id) || !optStr(call.type) || !isObj(call.function) || typeof call.function.name !== 'string' || typeof call.function.arguments !== 'string') return false;
    }
  }
  return true;
}
