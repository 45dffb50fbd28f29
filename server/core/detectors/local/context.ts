// The context a response is judged against: each source text (message, tool list) folded for
// phrase lookups, with its tokens, stems, numbers (and their restated forms), dates, times, phone
// digits and abbreviation groups worked out on first use. Source texts are cached, so judging
// every response of a conversation, or many conversations with one system prompt, costs little.
import type { Conversation, Message, ToolDefinition } from '../../../../common/schema';
import { findGroupPhrases } from './equivalences';
import {
  dateKeys,
  extractDates,
  extractTimes,
  fold,
  numberKey,
  numbersInTokens,
  stem,
} from './normalize';
import { relativeDateKeys, type YMD } from './relativeDates';
import { collectSchemaText } from './toolSchema';

export type SourceKind = 'system' | 'user' | 'assistant' | 'tool' | 'schema';

/** Membership over the sets of several texts, without merging them (merging costs more than asking each). */
export class UnionSet<T> {
  constructor(
    private readonly parts: readonly TextIndex[],
    private readonly get: (p: TextIndex) => ReadonlySet<T>,
  ) {}
  has(v: T): boolean {
    for (const p of this.parts) if (this.get(p).has(v)) return true;
    return false;
  }
}

/**
 * What one source text contributes. Folding happens at once (every lookup needs it); tokens,
 * numbers, dates, times, phone digits and abbreviation groups are worked out on first use, as
 * most calls ask for only some of them. Cached per text (see cachedIndexText).
 */
class TextIndex {
  /** ' ' + folded + ' ' */
  readonly padded: string;
  readonly rawLower: string;
  private tokenListCache?: string[];
  private tokenSet?: Set<string>;
  private stemSet?: Set<string>;
  private joinedSet?: Set<string>;
  private numberSet?: Set<string>;
  private numberList?: number[];
  private dateSet?: Set<string>;
  private fullDateList?: YMD[];
  private timeSet?: Set<number>;
  private phones?: string[];
  private groupSet?: Set<number>;

  constructor(readonly source: string) {
    const f = fold(source);
    this.padded = ' ' + f + ' ';
    this.rawLower = source.toLowerCase();
  }

  get tokenList(): string[] {
    return (this.tokenListCache ??= this.padded.length <= 2 ? [] : this.padded.slice(1, -1).split(' '));
  }
  get tokens(): Set<string> {
    return (this.tokenSet ??= new Set(this.tokenList));
  }
  get stems(): Set<string> {
    if (!this.stemSet) {
      this.stemSet = new Set();
      for (const t of this.tokenList) this.stemSet.add(stem(t));
    }
    return this.stemSet;
  }
  get joined(): Set<string> {
    if (!this.joinedSet) {
      this.joinedSet = new Set();
      const l = this.tokenList;
      for (let i = 0; i + 1 < l.length; i++) this.joinedSet.add(l[i]! + l[i + 1]!);
    }
    return this.joinedSet;
  }
  get numbers(): Set<string> {
    if (!this.numberSet) this.readNumbers();
    return this.numberSet!;
  }
  get numberValues(): number[] {
    if (!this.numberList) this.readNumbers();
    return this.numberList!;
  }
  get dates(): Set<string> {
    if (!this.dateSet) this.readDates();
    return this.dateSet!;
  }
  /** Unambiguous full dates (anchors for "tomorrow", "next week"). */
  get fullDates(): YMD[] {
    if (!this.fullDateList) this.readDates();
    return this.fullDateList!;
  }
  private readDates(): void {
    this.dateSet = new Set();
    this.fullDateList = [];
    for (const d of extractDates(this.source)) {
      for (const r of d.readings) for (const k of dateKeys(r)) this.dateSet.add(k);
      const r = d.readings[0]!;
      if (d.readings.length === 1 && r.y !== undefined && r.d !== undefined) this.fullDateList.push({ y: r.y, m: r.m, d: r.d });
    }
  }
  get times(): Set<number> {
    if (!this.timeSet) {
      this.timeSet = new Set();
      for (const t of extractTimes(this.source)) for (const mi of t.minutes) this.timeSet.add(mi);
    }
    return this.timeSet;
  }
  get phoneDigits(): string[] {
    if (!this.phones) {
      this.phones = [];
      PHONE_RUN.lastIndex = 0;
      for (let m: RegExpExecArray | null; (m = PHONE_RUN.exec(this.source)) !== null; ) {
        const digits = m[0].replace(/\D/g, '');
        if (digits.length >= 7) this.phones.push(digits);
      }
    }
    return this.phones;
  }
  get groups(): Set<number> {
    if (!this.groupSet) {
      // short abbreviations count only where written in capitals ("IN", not "in")
      const abbrevs = new Set<string>();
      SHORT_CAPS.lastIndex = 0;
      for (let a: RegExpExecArray | null; (a = SHORT_CAPS.exec(this.source)) !== null; ) abbrevs.add(a[0].toLowerCase());
      this.groupSet = new Set();
      for (const g of findGroupPhrases(this.tokenList, (t) => abbrevs.has(t))) for (const id of g.groups) this.groupSet.add(id);
    }
    return this.groupSet;
  }

  private readNumbers(): void {
    const numbers = new Set<string>();
    const values: number[] = [];
    const add = (v: number): void => {
      if (!Number.isFinite(v)) return;
      const key = numberKey(v);
      if (numbers.has(key)) return;
      numbers.add(key);
      values.push(Math.abs(v));
    };
    numbersInTokens(this.tokenList, add);
    // "1,000" / "1.234,5": fold splits on commas, so read grouped numbers from the raw text
    const raw = this.source;
    RAW_NUMBER.lastIndex = 0;
    for (let m: RegExpExecArray | null; (m = RAW_NUMBER.exec(raw)) !== null; ) {
      for (const v of groupedReadings(m[0])) {
        add(v);
        const suffix = NUMBER_SUFFIX.exec(raw.slice(m.index + m[0].length, m.index + m[0].length + 12));
        if (suffix) {
          const sfx = suffix[1]!.toLowerCase();
          if (sfx === '%' || sfx.startsWith('per')) add(v / 100);
          else add(v * (SUFFIX_FACTORS[sfx] ?? 1));
        }
      }
    }
    this.numberSet = numbers;
    this.numberList = values;
  }
}

export class ContextIndex {
  /** Which kinds of source exist, for explanations. */
  readonly kinds: ReadonlySet<SourceKind>;
  readonly tokens: UnionSet<string>;
  /** Stemmed tokens. */
  readonly stems: UnionSet<string>;
  /** Concatenations of adjacent tokens ("wi fi" → "wifi"). */
  readonly joined: UnionSet<string>;
  readonly numbers: UnionSet<string>;
  readonly dates: UnionSet<string>;
  /** minutes after midnight */
  readonly times: UnionSet<number>;
  /** equivalence groups (see equivalences.ts) some source names */
  readonly groups: UnionSet<number>;

  private relative?: Set<string>;

  constructor(
    private readonly parts: readonly TextIndex[],
    kinds: ReadonlySet<SourceKind>,
  ) {
    this.kinds = kinds;
    this.tokens = new UnionSet(parts, (p) => p.tokens);
    this.stems = new UnionSet(parts, (p) => p.stems);
    this.joined = new UnionSet(parts, (p) => p.joined);
    this.numbers = new UnionSet(parts, (p) => p.numbers);
    this.dates = new UnionSet(parts, (p) => p.dates);
    this.times = new UnionSet(parts, (p) => p.times);
    this.groups = new UnionSet(parts, (p) => p.groups);
  }

  /** This context plus more source texts (cached like the others). */
  extendedWith(texts: readonly string[], kind: SourceKind): ContextIndex {
    if (texts.length === 0) return this;
    const kinds = new Set(this.kinds);
    kinds.add(kind);
    return new ContextIndex([...this.parts, ...texts.map(cachedIndexText)], kinds);
  }

  /**
   * Dates the context names relative to a date it states ("tomorrow" with "Today is …"): day
   * keys and `ymrel:` month keys. Anchors are the first few full dates, earliest sources first
   * (the system prompt usually states today's date).
   */
  get relativeDates(): ReadonlySet<string> {
    if (!this.relative) {
      const anchors: YMD[] = [];
      const seen = new Set<string>();
      for (const p of this.parts)
        for (const d of p.fullDates) {
          const k = `${d.y}-${d.m}-${d.d}`;
          if (anchors.length < 4 && !seen.has(k)) {
            seen.add(k);
            anchors.push(d);
          }
        }
      this.relative = new Set();
      if (anchors.length > 0) for (const p of this.parts) for (const k of relativeDateKeys(anchors, p.tokenList)) this.relative.add(k);
    }
    return this.relative;
  }

  /** Digit strings (≥ 7 digits) of phone-like runs. */
  get phoneDigits(): string[] {
    return this.parts.flatMap((p) => p.phoneDigits);
  }
  /** Numeric values of each source (absolute), for rounding checks in answer text. */
  get numberValueLists(): readonly (readonly number[])[] {
    return this.parts.map((p) => p.numberValues);
  }
  /** Whether a folded phrase occurs, on token boundaries, in one source. */
  hasPhrase(folded: string): boolean {
    const needle = ' ' + folded + ' ';
    for (const p of this.parts) if (p.padded.includes(needle)) return true;
    return false;
  }
  /** Substring test on the lower-cased raw text (URLs, e-mail addresses). */
  rawIncludes(lower: string): boolean {
    for (const p of this.parts) if (p.rawLower.includes(lower)) return true;
    return false;
  }
}

export function messageText(message: Message): string {
  const c = message.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    const parts: string[] = [];
    for (const p of c) if (typeof p.text === 'string') parts.push(p.text);
    return parts.join('\n');
  }
  return '';
}

function sourceKindOf(role: string): SourceKind | null {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
      return 'user';
    case 'assistant':
      return 'assistant';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool';
    default:
      return null;
  }
}

// starts only where a digit run starts: a long digit run is scanned once, not once per digit
const RAW_NUMBER = /(?<!\d)\d+(?:[.,]\d+)+/g;
const NUMBER_SUFFIX = /^\s?(%|percent|per cent|million|billion|thousand|trillion|k\b|m\b|bn\b|mn\b)/i;
const PHONE_RUN = /\+?\(?\d[\d\s().-]{5,30}\d/g;
const SHORT_CAPS = /\b[A-Z]{1,3}\b/g;

// Indexed texts, keyed by the text itself: a conversation judged message by message, a system
// prompt or tool list shared by many conversations, is indexed once. Bounded; oldest go first.
const TEXT_CACHE_LIMIT = 512;
const MAX_CACHED_TEXT = 32_000;
const textCache = new Map<string, TextIndex>();

function cachedIndexText(raw: string): TextIndex {
  const hit = textCache.get(raw);
  if (hit !== undefined) return hit;
  const info = new TextIndex(raw);
  if (raw.length <= MAX_CACHED_TEXT) {
    if (textCache.size >= TEXT_CACHE_LIMIT) textCache.delete(textCache.keys().next().value!);
    textCache.set(raw, info);
  }
  return info;
}

/** The arguments strings of the tool calls before `messageIndex`. */
export function earlierToolArguments(conversation: Conversation, messageIndex: number): string[] {
  const out: string[] = [];
  const end = Math.min(messageIndex, conversation.messages.length);
  for (let i = 0; i < end; i++) for (const c of conversation.messages[i]!.tool_calls ?? []) if (c.function.arguments.trim() !== '') out.push(c.function.arguments);
  return out;
}

/**
 * Index `conversation.messages[0..messageIndex)` plus the tool schemas. Earlier assistant
 * tool-call arguments are not sources here: a value the model made up earlier is not evidence
 * for a later call (answers may add them, see earlierToolArguments).
 */
export function buildContextIndex(conversation: Conversation, messageIndex: number): ContextIndex {
  const kinds = new Set<SourceKind>();
  const parts: TextIndex[] = [];
  const end = Math.min(messageIndex, conversation.messages.length);
  for (let i = 0; i < end; i++) {
    const m = conversation.messages[i]!;
    const kind = sourceKindOf(m.role);
    if (kind === null) continue;
    const t = messageText(m);
    if (t.trim() === '') continue;
    kinds.add(kind);
    parts.push(cachedIndexText(t));
  }
  const schema = schemaInfo(conversation.tools ?? []);
  if (schema !== null) {
    kinds.add('schema');
    parts.push(schema);
  }
  return new ContextIndex(parts, kinds);
}

// The same tool list object is judged once per response of a conversation: remember its text
// (with its length, as a cheap guard against a list changed in place).
const schemaTextByTools = new WeakMap<readonly ToolDefinition[], { length: number; text: string }>();

function schemaInfo(tools: readonly ToolDefinition[]): TextIndex | null {
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

/** An index of plain texts (tests, and callers without a conversation). */
export function indexTexts(texts: readonly string[], kinds: ReadonlySet<SourceKind>): ContextIndex {
  return new ContextIndex(texts.map((t) => new TextIndex(t)), kinds);
}

const SUFFIX_FACTORS: Readonly<Record<string, number>> = { million: 1e6, billion: 1e9, thousand: 1e3, trillion: 1e12, k: 1e3, m: 1e6, bn: 1e9, mn: 1e6 };

/** Readings of "1,000", "1,234.5", "1.234,5", "3,5": thousands separators or a decimal comma. */
function groupedReadings(s: string): number[] {
  const out: number[] = [];
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) out.push(Number(s.replace(/,/g, '')));
  else if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) out.push(Number(s.replace(/\./g, '').replace(',', '.')));
  else if (/^\d+,\d{1,2}$/.test(s)) out.push(Number(s.replace(',', '.')));
  return out;
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
