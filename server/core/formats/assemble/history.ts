// A conversation's history as the trace recorded it, mended: the recorded input cut before the
// response's own turn, tool calls a tracer dropped restored, and the tool results already in it.
import type { IRMessage, SpanRecord } from '../types';

/**
 * The recorded input up to the response itself: some SDKs record the request's message list by
 * reference, and the app appends the response (and its tool results) before the run is sent —
 * the input then already holds the calls it answered with. Cut at the first assistant message
 * that makes one of the response's own tool calls.
 */
export function withoutOwnResponse(
  input: readonly IRMessage[],
  output: readonly IRMessage[],
): { messages: IRMessage[]; ids: Array<string | null> | null } {
  const own = new Set<string>();
  // A call is known by its id, or (a streamed response keeps none) by its name and arguments.
  const key = callKey;
  const calls = output.flatMap((m) => m.toolCalls);
  for (const c of calls) if (c.id) own.add(c.id);
  const ownCalls = new Set(calls.map(key));
  if (ownCalls.size) {
    const cut = input.findIndex(
      (m) =>
        m.role === 'assistant' && m.toolCalls.some((c) => (c.id !== null && own.has(c.id)) || (own.size === 0 && ownCalls.has(key(c)))),
    );
    if (cut > 0) {
      // The ids the recorded turn gives the response's calls (by position, when they match).
      const made = input[cut]!.toolCalls;
      const ids =
        own.size === 0 && made.length === calls.length && made.every((c, n) => key(c) === key(calls[n]!)) ? made.map((c) => c.id) : null;
      return { messages: input.slice(0, cut), ids };
    }
  }
  return { messages: input.slice(), ids: null };
}

/** A tool call by name and arguments (whitespace aside): how a call without an id is recognised. */
export function callKey(c: IRMessage['toolCalls'][number]): string {
  return `${c.name}\u0000${c.args.text.replace(/\s/g, '')}`;
}

/**
 * Some tracers record an earlier assistant turn of the history without its tool calls (an empty
 * message followed by the results). The trace's own earlier response that made calls of those
 * tools is that turn: its calls are restored and the results get their ids.
 */
export function restoreDroppedCalls(messages: IRMessage[], earlier: readonly SpanRecord[]): IRMessage[] {
  let out = messages;
  for (let i = 0; i < out.length; i++) {
    const m = out[i]!;
    if (m.role !== 'assistant' || m.parts.some((p) => p.text !== '') || m.toolCalls.length) continue;
    let j = i + 1;
    while (j < out.length && out[j]!.role === 'tool') j++;
    const results = out.slice(i + 1, j);
    if (results.length === 0 || results.some((r) => !r.name)) continue;
    const made = earlier
      .map((s) => s.output?.[0])
      .find((r) => r && r.toolCalls.length === results.length && results.every((t, n) => r.toolCalls[n]!.name === t.name));
    if (!made) continue;
    if (out === messages) out = messages.slice();
    out[i] = { ...m, parts: [], toolCalls: made.toolCalls };
    results.forEach((t, n) => {
      const id = made.toolCalls[n]!.id;
      if (t.toolCallId === undefined && id) out[i + 1 + n] = { ...t, toolCallId: id };
    });
  }
  return out;
}

/** An input that holds no turn at all (only system messages, or only empty messages). */
export function degenerate(input: readonly IRMessage[]): boolean {
  return !input.some((m) => m.role !== 'system' && m.role !== 'developer' && (m.parts.length > 0 || m.toolCalls.length > 0));
}

/** Appends without spreading (arrays of any length). */
export function append<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}

export function answeredIn(messages: readonly IRMessage[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) if (m.role === 'tool' && m.toolCallId) ids.add(m.toolCallId);
  return ids;
}
