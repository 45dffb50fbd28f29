// Reading tool parameter schemas: JSON Schema as OpenAI tools carry it, plus the Python-style
// type names of BFCL-like traces (dict, float, integer, string, boolean, array, any, tuple).

export type SchemaNode = Record<string, unknown>;
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

const TYPE_ALIASES: Readonly<Record<string, JsonType | 'any'>> = {
  object: 'object',
  dict: 'object',
  map: 'object',
  mapping: 'object',
  array: 'array',
  list: 'array',
  tuple: 'array',
  set: 'array',
  string: 'string',
  str: 'string',
  text: 'string',
  enum: 'string',
  number: 'number',
  float: 'number',
  double: 'number',
  decimal: 'number',
  integer: 'integer',
  int: 'integer',
  long: 'integer',
  boolean: 'boolean',
  bool: 'boolean',
  null: 'null',
  none: 'null',
  any: 'any',
};

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// A schema node is checked once per value of every call to its tool: its types are read once.
const typesBySchema = new WeakMap<SchemaNode, ReadonlySet<JsonType> | null>();

/** Allowed JSON types of a schema node; null means "anything" (no type, `any`, or unknown name). */
export function allowedTypes(schema: SchemaNode): ReadonlySet<JsonType> | null {
  let known = typesBySchema.get(schema);
  if (known === undefined) {
    known = readAllowedTypes(schema);
    typesBySchema.set(schema, known);
  }
  return known;
}

function readAllowedTypes(schema: SchemaNode): Set<JsonType> | null {
  const out = new Set<JsonType>();
  const add = (t: unknown): boolean => {
    if (typeof t !== 'string') return false;
    const mapped = TYPE_ALIASES[t.toLowerCase()];
    if (mapped === undefined || mapped === 'any') return false;
    out.add(mapped);
    return true;
  };
  const t = schema['type'];
  if (typeof t === 'string') {
    if (!add(t)) return null;
  } else if (Array.isArray(t)) {
    for (const x of t) if (!add(x)) return null;
  } else {
    // anyOf/oneOf: the union of the branches' types, if every branch says
    for (const k of ['anyOf', 'oneOf'] as const) {
      const branches = schema[k];
      if (!Array.isArray(branches)) continue;
      for (const b of branches) {
        const bt = isRecord(b) ? allowedTypes(b) : null;
        if (bt === null) return null;
        for (const x of bt) out.add(x);
      }
      return out.size > 0 ? out : null;
    }
    if (isRecord(schema['properties'])) out.add('object');
    else if (isRecord(schema['items'])) out.add('array');
    else return null;
  }
  if (schema['nullable'] === true) out.add('null');
  return out;
}

export function jsonTypeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

export function typeMatches(v: unknown, allowed: ReadonlySet<JsonType>): boolean {
  const t = jsonTypeOf(v);
  if (allowed.has(t)) return true;
  // an integer is a number
  return t === 'integer' && allowed.has('number');
}

export function propertiesOf(schema: SchemaNode): Record<string, SchemaNode> | null {
  const p = schema['properties'];
  if (!isRecord(p)) return null;
  const out: Record<string, SchemaNode> = {};
  for (const [k, v] of Object.entries(p)) out[k] = isRecord(v) ? v : {};
  return out;
}

export function requiredOf(schema: SchemaNode): string[] {
  const r = schema['required'];
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

/** Whether keys beyond `properties` are allowed: only when the schema says so explicitly. */
export function allowsExtraKeys(schema: SchemaNode): boolean {
  const ap = schema['additionalProperties'];
  return ap === true || isRecord(ap);
}

export function itemsOf(schema: SchemaNode): SchemaNode | null {
  const it = schema['items'];
  if (isRecord(it)) return it;
  // tuple form: items as an array — use the first as a representative
  if (Array.isArray(it) && isRecord(it[0])) return it[0];
  return null;
}

export function enumOf(schema: SchemaNode): unknown[] | null {
  const e = schema['enum'];
  if (Array.isArray(e)) return e;
  if ('const' in schema) return [schema['const']];
  return null;
}

/**
 * Every piece of text and every literal value a schema offers as a source for arguments:
 * descriptions, enum members, defaults, examples (recursively through nested schemas).
 */
export function collectSchemaText(schema: unknown, texts: string[], depth = 0): void {
  if (depth > 20 || !isRecord(schema)) return;
  for (const key of ['description', 'title']) {
    const d = schema[key];
    if (typeof d === 'string') texts.push(d);
  }
  for (const key of ['enum', 'examples']) {
    const e = schema[key];
    if (Array.isArray(e)) for (const x of e) pushLiteral(x, texts);
  }
  if ('default' in schema) pushLiteral(schema['default'], texts);
  if ('const' in schema) pushLiteral(schema['const'], texts);
  const props = schema['properties'];
  if (isRecord(props)) for (const p of Object.values(props)) collectSchemaText(p, texts, depth + 1);
  const items = schema['items'];
  if (Array.isArray(items)) for (const it of items) collectSchemaText(it, texts, depth + 1);
  else collectSchemaText(items, texts, depth + 1);
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const b = schema[k];
    if (Array.isArray(b)) for (const x of b) collectSchemaText(x, texts, depth + 1);
  }
  if (isRecord(schema['additionalProperties'])) collectSchemaText(schema['additionalProperties'], texts, depth + 1);
}

function pushLiteral(x: unknown, texts: string[]): void {
  if (typeof x === 'string') texts.push(x);
  else if (typeof x === 'number' || typeof x === 'boolean') texts.push(String(x));
  else if (x !== null && typeof x === 'object') texts.push(JSON.stringify(x));
}
