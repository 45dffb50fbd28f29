// The OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/logs` on 127.0.0.1, JSON or protobuf,
// gzip or not, answered as the OTLP specification says (200 with an export response — a partial
// success when some records were rejected —, 400 malformed, 413 too large, 415 unknown content
// type). What is accepted is appended to the live files before the 200 goes out; spans feed the
// completion tracking, which emits `trace` when a trace is complete.
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtobufRequest, encodeResponse, encodeStatus, type PartialSuccess, type Signal } from './otlpCodec';
import { acceptLogs, acceptTraces, MalformedRequest, type SpanIds } from './otlpRequest';
import { BadEncoding, BodyTooLarge, readBody } from './requestBody';
import { LiveTraceFile } from './liveTraceFile';
import { TraceCompletion, type CompletedTrace } from './traceCompletion';

export const DEFAULT_RECEIVER_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024; // the collector's default max_request_body_size
export const DEFAULT_IDLE_MS = 5_000;
const CLOSE_GRACE_MS = 5_000;

export interface ReceiverOptions {
  /**
   * Folder of the live files (traces-DAY.jsonl): export requests of spans and of log records, one per
   * line, in one file so that a trace's GenAI log records are read with its spans (the indexer joins them).
   */
  folder: string;
  port?: number;
  maxBodyBytes?: number;
  maxFileBytes?: number;
  idleMs?: number;
}

export interface ReceiverStats {
  requests: number;
  spans: number;
  logRecords: number;
  rejected: number;
  traces: number;
}

export interface ReceiverEvents {
  trace: [CompletedTrace];
  /** A request that was answered with an error (it did not stop the receiver). */
  refused: [{ status: number; message: string }];
}

/** The port is taken: the caller names it and the option that sets it. */
export class PortInUse extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

type Encoding = 'json' | 'protobuf';

export class OtlpReceiver extends EventEmitter<ReceiverEvents> {
  readonly stats: ReceiverStats = { requests: 0, spans: 0, logRecords: 0, rejected: 0, traces: 0 };
  private readonly server: http.Server;
  private readonly traceFile: LiveTraceFile;
  private readonly completion: TraceCompletion;
  private readonly maxBodyBytes: number;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ReceiverOptions) {
    super();
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const fileOptions = { folder: options.folder, ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}) };
    this.traceFile = new LiveTraceFile({ ...fileOptions, prefix: 'traces' });
    this.completion = new TraceCompletion({ idleMs: options.idleMs ?? DEFAULT_IDLE_MS });
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.answerError(res, 'json', 500, `internal error: ${(e as Error).message}`));
    });
    this.server.keepAliveTimeout = 30_000;
  }

  /** Listens on 127.0.0.1; resolves with the port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const port = this.options.port ?? DEFAULT_RECEIVER_PORT;
      const onError = (e: NodeJS.ErrnoException): void => reject(e.code === 'EADDRINUSE' ? new PortInUse(port) : e);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting, answers the requests in flight, writes what they carried, reports pending traces. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // A client that stalls mid-body must not hold the stop forever; its request was never answered 200.
      setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.traceFile.close();
    this.report(this.completion.flush());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = (req.url ?? '').split('?')[0];
    const signal: Signal | null = url === '/v1/traces' ? 'traces' : url === '/v1/logs' ? 'logs' : null;
    if (!signal) return this.answerError(res, 'json', 404, `no OTLP endpoint at ${url} (POST /v1/traces or /v1/logs)`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return this.answerError(res, 'json', 405, `${req.method} is not allowed: POST the export request`);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const encoding: Encoding | null = type === 'application/json' ? 'json' : type === 'application/x-protobuf' ? 'protobuf' : null;
    if (!encoding)
      return this.answerError(res, 'json', 415, `unsupported Content-Type "${type}": application/json or application/x-protobuf`);
    this.stats.requests++;
    let body: Buffer;
    try {
      body = await readBody(req, this.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) return this.answerError(res, encoding, 413, e.message);
      if (e instanceof BadEncoding) return this.answerError(res, encoding, 400, e.message);
      throw e;
    }
    let decoded: unknown;
    try {
      decoded = encoding === 'json' ? JSON.parse(body.toString('utf8')) : decodeProtobufRequest(signal, body);
    } catch (e) {
      return this.answerError(res, encoding, 400, `malformed ${encoding === 'json' ? 'JSON' : 'protobuf'} body: ${(e as Error).message}`);
    }
    let partial: PartialSuccess | null;
    try {
      partial = signal === 'traces' ? await this.storeTraces(decoded) : await this.storeLogs(decoded);
    } catch (e) {
      if (e instanceof MalformedRequest) return this.answerError(res, encoding, 400, e.message);
      throw e;
    }
    res.writeHead(200, { 'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' });
    res.end(encodeResponse(signal, encoding, partial));
  }

  private async storeTraces(decoded: unknown): Promise<PartialSuccess | null> {
    const spans: SpanIds[] = [];
    const accepted = acceptTraces(decoded, spans);
    this.stats.rejected += accepted.rejected;
    if (accepted.request) {
      const line = await this.traceFile.append(accepted.request);
      this.stats.spans += accepted.accepted;
      this.report(this.completion.observe(spans, line, Date.now()));
      this.scheduleIdleCheck();
    }
    return accepted.rejected ? { rejected: accepted.rejected, errorMessage: accepted.errorMessage } : null;
  }

  private async storeLogs(decoded: unknown): Promise<PartialSuccess | null> {
    const accepted = acceptLogs(decoded);
    this.stats.rejected += accepted.rejected;
    if (accepted.request) {
      const line = await this.traceFile.append(accepted.request);
      this.stats.logRecords += accepted.accepted;
      // A trace's log records join its detection: a trace still open takes the line; one already
      // judged is judged again (with them) when it goes idle.
      this.report(this.completion.observeLogs(accepted.traceIds, line, Date.now()));
      this.scheduleIdleCheck();
    }
    return accepted.rejected ? { rejected: accepted.rejected, errorMessage: accepted.errorMessage } : null;
  }

  private report(traces: CompletedTrace[]): void {
    for (const t of traces) {
      this.stats.traces++;
      this.emit('trace', t);
    }
  }

  private scheduleIdleCheck(): void {
    if (this.idleTimer) return;
    const next = this.completion.nextDeadline();
    if (next === null) return;
    this.idleTimer = setTimeout(
      () => {
        this.idleTimer = null;
        this.report(this.completion.expire(Date.now()));
        this.scheduleIdleCheck();
      },
      Math.max(0, next - Date.now()),
    );
    this.idleTimer.unref();
  }

  private answerError(res: http.ServerResponse, encoding: Encoding, status: number, message: string): void {
    this.emit('refused', { status, message });
    if (res.headersSent) return void res.destroy();
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
    res.writeHead(status, headers);
    res.end(encodeStatus(encoding, status === 400 ? 3 : status === 413 ? 8 : 2, message));
  }
}
