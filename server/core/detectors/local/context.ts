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
import { deletionsOf } from './restatements';
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
  private initialSet?: Set<string>;
  private prefixSet?: Set<string>;
  private deletionSet?: Set<string>;

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
  /** Initials of 2–5 consecutive words ("golden state warriors" → "gsw"): what abbreviations stand for. */
  get initials(): Set<string> {
    if (!this.initialSet) {
      this.initialSet = new Set();
      const l = this.tokenList;
      for (let i = 0; i < l.length; i++) {
        let acc = '';
        for (let k = i; k < l.length && k < i + 5; k++) {
          const c = l[k]!.charCodeAt(0);
          if (c >= 48 && c <= 57) break;
          acc += l[k]![0];
          if (acc.length >= 2) this.initialSet.add(acc);
        }
      }
    }
    return this.initialSet;
  }
  /** The first 3 and 4 letters of longer words ("dec" of "december"): what shortened words stand for. */
  get prefixes(): Set<string> {
    if (!this.prefixSet) {
      this.prefixSet = new Set();
      for (const t of this.tokenList) {
        if (t.length >= 5 && !/\d/.test(t)) {
          this.prefixSet.add(t.slice(0, 3));
          this.prefixSet.add(t.slice(0, 4));
        }
      }
    }
    return this.prefixSet;
  }
  /** One-letter deletions of the longer words (typo tolerance, see restatements.ts). */
  get deletions(): Set<string> {
    if (!this.deletionSet) {
      const set = new Set<string>();
      for (const t of this.tokens) deletionsOf(t, (d) => set.add(d));
      this.deletionSet = set;
    }
    return this.deletionSet;
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

/** A membership test over what a context contains. */
export interface Membership<T> {
  has(v: T): boolean;
}

/** Value → the first source (ordinal) that contains it; `has` within the first `limit` sources. */
class FirstSeen<T> {
  readonly first = new Map<T, number>();
  upTo = 0;
  add(v: T, ordinal: number): void {
    if (!this.first.has(v)) this.first.set(v, ordinal);
  }
  hasBefore(v: T, limit: number): boolean {
    const o = this.first.get(v);
    return o !== undefined && o < limit;
  }
}

type SetAttribute = 'tokens' | 'stems' | 'joined' | 'numbers' | 'dates' | 'times' | 'groups' | 'initials' | 'prefixes' | 'deletions';

/**
 * The sources of one conversation (its messages, in order), indexed once and extended as later
 * messages are asked for: each attribute maps a value to the first message that contains it, so
 * "does the context before message k contain v" is one lookup whatever k is. Judging every
 * response of a long conversation then costs time in proportion to the responses, not to
 * responses × context. Phrases are found through the positions of their rarest token.
 */
export class ConversationIndex {
  /** the source texts so far: message index, kind, text index */
  readonly sources: { ordinal: number; kind: SourceKind; text: TextIndex }[] = [];
  /** the message objects indexed so far, to tell whether a later request extends the same conversation */
  readonly messages: Message[] = [];
  private readonly sets = new Map<SetAttribute, FirstSeen<string | number>>();
  /** every folded token of every source in order, '' between sources */
  private readonly stream: string[] = [];
  private readonly streamOrdinal: number[] = [];
  private readonly postings = new Map<string, number[]>();
  private streamUpTo = 0;
  private rawAll = '';
  private readonly rawEnds: { end: number; ordinal: number }[] = [];
  private rawUpTo = 0;
  private readonly relative = new Map<string, { upTo: number; keys: FirstSeen<string> }>();

  /** Index messages up to (not including) `end`; they must extend what is indexed already. */
  extendTo(messages: readonly Message[], end: number): void {
    for (let i = this.messages.length; i < end; i++) {
      const m = messages[i]!;
      this.messages.push(m);
      const kind = sourceKindOf(m.role);
      if (kind === null) continue;
      const t = messageText(m);
      if (t.trim() === '') continue;
      this.sources.push({ ordinal: i, kind, text: cachedIndexText(t) });
    }
  }

  /** The sources before message `limit`, as a count of sources. */
  sourceCount(limit: number): number {
    let lo = 0;
    let hi = this.sources.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sources[mid]!.ordinal < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(attr: SetAttribute, count: number): FirstSeen<string | number> {
    let s = this.sets.get(attr);
    if (!s) this.sets.set(attr, (s = new FirstSeen()));
    for (; s.upTo < count; s.upTo++) {
      const t = this.sources[s.upTo]!.text;
      const values: ReadonlySet<string | number> = t[attr];
      for (const v of values) s.add(v, s.upTo);
    }
    return s;
  }

  private extendStream(count: number): void {
    for (; this.streamUpTo < count; this.streamUpTo++) {
      for (const tok of this.sources[this.streamUpTo]!.text.tokenList) {
        const pos = this.stream.length;
        this.stream.push(tok);
        this.streamOrdinal.push(this.streamUpTo);
        let list = this.postings.get(tok);
        if (!list) this.postings.set(tok, (list = []));
        list.push(pos);
      }
      this.stream.push('');
      this.streamOrdinal.push(this.streamUpTo);
    }
  }

  /** Whether the folded phrase occurs, on token boundaries, inside one of the first `count` sources. */
  hasPhrase(folded: string, count: number): boolean {
    if (count === 0) return false;
    this.extendStream(count);
    const needle = folded.split(' ');
    // anchor on the needle's rarest token
    let anchor = 0;
    let best: number[] | undefined;
    for (let j = 0; j < needle.length; j++) {
      const list = this.postings.get(needle[j]!);
      if (!list) return false;
      if (!best || list.length < best.length) {
        best = list;
        anchor = j;
      }
    }
    for (const pos of best!) {
      const start = pos - anchor;
      if (start < 0 || this.streamOrdinal[start]! >= count) continue;
      let ok = true;
      for (let j = 0; j < needle.length && ok; j++) ok = this.stream[start + j] === needle[j];
      if (ok) return true;
    }
    return false;
  }

  /** Substring of the lower-cased raw text of one of the first `count` sources. */
  rawIncludes(lower: string, count: number): boolean {
    for (; this.rawUpTo < count; this.rawUpTo++) {
      this.rawAll += this.sources[this.rawUpTo]!.text.rawLower + '\u0000';
      this.rawEnds.push({ end: this.rawAll.length, ordinal: this.rawUpTo });
    }
    if (count === 0) return false;
    const hit = this.rawAll.indexOf(lower);
    return hit >= 0 && hit + lower.length <= this.rawEnds[count - 1]!.end;
  }

  /** Relative-date keys of the first `count` sources from these anchors (see relativeDates). */
  relativeKeys(anchors: readonly YMD[], count: number): Set<string> {
    const sig = anchors.map((a) => `${a.y}-${a.m}-${a.d}`).join(',');
    let r = this.relative.get(sig);
    if (!r) this.relative.set(sig, (r = { upTo: 0, keys: new FirstSeen() }));
    for (; r.upTo < count; r.upTo++) for (const k of relativeDateKeys(anchors, this.sources[r.upTo]!.text.tokenList)) r.keys.add(k, r.upTo);
    const out = new Set<string>();
    for (const [k, o] of r.keys.first) if (o < count) out.add(k);
    return out;
  }
}

/**
 * What a value or answer is judged against: the first `count` sources of a conversation, plus a
 * few texts of its own (the called tool's schema, earlier tool arguments).
 */
export class ContextIndex {
  /** Which kinds of source exist, for explanations. */
  readonly kinds: ReadonlySet<SourceKind>;
  readonly tokens: Membership<string>;
  /** Stemmed tokens. */
  readonly stems: Membership<string>;
  /** Concatenations of adjacent tokens ("wi fi" → "wifi"). */
  readonly joined: Membership<string>;
  readonly numbers: Membership<string>;
  readonly dates: Membership<string>;
  /** minutes after midnight */
  readonly times: Membership<number>;
  /** equivalence groups (see equivalences.ts) some source names */
  readonly groups: Membership<number>;
  /** initials of consecutive words */
  readonly initials: Membership<string>;
  /** first 3–4 letters of longer words */
  readonly prefixes: Membership<string>;
  /** one-letter deletions of longer words */
  readonly deletions: Membership<string>;

  private relative?: Set<string>;

  constructor(
    private readonly conv: ConversationIndex | null,
    private readonly count: number,
    private readonly extras: readonly TextIndex[],
    kinds: ReadonlySet<SourceKind>,
  ) {
    this.kinds = kinds;
    const member = <T extends string | number>(attr: SetAttribute, get: (p: TextIndex) => ReadonlySet<T>): Membership<T> => {
      let s: FirstSeen<string | number> | null = null;
      return {
        has: (v: T): boolean => {
          if (conv !== null && count > 0) {
            s ??= conv.set(attr, count);
            if (s.hasBefore(v, count)) return true;
          }
          for (const p of extras) if (get(p).has(v)) return true;
          return false;
        },
      };
    };
    this.tokens = member('tokens', (p) => p.tokens);
    this.stems = member('stems', (p) => p.stems);
    this.joined = member('joined', (p) => p.joined);
    this.numbers = member('numbers', (p) => p.numbers);
    this.dates = member('dates', (p) => p.dates);
    this.times = member('times', (p) => p.times);
    this.groups = member('groups', (p) => p.groups);
    this.initials = member('initials', (p) => p.initials);
    this.prefixes = member('prefixes', (p) => p.prefixes);
    this.deletions = member('deletions', (p) => p.deletions);
  }

  /** Full dates the context states (anchors for date arithmetic: "3 nights from June 1"). */
  get fullDates(): YMD[] {
    const out: YMD[] = [];
    for (const p of [...this.convSources, ...this.extras]) for (const d of p.fullDates) if (out.length < 16) out.push(d);
    return out;
  }

  private get convSources(): readonly TextIndex[] {
    if (this.conv === null) return [];
    return this.conv.sources.slice(0, this.count).map((s) => s.text);
  }

  /** This context plus more source texts (cached like the others). */
  extendedWith(texts: readonly string[], kind: SourceKind): ContextIndex {
    if (texts.length === 0) return this;
    const kinds = new Set(this.kinds);
    kinds.add(kind);
    return new ContextIndex(this.conv, this.count, [...this.extras, ...texts.map(cachedIndexText)], kinds);
  }

  /** This context plus already indexed texts (a tool's schema). */
  withTexts(texts: readonly TextIndex[], kind: SourceKind): ContextIndex {
    if (texts.length === 0) return this;
    const kinds = new Set(this.kinds);
    kinds.add(kind);
    return new ContextIndex(this.conv, this.count, [...this.extras, ...texts], kinds);
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
      const take = (p: TextIndex): boolean => {
        for (const d of p.fullDates) {
          const k = `${d.y}-${d.m}-${d.d}`;
          if (!seen.has(k)) {
            seen.add(k);
            anchors.push(d);
            if (anchors.length >= 4) return true;
          }
        }
        return false;
      };
      if (this.conv !== null) for (let i = 0; i < this.count && !take(this.conv.sources[i]!.text); i++);
      if (anchors.length < 4) for (const p of this.extras) if (take(p)) break;
      this.relative = new Set();
      if (anchors.length > 0) {
        if (this.conv !== null) for (const k of this.conv.relativeKeys(anchors, this.count)) this.relative.add(k);
        for (const p of this.extras) for (const k of relativeDateKeys(anchors, p.tokenList)) this.relative.add(k);
      }
    }
    return this.relative;
  }

  /** Digit strings (≥ 7 digits) of phone-like runs. */
  get phoneDigits(): string[] {
    return [...this.convSources, ...this.extras].flatMap((p) => p.phoneDigits);
  }
  /** Numeric values of each source (absolute), for rounding checks in answer text. */
  get numberValueLists(): readonly (readonly number[])[] {
    return [...this.convSources, ...this.extras].map((p) => p.numberValues);
  }
  /** Whether a folded phrase occurs, on token boundaries, in one source. */
  hasPhrase(folded: string): boolean {
    if (this.conv !== null && this.conv.hasPhrase(folded, this.count)) return true;
    const needle = ' ' + folded + ' ';
    for (const p of this.extras) if (p.padded.includes(needle)) return true;
    return false;
  }
  /** Substring test on the lower-cased raw text (URLs, e-mail addresses). */
  rawIncludes(lower: string): boolean {
    if (this.conv !== null && this.conv.rawIncludes(lower, this.count)) return true;
    for (const p of this.extras) if (p.rawLower.includes(lower)) return true;
    return false;
  }
  /**
   * Whether the folded text occurs inside one source with no word boundary needed: scripts
   * written without spaces (Chinese, Japanese, Thai) put a name inside a longer run of letters.
   */
  foldedIncludes(folded: string): boolean {
    for (const p of this.convSources) if (p.padded.includes(folded)) return true;
    for (const p of this.extras) if (p.padded.includes(folded)) return true;
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
      // Any other role is something's output: real traces record a tool result under the
      // tool's own name as its role.
      return role === '' ? null : 'tool';
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

// One index per conversation, found again from its first message object: the caller judges each
// response with a new Conversation holding a new slice of the same message objects.
const conversationIndexes = new WeakMap<Message, ConversationIndex>();

function conversationIndexFor(messages: readonly Message[], end: number): ConversationIndex | null {
  if (end <= 0) return null;
  const first = messages[0]!;
  let idx = conversationIndexes.get(first);
  if (idx !== undefined) {
    // the same conversation only if every message indexed (up to `end`) is the same object
    const n = Math.min(end, idx.messages.length);
    for (let i = 1; i < n; i++)
      if (idx.messages[i] !== messages[i]) {
        idx = undefined;
        break;
      }
  }
  if (idx === undefined) {
    idx = new ConversationIndex();
    conversationIndexes.set(first, idx);
  }
  if (idx.messages.length < end) idx.extendTo(messages, end);
  return idx;
}

/**
 * Index `conversation.messages[0..messageIndex)`. Tool schemas are not part of it: a call's values
 * are grounded in the schema of the tool called (see toolSchemaTexts), an answer's in every
 * tool's (see allToolsSchemaText). Earlier assistant tool-call arguments are not sources here: a
 * value the model made up earlier is not evidence for a later call (answers may add them, see
 * earlierToolArguments).
 */
export function buildContextIndex(conversation: Conversation, messageIndex: number): ContextIndex {
  const end = Math.min(messageIndex, conversation.messages.length);
  const conv = conversationIndexFor(conversation.messages, end);
  const kinds = new Set<SourceKind>();
  let count = 0;
  if (conv !== null) {
    count = conv.sourceCount(end);
    for (let i = 0; i < count && kinds.size < 4; i++) kinds.add(conv.sources[i]!.kind);
  }
  return new ContextIndex(conv, count, [], kinds);
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

export type { TextIndex };

/** An index of plain texts (tests, and callers without a conversation). */
export function indexTexts(texts: readonly string[], kinds: ReadonlySet<SourceKind>): ContextIndex {
  return new ContextIndex(null, 0, texts.map((t) => new TextIndex(t)), kinds);
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
