// Values an earlier call's missing result could have supplied. An agent calls get_user_id, reads
// "USR002" in the result, then calls send_message(receiver_id="USR002"). When the trace does not
// record that result (an exporter that drops tool outputs, a log of the calls only), "USR002"
// appears nowhere before the later call, yet the model had the evidence: the value is
// unverifiable, not made up. Scoped tightly so that made-up values stay flagged:
// - only after a call of an EARLIER message that no tool result answers (calls of one message
//   run in parallel: none can use another's result);
// - only for values a result supplies and the model copies — identifiers and codes (one token
//   with a digit, or a short code in capitals that is no common word), never plain words, never
//   where the parameter's description lists its options;
// - only when that earlier tool's output is what the parameter asks for: the parameter's name or
//   description shares a content word with the tool's name, its description (less the words
//   every tool's description shares) or its declared output schema (`outputSchema`, `response`).
// Values that break the schema (unknown tool or parameter, wrong type, not in the enum) are
// checked before grounding and stay flagged.
import type { Conversation, ToolDefinition } from '../../../../common/schema';
import { fold, stem } from './normalize';
import { findTool } from './toolLookup';
import { isRecord, type SchemaNode } from './toolSchema';
import { isCommonStem, isStopword } from './words';

/** What the detector reports when it leaves such a value out (said once per item). */
export const UNANSWERED_CALL_NOTE =
  'some values were not checked: they may come from the result of an earlier tool call, which the trace does not record';

/** The stems of the content words of a text ("the zipcode of the city" → zipcod, city). */
function contentStems(text: string, into: Set<string>, skip?: ReadonlySet<string>): void {
  for (const w of fold(text).split(' ')) {
    if (w.length < 2 || isStopword(w) || /\d/.test(w)) continue;
    const s = stem(w);
    if (!skip?.has(s)) into.add(s);
  }
}

/** Identifier words as text: "receiver_id" → "receiver id", "fuelAmount" → "fuel Amount". */
function identifierWords(name: string): string {
  return name.replace(/([a-z\d])([A-Z])/g, '$1 $2').replace(/[_.\-/]+/g, ' ');
}

/** Names and descriptions of an output schema's properties (recursively, bounded). */
function outputSchemaText(schema: unknown, texts: string[], depth = 0): void {
  if (depth > 6 || !isRecord(schema)) return;
  for (const key of ['description', 'title']) if (typeof schema[key] === 'string') texts.push(schema[key] as string);
  const props = schema['properties'];
  if (isRecord(props))
    for (const [k, p] of Object.entries(props)) {
      texts.push(identifierWords(k));
      outputSchemaText(p, texts, depth + 1);
    }
  outputSchemaText(schema['items'], texts, depth + 1);
}

/** Where tool definitions declare what a tool returns (MCP's outputSchema; BFCL's response). */
function declaredOutput(tool: ToolDefinition): unknown {
  const fn = tool.function as Record<string, unknown>;
  const own = tool as Record<string, unknown>;
  return fn['outputSchema'] ?? fn['response'] ?? own['outputSchema'] ?? null;
}

// Words most tools' descriptions share (a product's preamble repeated on every tool) say nothing
// about what one of them returns. Computed once per tool list.
const sharedByTools = new WeakMap<readonly ToolDefinition[], ReadonlySet<string>>();
function wordsMostToolsShare(tools: readonly ToolDefinition[]): ReadonlySet<string> {
  let known = sharedByTools.get(tools);
  if (known === undefined) {
    const counts = new Map<string, number>();
    for (const t of tools) {
      const own = new Set<string>();
      contentStems(t.function.description ?? '', own);
      for (const s of own) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const shared = new Set<string>();
    if (tools.length >= 4) for (const [s, n] of counts) if (n * 2 > tools.length) shared.add(s);
    known = shared;
    sharedByTools.set(tools, known);
  }
  return known;
}

/**
 * The content stems that describe a tool: its name, its description (less the words most tools'
 * descriptions share) and, with `withOutput`, its declared output schema — for an unanswered
 * call, what it could have returned.
 */
function toolStems(name: string, tools: readonly ToolDefinition[], withOutput: boolean): Set<string> {
  const out = new Set<string>();
  contentStems(identifierWords(name), out);
  const tool = findTool(tools, name);
  if (!tool) return out;
  const output = withOutput ? declaredOutput(tool) : null;
  // a declared output says what the tool returns; without one, its description is the best
  // account (it also speaks of the inputs: "the cost of a flight based on date and class")
  if (output === null) {
    contentStems(tool.function.description ?? '', out, wordsMostToolsShare(tools));
    return out;
  }
  const texts: string[] = [];
  outputSchemaText(output, texts);
  for (const t of texts) contentStems(t, out);
  return out;
}

/**
 * The output stems of every call made in a message before `messageIndex` that no tool result
 * before `messageIndex` answers: by call id, by the tool's name (as some producers record it), or
 * — a result that names no call, or a call without an id — by any result after the call.
 * Empty when every earlier call has its result. One pass over the messages.
 */
export function unansweredCallOutputs(conversation: Conversation, messageIndex: number): ReadonlySet<string> {
  const end = Math.min(messageIndex, conversation.messages.length);
  const answeredIds = new Set<string>();
  const answeredNames = new Set<string>();
  let lastResult = -1;
  let lastAnonymousResult = -1;
  for (let i = 0; i < end; i++) {
    const m = conversation.messages[i]!;
    if (m.role === 'assistant' || m.role === 'user' || m.role === 'system' || m.role === 'developer') continue;
    lastResult = i;
    if (m.tool_call_id !== undefined) answeredIds.add(m.tool_call_id);
    if (m.name !== undefined) answeredNames.add(m.name);
    if (m.role !== 'tool' && m.role !== 'function') answeredNames.add(m.role);
    else if (m.tool_call_id === undefined && m.name === undefined) lastAnonymousResult = i;
  }
  const out = new Set<string>();
  const tools = conversation.tools ?? [];
  for (let i = 0; i < end; i++) {
    const calls = conversation.messages[i]!.tool_calls;
    if (!calls) continue;
    for (const c of calls) {
      if (answeredNames.has(c.function.name) || lastAnonymousResult > i) continue;
      if (c.id === undefined ? lastResult > i : answeredIds.has(c.id)) continue;
      for (const s of toolStems(c.function.name, tools, true)) out.add(s);
    }
  }
  return out;
}

/**
 * A value of the kind a tool result supplies and the model copies: one token with a digit
 * ("USR002", "94016", "2026-10-06") or a short code in capitals ("SFO"). Numbers the model
 * computes from a result (a mean, a conversion) are left to grounding: measured on the
 * multi-turn data, leaving them out hid as many made-up numbers as it spared correct ones.
 */
export function suppliableByResult(value: string | number): boolean {
  if (typeof value === 'number') return false;
  const v = value.trim();
  if (/\s/.test(v)) return false;
  // a common word in capitals ("START", "FAIL") is a word, not a code a result supplied
  return /\d/.test(v) || (/^[A-Z]{2,5}$/.test(v) && !isCommonStem(stem(v.toLowerCase())));
}

const OFFERS_OPTIONS = /\b(?:options|choices|possible values|allowed values|valid values)(?: are)?\s*:|\bone of\s*:|\[enum\]/i;

/**
 * Whether `value` of parameter `path` (its schema `schema`) of a call to `toolName` may have come
 * from the result of an unanswered earlier call whose output is described by `outputs`. The
 * parameter must ask for what that output describes, in a word that is not merely the called
 * tool's own subject (post_tweet's "content of the tweet" is not asked of an earlier tweet).
 */
export function mayComeFromUnansweredCall(
  value: string | number,
  path: string,
  schema: SchemaNode | null,
  outputs: ReadonlySet<string>,
  toolName: string,
  tools: readonly ToolDefinition[],
): boolean {
  if (outputs.size === 0 || !suppliableByResult(value)) return false;
  const description = schema?.['description'];
  // a parameter whose description lists its options is chosen from them, not copied from a result
  if (typeof description === 'string' && OFFERS_OPTIONS.test(description)) return false;
  const asks = new Set<string>();
  contentStems(identifierWords(path.slice(path.lastIndexOf('.') + 1)), asks);
  if (typeof description === 'string') contentStems(description, asks);
  let own: Set<string> | null = null;
  for (const s of asks) {
    if (!outputs.has(s)) continue;
    own ??= toolStems(toolName, tools, false);
    if (!own.has(s)) return true;
  }
  return false;
}
