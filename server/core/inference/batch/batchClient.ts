// The provider's files and batches endpoints through the openai SDK (the client the direct path
// uses: no retries of its own, no key from the environment), each call with our retries and
// error classification (retry.ts), so that a 429 or a dropped connection while polling is waited
// out, and a message never holds the key. What comes back is read with zod.
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { BatchCreateParams } from 'openai/resources/batches';
import { z } from 'zod';
import { createOpenAIClient } from '../chatClient';
import type { EndpointOptions } from '../contract';
import { classifyError, withRetry } from '../retry';
import { forEachLine } from './resultLines';

export const batchStatuses = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
export type BatchStatusName = (typeof batchStatuses)[number];
export const TERMINAL_STATUSES: readonly BatchStatusName[] = ['failed', 'completed', 'expired', 'cancelled'];

const batchWire = z.object({
  id: z.string().min(1),
  status: z.enum(batchStatuses),
  input_file_id: z.string().nullish(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  created_at: z.number().nullish(),
  errors: z
    .object({
      data: z
        .array(
          z.object({ code: z.string().nullish(), message: z.string().nullish(), line: z.number().nullish(), param: z.string().nullish() }),
        )
        .nullish(),
    })
    .nullish(),
  request_counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }).nullish(),
});
export type BatchState = z.infer<typeof batchWire>;

/** The batch's own errors (a failed batch: the input file was refused), one line each. */
export function batchErrors(state: BatchState): string[] {
  return (state.errors?.data ?? []).map((e) =>
    [e.line !== null && e.line !== undefined ? `line ${e.line}` : null, e.code, e.message].filter(Boolean).join(': '),
  );
}

/** Output files may be large: read up to this much (the direct path's per-response cap is far lower). */
const MAX_RESULT_FILE_BYTES = 2 * 1024 * 1024 * 1024;

export class BatchClient {
  private readonly client: OpenAI;

  constructor(private readonly endpoint: EndpointOptions) {
    this.client = createOpenAIClient(endpoint, MAX_RESULT_FILE_BYTES);
  }

  private call<T>(what: string, run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const apiKey = this.endpoint.apiKey;
    return withRetry(() => run(), {
      maxRetries: this.endpoint.maxRetries,
      ...(signal ? { signal } : {}),
      ...this.endpoint.retryPolicy,
      classify: (e) => {
        const err = classifyError(e, { apiKey, timeoutMs: this.endpoint.timeoutMs });
        return Object.assign(err, { message: `${what}: ${err.message}` });
      },
    });
  }

  /** Uploads a batch input file (purpose "batch"); its file id. */
  async upload(name: string, text: string, signal: AbortSignal): Promise<string> {
    const file = await this.call(
      'uploading the batch input file',
      async () =>
        this.client.files.create(
          { file: await toFile(Buffer.from(text, 'utf8'), name, { type: 'application/jsonl' }), purpose: 'batch' },
          { signal },
        ),
      signal,
    );
    return z.object({ id: z.string().min(1) }).parse(file).id;
  }

  /** Creates the batch (completion window 24 h); its state. */
  async create(inputFileId: string, endpointPath: string, metadata: Record<string, string>, signal: AbortSignal): Promise<BatchState> {
    const params: BatchCreateParams = {
      input_file_id: inputFileId,
      endpoint: endpointPath as BatchCreateParams['endpoint'],
      completion_window: '24h',
      metadata,
    };
    return batchWire.parse(await this.call('creating the batch', () => this.client.batches.create(params, { signal }), signal));
  }

  /**
   * A batch already made from `inputFileId` (a process that stopped between creating it and
   * storing its id), searched newest first among those created since `since` (seconds).
   */
  async findByInputFile(inputFileId: string, since: number, signal: AbortSignal): Promise<BatchState | null> {
    return this.call(
      'listing batches',
      async () => {
        for await (const b of this.client.batches.list({ limit: 100 }, { signal })) {
          const state = batchWire.safeParse(b);
          if (!state.success) continue;
          if (state.data.input_file_id === inputFileId) return state.data;
          if (typeof state.data.created_at === 'number' && state.data.created_at < since) break;
        }
        return null;
      },
      signal,
    );
  }

  async retrieve(batchId: string, signal: AbortSignal): Promise<BatchState> {
    return batchWire.parse(await this.call('polling the batch', () => this.client.batches.retrieve(batchId, { signal }), signal));
  }

  /** Asks the provider to cancel the batch (it goes to "cancelling", then "cancelled" with what had finished). */
  async cancel(batchId: string): Promise<BatchState> {
    const signal = AbortSignal.timeout(Math.max(this.endpoint.timeoutMs, 10_000));
    return batchWire.parse(await this.call('cancelling the batch', () => this.client.batches.cancel(batchId, { signal }), signal));
  }

  /** Streams a result file line by line. */
  async download(fileId: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    await this.call(
      `downloading file ${fileId}`,
      async () => {
        const response = await this.client.files.content(fileId, { signal, timeout: Math.max(this.endpoint.timeoutMs, 600_000) });
        if (!response.body) return;
        await forEachLine(response.body as unknown as AsyncIterable<Uint8Array>, onLine);
      },
      signal,
    );
  }
}
