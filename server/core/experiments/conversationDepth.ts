// How deeply a conversation nests objects and arrays, measured without recursion. Storing,
// copying and checking a conversation (JSON.stringify, structuredClone, schema walks) recurse once
// per level, so a trace nested a few thousand levels deep (valid JSON) would overflow the call
// stack and take the whole run down; such a conversation is refused before any of them runs.
import type { Conversation } from '../../../common/schema';

/** Deepest nesting a conversation may have to be stored (real traces stay far below it). */
export const MAX_CONVERSATION_DEPTH = 256;

/** Whether `value` nests objects/arrays more than `max` levels deep (iterative: any depth is safe). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (depth + 1 > max) return true;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Why `conversation` cannot be stored, naming its file and line (1-based), or null when it can.
 * A lazily read conversation is measured in its full form (what would be stored).
 */
export function tooDeepReason(conversation: Conversation): string | null {
  const withJson = conversation as Conversation & { toJSON?: () => unknown };
  const whole = typeof withJson.toJSON === 'function' ? withJson.toJSON() : conversation;
  if (!nestsDeeperThan(whole, MAX_CONVERSATION_DEPTH)) return null;
  return `skipped: conversation "${conversation.id}" (${conversation.file}:${conversation.line + 1}) nests objects or arrays more than ${MAX_CONVERSATION_DEPTH} levels deep, which is more than Hallucination Lab stores or checks`;
}
