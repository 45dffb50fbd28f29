// Tool spans as tool results: each call a history leaves unanswered gets the result of the tool span
// that ran it (by call id, else by name in order), and the names of the tools that ran.
import type { IRMessage, SpanRecord } from '../types';
import { append } from './history';

/** Tools that ran: tool spans, and calls a tool message of the trace answers. */
export function executedToolNames(spans: readonly SpanRecord[]): string[] {
  const names = new Set<string>();
  const callNames = new Map<string, string>();
  for (const s of spans) {
    if (s.kind === 'tool' && s.tool?.name) names.add(s.tool.name);
    for (const m of [...(s.input ?? []), ...(s.output ?? []), ...(s.traceInput ?? [])])
      for (const c of m.toolCalls) if (c.id) callNames.set(c.id, c.name);
  }
  for (const s of spans)
    for (const m of [...(s.input ?? []), ...(s.traceInput ?? [])])
      if (m.role === 'tool') {
        const n = (m.toolCallId !== undefined ? callNames.get(m.toolCallId) : undefined) ?? m.name;
        if (n) names.add(n);
      }
  return [...names].sort();
}

/** Tool spans, found by call id or else by name, each used once. */
export class ToolPool {
  readonly used = new Set<SpanRecord>();
  private readonly byId = new Map<string, SpanRecord[]>();
  private readonly byName = new Map<string, SpanRecord[]>();
  constructor(tools: readonly SpanRecord[]) {
    for (const t of tools) {
      if (t.tool?.callId) push(this.byId, t.tool.callId, t);
      if (t.tool?.name) push(this.byName, t.tool.name, t);
    }
  }
  /** Marks the tool spans of calls the messages already answer. */
  answered(ids: Iterable<string>): void {
    for (const id of ids) for (const t of this.byId.get(id) ?? []) this.used.add(t);
  }
  /** First unused entry of each list (entries are mostly taken in order). */
  private readonly firstFree = new Map<SpanRecord[], number>();
  take(callId: string | null, name: string, before: number | null): SpanRecord | undefined {
    const t =
      (callId ? this.find(this.byId.get(callId), () => true) : undefined) ??
      this.find(
        this.byName.get(name),
        (s) => (!s.tool?.callId || !callId) && (before === null || s.startMs === null || s.startMs <= before),
      );
    if (t) this.used.add(t);
    return t;
  }
  private find(list: SpanRecord[] | undefined, ok: (s: SpanRecord) => boolean): SpanRecord | undefined {
    if (!list) return undefined;
    let i = this.firstFree.get(list) ?? 0;
    while (i < list.length && this.used.has(list[i]!)) i++;
    this.firstFree.set(list, i);
    for (; i < list.length; i++) {
      const s = list[i]!;
      if (!this.used.has(s) && ok(s)) return s;
    }
    return undefined;
  }
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/**
 * After each assistant tool call (from `from` on) the messages lack a result for, the tool
 * span that executed it before `llm` started (matched by call id, else by name in order)
 * becomes a tool message. Returns `messages` itself when nothing was added.
 */
export function fillToolResults(messages: IRMessage[], from: number, answered: Set<string>, pool: ToolPool, llm: SpanRecord): IRMessage[] {
  let out: IRMessage[] | null = null;
  /** messages[0, copied) are in `out`. */
  let copied = 0;
  for (let i = from; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'assistant' || m.toolCalls.length === 0) continue;
    // Results that follow in the messages already answer their calls.
    let j = i + 1;
    while (j < messages.length && messages[j]!.role === 'tool') j++;
    const following = j - i - 1;
    const added: IRMessage[] = [];
    for (const call of m.toolCalls) {
      if ((call.id && answered.has(call.id)) || (call.id === null && following > 0)) continue;
      const t = pool.take(call.id, call.name, llm.startMs);
      if (!t || !t.tool) continue;
      const body = t.tool.error ?? t.tool.result;
      const id = call.id ?? t.tool.callId;
      if (id) answered.add(id);
      added.push({
        role: 'tool',
        parts: body ? [body] : [],
        toolCalls: [],
        ...(id ? { toolCallId: id } : {}),
        ...(t.tool.name ? { name: t.tool.name } : {}),
        ...(t.tool.error ? { isError: true } : {}),
      });
    }
    if (added.length) {
      out ??= [];
      for (let k = copied; k < j; k++) out.push(messages[k]!);
      append(out, added);
      copied = j;
    }
    i = j - 1;
  }
  if (!out) return messages;
  for (let k = copied; k < messages.length; k++) out.push(messages[k]!);
  return out;
}
