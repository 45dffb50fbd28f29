// The walk over a tool call's parsed arguments: each value checked against its schema (declared,
// type, enum, range, required) and grounded in the conversation or, failing that, the tool's own
// schema; made-up specifics inside composed text reported at their own offsets.
import type { Annotation } from '../../../../common/schema';
import { findUngroundedSpecifics } from './answerSpecifics';
import { annotation, type CallTarget } from './callAnnotation';
import { describeSources, quote, schemaNodeText, type ContextIndex, type TextIndex } from './context';
import { groundNumber, groundString, type Verdict } from './grounding';
import { decodedToRawOffsets } from '../../json/escapes';
import { toPlain, valueSpan, type JsonNode } from '../../json/parse';
import { fold } from './normalize';
import { confidenceOf, type SchemaRule } from './confidence';
import { acceptedBySchema, enumAdmits, itemsWithArrayEnum, namesContextValue } from './schemaAcceptance';
import { allowedTypes, allowsExtraKeys, enumOf, jsonTypeOf, propertiesOf, requiredOf, typeMatches, type SchemaNode } from './toolSchema';

/**
 * A top-level parameter's grounding context: the conversation (`base`), and the tool's
 * description and the parameter's own schema added on first need (`full()`): most values are
 * grounded in the conversation alone, and more context only grounds more.
 */
class Scoped {
  private built: ContextIndex | null = null;
  constructor(
    readonly base: ContextIndex,
    private readonly description: TextIndex | null,
    private readonly propSchema: SchemaNode | undefined,
  ) {}
  full(): ContextIndex {
    if (this.built === null) {
      const texts: TextIndex[] = [];
      if (this.description) texts.push(this.description);
      const own = this.propSchema ? schemaNodeText(this.propSchema) : null;
      if (own) texts.push(own);
      this.built = this.base.withTexts(texts, 'schema');
    }
    return this.built;
  }
}

/**
 * Whether a value the context does not ground may have come from an earlier call's result the
 * trace does not record (unansweredCalls.ts): it is then left out as unverifiable.
 */
export type FromUnansweredCall = (value: string | number, path: string, schema: SchemaNode | null, toolName: string) => boolean;
const NEVER: FromUnansweredCall = () => false;

export class ArgumentWalker {
  constructor(
    private readonly t: CallTarget,
    private readonly ctx: ContextIndex,
    private readonly out: Annotation[],
    private readonly description: TextIndex | null,
    private readonly fromUnansweredCall: FromUnansweredCall = NEVER,
  ) {}

  /** The context a top-level parameter's values are grounded in (see Scoped). */
  private paramContext(propSchema: SchemaNode | undefined): Scoped {
    return new Scoped(this.ctx, this.description, propSchema);
  }

  object(
    node: Extract<JsonNode, { kind: 'object' }>,
    schema: SchemaNode | null,
    prefix: string,
    topLevel: boolean,
    ctx: Scoped | null,
  ): void {
    const props = schema ? propertiesOf(schema) : null;
    // The top-level property list is the tool's whole signature. A nested object's listed
    // properties are often examples: it is open unless it says additionalProperties: false.
    const closed = schema !== null && (topLevel ? !allowsExtraKeys(schema) : schema['additionalProperties'] === false);
    const extraSchema =
      schema && typeof schema['additionalProperties'] === 'object' ? (schema['additionalProperties'] as SchemaNode) : null;
    const required = schema ? new Set(requiredOf(schema)) : new Set<string>();
    const seen = new Set<string>();
    for (const entry of node.entries) {
      seen.add(entry.key);
      const path = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
      const propSchema = props ? props[entry.key] : undefined;
      if (propSchema === undefined && closed) {
        const declared = props ? Object.keys(props) : [];
        const list =
          declared.length === 0
            ? 'declares no parameters'
            : declared.length <= 8
              ? `declares ${declared.map((d) => quote(d)).join(', ')}`
              : `declares ${declared.length} others`;
        this.out.push(
          annotation(
            this.t,
            'unknown_parameter',
            entry.keyStart + 1,
            entry.keyEnd - 1,
            path,
            confidenceOf(topLevel ? 'unknown_parameter' : 'unknown_nested_parameter'),
            `${quote(this.t.toolName)} has no parameter ${quote(path)}; its schema ${list}.`,
          ),
        );
        continue;
      }
      this.value(entry.value, propSchema ?? extraSchema, path, ctx ?? this.paramContext(propSchema), required.has(entry.key));
    }
    if (schema) {
      for (const r of required) {
        if (seen.has(r)) continue;
        const path = prefix === '' ? r : `${prefix}.${r}`;
        this.out.push(
          annotation(
            this.t,
            'missing_required_parameter',
            0,
            this.t.args.length,
            path,
            confidenceOf(topLevel ? 'missing_required' : 'missing_required_nested'),
            `The required parameter ${quote(path)} of ${quote(this.t.toolName)} is missing.`,
          ),
        );
      }
    }
  }

  value(node: JsonNode, schema: SchemaNode | null, path: string, ctx: Scoped, required: boolean): void {
    if (schema) {
      const verdict = acceptedBySchema(node, schema, required);
      if (verdict === 'settled') return;
      if (verdict === 'check' && !this.valid(node, schema, path, ctx)) return;
    }
    switch (node.kind) {
      case 'object':
        this.object(node, schema, path, false, ctx);
        return;
      case 'array': {
        // an enum declared on the array itself constrains its items
        const items = schema ? itemsWithArrayEnum(schema) : null;
        for (const item of node.items) this.value(item, items, path, ctx, false);
        return;
      }
      case 'string': {
        const name = path.slice(path.lastIndexOf('.') + 1);
        let verdict = groundString(node.value, schema, ctx.base, name);
        if (!verdict.grounded) verdict = groundString(node.value, schema, ctx.full(), name);
        if (verdict.grounded && verdict.freeText) this.freeText(node, path, ctx, schema);
        else this.report(node, path, verdict, node.value, ctx, schema);
        return;
      }
      case 'number': {
        let verdict = groundNumber(node.value, schema, ctx.base);
        if (!verdict.grounded) verdict = groundNumber(node.value, schema, ctx.full());
        this.report(node, path, verdict, this.t.args.slice(node.start, node.end), ctx, schema);
        return;
      }
      default:
        // booleans and null choose between fixed options: nothing to have made up
        return;
    }
  }

  /** Type, enum and range checks; false when the value was reported as invalid. */
  private valid(node: JsonNode, schema: SchemaNode, path: string, scoped: Scoped): boolean {
    const plain = toPlain(node);
    // Code-calling dialects (Java, JavaScript) pass a variable by name: a string that is an
    // identifier or expression the user wrote stands for the value, whatever its declared type.
    const types = allowedTypes(schema);
    if (
      node.kind === 'string' &&
      types !== null &&
      !types.has('string') &&
      enumOf(schema) === null &&
      // a named constant the parameter's own description offers ("one of ResultSet.CONCUR_READ_ONLY, …")
      (namesContextValue(node.value, types, scoped.base) || namesContextValue(node.value, types, scoped.full()))
    )
      return true;
    const allowed = enumOf(schema);
    if (types && !typeMatches(plain, types) && !(allowed && enumAdmits(allowed, plain))) {
      const want = [...types].join(' or ');
      const numericString =
        node.kind === 'string' && (types.has('number') || types.has('integer')) && /^\s*-?\d+(\.\d+)?\s*$/.test(node.value);
      const got = node.kind === 'number' && types.has('integer') ? 'a non-integer number' : `${article(jsonTypeOf(plain))}`;
      return this.invalid(
        node,
        path,
        node.kind === 'null' ? 'type_null' : numericString ? 'type_numeric_string' : 'type_mismatch',
        `${quote(path)} must be ${want} but is ${got}${node.kind === 'object' || node.kind === 'array' ? '' : ` (${quote(String(plain))})`}.`,
      );
    }
    // an enum of scalars on an array is checked on its items (see value())
    if (allowed && !(Array.isArray(plain) && !allowed.some((a) => Array.isArray(a))) && !enumAdmits(allowed, plain)) {
      const listed =
        allowed.length <= 8 ? `: ${allowed.map((a) => (typeof a === 'string' ? quote(a) : JSON.stringify(a))).join(', ')}` : '';
      return this.invalid(
        node,
        path,
        'enum_mismatch',
        `${quote(typeof plain === 'string' ? plain : JSON.stringify(plain))} is not one of the values ${quote(path)} allows${listed}.`,
      );
    }
    if (typeof plain === 'number') {
      const min = schema['minimum'];
      const max = schema['maximum'];
      const exMin = schema['exclusiveMinimum'];
      const exMax = schema['exclusiveMaximum'];
      const below = (typeof min === 'number' && plain < min) || (typeof exMin === 'number' && plain <= exMin);
      const above = (typeof max === 'number' && plain > max) || (typeof exMax === 'number' && plain >= exMax);
      if (below || above)
        return this.invalid(
          node,
          path,
          'out_of_range',
          `${plain} is ${below ? 'below the minimum' : 'above the maximum'} the schema allows for ${quote(path)}.`,
        );
    }
    return true;
  }

  /** The value breaks its schema (`rule`): an invalid_parameter_value over the whole value. */
  private invalid(node: JsonNode, path: string, rule: SchemaRule, explanation: string): false {
    const span = valueSpan(node);
    this.out.push(annotation(this.t, 'invalid_parameter_value', span.start, span.end, path, confidenceOf(rule), explanation));
    return false;
  }

  private report(node: JsonNode, path: string, verdict: Verdict, shown: string, scoped: Scoped, schema: SchemaNode | null): void {
    if (verdict.grounded) return;
    const value = node.kind === 'number' ? node.value : (verdict.missing ?? shown);
    if ((typeof value === 'number' || typeof value === 'string') && this.fromUnansweredCall(value, path, schema, this.t.toolName)) return;
    const ctx = scoped.full();
    const span = valueSpan(node);
    const where = describeSources(ctx.kinds);
    const explanation =
      verdict.missing !== undefined
        ? `${quote(originalWords(shown, verdict.missing))} (in ${quote(shown)}) does not appear in ${where}.`
        : `${quote(shown)} does not appear in ${where}.`;
    this.out.push(annotation(this.t, 'ungrounded_parameter_value', span.start, span.end, path, verdict.confidence, explanation));
  }

  /** Composed text (a message body): report the made-up specifics inside it, at their own offsets. */
  private freeText(node: Extract<JsonNode, { kind: 'string' }>, path: string, scoped: Scoped, schema: SchemaNode | null): void {
    if (findUngroundedSpecifics(node.value, scoped.base).length === 0) return;
    const ctx = scoped.full();
    const findings = findUngroundedSpecifics(node.value, ctx).filter(
      (f) => !this.fromUnansweredCall(node.value.slice(f.start, f.end), path, schema, this.t.toolName),
    );
    if (findings.length === 0) return;
    const innerStart = node.start + 1;
    const map = decodedToRawOffsets(this.t.args.slice(innerStart, node.end - 1));
    const where = describeSources(ctx.kinds);
    for (const f of findings) {
      const shown = node.value.slice(f.start, f.end);
      this.out.push(
        annotation(
          this.t,
          'ungrounded_parameter_value',
          innerStart + map[f.start]!,
          innerStart + map[f.end]!,
          path,
          f.confidence,
          `The ${f.kind} ${quote(shown)} in ${quote(path)} does not appear in ${where}.`,
        ),
      );
    }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The words of `text` whose folded form is among the folded `missing` tokens (for explanations). */
export function originalWords(text: string, missing: string): string {
  const wanted = new Set(missing.split(' '));
  const words = text.split(/[^\p{L}\p{N}'’]+/u).filter(
    (w) =>
      w !== '' &&
      fold(w)
        .split(' ')
        .some((x) => wanted.has(x)),
  );
  return words.length > 0 ? words.join(' ') : missing;
}
