// The listing row of a conversation (first user message, traced response, model, counts), and a
// compact table of them for a large file: kept from indexing so that listing its conversations
// does not read the file again. Texts are copied into pages of bytes (a preview sliced from a
// long message would otherwise keep the whole message alive), the rest in typed columns.
import type { Conversation } from '../../../common/schema';
import type { ConversationSummary } from '../../../common/protocol';
import { Column, InternedColumn } from './recordTable';

/** Characters of a message kept in a listing row. */
export const PREVIEW_CHARS = 500;

/** What a listing row says of a conversation's content (the index knows its id, file, line, position). */
export type ContentSummary = Pick<ConversationSummary, 'messageCount' | 'hasToolCalls' | 'firstUserMessage' | 'tracedResponse' | 'model'>;

export function contentSummary(c: Pick<Conversation, 'messages' | 'model'>): ContentSummary {
  const firstUser = c.messages.find((m) => m.role === 'user');
  let lastAssistant: (typeof c.messages)[number] | undefined;
  for (let i = c.messages.length - 1; i >= 0 && !lastAssistant; i--) if (c.messages[i]!.role === 'assistant') lastAssistant = c.messages[i];
  const text = (m: typeof firstUser) =>
    m ? (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join(' ') : '') : '';
  const calls = lastAssistant?.tool_calls?.map((t) => `${t.function.name}(${t.function.arguments})`).join(' ') ?? '';
  return {
    messageCount: c.messages.length,
    hasToolCalls: c.messages.some((m) => (m.tool_calls?.length ?? 0) > 0),
    firstUserMessage: text(firstUser).slice(0, PREVIEW_CHARS),
    tracedResponse: (text(lastAssistant) || calls).slice(0, PREVIEW_CHARS),
    model: c.model ?? null,
  };
}

/** The row of a conversation in listings (first user message, traced response, model). */
export function summarize(c: Conversation): ConversationSummary {
  return { id: c.id, file: c.file, line: c.line, position: c.position, ...contentSummary(c) };
}

const HAS_TOOL_CALLS = 1;
/** The row was stored (a conversation whose summary could not be made has none). */
const KNOWN = 2;

/** Content summaries by position, about 30 bytes a row plus its preview texts. */
export class SummaryTable {
  private readonly counts = new Column(new Uint32Array(1024));
  private readonly flags = new Column(new Uint8Array(1024));
  private readonly models = new InternedColumn();
  /** Row i: first user message at 2i, traced response at 2i + 1. */
  private readonly texts = new TextPages();
  get size(): number {
    return this.counts.size;
  }
  /** Appends the next row (null: unknown, made on demand when listed). */
  push(s: ContentSummary | null): void {
    this.counts.push(s?.messageCount ?? 0);
    this.flags.push(s ? KNOWN | (s.hasToolCalls ? HAS_TOOL_CALLS : 0) : 0);
    this.models.push(s?.model ?? null);
    this.texts.push(s?.firstUserMessage ?? '');
    this.texts.push(s?.tracedResponse ?? '');
  }
  get(i: number): ContentSummary | null {
    if (i >= this.size) return null;
    const flags = this.flags.get(i);
    if (!(flags & KNOWN)) return null;
    return {
      messageCount: this.counts.get(i),
      hasToolCalls: (flags & HAS_TOOL_CALLS) !== 0,
      firstUserMessage: this.texts.get(2 * i),
      tracedResponse: this.texts.get(2 * i + 1),
      model: this.models.get(i),
    };
  }
}

const PAGE_BYTES = 1 << 20;
const NOT_LATIN1 = /[\u0100-\uffff]/;

/**
 * Short strings (up to a page each) appended to pages of bytes: one byte a character when they
 * fit Latin-1, else UTF-16 code units as they are (a lone surrogate left by a slice survives,
 * which UTF-8 would replace).
 */
export class TextPages {
  private readonly pages: Buffer[] = [];
  private used = PAGE_BYTES;
  /** Global byte offset of each string, and its byte length × 2 + 1 when stored as UTF-16. */
  private readonly starts = new Column(new Float64Array(2048));
  private readonly sizes = new Column(new Uint32Array(2048));

  push(s: string): void {
    if (s === '') {
      this.starts.push(0);
      this.sizes.push(0);
      return;
    }
    const wide = NOT_LATIN1.test(s);
    const bytes = wide ? s.length * 2 : s.length;
    if (bytes > PAGE_BYTES) throw new RangeError(`a text of ${bytes} bytes does not fit a page`);
    if (this.used + bytes > PAGE_BYTES) {
      this.pages.push(Buffer.allocUnsafe(PAGE_BYTES));
      this.used = 0;
    }
    const page = this.pages.length - 1;
    this.pages[page]!.write(s, this.used, bytes, wide ? 'utf16le' : 'latin1');
    this.starts.push(page * PAGE_BYTES + this.used);
    this.sizes.push(bytes * 2 + (wide ? 1 : 0));
    this.used += bytes;
  }

  get(i: number): string {
    const start = this.starts.get(i);
    const size = this.sizes.get(i);
    const bytes = size >>> 1;
    if (bytes === 0) return '';
    const page = this.pages[Math.floor(start / PAGE_BYTES)]!;
    const from = start % PAGE_BYTES;
    return page.toString(size & 1 ? 'utf16le' : 'latin1', from, from + bytes);
  }
}
