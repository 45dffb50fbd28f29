// The context a response is judged against: a conversation's sources before the response (see
// conversationIndex.ts, indexed once per conversation) plus a few texts of its own — the called
// tool's schema, every tool's schema for answer text, earlier tool-call arguments.
import type { Conversation, ToolDefinition } from '../../../../common/schema';
import { conversationIndexesFor, type ConversationIndex, type Membership, type SetAttribute, type SourceKind } from './conversationIndex';
import { relativeDateKeys, type YMD } from './relativeDates';
import { cachedIndexText, TextIndex } from './textIndex';
import { collectSchemaText } from './toolSchema';

export { messageText, type Membership, type SourceKind } from './conversationIndex';
export type { TextIndex } from './textIndex';

/** A conversation index and how many of its sources (from the start) are before the response. */
interface Prefix {
  index: ConversationIndex;
  count: number;
}

/** Relative dates a context names: membership, and the keys themselves for the rarer scans. */
export interface RelativeDates extends Membership<string> {
  keys(): Iterable<string>;
}

/**
 * Membership in one attribute of a context: its conversation prefixes, then its own texts. One
 * small object per attribute asked for (no closures per context: contexts are made per value).
 */
class AttributeView implements Membership<string | number> {
  constructor(
    private readonly live: readonly Prefix[],
    private readonly extras: readonly TextIndex[],
    private readonly attr: SetAttribute,
  ) {}
  has(v: string | number): boolean {
    for (const p of this.live) if (p.index.has(this.attr, v, p.count)) return true;
    for (const t of this.extras) if ((t[this.attr] as ReadonlySet<string | number>).has(v)) return true;
    return false;
  }
}

export class ContextIndex {
  /** Which kinds of source exist, for explanations. */
  readonly kinds: ReadonlySet<SourceKind>;
  private readonly live: readonly Prefix[];
  private views?: Partial<Record<SetAttribute, AttributeView>>;

  private relative?: RelativeDates;

  constructor(
    private readonly prefixes_: readonly Prefix[],
    private readonly extras: readonly TextIndex[],
    kinds: ReadonlySet<SourceKind>,
  ) {
    this.kinds = kinds;
    this.live = prefixes_.length === 1 && prefixes_[0]!.count > 0 ? prefixes_ : prefixes_.filter((p) => p.count > 0);
  }

  private view<T extends string | number>(attr: SetAttribute): Membership<T> {
    const views = (this.views ??= {});
    // a view answers for any value type; each attribute holds one type (see TextIndex)
    return (views[attr] ??= new AttributeView(this.live, this.extras, attr)) as Membership<string | number> as Membership<T>;
  }
  get tokens(): Membership<string> {
    return this.view('tokens');
  }
  /** Stemmed tokens. */
  get stems(): Membership<string> {
    return this.view('stems');
  }
  /** Concatenations of adjacent tokens ("wi fi" → "wifi"). */
  get joined(): Membership<string> {
    return this.view('joined');
  }
  get numbers(): Membership<number> {
    return this.view('numbers');
  }
  get dates(): Membership<string> {
    return this.view('dates');
  }
  /** minutes after midnight */
  get times(): Membership<number> {
    return this.view('times');
  }
  /** equivalence groups (see equivalences.ts) some source names */
  get groups(): Membership<number> {
    return this.view('groups');
  }
  /** initials of consecutive words */
  get initials(): Membership<string> {
    return this.view('initials');
  }
  /** first 3–4 letters of longer words */
  get prefixes(): Membership<string> {
    return this.view('prefixes');
  }
  /** one-letter deletions of longer words */
  get deletions(): Membership<string> {
    return this.view('deletions');
  }

  private with(prefixes: readonly Prefix[], extras: readonly TextIndex[], kind: SourceKind): ContextIndex {
    const kinds = new Set(this.kinds);
    kinds.add(kind);
    return new ContextIndex(prefixes, extras, kinds);
  }
  /** This context plus more source texts (cached like the others). */
  extendedWith(texts: readonly string[], kind: SourceKind): ContextIndex {
    if (texts.length === 0) return this;
    return this.with(this.prefixes_, [...this.extras, ...texts.map(cachedIndexText)], kind);
  }
  /** This context plus already indexed texts (a tool's schema). */
  withTexts(texts: readonly TextIndex[], kind: SourceKind): ContextIndex {
    if (texts.length === 0) return this;
    return this.with(this.prefixes_, [...this.extras, ...texts], kind);
  }
  /** This context plus the first `count` sources of another conversation index (earlier tool arguments). */
  withPrefix(index: ConversationIndex, count: number, kind: SourceKind): ContextIndex {
    if (count === 0) return this;
    return this.with([...this.prefixes_, { index, count }], this.extras, kind);
  }

  /** Unambiguous full dates the context states, earliest sources first (at most 16). */
  get fullDates(): YMD[] {
    const out: YMD[] = [];
    for (const p of this.prefixes_) out.push(...p.index.fullDates(p.count));
    for (const t of this.extras) out.push(...t.fullDates);
    return out.slice(0, 16);
  }

  /**
   * Dates the context names relative to a date it states ("tomorrow" with "Today is …"): day
   * keys and `ymrel:` month keys. Anchors are the first few full dates, earliest sources first
   * (the system prompt usually states today's date).
   */
  get relativeDates(): RelativeDates {
    if (!this.relative) {
      const anchors: YMD[] = [];
      const seen = new Set<string>();
      for (const d of this.fullDates) {
        const k = `${d.y}-${d.m}-${d.d}`;
        if (anchors.length < 4 && !seen.has(k)) {
          seen.add(k);
          anchors.push(d);
        }
      }
      const fromPrefixes =
        anchors.length === 0 ? [] : this.prefixes_.map((p) => ({ keys: p.index.relativeKeys(anchors, p.count), count: p.count }));
      const own = new Set<string>();
      if (anchors.length > 0) for (const t of this.extras) for (const k of relativeDateKeys(anchors, t.tokenList)) own.add(k);
      this.relative = {
        has: (k) => own.has(k) || fromPrefixes.some((p) => p.keys.hasBefore(k, p.count)),
        *keys() {
          yield* own;
          for (const p of fromPrefixes) for (const [k, o] of p.keys.first) if (o < p.count) yield k;
        },
      };
    }
    return this.relative;
  }

  /** Digit strings (≥ 7 digits) of phone-like runs. */
  get phoneDigits(): string[] {
    return [...this.prefixes_.flatMap((p) => p.index.phoneDigits(p.count)), ...this.extras.flatMap((t) => t.phoneDigits)];
  }
  /** Numeric values (absolute), each list distinct, for rounding checks and arithmetic. */
  get numberValueLists(): readonly (readonly number[])[] {
    return [...this.prefixes_.map((p) => p.index.numberValues(p.count)), ...this.extras.map((t) => t.numberValues)];
  }
  /** Whether a folded phrase occurs, on token boundaries, in one source. */
  hasPhrase(folded: string): boolean {
    for (const p of this.prefixes_) if (p.index.hasPhrase(folded, p.count)) return true;
    const needle = ' ' + folded + ' ';
    for (const p of this.extras) if (p.padded.includes(needle)) return true;
    return false;
  }
  /** Substring test on the lower-cased raw text (URLs, e-mail addresses). */
  rawIncludes(lower: string): boolean {
    for (const p of this.prefixes_) if (p.index.rawIncludes(lower, p.count)) return true;
    for (const p of this.extras) if (p.rawLower.includes(lower)) return true;
    return false;
  }
  /**
   * Whether the folded text occurs inside one source with no word boundary needed: scripts
   * written without spaces (Chinese, Japanese, Thai) put a name inside a longer run of letters.
   */
  foldedIncludes(folded: string): boolean {
    for (const p of this.prefixes_) if (p.index.foldedIncludes(folded, p.count)) return true;
    for (const p of this.extras) if (p.padded.includes(folded)) return true;
    return false;
  }
}

/**
 * Index `conversation.messages[0..messageIndex)`. Tool schemas are not part of it: a call's values
 * are grounded in the schema of the tool called (see toolSchemaTexts), an answer's in every
 * tool's (see allToolsSchemaText). Earlier assistant tool-call arguments are not sources here: a
 * value the model made up earlier is not evidence for a later call (answers may add them, see
 * withEarlierToolArguments).
 */
export function buildContextIndex(conversation: Conversation, messageIndex: number): ContextIndex {
  const end = Math.min(messageIndex, conversation.messages.length);
  const idx = conversationIndexesFor(conversation.messages, end);
  const kinds = new Set<SourceKind>();
  if (idx === null) return new ContextIndex([], [], kinds);
  const count = idx.texts.sourceCount(end);
  for (let i = 0; i < count && kinds.size < 4; i++) kinds.add(idx.texts.sources[i]!.kind);
  return new ContextIndex([{ index: idx.texts, count }], [], kinds);
}

/**
 * The context plus the arguments of the tool calls before `messageIndex`: an answer may report
 * what earlier calls did ("booked for 3 nights").
 */
export function withEarlierToolArguments(ctx: ContextIndex, conversation: Conversation, messageIndex: number): ContextIndex {
  const end = Math.min(messageIndex, conversation.messages.length);
  const idx = conversationIndexesFor(conversation.messages, end);
  if (idx === null) return ctx;
  return ctx.withPrefix(idx.toolArguments, idx.toolArguments.sourceCount(end), 'assistant');
}

// The same tool list object is judged once per response of a conversation: remember its text
// (with its length, as a cheap guard against a list changed in place).
const schemaTextByTools = new WeakMap<readonly ToolDefinition[], { length: number; text: string }>();

/** Every tool's descriptions, enum members and defaults as one text: a source for answer text. */
export function allToolsSchemaText(tools: readonly ToolDefinition[]): TextIndex | null {
  const known = schemaTextByTools.get(tools);
  let text = known !== undefined && known.length === tools.length ? known.text : undefined;
  if (text === undefined) {
    const texts: string[] = [];
    for (const tool of tools) {
      const fn = tool.function;
      if (typeof fn.description === 'string') texts.push(fn.description);
      collectSchemaText(fn.parameters, texts);
    }
    // ' | ' keeps phrases from running across two descriptions
    text = texts.join(' | ');
    schemaTextByTools.set(tools, { length: tools.length, text });
  }
  return text === '' ? null : cachedIndexText(text);
}

const schemaTextByNode = new WeakMap<object, TextIndex | null>();
/** The text a schema node offers (its descriptions, enum members, defaults, examples, nested). */
export function schemaNodeText(schema: unknown): TextIndex | null {
  if (typeof schema !== 'object' || schema === null) return null;
  const known = schemaTextByNode.get(schema);
  if (known !== undefined) return known;
  const texts: string[] = [];
  collectSchemaText(schema, texts);
  const text = texts.join(' | ');
  const idx = text === '' ? null : cachedIndexText(text);
  schemaTextByNode.set(schema, idx);
  return idx;
}
/** A tool's own description (and name, whose words often say what it is for). */
export function toolDescriptionText(tool: ToolDefinition): TextIndex | null {
  const d = tool.function.description;
  const text = `${tool.function.name.replace(/[._]/g, ' ')}${typeof d === 'string' ? ' | ' + d : ''}`;
  return cachedIndexText(text);
}

/** An index of plain texts (tests, and callers without a conversation). */
export function indexTexts(texts: readonly string[], kinds: ReadonlySet<SourceKind>): ContextIndex {
  return new ContextIndex(
    [],
    texts.map((t) => new TextIndex(t)),
    kinds,
  );
}

const KIND_PHRASES: Record<SourceKind, string> = {
  system: 'the system prompt',
  user: "the user's messages",
  assistant: 'earlier assistant messages',
  tool: 'tool results',
  schema: 'the tool schema',
};
const KIND_ORDER: SourceKind[] = ['user', 'system', 'assistant', 'tool', 'schema'];

/** "the user's messages, tool results or the tool schema" — the sources that were searched. */
export function describeSources(kinds: ReadonlySet<SourceKind>): string {
  const names = KIND_ORDER.filter((k) => kinds.has(k)).map((k) => KIND_PHRASES[k]);
  if (names.length === 0) return 'the conversation (which has no earlier text)';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** A value quoted for an explanation, shortened. */
export function quote(text: string, max = 60): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > max ? t.slice(0, max - 1) + '…' : t);
}
