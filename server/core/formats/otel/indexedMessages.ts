// Messages written as indexed attributes: `prefix.N.role|content|tool_calls.M.…` (OpenLLMetry)
// or `prefix.N.message.…` (OpenInference).
import { isObj, lv, parseJsonIn, str, textOf, textOrRaw, withChildLocations } from '../located';
import { normalizeRole, readMessage, type ReadOptions } from '../normalize';
import type { IRMessage, IRToolCall } from '../types';
import { Attrs } from './attributes';

/**
 * Indexed message attributes: `prefix.N.role|content|tool_calls.M.name|arguments` (OpenLLMetry)
 * or `prefix.N.message.role|content|contents.K.message_content.text|tool_calls.M.tool_call.…`
 * (OpenInference, inner = 'message.').
 */
export function readIndexed(a: Attrs, prefix: string, inner: string, defaultRole: string, o: ReadOptions): IRMessage[] {
  const out: IRMessage[] = [];
  const n = a.count(prefix);
  for (let i = 0; i < n; i++) {
    const at = (suffix: string) => a.get(`${prefix}.${i}.${inner}${suffix}`);
    const role = normalizeRole(str(at('role')) ?? defaultRole);
    const m: IRMessage = { role, parts: [], toolCalls: [] };
    let content = at('content');
    // Some instrumentations write a content-part list as JSON (Anthropic blocks, OpenAI parts).
    const blocks = typeof content.v === 'string' && content.v.trimStart().startsWith('[') ? parseJsonIn(content) : null;
    if (blocks && Array.isArray(blocks.v) && blocks.v.every((b) => isObj(b) && typeof b.type === 'string')) content = blocks;
    if (typeof content.v === 'string') m.parts.push({ text: content.v, loc: content.loc });
    const inlineResults: IRMessage[] = [];
    if (Array.isArray(content.v))
      for (const r of readMessage(
        lv(withChildLocations({ role, content: content.v }, new Map([['content', content.loc]])), null),
        role,
        o,
      )) {
        // Tool results inside a user turn (Anthropic blocks) are tool messages of their own.
        if (r.role === 'tool' && role !== 'tool') inlineResults.push(r);
        else {
          m.parts.push(...r.parts);
          m.toolCalls.push(...r.toolCalls);
        }
      }
    const contentsKey = `${prefix}.${i}.${inner}contents`;
    const nc = a.count(contentsKey);
    for (let k = 0; k < nc; k++) {
      const t = textOf(a.get(`${contentsKey}.${k}.message_content.text`));
      if (t) m.parts.push(t);
    }
    const callsKey = `${prefix}.${i}.${inner}tool_calls`;
    const nt = a.count(callsKey);
    for (let j = 0; j < nt; j++) {
      const base = inner ? `${callsKey}.${j}.tool_call.` : `${callsKey}.${j}.`;
      const name = a.str(`${base}function.name`) ?? a.str(`${base}name`);
      if (name === undefined) continue;
      const argsLv = a.get(`${base}function.arguments`).v !== undefined ? a.get(`${base}function.arguments`) : a.get(`${base}arguments`);
      const args = o.light ? { text: '', loc: null } : (textOrRaw(argsLv) ?? { text: '{}', loc: null });
      const id = a.str(`${base}id`) ?? null;
      const call: IRToolCall = { id, name, args };
      m.toolCalls.push(call);
    }
    // OpenLLMetry's legacy single function call.
    const fnName = str(at('function_call.name'));
    if (fnName !== undefined)
      m.toolCalls.push({
        id: null,
        name: fnName,
        args: o.light ? { text: '', loc: null } : (textOrRaw(at('function_call.arguments')) ?? { text: '{}', loc: null }),
      });
    const callId = str(at('tool_call_id'));
    if (callId !== undefined) m.toolCallId = callId;
    const name = str(at('name'));
    if (name !== undefined) m.name = name;
    if (!(inlineResults.length && m.parts.length === 0 && m.toolCalls.length === 0)) out.push(m);
    out.push(...inlineResults);
  }
  return out;
}
