// Tool calls checked against the tool schemas of the trace: the tool exists, the arguments are a
// JSON object, every argument is declared, has an allowed type and value, required ones are
// present, and every value is grounded in what came before the call.
import type { Annotation, BuiltInLabel, Message, ToolDefinition } from '../../../../common/schema';
import { findUngroundedSpecifics } from './answerSpecifics';
import { describeSources, quote, type ContextIndex } from './context';
import { groundNumber, groundString, type Verdict } from './grounding';
import { decodedToRawOffsets } from '../../json/escapes';
import { parseJsonWithPositions, toPlain, valueSpan, type JsonNode } from '../../json/parse';
import { fold } from './normalize';
import {
  allowedTypes,
  allowsExtraKeys,
  enumOf,
  itemsOf,
  jsonTypeOf,
  propertiesOf,
  requiredOf,
  typeMatches,
  type SchemaNode,
} from './toolSchema';

interface CallTarget {
  messageIndex: number;
  partIndex: number;
  args: string;
  toolName: string;
}

function annotation(
  t: CallTarget,
  label: BuiltInLabel,
  start: number,
  end: number,
  parameterName: string | null,
  confidence: number,
  explanation: string,
): Annotation {
  return {
    label,
    text: t.args.slice(start, end),
    explanation,
    message_index: t.messageIndex,
    message_part_index: t.partIndex,
    start_offset: start,
    end_offset: end,
    tool_name: t.toolName,
    parameter_name: parameterName,
    detector: 'local',
    confidence,
  };
}

/** Tool names as providers rewrite them ("math.factorial" is sent as "math_factorial"). */
function nameKey(name: string): string {
  return name.replace(/[.\-/ ]/g, '_');
}

export function findTool(tools: readonly ToolDefinition[], name: string): ToolDefinition | undefined {
  return tools.find((t) => t.function.name === name) ?? tools.find((t) => nameKey(t.function.name) === nameKey(name));
}

/**
 * Annotations for every tool call of `message`. `firstPartIndex` is the message-part index of the
 * first call (the number of content parts before the calls).
 */
export function checkToolCalls(
  message: Message,
  messageIndex: number,
  firstPartIndex: number,
  tools: readonly ToolDefinition[],
  ctx: ContextIndex,
): Annotation[] {
  const out: Annotation[] = [];
  (message.tool_calls ?? []).forEach((call, i) => {
    const target: CallTarget = {
      messageIndex,
      partIndex: firstPartIndex + i,
      args: call.function.arguments,
      toolName: call.function.name,
    };
    checkCall(target, tools, ctx, out);
  });
  return out;
}

function checkCall(t: CallTarget, tools: readonly ToolDefinition[], ctx: ContextIndex, out: Annotation[]): void {
  const tool = findTool(tools, t.toolName);
  if (!tool) {
    // The whole arguments string is marked: the call as a whole is at fault (0..0 when empty).
    const names = tools.map((x) => x.function.name);
    const near = names.find((n) => nameKey(n).toLowerCase() === nameKey(t.toolName).toLowerCase());
    const known = near !== undefined
      ? `did you mean ${quote(near)}?`
      : names.length === 0
        ? 'the trace defines no tools'
        : names.length <= 5
          ? `the trace defines ${names.map((n) => quote(n)).join(', ')}`
          : `the trace defines ${names.length} other tools`;
    out.push(annotation(t, 'unknown_tool', 0, t.args.length, null, 0.97, `No tool named ${quote(t.toolName)} exists; ${known}${near !== undefined ? '' : '.'}`));
    return;
  }
  // An empty arguments string is how some providers send a call without arguments.
  let root: JsonNode;
  if (t.args.trim() === '') root = { kind: 'object', start: 0, end: t.args.length, entries: [] };
  else {
    const parsed = parseJsonWithPositions(t.args);
    if (!parsed.ok) {
      out.push(annotation(t, 'invalid_arguments_json', 0, t.args.length, null, 1, `The arguments are not valid JSON: ${parsed.error}.`));
      return;
    }
    root = parsed.node;
  }
  if (root.kind !== 'object') {
    out.push(annotation(t, 'invalid_arguments_json', 0, t.args.length, null, 1, `The arguments are JSON but not an object (found ${root.kind}).`));
    return;
  }
  const params = tool.function.parameters;
  const walker = new ArgumentWalker(t, ctx, out);
  // No parameter schema: nothing to check names and types against, but values can still be made up.
  walker.object(root, params ?? null, '', true);
}

class ArgumentWalker {
  constructor(
    private readonly t: CallTarget,
    private readonly ctx: ContextIndex,
    private readonly out: Annotation[],
  ) {}

  object(node: Extract<JsonNode, { kind: 'object' }>, schema: SchemaNode | null, prefix: string, topLevel: boolean): void {
    const props = schema ? propertiesOf(schema) : null;
    // At the top level the schema's property list is the tool's whole signature; nested objects
    // with properties are closed unless they allow more.
    const closed =
      schema !== null &&
      !allowsExtraKeys(schema) &&
      (topLevel || (props !== null && Object.keys(props).length > 0));
    const extraSchema = schema && typeof schema['additionalProperties'] === 'object' ? (schema['additionalProperties'] as SchemaNode) : null;
    const seen = new Set<string>();
    for (const entry of node.entries) {
      seen.add(entry.key);
      const path = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
      const propSchema = props ? props[entry.key] : undefined;
      if (propSchema === undefined && closed) {
        const declared = props ? Object.keys(props) : [];
        const list = declared.length === 0 ? 'declares no parameters' : declared.length <= 8 ? `declares ${declared.map((d) => quote(d)).join(', ')}` : `declares ${declared.length} others`;
        this.out.push(
          annotation(this.t, 'unknown_parameter', entry.keyStart + 1, entry.keyEnd - 1, path, topLevel ? 0.95 : 0.8,
            `${quote(this.t.toolName)} has no parameter ${quote(path)}; its schema ${list}.`),
        );
        continue;
      }
      this.value(entry.value, propSchema ?? extraSchema, path);
    }
    if (schema) {
      for (const r of requiredOf(schema)) {
        if (seen.has(r)) continue;
        const path = prefix === '' ? r : `${prefix}.${r}`;
        this.out.push(
          annotation(this.t, 'missing_required_parameter', 0, this.t.args.length, path, topLevel ? 0.95 : 0.9,
            `The required parameter ${quote(path)} of ${quote(this.t.toolName)} is missing.`),
        );
      }
    }
  }

  value(node: JsonNode, schema: SchemaNode | null, path: string): void {
    if (schema && !this.valid(node, schema, path)) return;
    switch (node.kind) {
      case 'object':
        this.object(node, schema, path, false);
        return;
      case 'array': {
        const items = schema ? itemsOf(schema) : null;
        for (const item of node.items) this.value(item, items, path);
        return;
      }
      case 'string': {
        const verdict = groundString(node.value, schema, this.ctx);
        if (verdict.grounded && verdict.freeText) this.freeText(node, path);
        else this.report(node, path, verdict, node.value);
        return;
      }
      case 'number':
        this.report(node, path, groundNumber(node.value, schema, this.ctx), this.t.args.slice(node.start, node.end));
        return;
      default:
        // booleans and null choose between fixed options: nothing to have made up
        return;
    }
  }

  /** Type, enum and range checks; false when the value was reported as invalid. */
  private valid(node: JsonNode, schema: SchemaNode, path: string): boolean {
    const plain = toPlain(node);
    const types = allowedTypes(schema);
    const span = valueSpan(node);
    if (types && !typeMatches(plain, types)) {
      const want = [...types].join(' or ');
      const numericString = node.kind === 'string' && (types.has('number') || types.has('integer')) && /^\s*-?\d+(\.\d+)?\s*$/.test(node.value);
      const confidence = node.kind === 'null' ? 0.5 : numericString ? 0.75 : 0.9;
      const got = node.kind === 'number' && types.has('integer') ? 'a non-integer number' : `${article(jsonTypeOf(plain))}`;
      this.out.push(
        annotation(this.t, 'invalid_parameter_value', span.start, span.end, path, confidence,
          `${quote(path)} must be ${want} but is ${got}${node.kind === 'object' || node.kind === 'array' ? '' : ` (${quote(String(plain))})`}.`),
      );
      return false;
    }
    const allowed = enumOf(schema);
    if (allowed && !allowed.some((a) => sameLiteral(a, plain))) {
      const caseOnly = typeof plain === 'string' && allowed.some((a) => typeof a === 'string' && fold(a) === fold(plain));
      const listed = allowed.length <= 8 ? `: ${allowed.map((a) => (typeof a === 'string' ? quote(a) : JSON.stringify(a))).join(', ')}` : '';
      this.out.push(
        annotation(this.t, 'invalid_parameter_value', span.start, span.end, path, caseOnly ? 0.6 : 0.92,
          `${quote(typeof plain === 'string' ? plain : JSON.stringify(plain))} is not one of the values ${quote(path)} allows${listed}.`),
      );
      return false;
    }
    if (typeof plain === 'number') {
      const min = schema['minimum'];
      const max = schema['maximum'];
      const exMin = schema['exclusiveMinimum'];
      const exMax = schema['exclusiveMaximum'];
      const below = (typeof min === 'number' && plain < min) || (typeof exMin === 'number' && plain <= exMin);
      const above = (typeof max === 'number' && plain > max) || (typeof exMax === 'number' && plain >= exMax);
      if (below || above) {
        this.out.push(
          annotation(this.t, 'invalid_parameter_value', span.start, span.end, path, 0.85,
            `${plain} is ${below ? 'below the minimum' : 'above the maximum'} the schema allows for ${quote(path)}.`),
        );
        return false;
      }
    }
    return true;
  }

  private report(node: JsonNode, path: string, verdict: Verdict, shown: string): void {
    if (verdict.grounded) return;
    const span = valueSpan(node);
    const where = describeSources(this.ctx.kinds);
    const explanation =
      verdict.missing !== undefined
        ? `${quote(originalWords(shown, verdict.missing))} (in ${quote(shown)}) does not appear in ${where}.`
        : `${quote(shown)} does not appear in ${where}.`;
    this.out.push(annotation(this.t, 'ungrounded_parameter_value', span.start, span.end, path, verdict.confidence, explanation));
  }

  /** Composed text (a message body): report the made-up specifics inside it, at their own offsets. */
  private freeText(node: Extract<JsonNode, { kind: 'string' }>, path: string): void {
    const findings = findUngroundedSpecifics(node.value, this.ctx);
    if (findings.length === 0) return;
    const innerStart = node.start + 1;
    const map = decodedToRawOffsets(this.t.args.slice(innerStart, node.end - 1));
    const where = describeSources(this.ctx.kinds);
    for (const f of findings) {
      const shown = node.value.slice(f.start, f.end);
      this.out.push(
        annotation(this.t, 'ungrounded_parameter_value', innerStart + map[f.start]!, innerStart + map[f.end]!, path, f.confidence,
          `The ${f.kind} ${quote(shown)} in ${quote(path)} does not appear in ${where}.`),
      );
    }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function sameLiteral(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** The words of `text` whose folded form is among the folded `missing` tokens (for explanations). */
export function originalWords(text: string, missing: string): string {
  const wanted = new Set(missing.split(' '));
  const words = text.split(/[^\p{L}\p{N}'’]+/u).filter((w) => w !== '' && fold(w).split(' ').some((x) => wanted.has(x)));
  return words.length > 0 ? words.join(' ') : missing;
}
