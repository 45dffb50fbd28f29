// Tool definitions and system instructions as span attributes record them, whichever convention
// wrote them (OTel GenAI, OpenInference, OpenLLMetry, the AI SDK).
import type { ToolDefinition } from '../../../../common/schema';
import { get, getAny, items, jsonish, lv, type LV, type Text, textOf } from '../located';
import { findToolDefinitions } from '../normalize';
import { Attrs } from './attributes';

/**
 * Tool definitions in a span's attributes, whichever convention recorded them: OTel
 * `gen_ai.tool.definitions`, OpenInference `llm.tools` (a list, or flattened
 * `llm.tools.N.tool.json_schema`), the AI SDK's `ai.prompt.tools`, OpenLLMetry's flattened
 * `llm.request.functions.N.{name, description, parameters}`, and the request's parameters
 * (`llm.invocation_parameters.tools`, `gen_ai.request.tools`). Null: none recorded.
 */
export function attributeToolDefinitions(a: Attrs): ToolDefinition[] | null {
  const places: LV[] = [
    a.get('gen_ai.tool.definitions'),
    a.get('gen_ai.request.tools'),
    a.get('ai.prompt.tools'),
    get(jsonish(a.get('llm.invocation_parameters')), 'tools'),
    get(jsonish(a.get('llm.invocation_parameters')), 'functions'),
  ];
  const whole = a.get('llm.tools');
  if (whole.v !== undefined) places.push(whole);
  else {
    const n = a.count('llm.tools');
    const defs: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const schema = a.get(`llm.tools.${i}.tool.json_schema`).v;
      const name = a.str(`llm.tools.${i}.tool.name`);
      const description = a.str(`llm.tools.${i}.tool.description`);
      if (schema !== undefined) defs.push({ json_schema: schema, ...(name ? { name } : {}), ...(description ? { description } : {}) });
      else if (name) defs.push({ name, ...(description ? { description } : {}) });
    }
    if (n > 0) places.push(lv(defs, null));
  }
  const nf = a.count('llm.request.functions');
  if (nf > 0) {
    const defs: unknown[] = [];
    for (let i = 0; i < nf; i++) {
      const name = a.str(`llm.request.functions.${i}.name`);
      if (name === undefined) continue;
      const description = a.str(`llm.request.functions.${i}.description`);
      const parameters = a.get(`llm.request.functions.${i}.parameters`).v;
      defs.push({ name, ...(description !== undefined ? { description } : {}), ...(parameters !== undefined ? { parameters } : {}) });
    }
    places.push(lv(defs, null));
  }
  return findToolDefinitions(places);
}

/** System instructions kept apart from the messages (`gen_ai.system_instructions`). */
export function attributeSystem(a: Attrs): Text[] | null {
  const sys = a.get('gen_ai.system_instructions');
  return sys.v !== undefined ? systemTexts(sys) : null;
}

export function systemTexts(x: LV): Text[] {
  const v = jsonish(x);
  if (typeof v.v === 'string') return [{ text: v.v, loc: v.loc }];
  const out: Text[] = [];
  for (const p of items(v)) {
    if (typeof p.v === 'string') out.push({ text: p.v, loc: p.loc });
    else {
      const t = textOf(getAny(p, 'content', 'text'));
      if (t) out.push(t);
    }
  }
  return out;
}
