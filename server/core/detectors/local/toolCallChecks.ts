// Tool calls checked against the tool schemas of the trace: the tool exists, the arguments are a
// JSON object, every argument is declared, has an allowed type and value, required ones are
// present, and every value is grounded in what came before the call.
import type { Annotation, BuiltInLabel, Conversation, Message, ToolDefinition } from '../../../../common/schema';
import { noteOnce, type DetectionReport } from '../detector';
import { saysToolDoesNotExist } from '../../toolExecution';
import { findUngroundedSpecifics } from './answerSpecifics';
import { describeSources, quote, schemaNodeText, toolDescriptionText, type ContextIndex, type TextIndex } from './context';
import { groundNumber, groundString, type Verdict } from './grounding';
import { decodedToRawOffsets } from '../../json/escapes';
import { parseJsonWithPositions, toPlain, valueSpan, type JsonNode } from '../../json/parse';
import { findGroupPhrases } from './equivalences';
import { fold } from './normalize';
import { NUMBER_WORDS } from './numbers';
import { calibrated, confidenceOf } from './confidence';
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
    confidence: calibrated(label, confidence),
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
 * Whether the trace shows the tool ran: a tool result answering this call's id, or a message whose
 * role or name is the tool's name (how some producers record a tool's output). A tool that ran
 * exists, whatever the recorded definitions say.
 */
function toolWasExecuted(conversation: Conversation, name: string, callId: string | undefined): boolean {
  // Recorded by the reader (a tool span of the trace, a result answering the call).
  if (conversation.executedTools?.includes(name)) return true;
  for (const m of conversation.messages) {
    if (m.role === 'assistant' || m.role === 'user') continue;
    const answersCall = m.role === name || m.name === name || (callId !== undefined && m.tool_call_id === callId);
    if (answersCall && !saysToolDoesNotExist(messageText(m), name)) return true;
  }
  return false;
}

function messageText(m: Message): string {
  if (typeof m.content === 'string') return m.content;
  return Array.isArray(m.content) ? m.content.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ') : '';
}

export const NO_TOOL_DEFINITIONS_NOTE =
  'the trace records no tool definitions: tool calls were not checked against a schema (their values were still grounded)';

/**
 * Annotations for every tool call of `message`. `firstPartIndex` is the message-part index of the
 * first call (the number of content parts before the calls).
 */
export function checkToolCalls(
  message: Message,
  messageIndex: number,
  firstPartIndex: number,
  conversation: Conversation,
  ctx: ContextIndex,
  report?: DetectionReport,
): Annotation[] {
  const out: Annotation[] = [];
  const tools = conversation.tools ?? [];
  (message.tool_calls ?? []).forEach((call, i) => {
    const target: CallTarget = {
      messageIndex,
      partIndex: firstPartIndex + i,
      args: call.function.arguments,
      toolName: call.function.name,
    };
    if (tools.length === 0) noteOnce(report, NO_TOOL_DEFINITIONS_NOTE);
    checkCall(target, tools, ctx, out, () => toolWasExecuted(conversation, call.function.name, call.id));
  });
  return out;
}

function checkCall(t: CallTarget, tools: readonly ToolDefinition[], ctx: ContextIndex, out: Annotation[], executed: () => boolean): void {
  const tool = findTool(tools, t.toolName);
  // unknown_tool only where the definitions are known and the tool did not run: with none
  // recorded (or an incomplete list), nothing says the call is made up.
  if (!tool && tools.length > 0 && !executed()) {
    // The whole arguments string is marked: the call as a whole is at fault (0..0 when empty).
    const names = tools.map((x) => x.function.name);
    const near = names.find((n) => nameKey(n).toLowerCase() === nameKey(t.toolName).toLowerCase());
    const known =
      near !== undefined
        ? `did you mean ${quote(near)}?`
        : names.length <= 5
          ? `the trace defines ${names.map((n) => quote(n)).join(', ')}`
          : `the trace defines ${names.length} other tools`;
    out.push(
      annotation(
        t,
        'unknown_tool',
        0,
        t.args.length,
        null,
        confidenceOf('unknown_tool'),
        `No tool named ${quote(t.toolName)} exists; ${known}${near !== undefined ? '' : '.'}`,
      ),
    );
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
    out.push(
      annotation(t, 'invalid_arguments_json', 0, t.args.length, null, 1, `The arguments are JSON but not an object (found ${root.kind}).`),
    );
    return;
  }
  // Values are grounded in the conversation and the called tool's own schema, not every tool's:
  // a word of another tool's schema does not support a value of this one.
  const description = tool ? toolDescriptionText(tool) : null;
  const walker = new ArgumentWalker(t, ctx, out, description);
  // No schema (no definitions, or none for this tool): no names or types to check, but values can
  // still be made up.
  walker.object(root, tool?.function.parameters ?? null, '', true, null);
}

/** A parameter's grounding context: the conversation, and (on first need) the tool's own schema added. */
interface Scoped {
  base: ContextIndex;
  full: () => ContextIndex;
}

class ArgumentWalker {
  constructor(
    private readonly t: CallTarget,
    private readonly ctx: ContextIndex,
    private readonly out: Annotation[],
    private readonly description: TextIndex | null,
  ) {}

  /**
   * The context a top-level parameter's values are grounded in: the conversation, the tool's
   * description, the parameter's own schema. Built on first need (most values are grounded in
   * the conversation alone, and more context only grounds more).
   */
  private paramContext(propSchema: SchemaNode | undefined): Scoped {
    let built: ContextIndex | null = null;
    return {
      base: this.ctx,
      full: () => {
        if (built === null) {
          const texts: TextIndex[] = [];
          if (this.description) texts.push(this.description);
          const own = propSchema ? schemaNodeText(propSchema) : null;
          if (own) texts.push(own);
          built = this.ctx.withTexts(texts, 'schema');
        }
        return built;
      },
    };
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
      if (verdict === 'check' && !this.valid(node, schema, path, ctx.base)) return;
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
        if (verdict.grounded && verdict.freeText) this.freeText(node, path, ctx);
        else this.report(node, path, verdict, node.value, ctx);
        return;
      }
      case 'number': {
        let verdict = groundNumber(node.value, schema, ctx.base);
        if (!verdict.grounded) verdict = groundNumber(node.value, schema, ctx.full());
        this.report(node, path, verdict, this.t.args.slice(node.start, node.end), ctx);
        return;
      }
      default:
        // booleans and null choose between fixed options: nothing to have made up
        return;
    }
  }

  /** Type, enum and range checks; false when the value was reported as invalid. */
  private valid(node: JsonNode, schema: SchemaNode, path: string, ctx: ContextIndex): boolean {
    const plain = toPlain(node);
    // Code-calling dialects (Java, JavaScript) pass a variable by name: a string that is an
    // identifier or expression the user wrote stands for the value, whatever its declared type.
    const types = allowedTypes(schema);
    if (
      node.kind === 'string' &&
      types !== null &&
      !types.has('string') &&
      enumOf(schema) === null &&
      namesContextValue(node.value, types, ctx)
    )
      return true;
    const span = valueSpan(node);
    const allowed = enumOf(schema);
    if (types && !typeMatches(plain, types) && !(allowed && enumAdmits(allowed, plain))) {
      const want = [...types].join(' or ');
      const numericString =
        node.kind === 'string' && (types.has('number') || types.has('integer')) && /^\s*-?\d+(\.\d+)?\s*$/.test(node.value);
      const got = node.kind === 'number' && types.has('integer') ? 'a non-integer number' : `${article(jsonTypeOf(plain))}`;
      this.out.push(
        annotation(
          this.t,
          'invalid_parameter_value',
          span.start,
          span.end,
          path,
          confidenceOf(node.kind === 'null' ? 'type_null' : numericString ? 'type_numeric_string' : 'type_mismatch'),
          `${quote(path)} must be ${want} but is ${got}${node.kind === 'object' || node.kind === 'array' ? '' : ` (${quote(String(plain))})`}.`,
        ),
      );
      return false;
    }
    // an enum of scalars on an array is checked on its items (see value())
    if (allowed && !(Array.isArray(plain) && !allowed.some((a) => Array.isArray(a))) && !enumAdmits(allowed, plain)) {
      const listed =
        allowed.length <= 8 ? `: ${allowed.map((a) => (typeof a === 'string' ? quote(a) : JSON.stringify(a))).join(', ')}` : '';
      this.out.push(
        annotation(
          this.t,
          'invalid_parameter_value',
          span.start,
          span.end,
          path,
          confidenceOf('enum_mismatch'),
          `${quote(typeof plain === 'string' ? plain : JSON.stringify(plain))} is not one of the values ${quote(path)} allows${listed}.`,
        ),
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
          annotation(
            this.t,
            'invalid_parameter_value',
            span.start,
            span.end,
            path,
            confidenceOf('out_of_range'),
            `${plain} is ${below ? 'below the minimum' : 'above the maximum'} the schema allows for ${quote(path)}.`,
          ),
        );
        return false;
      }
    }
    return true;
  }

  private report(node: JsonNode, path: string, verdict: Verdict, shown: string, scoped: Scoped): void {
    if (verdict.grounded) return;
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
  private freeText(node: Extract<JsonNode, { kind: 'string' }>, path: string, scoped: Scoped): void {
    if (findUngroundedSpecifics(node.value, scoped.base).length === 0) return;
    const ctx = scoped.full();
    const findings = findUngroundedSpecifics(node.value, ctx);
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

/**
 * Schema semantics that come before type and enum checks: `null` for a parameter that is not
 * required means "left out"; the parameter's own declared default is always acceptable, even
 * where it lies outside its enum or type (real schemas declare sentinels such as "any" or
 * "dontcare"). 'settled': accepted, nothing more to check; 'check': type/enum checks apply.
 */
export function acceptedBySchema(node: JsonNode, schema: SchemaNode, required: boolean): 'settled' | 'check' {
  if (node.kind === 'null' && (!required || ('default' in schema && schema['default'] === null))) return 'settled';
  if ('default' in schema && node.kind !== 'object' && node.kind !== 'array') {
    const d = schema['default'];
    const v = toPlain(node);
    if (
      v === d ||
      (typeof v === 'string' && typeof d === 'string' && fold(v) === fold(d)) ||
      (typeof d === 'string' && typeof v !== 'string' && String(v) === d)
    )
      return 'settled';
  }
  return 'check';
}

/**
 * Whether an enum admits a value: a member itself, a member differing only in letter case, or a
 * JSON boolean where the enum lists it as a string ("True" / "False").
 */
export function enumAdmits(allowed: readonly unknown[], v: unknown): boolean {
  if (allowed.some((a) => sameLiteral(a, v))) return true;
  if (typeof v === 'string') {
    // letter case and separators ("open-hole" for "open hole") do not make another member
    const f = enumKey(v);
    if (f !== '' && allowed.some((a) => typeof a === 'string' && enumKey(a) === f)) return true;
    // a member of several words written as its initials ("GF" for "Gluten Free")
    if (/^[A-Z]{2,5}$/.test(v) && allowed.some((a) => typeof a === 'string' && initialsOf(a) === f)) return true;
    // another name of a member ("ft" for "feet", "USD" for "dollar")
    const groups = wholePhraseGroups(v);
    return groups.length > 0 && allowed.some((a) => typeof a === 'string' && wholePhraseGroups(a).some((g) => groups.includes(g)));
  }
  if (typeof v === 'boolean' || typeof v === 'number') return allowed.some((a) => typeof a === 'string' && a.toLowerCase() === String(v));
  return false;
}

/**
 * How an enum member is compared: letter case and separators aside ("open-hole" is "open hole"),
 * numbers as digits ("five_years" is "5 years"), a leading one dropped ("1 year" is "year"),
 * plurals as singulars.
 */
function enumKey(s: string): string {
  return fold(s)
    .split(' ')
    .map((t) => {
      const n = NUMBER_WORDS.get(t);
      return n !== undefined && Number.isInteger(n) ? String(n) : t.length > 3 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t;
    })
    .join(' ')
    .replace(/^1 /, '');
}

/** Equivalence groups (equivalences.ts) the whole of `s` names. */
function wholePhraseGroups(s: string): number[] {
  const tokens = fold(s).split(' ');
  return findGroupPhrases(tokens, () => true)
    .filter((g) => g.start === 0 && g.end === tokens.length)
    .flatMap((g) => g.groups);
}

function initialsOf(s: string): string {
  const words = fold(s).split(' ');
  return words.length >= 2 ? words.map((w) => w[0]).join('') : '';
}

/**
 * A string standing for a value the user named, where the schema wants the value itself: an
 * identifier or expression ("listElement", "ResultSet.CONCUR_READ_ONLY"), or — for an array or
 * object — a key or name the user wrote verbatim ("user:online:both").
 */
function namesContextValue(v: string, types: ReadonlySet<string>, ctx: ContextIndex): boolean {
  const verbatim = (): boolean => ctx.rawIncludes(v.toLowerCase());
  if (EXPRESSION.test(v)) return verbatim();
  return (types.has('array') || types.has('object')) && v.length >= 3 && !/\s/.test(v) && verbatim();
}

/** An identifier, member access, call or index expression: "listElement", "ResultSet.CONCUR_READ_ONLY", "data['sales']". */
const EXPRESSION = /^[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*|\[[^\]]{1,40}\]|\(\))*$/;

/** The schema of an array's items, with an enum of scalars declared on the array itself moved onto them. */
function itemsWithArrayEnum(schema: SchemaNode): SchemaNode | null {
  const items = itemsOf(schema);
  const e = enumOf(schema);
  if (!e || e.some((a) => Array.isArray(a)) || (items && enumOf(items))) return items;
  return { ...(items ?? {}), enum: e };
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
  const words = text.split(/[^\p{L}\p{N}'’]+/u).filter(
    (w) =>
      w !== '' &&
      fold(w)
        .split(' ')
        .some((x) => wanted.has(x)),
  );
  return words.length > 0 ? words.join(' ') : missing;
}
