// The sources of one conversation, indexed once and extended as later messages are asked for.
// Each attribute maps a value to the first source that contains it, so "does the context before
// message k contain v" is one lookup whatever k is: judging every response of a long
// conversation costs time in proportion to the responses, not to responses × context.
import type { Message } from '../../../../common/schema';
import { relativeDateKeys, type YMD } from './relativeDates';
import { cachedIndexText, type TextIndex } from './textIndex';

export type SourceKind = 'system' | 'user' | 'assistant' | 'tool' | 'schema';

/** A membership test over what a context contains. */
export interface Membership<T> {
  has(v: T): boolean;
}

/** Value → the first source (ordinal) that contains it. */
export class FirstSeen<T> {
  readonly first = new Map<T, number>();
  upTo = 0;
  add(v: T, ordinal: number): void {
    if (!this.first.has(v)) this.first.set(v, ordinal);
  }
  hasBefore(v: T, count: number): boolean {
    const o = this.first.get(v);
    return o !== undefined && o < count;
  }
}

export type SetAttribute = 'tokens' | 'stems' | 'joined' | 'numbers' | 'dates' | 'times' | 'groups' | 'initials' | 'prefixes' | 'deletions';

/** Up to this many sources, lookups ask each source (as cheap as a merged map, with nothing to build). */
const FEW_SOURCES = 24;

/** How a message yields source texts (its content, or its tool calls' arguments). */
export type SourceExtractor = (m: Message) => { kind: SourceKind; text: string }[];

/** Values in order of first appearance, with the source they first appeared in. */
class Ordered<T> {
  readonly values: T[] = [];
  readonly ordinals: number[] = [];
  upTo = 0;
  /** The values first seen in the first `count` sources (a prefix: ordinals only grow). */
  before(count: number): T[] {
    let lo = 0;
    let hi = this.ordinals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ordinals[mid]! < count) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.values.length ? this.values : this.values.slice(0, lo);
  }
}

export class ConversationIndex {
  /** the source texts so far, in order, with the message each came from */
  readonly sources: { message: number; kind: SourceKind; text: TextIndex }[] = [];
  /** the message objects indexed so far, to tell whether a later request extends the same conversation */
  readonly messages: Message[] = [];
  private readonly sets = new Map<SetAttribute, FirstSeen<string | number>>();
  /** every folded token of every source in order, '' between sources; positions of each token */
  private readonly stream: string[] = [];
  private readonly streamOrdinal: number[] = [];
  private readonly postings = new Map<string, number[]>();
  private streamUpTo = 0;
  /** raw lower-cased and folded texts joined, with where each source ends */
  private raw = { text: '', ends: [] as number[] };
  private folded = { text: '', ends: [] as number[] };
  private readonly numbers = new Ordered<number>();
  private readonly numberSeen = new Set<number>();
  private readonly phones = new Ordered<string>();
  private readonly dates = new Ordered<YMD>();
  private readonly relative = new Map<string, FirstSeen<string>>();

  constructor(private readonly extract: SourceExtractor) {}

  /** Index messages up to (not including) `end`; they must extend what is indexed already. */
  extendTo(messages: readonly Message[], end: number): void {
    for (let i = this.messages.length; i < end; i++) {
      const m = messages[i]!;
      this.messages.push(m);
      for (const s of this.extract(m))
        if (s.text.trim() !== '') this.sources.push({ message: i, kind: s.kind, text: cachedIndexText(s.text) });
    }
  }

  /** How many sources come from the messages before `end`. */
  sourceCount(end: number): number {
    let lo = 0;
    let hi = this.sources.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sources[mid]!.message < end) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whether one of the first `count` sources has `v` in its `attr` set. A few sources are asked
   * one by one (merging costs more than asking); beyond that the merged first-seen map answers.
   */
  has(attr: SetAttribute, v: string | number, count: number): boolean {
    if (count <= FEW_SOURCES) {
      for (let i = 0; i < count; i++) if ((this.sources[i]!.text[attr] as ReadonlySet<string | number>).has(v)) return true;
      return false;
    }
    return this.set(attr, count).hasBefore(v, count);
  }

  set(attr: SetAttribute, count: number): FirstSeen<string | number> {
    let s = this.sets.get(attr);
    if (!s) this.sets.set(attr, (s = new FirstSeen()));
    for (; s.upTo < count; s.upTo++) {
      const values: ReadonlySet<string | number> = this.sources[s.upTo]!.text[attr];
      for (const v of values) s.add(v, s.upTo);
    }
    return s;
  }

  /** Whether the folded phrase occurs, on token boundaries, inside one of the first `count` sources. */
  hasPhrase(folded: string, count: number): boolean {
    if (count === 0) return false;
    if (count <= FEW_SOURCES) {
      const needle = ' ' + folded + ' ';
      for (let i = 0; i < count; i++) if (this.sources[i]!.text.padded.includes(needle)) return true;
      return false;
    }
    for (; this.streamUpTo < count; this.streamUpTo++) {
      for (const tok of this.sources[this.streamUpTo]!.text.tokenList) {
        let list = this.postings.get(tok);
        if (!list) this.postings.set(tok, (list = []));
        list.push(this.stream.length);
        this.stream.push(tok);
        this.streamOrdinal.push(this.streamUpTo);
      }
      this.stream.push('');
      this.streamOrdinal.push(this.streamUpTo);
    }
    const needle = folded.split(' ');
    // anchored on the needle's rarest token
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

  private static includesBefore(joined: { text: string; ends: number[] }, needle: string, count: number): boolean {
    if (count === 0) return false;
    const hit = joined.text.indexOf(needle);
    return hit >= 0 && hit + needle.length <= joined.ends[count - 1]!;
  }
  private extendJoined(joined: { text: string; ends: number[] }, count: number, part: (t: TextIndex) => string): void {
    for (let i = joined.ends.length; i < count; i++) {
      joined.text += part(this.sources[i]!.text) + '\u0000';
      joined.ends.push(joined.text.length);
    }
  }
  /** Substring of the lower-cased raw text of one of the first `count` sources (URLs, addresses). */
  rawIncludes(lower: string, count: number): boolean {
    if (count <= FEW_SOURCES) {
      for (let i = 0; i < count; i++) if (this.sources[i]!.text.rawLower.includes(lower)) return true;
      return false;
    }
    this.extendJoined(this.raw, count, (t) => t.rawLower);
    return ConversationIndex.includesBefore(this.raw, lower, count);
  }
  /** Substring of the folded text of one of the first `count` sources, without word boundaries. */
  foldedIncludes(folded: string, count: number): boolean {
    if (count <= FEW_SOURCES) {
      for (let i = 0; i < count; i++) if (this.sources[i]!.text.padded.includes(folded)) return true;
      return false;
    }
    this.extendJoined(this.folded, count, (t) => t.padded);
    return ConversationIndex.includesBefore(this.folded, folded, count);
  }

  /** Distinct numeric values (absolute) of the first `count` sources, in order of appearance. */
  numberValues(count: number): number[] {
    for (const o = this.numbers; o.upTo < count; o.upTo++)
      for (const v of this.sources[o.upTo]!.text.numberValues)
        if (!this.numberSeen.has(v)) {
          this.numberSeen.add(v);
          o.values.push(v);
          o.ordinals.push(o.upTo);
        }
    return this.numbers.before(count);
  }
  /** Digit strings (≥ 7 digits) of phone-like runs of the first `count` sources. */
  phoneDigits(count: number): string[] {
    for (const o = this.phones; o.upTo < count; o.upTo++)
      for (const d of this.sources[o.upTo]!.text.phoneDigits) {
        o.values.push(d);
        o.ordinals.push(o.upTo);
      }
    return this.phones.before(count);
  }
  /** The first 16 distinct unambiguous full dates of the first `count` sources (anchors). */
  fullDates(count: number): YMD[] {
    for (const o = this.dates; o.upTo < count && o.values.length < 16; o.upTo++)
      for (const d of this.sources[o.upTo]!.text.fullDates)
        if (o.values.length < 16 && !o.values.some((x) => x.y === d.y && x.m === d.m && x.d === d.d)) {
          o.values.push(d);
          o.ordinals.push(o.upTo);
        }
    return this.dates.before(count);
  }

  /** Relative-date keys of the first `count` sources from these anchors (see relativeDates.ts). */
  relativeKeys(anchors: readonly YMD[], count: number): FirstSeen<string> {
    const sig = anchors.map((a) => `${a.y}-${a.m}-${a.d}`).join(',');
    let r = this.relative.get(sig);
    if (!r) this.relative.set(sig, (r = new FirstSeen()));
    for (; r.upTo < count; r.upTo++) for (const k of relativeDateKeys(anchors, this.sources[r.upTo]!.text.tokenList)) r.add(k, r.upTo);
    return r;
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

export function sourceKindOf(role: string): SourceKind | null {
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

/** A message's text as a source (any role that is not empty). */
export const messageTextSources: SourceExtractor = (m) => {
  const kind = sourceKindOf(m.role);
  return kind === null ? [] : [{ kind, text: messageText(m) }];
};
/** A message's tool-call arguments as sources (what earlier calls said, for answers that report them). */
export const toolArgumentSources: SourceExtractor = (m) =>
  (m.tool_calls ?? []).map((c) => ({ kind: 'assistant', text: c.function.arguments }));

/** The indexes of one conversation: its message texts and its tool-call arguments. */
export interface ConversationIndexes {
  texts: ConversationIndex;
  toolArguments: ConversationIndex;
}

// Found again from the conversation's first message object: a caller judging each response with
// a new Conversation (a new slice of the same messages) reuses the index. The most recent
// conversations only (responses are judged conversation by conversation, a few at once): memory
// stays bounded however many conversations a run or a CI scan goes through.
const RECENT_CONVERSATIONS = 32;
const indexes = new Map<Message, ConversationIndexes>();

export function conversationIndexesFor(messages: readonly Message[], end: number): ConversationIndexes | null {
  if (end <= 0) return null;
  const first = messages[0]!;
  let idx = indexes.get(first);
  if (idx !== undefined) {
    // the same conversation only if every message indexed (up to `end`) is the same object
    const indexed = idx.texts.messages;
    const n = Math.min(end, indexed.length);
    for (let i = 1; i < n; i++)
      if (indexed[i] !== messages[i]) {
        idx = undefined;
        break;
      }
  }
  if (idx === undefined) {
    idx = { texts: new ConversationIndex(messageTextSources), toolArguments: new ConversationIndex(toolArgumentSources) };
    if (indexes.size >= RECENT_CONVERSATIONS) indexes.delete(indexes.keys().next().value!);
  } else indexes.delete(first);
  // most recently used last
  indexes.set(first, idx);
  if (idx.texts.messages.length < end) {
    idx.texts.extendTo(messages, end);
    idx.toolArguments.extendTo(messages, end);
  }
  return idx;
}
