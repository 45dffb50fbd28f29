// The picker's view of a conversation list too large to hold: one page at a time from the host
// (search and filters applied there), more pages on demand, and an answer that arrives after the
// query changed is dropped. Transport-agnostic (the page fetch is injected) so it is testable in Node.
import type { ConversationSummary } from '../../common/protocol';
import type { ToolCallFilter } from './selection';

/** What the server filters on (the "selected only" filter is the picker's own: it knows the selection). */
export interface PageQuery {
  query: string;
  /** Workspace-relative; '' = every file. */
  file: string;
  toolCalls: ToolCallFilter;
}
export interface PageRequest extends PageQuery {
  offset: number;
  limit: number;
}
export interface Page {
  conversations: ConversationSummary[];
  total: number;
}
export type FetchPage = (request: PageRequest) => Promise<Page>;

export const PAGE_SIZE = 200;

export function sameQuery(a: PageQuery, b: PageQuery): boolean {
  return a.query.trim() === b.query.trim() && a.file === b.file && a.toolCalls === b.toolCalls;
}

export class ConversationPager {
  /** The rows loaded so far, in server order. */
  rows: ConversationSummary[] = [];
  /** How many match the current query on the server (null until the first page came). */
  total: number | null = null;
  loading = false;
  error: string | null = null;
  private query: PageQuery = { query: '', file: '', toolCalls: 'any' };
  /** Bumped by every reset: an answer for an older generation is stale. */
  private generation = 0;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onChange: () => void,
    readonly pageSize = PAGE_SIZE,
  ) {}

  get currentQuery(): PageQuery {
    return this.query;
  }

  get hasMore(): boolean {
    return this.total !== null && this.rows.length < this.total;
  }

  /** Drops the loaded rows and fetches the first page of `query` (also to refresh after the index changed). */
  reset(query: PageQuery): Promise<void> {
    this.query = { ...query };
    this.generation++;
    this.rows = [];
    this.total = null;
    return this.fetch(0);
  }

  /** The next page of the current query; nothing while a page is on its way or when all are loaded. */
  loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return Promise.resolve();
    return this.fetch(this.rows.length);
  }

  private async fetch(offset: number): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.error = null;
    this.onChange();
    try {
      const page = await this.fetchPage({ ...this.query, query: this.query.query.trim(), offset, limit: this.pageSize });
      if (generation !== this.generation) return;
      // Rows already loaded are not repeated if the index grew between two pages.
      const known = new Set(this.rows.map((c) => c.id));
      this.rows = this.rows.concat(page.conversations.filter((c) => !known.has(c.id)));
      this.total = Math.max(page.total, this.rows.length);
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.onChange();
      }
    }
  }
}

/**
 * The selected conversations' rows, kept while they are paged out of view or searched away, so
 * the selection (ids) still has labels, a preview and a "selected only" view without the server.
 */
export class SelectedRows {
  private readonly byId = new Map<string, ConversationSummary>();

  /** Remembers the rows of `selected` found in `rows`. */
  remember(rows: readonly ConversationSummary[], selected: ReadonlySet<string>): void {
    for (const c of rows) if (selected.has(c.id)) this.byId.set(c.id, c);
  }

  get(id: string): ConversationSummary | undefined {
    return this.byId.get(id);
  }

  /** The known rows of `selected`, in selection order. */
  rowsOf(selected: readonly string[]): ConversationSummary[] {
    return selected.flatMap((id) => this.byId.get(id) ?? []);
  }

  /** Replaces what is known of `ids` with a lookup's answer: an id it did not return is no longer in the index. */
  looked(ids: readonly string[], found: readonly ConversationSummary[]): string[] {
    for (const id of ids) this.byId.delete(id);
    for (const c of found) this.byId.set(c.id, c);
    const present = new Set(found.map((c) => c.id));
    return ids.filter((id) => !present.has(id));
  }
}

/** Calls `fn` once `ms` after the last call (typing in the search field sends one query, not one per key). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: A | undefined;
  const run = () => {
    timer = undefined;
    if (last) fn(...last);
    last = undefined;
  };
  const debounced = (...args: A) => {
    last = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  debounced.flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    run();
  };
  return debounced;
}
