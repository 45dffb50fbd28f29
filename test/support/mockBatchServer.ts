// A local stand-in of the provider's Batch API for tests and benchmarks (node:http, 127.0.0.1,
// random port): `/v1/files` (multipart upload with purpose "batch", `GET /v1/files/{id}/content`)
// and `/v1/batches` (create, retrieve, list, cancel). A batch walks validating → in_progress →
// finalizing → completed, one state per poll (or at once with `instant`), and can be told to end
// failed (with `errors`), expired or cancelled (part of its requests done, the rest in the error
// file), to answer some requests with an error line or a non-200 status, and to add a result for
// a custom_id it never held. Each request's answer is a chat completion like mockOpenAIServer's.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { defaultContent, mockLogprobs } from './mockOpenAIServer';

export type BatchEnding = 'completed' | 'failed' | 'expired' | 'cancelled';

export interface BatchScript {
  /** How batch number `n` (0-based, in creation order) ends. Default completed. */
  ending?: (n: number) => BatchEnding;
  /** For expired/cancelled endings: how many of its requests were done first. Default half. */
  doneBeforeEnd?: (total: number) => number;
  /** A request answered with this HTTP status (an error body) in the error file instead of a completion. */
  statusFor?: (customId: string, body: Record<string, unknown>) => number | undefined;
  /** A request that failed without a response (an `error` object in its line). */
  lineErrorFor?: (customId: string) => { code: string; message: string } | undefined;
  /** Add a result line for a custom_id the batch did not hold. */
  unknownCustomId?: boolean;
  /** The answer's content for a request (default: as mockOpenAIServer answers). */
  content?: (body: Record<string, unknown>) => string;
  /** Every state reached at the first poll (benchmarks). */
  instant?: boolean;
  /** While this says true, a batch in progress stays in progress (a test kills its client meanwhile). */
  hold?: () => boolean;
  /** The first this many file downloads answer 503 (an outage while reading results). */
  failDownloads?: number;
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  created_at: number;
}

interface BatchRecord {
  n: number;
  id: string;
  status: string;
  input_file_id: string;
  endpoint: string;
  metadata: Record<string, string> | null;
  created_at: number;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: { object: 'list'; data: Array<{ code: string; message: string; line: number | null }> } | null;
  request_counts: { total: number; completed: number; failed: number };
  /** Cancel asked for: the next poll ends it. */
  cancelling: boolean;
  polls: number;
}

export interface MockBatchServer {
  url: string;
  files: Map<string, StoredFile>;
  batches: Map<string, BatchRecord>;
  /** POST /v1/batches calls (a resumed run must not make a second one). */
  creates: () => number;
  cancels: () => number;
  /** POST /v1/chat/completions calls (requests sent directly). */
  chats: () => number;
  /** Every HTTP request, as "METHOD path". */
  log: string[];
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function completion(customId: string, body: Record<string, unknown>, script: BatchScript, n: number) {
  const content = script.content ? script.content(body) : defaultContent(body);
  const prompt = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
  const completionTokens = Math.max(1, Math.ceil(content.length / 4));
  return {
    id: `chatcmpl-batch-${n}`,
    object: 'chat.completion',
    created: now(),
    model: typeof body.model === 'string' ? body.model : 'mock-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: body.logprobs === true ? { content: mockLogprobs(content, body.top_logprobs), refusal: null } : null,
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
    system_fingerprint: `batch-${customId.length}`,
  };
}

export async function startMockBatchServer(script: BatchScript = {}): Promise<MockBatchServer> {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, BatchRecord>();
  const log: string[] = [];
  let creates = 0;
  let cancels = 0;
  let chats = 0;
  let downloads = 0;
  let fileCount = 0;
  const sockets = new Set<Socket>();

  const addFile = (filename: string, purpose: string, content: string): StoredFile => {
    const f = { id: `file-mock-${++fileCount}`, filename, purpose, content, created_at: now() };
    files.set(f.id, f);
    return f;
  };
  const fileObject = (f: StoredFile) => ({
    id: f.id,
    object: 'file',
    bytes: Buffer.byteLength(f.content),
    created_at: f.created_at,
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
  });
  const batchObject = (b: BatchRecord) => {
    const { n: _n, cancelling: _c, polls: _p, ...wire } = b;
    return { object: 'batch', completion_window: '24h', ...wire };
  };

  /** Runs the batch's requests: the first `upTo` answered (or failed as scripted), the rest as `rest` says. */
  function finish(b: BatchRecord, upTo: number, rest: { code: string; message: string } | null) {
    const input = files
      .get(b.input_file_id)!
      .content.split('\n')
      .filter((l) => l.trim() !== '');
    const out: string[] = [];
    const err: string[] = [];
    input.forEach((line, i) => {
      const req = JSON.parse(line) as { custom_id: string; body: Record<string, unknown> };
      const id = `batch_req_${b.n}_${i}`;
      if (i >= upTo) {
        if (rest) err.push(JSON.stringify({ id, custom_id: req.custom_id, response: null, error: rest }));
        return;
      }
      const lineError = script.lineErrorFor?.(req.custom_id);
      const status = script.statusFor?.(req.custom_id, req.body);
      if (lineError) err.push(JSON.stringify({ id, custom_id: req.custom_id, response: null, error: lineError }));
      else if (status !== undefined && status !== 200)
        err.push(
          JSON.stringify({
            id,
            custom_id: req.custom_id,
            response: {
              status_code: status,
              request_id: `req_${i}`,
              body: { error: { message: `mock refusal ${status}`, type: 'invalid_request_error' } },
            },
            error: null,
          }),
        );
      else
        out.push(
          JSON.stringify({
            id,
            custom_id: req.custom_id,
            response: { status_code: 200, request_id: `req_${i}`, body: completion(req.custom_id, req.body, script, i) },
            error: null,
          }),
        );
    });
    if (script.unknownCustomId) {
      const body = completion('nobody', { messages: [] }, script, -1);
      out.push(JSON.stringify({ id: 'batch_req_x', custom_id: 'no-such-item/target', response: { status_code: 200, body }, error: null }));
    }
    b.request_counts = { total: input.length, completed: out.length - (script.unknownCustomId ? 1 : 0), failed: err.length };
    if (out.length > 0) b.output_file_id = addFile(`${b.id}_output.jsonl`, 'batch_output', out.join('\n') + '\n').id;
    if (err.length > 0) b.error_file_id = addFile(`${b.id}_error.jsonl`, 'batch_output', err.join('\n') + '\n').id;
  }

  /** One poll: the batch moves on one state (all the way with `instant`). */
  function advance(b: BatchRecord) {
    const ending = script.ending?.(b.n) ?? 'completed';
    const total = files
      .get(b.input_file_id)!
      .content.split('\n')
      .filter((l) => l.trim() !== '').length;
    const partial = script.doneBeforeEnd ? script.doneBeforeEnd(total) : Math.floor(total / 2);
    for (let step = 0; step < (script.instant ? 4 : 1); step++) {
      if (b.cancelling && b.status !== 'cancelled') {
        b.status = 'cancelled';
        finish(b, 0, { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' });
        return;
      }
      switch (b.status) {
        case 'validating':
          if (ending === 'failed') {
            b.status = 'failed';
            b.errors = { object: 'list', data: [{ code: 'invalid_request', message: 'mock: the input file was refused', line: 1 }] };
            return;
          }
          b.status = 'in_progress';
          break;
        case 'in_progress':
          if (script.hold?.()) return;
          if (ending === 'expired') {
            b.status = 'expired';
            finish(b, partial, {
              code: 'batch_expired',
              message: 'This request could not be executed before the completion window expired.',
            });
            return;
          }
          if (ending === 'cancelled') {
            b.status = 'cancelled';
            finish(b, partial, { code: 'batch_cancelled', message: 'This request was not executed because the batch was cancelled.' });
            return;
          }
          b.status = 'finalizing';
          break;
        case 'finalizing':
          b.status = 'completed';
          finish(b, total, null);
          return;
        default:
          return;
      }
    }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'application/octet-stream' : 'application/json' });
    res.end(text);
  };
  const notFound = (res: http.ServerResponse, what: string) =>
    send(res, 404, { error: { message: `no ${what}`, type: 'invalid_request_error' } });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://x');
        const p = url.pathname;
        log.push(`${req.method} ${p}`);
        let m: RegExpMatchArray | null;
        if (req.method === 'POST' && /\/v1\/files\/?$/.test(p)) {
          const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
          const file = form.get('file');
          const purpose = form.get('purpose');
          if (!(file instanceof Blob) || purpose !== 'batch')
            return send(res, 400, { error: { message: 'a file with purpose "batch" is required', type: 'invalid_request_error' } });
          const name = 'name' in file && typeof file.name === 'string' ? file.name : 'input.jsonl';
          return send(res, 200, fileObject(addFile(name, 'batch', await file.text())));
        }
        if (req.method === 'GET' && (m = p.match(/\/v1\/files\/([^/]+)\/content$/))) {
          const f = files.get(decodeURIComponent(m[1]!));
          if (f && downloads++ < (script.failDownloads ?? 0))
            return send(res, 503, { error: { message: 'mock: the file service is down', type: 'server_error' } });
          return f ? send(res, 200, f.content) : notFound(res, 'such file');
        }
        if (req.method === 'POST' && /\/v1\/batches\/?$/.test(p)) {
          const body: unknown = JSON.parse(raw.toString('utf8') || 'null');
          if (!isRecord(body) || typeof body.input_file_id !== 'string' || !files.has(body.input_file_id))
            return send(res, 400, { error: { message: 'input_file_id names no uploaded file', type: 'invalid_request_error' } });
          if (body.completion_window !== '24h')
            return send(res, 400, { error: { message: 'completion_window must be 24h', type: 'invalid_request_error' } });
          const b: BatchRecord = {
            n: creates++,
            id: `batch_mock_${creates}`,
            status: 'validating',
            input_file_id: body.input_file_id,
            endpoint: String(body.endpoint),
            metadata: isRecord(body.metadata) ? (body.metadata as Record<string, string>) : null,
            created_at: now(),
            output_file_id: null,
            error_file_id: null,
            errors: null,
            request_counts: { total: 0, completed: 0, failed: 0 },
            cancelling: false,
            polls: 0,
          };
          batches.set(b.id, b);
          return send(res, 200, batchObject(b));
        }
        if (req.method === 'GET' && /\/v1\/batches\/?$/.test(p)) {
          const data = [...batches.values()].reverse().map(batchObject);
          return send(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
        }
        if (req.method === 'GET' && (m = p.match(/\/v1\/batches\/([^/]+)$/))) {
          const b = batches.get(decodeURIComponent(m[1]!));
          if (!b) return notFound(res, 'such batch');
          // The first poll sees the state the create left (validating); each later one moves it on.
          if (b.polls++ > 0 || script.instant) advance(b);
          return send(res, 200, batchObject(b));
        }
        if (req.method === 'POST' && (m = p.match(/\/v1\/batches\/([^/]+)\/cancel$/))) {
          const b = batches.get(decodeURIComponent(m[1]!));
          if (!b) return notFound(res, 'such batch');
          cancels++;
          if (['completed', 'failed', 'expired', 'cancelled'].includes(b.status))
            return send(res, 400, { error: { message: `a ${b.status} batch cannot be cancelled`, type: 'invalid_request_error' } });
          b.cancelling = true;
          b.status = 'cancelling';
          return send(res, 200, batchObject(b));
        }
        // Requests sent directly (fewer than batch.min_requests) are answered at once.
        if (req.method === 'POST' && /\/v1\/chat\/completions$/.test(p)) {
          chats++;
          const body: unknown = JSON.parse(raw.toString('utf8') || 'null');
          return send(res, 200, completion('direct', isRecord(body) ? body : {}, script, chats));
        }
        return notFound(res, `route for ${req.method} ${p}`);
      })().catch((e: unknown) => send(res, 500, { error: { message: `mock batch server failed: ${String(e)}`, type: 'server_error' } }));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    files,
    batches,
    creates: () => creates,
    cancels: () => cancels,
    chats: () => chats,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
