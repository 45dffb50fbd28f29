// Structured output: the experiment's `output_schema` fields as a zod schema, as the JSON schema
// sent in `response_format`, and the validation of the model's reply against it.
import { z } from 'zod';
import type { OutputField } from '../../../common/schema';
import { pathText } from '../json/pathText';

export interface OutputSchemaOptions {
  /**
   * false (default): the schema the model is told, OpenAI strict-mode style — every key
   * required, optional fields nullable, no extra keys.
   * true: the schema replies are validated with — optional fields may also be left out (servers
   * without strict mode often omit them); extra keys are still a violation.
   */
  lenient?: boolean;
}

type FieldInput = Pick<OutputField, 'name' | 'type'> & { is_list?: boolean; is_optional?: boolean };

function fieldType(type: OutputField['type']): z.ZodType {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'integer':
      return z.int();
    case 'boolean':
      return z.boolean();
    case 'object':
      // Free-form: the field declares no sub-fields.
      return z.record(z.string(), z.unknown());
  }
}

/** `output_schema` → zod object. is_list → array, is_optional → nullable (or nullish when lenient). */
export function outputSchemaToZod(fields: readonly FieldInput[], opts: OutputSchemaOptions = {}): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    let t = fieldType(f.type);
    if (f.is_list) t = z.array(t);
    if (f.is_optional) t = opts.lenient ? t.nullish() : t.nullable();
    shape[f.name] = t;
  }
  return z.strictObject(shape);
}

const SAFE = Number.MAX_SAFE_INTEGER;

export interface WireJsonSchema {
  schema: Record<string, unknown>;
  /**
   * Whether strict mode can be asked for. OpenAI's strict mode rejects free-form objects
   * (`additionalProperties` must be false), so a schema with an `object` field without
   * sub-fields is sent with strict: false.
   */
  strict: boolean;
}

/**
 * zod → the JSON schema subset chat-completions servers accept: no `$schema`, no
 * `propertyNames`, no ±MAX_SAFE_INTEGER bounds that z.int() adds, free-form objects as
 * `additionalProperties: true`.
 */
export function toWireJsonSchema(schema: z.ZodType): WireJsonSchema {
  const raw = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  let strict = true;
  const clean = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(clean);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '$schema' || k === 'propertyNames') continue;
      if ((k === 'minimum' && v === -SAFE) || (k === 'maximum' && v === SAFE)) continue;
      if (k === 'additionalProperties' && v !== false) {
        strict = false;
        out[k] = typeof v === 'object' && v !== null && Object.keys(v).length === 0 ? true : clean(v);
        continue;
      }
      out[k] = clean(v);
    }
    return out;
  };
  const cleaned = clean(raw) as Record<string, unknown>;
  return { schema: cleaned, strict };
}

export const OUTPUT_SCHEMA_NAME = 'structured_output';

/** The `response_format` body field for an experiment's output_schema. */
export function outputResponseFormat(fields: readonly FieldInput[]): {
  type: 'json_schema';
  json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
} {
  const { schema, strict } = toWireJsonSchema(outputSchemaToZod(fields));
  return { type: 'json_schema', json_schema: { name: OUTPUT_SCHEMA_NAME, strict, schema } };
}

export interface StructuredIssue {
  path: (string | number)[];
  message: string;
}

export type StructuredResult = { ok: true; value: unknown } | { ok: false; error: string; issues?: StructuredIssue[] };

/**
 * Validates a reply against the output schema. The content must be a JSON document as is
 * (surrounding whitespace allowed; a ```json fence is a violation: a program reading the
 * structured output would fail on it too).
 */
export function validateStructuredOutput(content: string | null | undefined, fields: readonly FieldInput[]): StructuredResult {
  if (content === null || content === undefined || content.trim() === '') {
    return {
      ok: false,
      error: 'the response has no content, but the output schema asks for a JSON object',
      issues: [{ path: [], message: 'empty response' }],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `the response is not valid JSON: ${why}`, issues: [{ path: [], message: `not valid JSON: ${why}` }] };
  }
  const res = outputSchemaToZod(fields, { lenient: true }).safeParse(parsed);
  if (res.success) return { ok: true, value: res.data };
  const issues: StructuredIssue[] = [];
  for (const i of res.error.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) issues.push({ path: [...i.path.map(pathKey), k], message: `unexpected field "${k}"` });
    } else {
      issues.push({ path: i.path.map(pathKey), message: i.message });
    }
  }
  const error = issues.map((i) => `${pathText(i.path, '(root)')}: ${i.message}`).join('; ');
  return { ok: false, error: `the response does not conform to the output schema: ${error}`, issues };
}

function pathKey(p: PropertyKey): string | number {
  return typeof p === 'number' ? p : String(p);
}
