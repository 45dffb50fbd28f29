// OpenAI chat-format conversations (`{id?, messages, tools?, model?, usage?, metadata?}`), as the
// indexer has always read them, plus the anchor of the conversation object.
import { conversationSchema, formatZodError, type Conversation, type RawConversation, type SourceAnchor } from '../../../common/schema';
import type { ProblemSink } from './types';

export const KNOWN_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface OpenAIPlace {
  file: string;
  displayName: string;
  /** How problems name the conversation ("a.jsonl:3", "t.json[2] (line 9)"), made when needed. */
  where: () => string;
  line: number;
  sourcePath: Array<string | number>;
  position: number;
  anchor: SourceAnchor;
}

export function looksLikeConversation(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Array.isArray((v as { messages?: unknown }).messages);
}

/** A conversation, or null with an error problem naming the field at fault. */
export function readOpenAIConversation(value: unknown, at: OpenAIPlace, problem: ProblemSink | null): Conversation | null {
  // The hand-written check accepts exactly what the schema accepts and is several times faster;
  // zod runs only on a rejected conversation, to name the field at fault.
  const result: { success: true; data: RawConversation } | ReturnType<typeof conversationSchema.safeParse> = isRawConversation(value)
    ? { success: true, data: value }
    : conversationSchema.safeParse(value);
  if (!result.success) {
    problem?.({ line: at.line }, `${at.where()} is not a conversation: ${formatZodError(result.error).replace(/\n/g, '; ')}`, 'error');
    return null;
  }
  const raw: RawConversation = result.data;
  if (problem) checkMessages(raw, at, problem);
  return {
    id: raw.id !== undefined ? String(raw.id) : `${at.displayName}#${at.position + 1}`,
    file: at.file,
    line: at.line,
    position: at.position,
    sourcePath: at.sourcePath,
    messages: raw.messages,
    tools: raw.tools ?? [],
    // A file without `tools` says nothing about which tools exist.
    ...(raw.tools === undefined ? { toolsKnown: false } : {}),
    ...executedIn(raw.messages),
    ...(raw.model !== undefined ? { model: raw.model } : {}),
    ...(raw.usage !== undefined ? { usage: raw.usage } : {}),
    ...(raw.metadata !== undefined ? { metadata: raw.metadata } : {}),
    anchors: [at.anchor],
  };
}

/** The tools a tool message answers a call of (by call id, or by the result's own name). */
function executedIn(messages: RawConversation['messages']): { executedTools?: string[] } {
  const byId = new Map<string, string>();
  const names = new Set<string>();
  for (const m of messages) {
    for (const c of m.tool_calls ?? []) if (c.id) byId.set(c.id, c.function.name);
    if (m.role !== 'tool' && m.role !== 'function') continue;
    const name = (m.tool_call_id !== undefined ? byId.get(m.tool_call_id) : undefined) ?? m.name;
    if (name) names.add(name);
  }
  return names.size ? { executedTools: [...names].sort() } : {};
}

/** Warnings that do not stop indexing: unknown roles, missing content, orphan tool results. */
function checkMessages(conv: RawConversation, at: OpenAIPlace, problem: ProblemSink): void {
  const callIds = new Set<string>();
  conv.messages.forEach((m, i) => {
    const warn = (message: string) => problem({ line: at.line }, `${at.where()}: messages[${i}] ${message}`, 'warning');
    if (!KNOWN_ROLES.has(m.role)) warn(`has unknown role "${m.role}" (expected one of ${[...KNOWN_ROLES].join(', ')}); kept as context`);
    for (const call of m.tool_calls ?? []) if (call.id) callIds.add(call.id);
    const hasContent = m.content !== undefined && m.content !== null;
    if (!hasContent && !(m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0)) warn(`(${m.role}) has no "content"`);
    if (m.role === 'tool' && m.tool_call_id && !callIds.has(m.tool_call_id))
      warn(`is a tool result for "${m.tool_call_id}", which no earlier tool call has`);
  });
  if (!conv.messages.some((m) => m.role === 'assistant'))
    problem({ line: at.line }, `${at.where()} has no assistant message: nothing to evaluate`, 'info');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const optNum = (v: unknown) => v === undefined || typeof v === 'number';

/** Fast structural check equal to `conversationSchema` (which has no defaults or transforms). */
export function isRawConversation(v: unknown): v is RawConversation {
  if (!isObj(v) || !Array.isArray(v.messages)) return false;
  if (v.id !== undefined && typeof v.id !== 'string' && typeof v.id !== 'number') return false;
  if (!optStr(v.model)) return false;
  if (
    v.usage !== undefined &&
    !(isObj(v.usage) && optNum(v.usage.prompt_tokens) && optNum(v.usage.completion_tokens) && optNum(v.usage.total_tokens))
  )
    return false;
  if (v.metadata !== undefined && !isObj(v.metadata)) return false;
  if (v.tools !== undefined) {
    if (!Array.isArray(v.tools)) return false;
    for (const t of v.tools) {
      if (!isObj(t) || !optStr(t.type) || !isObj(t.function) || typeof t.function.name !== 'string' || !optStr(t.function.description))
        return false;
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
        if (
          !isObj(call) ||
          !optStr(call.id) ||
          !optStr(call.type) ||
          !isObj(call.function) ||
          typeof call.function.name !== 'string' ||
          typeof call.function.arguments !== 'string'
        )
          return false;
    }
  }
  return true;
}
