// Reading conversations of a large file again from disk: the byte ranges of their records (from
// the record table) are read and parsed alone, then read as at indexing — an OpenAI record
// directly, span records re-assembled into their trace's conversations. A file that changed
// since it was indexed gives nothing (its re-index is on the way).
import { readByteRange } from '../byteRange';
import * as fs from 'node:fs';
import type { Conversation } from '../../../common/schema';
import { assembleTrace, type AssembleOptions, type AssembledConversation } from './assemble/trace';
import { readOpenAIConversation } from './openai';
import { valueAtPath, type RecordTable } from './recordTable';
import type { Family } from './sniff';
import { readFamily } from './spanRecords';
import type { SpanRecord } from './types';

/**
 * Size, modification time and identity of a file when it was indexed. The identity (device and
 * inode) tells a file swapped for another, or for a link to one elsewhere, even one made to
 * the same size and time.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

export function fileStamp(file: string): FileStamp | null {
  try {
    const st = fs.statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

export interface RereadSource {
  file: string;
  displayName: string;
  records: RecordTable;
  /** OTLP resource attributes by context number (records point at theirs). */
  contexts: ReadonlyArray<Record<string, unknown> | null>;
  /** The file as indexed (null: unknown, not checked). */
  stamp: FileStamp | null;
}

export class RecordRereader {
  constructor(private readonly src: RereadSource) {}

  /** The OpenAI conversation at `position`, from record `ordinal` (null: gone, or no longer `id`). */
  openAIConversation(ordinal: number, position: number, id: string): Conversation | null {
    const { records, file, displayName } = this.src;
    return this.withFile((fd) => {
      const text = this.recordText(ordinal, fd, new Map());
      if (text === null) return null;
      const value: unknown = JSON.parse(text);
      const anchor = records.anchor(ordinal);
      const inner = records.inner(ordinal);
      const path = [...anchor.path, ...inner];
      const c = readOpenAIConversation(
        inner.length ? valueAtPath(value, inner) : value,
        {
          file,
          displayName,
          where: () => '',
          line: anchor.line,
          sourcePath: path,
          position,
          anchor: inner.length ? { ...anchor, path } : anchor,
        },
        null,
      );
      return c && c.id === id ? c : null;
    });
  }

  /**
   * The conversations of one trace, from the records (`ordinals`, in file order) its spans came
   * from; `traceId` picks its spans among others of a shared record. Problems were reported at
   * indexing: none here. `fd`: the file already opened by `open` (for many traces in a row).
   */
  traceConversations(
    family: Family,
    convention: 'otel-genai' | 'openinference' | null,
    ordinals: readonly number[],
    traceId: string | null,
    opts: Pick<AssembleOptions, 'only' | 'budget'>,
    fd?: number,
  ): AssembledConversation[] | null {
    const read = (fd: number) => this.assembleTrace(fd, family, convention, ordinals, traceId, opts);
    if (fd === undefined) return this.withFile(read);
    try {
      return read(fd);
    } catch {
      return null;
    }
  }

  /** Opens the file for several reads (null: gone, or changed since it was indexed). Close it with `close`. */
  open(): number | null {
    try {
      return this.unchanged() ? fs.openSync(this.src.file, 'r') : null;
    } catch {
      return null;
    }
  }

  close(fd: number): void {
    fs.closeSync(fd);
  }

  /** Whether the file is still as it was indexed. */
  unchanged(): boolean {
    const { file, stamp } = this.src;
    if (!stamp) return true;
    try {
      const st = fs.statSync(file);
      return st.size === stamp.size && st.mtimeMs === stamp.mtimeMs && st.dev === stamp.dev && st.ino === stamp.ino;
    } catch {
      return false;
    }
  }

  private assembleTrace(
    fd: number,
    family: Family,
    convention: 'otel-genai' | 'openinference' | null,
    ordinals: readonly number[],
    traceId: string | null,
    opts: Pick<AssembleOptions, 'only' | 'budget'>,
  ): AssembledConversation[] | null {
    const { records, contexts, file, displayName } = this.src;
    const cache = new Map<number, string>();
    const parsed = new Map<number, unknown>();
    const spans: SpanRecord[] = [];
    for (const ordinal of ordinals) {
      const source = this.recordText(ordinal, fd, cache);
      if (source === null) return null;
      const start = records.byteStart(ordinal);
      let value = parsed.get(start);
      if (value === undefined) {
        value = JSON.parse(source) as unknown;
        parsed.set(start, value);
      }
      const record = {
        value,
        inner: records.inner(ordinal),
        source,
        anchor: records.anchor(ordinal),
        ordinal,
        resource: contexts[records.ctx(ordinal)] ?? null,
        hint: records.hint(ordinal),
      };
      const got = readFamily(family, record, convention, false);
      if (got) for (const s of got) if ((s.traceId ?? null) === traceId || (traceId === null && ordinals.length === 1)) spans.push(s);
    }
    return assembleTrace(spans, { file, displayName, problem: () => {}, ...opts });
  }

  /** The text of a record (several records may share one: an OTLP export line). */
  private recordText(ordinal: number, fd: number, cache: Map<number, string>): string | null {
    const { records } = this.src;
    const start = records.byteStart(ordinal);
    const end = records.byteEnd(ordinal);
    if (start < 0 || end < start) return null;
    const cached = cache.get(start);
    if (cached !== undefined) return cached;
    let text = readByteRange(fd, start, end);
    if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
    cache.set(start, text);
    return text;
  }

  private withFile<T>(fn: (fd: number) => T): T | null {
    const fd = this.open(); // null when changed: wait for the re-index
    if (fd === null) return null;
    try {
      return fn(fd);
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }
}
