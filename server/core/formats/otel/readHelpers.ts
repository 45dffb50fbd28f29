// Small readings shared by the per-convention span readers: ids, token usage, the notes for an
// attribute that holds no message, and merging a response's output messages.
import { jsonish, lv, type LV, parseJsonIn } from '../located';
import { mergeResponse } from '../normalize';
import type { IRMessage, SpanRecord } from '../types';
import { Attrs } from './attributes';

export function idString(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim().replace(/^0x/i, '');
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function setUsage(rec: SpanRecord, input: number | undefined, output: number | undefined, total: number | undefined): void {
  if (input === undefined && output === undefined && total === undefined) return;
  rec.usage = {
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(total !== undefined ? { total } : input !== undefined && output !== undefined ? { total: input + output } : {}),
  };
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A string that starts like JSON but does not parse (cut off, mangled). */
export function brokenJson(x: LV): boolean {
  if (typeof x.v !== 'string') return false;
  const c = x.v.trimStart()[0];
  return (c === '[' || c === '{') && parseJsonIn(x) === null;
}

export function isEmptyList(x: LV): boolean {
  const v = jsonish(x).v;
  return Array.isArray(v) && v.length === 0;
}

export function unreadable(name: string, x: LV): string {
  const v = x.v;
  const what =
    typeof v === 'string'
      ? parseJsonIn(x)
        ? 'JSON that holds no message'
        : 'a string that is not valid JSON'
      : `a value of type ${typeName(v)} that holds no message`;
  return `has ${name} as ${what} (expected a JSON array of {role, parts}); ${name.endsWith('output.messages') ? 'no response is read from it' : 'the input is rebuilt from the trace'}`;
}

export function stringList(x: LV): string[] | null {
  const v = jsonish(x).v;
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  if (typeof v === 'string') return [v];
  return null;
}

/** How much of a conversation a reading holds: its messages with text or calls, and their texts. */
export function substance(messages: readonly IRMessage[]): number {
  let n = 0;
  for (const m of messages) if (m.parts.some((p) => p.text !== '') || m.toolCalls.length) n += 1 + m.parts.length + m.toolCalls.length;
  return n;
}

/** The first of `keys` recorded. */
export function firstOf(a: Attrs, ...keys: string[]): LV {
  for (const k of keys) {
    const x = a.get(k);
    if (x.v !== undefined && x.v !== null) return x;
  }
  return lv(undefined, null);
}

/** All output messages recorded for one response, as one assistant message (null: none read). */
export function response(messages: IRMessage[]): IRMessage[] | null {
  const merged = mergeResponse(messages);
  return merged.length ? merged : null;
}
