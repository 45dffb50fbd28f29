// Tool definitions in every shape a trace records them, as OpenAI `{type:'function', function:
// {name, description, parameters}}`:
//   OpenAI Chat        {type:'function', function:{name, description, parameters, strict?}}
//   Responses / AI SDK {type:'function', name, description, parameters | inputSchema}
//   Anthropic / MCP    {name, description, input_schema | inputSchema}
//   Gemini             {functionDeclarations | function_declarations: [{name, description,
//                       parameters | parametersJsonSchema | parameters_json_schema}]}
//   Bedrock            {toolSpec: {name, description, inputSchema: {json}}}; toolConfig {tools}
//   OpenInference      {tool: {json_schema}} / {json_schema: string} (llm.tools.N.tool.json_schema)
//   LangChain          {name, description, args_schema | schema}; AI SDK v4 {parameters: {jsonSchema}}
// each possibly a JSON string, in a list or a map name → definition. Hosted tools (web_search,
// code_interpreter…) name no function and are not definitions.
import type { ToolDefinition } from '../../../../common/schema';
import { isObj, jsonish, type LV } from '../located';

/** Tool definitions at one place (none when it holds no definition). */
export function readToolDefinitions(x: LV): ToolDefinition[] {
  const v = jsonish(x).v;
  const out: ToolDefinition[] = [];
  collect(v, out, 0);
  return out;
}

/**
 * The definitions found over several places (first definition of a name wins); null when no
 * place records any — the trace then says nothing about which tools exist, which is not the
 * same as an empty list.
 */
export function findToolDefinitions(places: readonly LV[]): ToolDefinition[] | null {
  let found: ToolDefinition[] | null = null;
  for (const p of places) {
    const v = jsonish(p).v;
    if (v === undefined || v === null) continue;
    const defs = readToolDefinitions(p);
    if (defs.length === 0 && !(Array.isArray(v) && v.length === 0)) continue;
    found = mergeToolDefinitions(found, defs);
  }
  return found;
}

export function mergeToolDefinitions(a: ToolDefinition[] | null, b: readonly ToolDefinition[] | null): ToolDefinition[] | null {
  if (!b) return a;
  const out = a ? a.slice() : [];
  const names = new Set(out.map((t) => t.function.name));
  for (const t of b)
    if (!names.has(t.function.name)) {
      names.add(t.function.name);
      out.push(t);
    }
  return out;
}

/** Whether a value is one tool definition (a LangChain handler appends them as tool messages). */
export function looksLikeToolDefinition(v: unknown): boolean {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return false;
    }
  }
  if (!isObj(v)) return false;
  if (isObj(v.function) && typeof v.function.name === 'string') return v.type === 'function' || v.function.parameters !== undefined;
  return (
    typeof v.name === 'string' &&
    SCHEMA_KEYS.some((k) => isObj(v[k]) || (typeof v[k] === 'string' && (v[k] as string).trimStart().startsWith('{')))
  );
}

const SCHEMA_KEYS = [
  'parameters',
  'input_schema',
  'inputSchema',
  'parametersJsonSchema',
  'parameters_json_schema',
  'json_schema',
  'args_schema',
] as const;

function collect(v: unknown, out: ToolDefinition[], depth: number): void {
  if (isObj(v) && v['tool.json_schema'] !== undefined) {
    const one = definition(v);
    if (one) out.push(one);
    return;
  }
  if (depth > 4) return;
  if (typeof v === 'string') {
    const t = v.trimStart();
    if (t[0] !== '{' && t[0] !== '[') return;
    try {
      collect(JSON.parse(v), out, depth + 1);
    } catch {
      /* not JSON: no definition */
    }
    return;
  }
  if (Array.isArray(v)) {
    for (const e of v) collect(e, out, depth + 1);
    return;
  }
  if (!isObj(v)) return;
  const decls = v.functionDeclarations ?? v.function_declarations;
  if (Array.isArray(decls)) {
    for (const d of decls) collect(d, out, depth + 1);
    return;
  }
  if (Array.isArray(v.tools) && v.name === undefined) {
    collect(v.tools, out, depth + 1); // Bedrock toolConfig, {tools: [...]}
    return;
  }
  const one = definition(v);
  if (one) {
    out.push(one);
    return;
  }
  // A map name → definition (AI SDK `tools` objects, some metadata).
  if (depth === 0 || depth === 1)
    for (const [name, d] of Object.entries(v))
      if (
        isObj(d) &&
        d.name === undefined &&
        (d.description !== undefined || SCHEMA_KEYS.some((k) => d[k] !== undefined) || d.type === 'function')
      ) {
        const def = definition({ ...d, name });
        if (def) out.push(def);
      }
}

function definition(t0: Record<string, unknown>): ToolDefinition | null {
  let t = t0;
  if (isObj(t.toolSpec)) t = t.toolSpec;
  // OpenInference flattened inside a list (Phoenix dataframes): {"tool.json_schema": "…"}.
  if (t['tool.json_schema'] !== undefined && t.json_schema === undefined) t = { ...t, json_schema: t['tool.json_schema'] };
  if (isObj(t.tool)) t = { ...t.tool, ...(typeof t.name === 'string' ? { name: t.name } : {}) };
  if (t.json_schema !== undefined) {
    const inner = typeof t.json_schema === 'string' ? parseObject(t.json_schema) : isObj(t.json_schema) ? t.json_schema : undefined;
    if (inner)
      t = {
        ...inner,
        ...(typeof t.name === 'string' ? { name: t.name } : {}),
        ...(typeof t.description === 'string' ? { description: t.description } : {}),
      };
  }
  const fn = isObj(t.function) ? t.function : t;
  const name = typeof fn.name === 'string' ? fn.name : undefined;
  if (!name) return null;
  const description = typeof fn.description === 'string' ? fn.description : typeof t.description === 'string' ? t.description : undefined;
  const parameters = schemaOf(fn) ?? (fn !== t ? schemaOf(t) : undefined);
  return {
    type: 'function',
    function: { name, ...(description !== undefined ? { description } : {}), ...(parameters ? { parameters } : {}) },
  };
}

function schemaOf(t: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const k of [...SCHEMA_KEYS, 'schema']) {
    let s = t[k];
    if (typeof s === 'string') s = parseObject(s);
    if (!isObj(s)) continue;
    // Bedrock {json: schema}; AI SDK v4 {jsonSchema: schema}.
    if (isObj(s.json) && Object.keys(s).length === 1) s = s.json;
    else if (isObj(s.jsonSchema)) s = s.jsonSchema;
    return s as Record<string, unknown>;
  }
  return undefined;
}

function parseObject(s: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
