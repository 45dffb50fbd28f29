// Trace files → OpenAI chat-format conversations, one JSON object per line, exactly as the
// readers understood them: `{id, messages, tools?, model?, metadata: {source, …}}`. `tools` is
// absent when the trace records no tool definitions (unknown), `[]` when it records none exist.
// What could not be read is reported per file (coverage), never written as an empty line.
import { traceFileText } from './protobufTraceFile';
import * as fs from 'node:fs';
import type { FileCoverage, TraceProblem } from '../../../common/protocol';
import type { Conversation, Message, ToolDefinition, TraceFormat } from '../../../common/schema';
import { indexTraceText, MAX_TRACE_FILE_BYTES } from '../traceParser';
import type { FormatChoice } from './indexer';
import type { InvalidUtf8 } from './utf8Check';

export interface ChatLine {
  id: string;
  messages: Message[];
  tools?: ToolDefinition[];
  model?: string;
  metadata: Record<string, unknown> & { source: ChatLineSource };
}

export interface ChatLineSource {
  /** The file as the user named it (display path). */
  file: string;
  format: TraceFormat;
  /** Line (1-based) where the conversation's LLM call is. */
  line: number;
  trace_id?: string;
  /** The spans (or runs, observations) the conversation was read from; the LLM call's first. */
  span_ids: string[];
}

export interface ConvertedFile {
  file: string;
  /** Display path (as in every message). */
  name: string;
  format: TraceFormat | null;
  isTrace: boolean;
  conversations: number;
  coverage: FileCoverage;
  problems: TraceProblem[];
  /** Why the whole file gave nothing (not found, too large, not a trace, empty). */
  refused?: string;
}

export interface ConvertOptions {
  format?: FormatChoice;
  /** Absolute path → the path shown in messages and `source.file`. */
  displayName?: (file: string) => string;
}

/** Reads each file and returns its conversations as chat lines, with per-file coverage. */
export function convertFiles(files: readonly string[], opts: ConvertOptions = {}): { lines: ChatLine[]; files: ConvertedFile[] } {
  const display = opts.displayName ?? ((f: string) => f);
  const lines: ChatLine[] = [];
  const out: ConvertedFile[] = [];
  for (const file of files) {
    const name = display(file);
    const base: ConvertedFile = {
      file,
      name,
      format: null,
      isTrace: false,
      conversations: 0,
      coverage: { llmCalls: 0, read: 0, unread: [] },
      problems: [],
    };
    let text: string;
    let invalidUtf8: InvalidUtf8 | null;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_TRACE_FILE_BYTES) {
        out.push({
          ...base,
          refused: `${name} is ${(size / 1048576).toFixed(0)} MB, above the ${MAX_TRACE_FILE_BYTES / 1048576} MB limit`,
        });
        continue;
      }
      ({ text, invalidUtf8 } = traceFileText(file));
    } catch (e) {
      out.push({
        ...base,
        refused: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${name}: no such file` : `${name}: ${(e as Error).message}`,
      });
      continue;
    }
    const r = indexTraceText(file, text, name, { ...(opts.format ? { format: opts.format } : {}), invalidUtf8 });
    const convs = r.conversations ?? [];
    const entry: ConvertedFile = {
      ...base,
      format: r.format,
      isTrace: r.isTrace,
      conversations: convs.length,
      coverage: r.coverage,
      problems: r.problems,
    };
    const refused = refusal(name, text.trim() === '', r.isTrace, convs.length, r.coverage);
    if (refused) entry.refused = refused;
    out.push(entry);
    for (const c of convs) lines.push(toChatLine(c, name, r.format ?? 'openai'));
  }
  return { lines, files: out };
}

/** Why a file gave no conversation, in one line (undefined: it gave some). */
export function refusal(
  name: string,
  empty: boolean,
  isTrace: boolean,
  conversations: number,
  coverage: FileCoverage | undefined,
): string | undefined {
  if (empty) return `${name} is empty`;
  if (!isTrace) return `${name} is not a trace file (no conversations or spans of a known format)`;
  if (conversations > 0) return undefined;
  const calls = coverage?.llmCalls ?? 0;
  const why = [...new Set(coverage?.unread.map((u) => u.reason) ?? [])];
  return `${name}: no conversation could be read${calls ? ` from its ${calls} LLM call${calls === 1 ? '' : 's'}${why.length ? ` (${why.join('; ')})` : ''}` : ''}`;
}

/** One conversation as an OpenAI chat-format line. */
export function toChatLine(c: Conversation, name: string, fileFormat: TraceFormat): ChatLine {
  const meta = { ...(c.metadata ?? {}) };
  const format = (c.format ?? (typeof meta.format === 'string' ? meta.format : fileFormat)) as TraceFormat;
  const traceId = typeof meta.trace_id === 'string' ? meta.trace_id : undefined;
  const spanId = typeof meta.span_id === 'string' ? meta.span_id : undefined;
  // Reading details that only this tool uses stay out of the dataset line.
  for (const k of ['format', 'trace_id', 'span_id', 'response_message_index']) delete meta[k];
  const source: ChatLineSource = {
    file: name,
    format,
    line: c.line + 1,
    ...(traceId ? { trace_id: traceId } : {}),
    span_ids: spanId ? [spanId] : [],
  };
  if (c.executedTools?.length) meta.executed_tools = c.executedTools;
  if (c.usage) meta.usage = c.usage;
  return {
    id: c.id,
    messages: c.messages.map(plainMessage),
    ...(c.toolsKnown === false ? {} : { tools: c.tools }),
    ...(c.model ? { model: c.model } : {}),
    metadata: { source, ...meta },
  };
}

/** The OpenAI chat fields of a message (no reader annotations). */
function plainMessage(m: Message): Message {
  return {
    role: m.role,
    content: m.content ?? null,
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.tool_calls?.length ? { tool_calls: m.tool_calls } : {}),
    ...(m.tool_call_id !== undefined ? { tool_call_id: m.tool_call_id } : {}),
  };
}

/** The lines a terminal shows for a file: what was read, and each LLM call left out with why. */
export function coverageLines(f: Pick<ConvertedFile, 'name' | 'format' | 'conversations' | 'coverage' | 'refused'>): string[] {
  if (f.refused) return [f.refused];
  const c = f.coverage;
  const head = `${f.name}: ${f.conversations} conversation${f.conversations === 1 ? '' : 's'}${f.format ? ` (${f.format})` : ''}; ${c.read} of ${c.llmCalls} LLM call${c.llmCalls === 1 ? '' : 's'} read`;
  return [head, ...c.unread.map((u) => `${f.name}:${u.line + 1}: LLM call${u.spanId ? ` "${u.spanId}"` : ''} not read: ${u.reason}`)];
}
