// The live files as the language server indexes them: one appendable index per file (a new file
// each day and above a size limit), and one window over all of them — the newest `maxConversations`
// conversations, older traces forgotten oldest first whichever file holds them — so the server's
// memory stays flat while the receiver runs for days. A completed trace is indexed from its own
// lines only; nothing already indexed is read again.
import type { Conversation } from '../../../common/schema';
import type { IndexedFile } from '../formats/indexedFile';
import { AppendableTraceFile } from './appendableTraceFile';
import type { CompletedTrace } from './traceCompletion';

export const DEFAULT_LIVE_WINDOW = 1000;

export interface IndexedTrace {
  trace: CompletedTrace;
  /** Its conversations as indexed now, across its files. */
  conversations: Conversation[];
}

export interface LiveTraceIndexOptions {
  displayName: (file: string) => string;
  maxConversations?: number;
  maxPendingTraces?: number;
}

export class LiveTraceIndex {
  private readonly files = new Map<string, AppendableTraceFile>();
  private seq = 0;
  private readonly max: number;

  constructor(private readonly options: LiveTraceIndexOptions) {
    this.max = options.maxConversations ?? DEFAULT_LIVE_WINDOW;
  }

  /**
   * Reads what was appended to the files of `traces`, then indexes those traces again from their
   * lines. Results come in the order of `traces`; `changed` names the files whose index changed.
   */
  completed(traces: readonly CompletedTrace[]): { traces: IndexedTrace[]; changed: string[] } {
    const byTrace = new Map(traces.map((t) => [t.traceId, [] as Conversation[]]));
    const changed: string[] = [];
    for (const file of new Set(traces.flatMap((t) => t.files))) {
      const appendable = this.fileOf(file);
      appendable.catchUp();
      const ids = traces.filter((t) => t.files.includes(file)).map((t) => t.traceId);
      for (const [id, conversations] of appendable.index(ids, () => this.seq++)) byTrace.get(id)?.push(...conversations);
      changed.push(file);
    }
    this.evict();
    return { traces: traces.map((trace) => ({ trace, conversations: byTrace.get(trace.traceId) ?? [] })), changed };
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The window's conversations of `file` as a file of the index (null: not a live file). */
  indexed(file: string): IndexedFile | null {
    return this.files.get(file)?.indexed() ?? null;
  }

  /** Conversations held now, over all files. */
  get size(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.conversationCount;
    return n;
  }

  private fileOf(file: string): AppendableTraceFile {
    let f = this.files.get(file);
    if (!f) {
      f = new AppendableTraceFile({
        file,
        displayName: this.options.displayName(file),
        ...(this.options.maxPendingTraces ? { maxPendingTraces: this.options.maxPendingTraces } : {}),
      });
      this.files.set(file, f);
    }
    return f;
  }

  /**
   * Drops the oldest traces, whichever file holds them, until the window holds `max` conversations
   * and as many traces at most (traces without LLM calls count too: their skeletons take memory).
   */
  private evict(): void {
    let traces = 0;
    for (const f of this.files.values()) traces += f.indexedTraceCount;
    for (let total = this.size; total > this.max || traces > this.max; traces--) {
      let oldest: AppendableTraceFile | null = null;
      let oldestSeq = Infinity;
      for (const f of this.files.values()) {
        const s = f.oldestSeq();
        if (s !== null && s < oldestSeq) [oldest, oldestSeq] = [f, s];
      }
      if (!oldest) return;
      const before = oldest.conversationCount;
      oldest.dropOldest();
      total -= before - oldest.conversationCount;
    }
  }
}
