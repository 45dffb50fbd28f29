// The batch input file: one JSON line per request, {custom_id, method, url, body}, the body
// exactly as the direct path sends it. Written into the experiment's folder before it is uploaded,
// so that a restarted run knows which requests a batch holds (its custom_ids) and what each asked
// (a hash of the body: a request that changed since, e.g. after a settings change, is not matched
// with an old answer).
import { createHash } from 'node:crypto';
import type { ChatRequestBody } from '../chatClient';

/** Azure OpenAI names the endpoint without the /v1 prefix; OpenAI and compatible servers with it. */
export function chatEndpointPath(baseURL: string | undefined): '/v1/chat/completions' | '/chat/completions' {
  if (!baseURL) return '/v1/chat/completions';
  try {
    const host = new URL(baseURL).hostname;
    return /\.(openai\.azure\.com|cognitiveservices\.azure\.com)$/i.test(host) ? '/chat/completions' : '/v1/chat/completions';
  } catch {
    return '/v1/chat/completions';
  }
}

export function bodyHash(body: ChatRequestBody): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
}

export interface BatchRequest {
  customId: string;
  body: ChatRequestBody;
}

/** The JSONL text of a batch input file. */
export function requestLines(requests: readonly BatchRequest[], url: string): string {
  return requests.map((r) => JSON.stringify({ custom_id: r.customId, method: 'POST', url, body: r.body })).join('\n') + '\n';
}

/** custom_id → body hash, read back from an input file's text (lines that are not requests are skipped). */
export function requestHashes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as { custom_id?: unknown; body?: unknown };
      if (typeof v.custom_id === 'string' && v.body && typeof v.body === 'object')
        out.set(v.custom_id, bodyHash(v.body as ChatRequestBody));
    } catch {
      /* a torn last line: that request was never uploaded from this file */
    }
  }
  return out;
}

/** OpenAI's limits per batch file: 50,000 requests and 200 MB (a margin is kept on the size). */
export const MAX_BATCH_REQUESTS = 50_000;
export const MAX_BATCH_FILE_BYTES = 180 * 1024 * 1024;

/** Requests cut into files within the provider's limits, in order. */
export function chunkRequests(
  requests: readonly BatchRequest[],
  maxRequests = MAX_BATCH_REQUESTS,
  maxBytes = MAX_BATCH_FILE_BYTES,
): BatchRequest[][] {
  const chunks: BatchRequest[][] = [];
  let current: BatchRequest[] = [];
  let bytes = 0;
  for (const r of requests) {
    const size = Buffer.byteLength(JSON.stringify(r.body)) + r.customId.length + 80;
    if (current.length > 0 && (current.length >= maxRequests || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
