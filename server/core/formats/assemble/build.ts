// IR messages → the Conversation the product stores: messages in chat form, usage, metadata and the
// source anchor of every text taken verbatim from the file.
import {
  type Conversation,
  type Message,
  type PartOrigin,
  partOriginKey,
  type SourceAnchor,
  type ToolDefinition,
} from '../../../../common/schema';
import type { JsonPath } from '../../json/locate';
import { pathArray, type Text } from '../located';
import type { IRMessage, SpanRecord } from '../types';
import type { AssembledConversation } from './trace';

export interface BuildFields {
  id: string;
  file: string;
  line: number;
  sourcePath: Array<string | number>;
  /** Null: the trace records no tool definitions. */
  tools: ToolDefinition[] | null;
  /** Tools the trace shows were executed. */
  executed?: string[];
  model: string | null;
  usage: SpanRecord['usage'];
  format: Conversation['format'];
  metadata: Record<string, unknown>;
}

/** The paths of a text's origin, computed once per location. */
export const pathsOf = new WeakMap<object, { path: JsonPath; nested: JsonPath[] | null }>();

/** IR messages → a Conversation with its anchors and part origins. */
export function build(messages: readonly IRMessage[], f: BuildFields): AssembledConversation {
  const anchors: SourceAnchor[] = [];
  const anchorIndex = new Map<SourceAnchor, number>();
  const partOrigins: Record<string, PartOrigin> = {};
  const originOf = (t: Text): PartOrigin | null => {
    const loc = t.loc;
    if (!loc) return null;
    let a = anchorIndex.get(loc.a);
    if (a === undefined) {
      a = anchors.length;
      anchors.push(loc.a);
      anchorIndex.set(loc.a, a);
    }
    let paths = pathsOf.get(loc);
    if (!paths) {
      const levels = [...loc.outer, pathArray(loc.path)];
      paths = { path: levels[0]!, nested: levels.length > 1 ? levels.slice(1) : null };
      pathsOf.set(loc, paths);
    }
    // The path arrays are shared by the conversations of a trace (never mutated).
    const o: PartOrigin = { anchor: a, path: paths.path as Array<string | number> };
    if (paths.nested) o.nested = paths.nested as Array<Array<string | number>>;
    if (t.raw) o.raw = true;
    return o;
  };
  const out: Message[] = messages.map((m, i) => {
    const msg: Message = { role: m.role };
    let p = 0;
    if (m.parts.length === 1) msg.content = m.parts[0]!.text;
    else if (m.parts.length > 1) msg.content = m.parts.map((t) => ({ type: 'text', text: t.text }));
    else msg.content = m.toolCalls.length ? null : '';
    for (const t of m.parts) {
      const o = originOf(t);
      if (o) partOrigins[partOriginKey(i, p)] = o;
      p++;
    }
    if (m.toolCalls.length) {
      msg.tool_calls = m.toolCalls.map((c) => ({
        ...(c.id ? { id: c.id } : {}),
        type: 'function',
        function: { name: c.name, arguments: c.args.text },
      }));
      for (const c of m.toolCalls) {
        const o = originOf(c.args);
        if (o) partOrigins[partOriginKey(i, p)] = o;
        p++;
      }
    }
    if (m.toolCallId !== undefined) msg.tool_call_id = m.toolCallId;
    if (m.name !== undefined) msg.name = m.name;
    if (m.isError) msg.is_error = true;
    return msg;
  });
  const usage =
    f.usage && (f.usage.input !== undefined || f.usage.output !== undefined || f.usage.total !== undefined)
      ? {
          ...(f.usage.input !== undefined ? { prompt_tokens: f.usage.input } : {}),
          ...(f.usage.output !== undefined ? { completion_tokens: f.usage.output } : {}),
          ...(f.usage.total !== undefined ? { total_tokens: f.usage.total } : {}),
        }
      : undefined;
  return {
    id: f.id,
    file: f.file,
    line: f.line,
    sourcePath: f.sourcePath,
    messages: out,
    tools: f.tools ?? [],
    ...(f.tools === null ? { toolsKnown: false } : {}),
    ...(f.executed?.length ? { executedTools: f.executed } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(usage ? { usage } : {}),
    metadata: f.metadata,
    ...(f.format ? { format: f.format } : {}),
    anchors,
    partOrigins,
  };
}
