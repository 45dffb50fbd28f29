// `hallucination-lab receive`: the OTLP/HTTP receiver from a terminal. Spans are appended to the
// live files as they arrive; each completed trace is indexed and judged by the local detector, and
// printed as one line with its hallucination count. Ctrl-C stops it: the requests in flight are
// answered and written, the traces still pending are judged, then it exits 0.
import * as path from 'node:path';
import type { Detector } from './core/detectors/detector';
import { localDetector } from './core/detectors/local/index';
import { displayPath } from './core/check/scan';
import { DetectionQueue, detectTraces, type LiveTraceResult } from './core/receiver/liveDetection';
import { InputError, UsageError } from './cliErrors';
import { parseCommandArgs, runCommand } from './cliCommand';
import { DEFAULT_IDLE_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_RECEIVER_PORT, OtlpReceiver, PortInUse } from './core/receiver/otlpReceiver';

export const RECEIVE_USAGE = `Usage:
  hallucination-lab receive [--port N] [--out DIR] [--detector local]

Listens for OTLP/HTTP on 127.0.0.1 (POST /v1/traces and /v1/logs, JSON or protobuf, gzip or not),
appends what arrives to DIR (one OTLP/JSON export request per line, a file per day), and prints one
line per completed trace with its hallucinations. Ctrl-C stops it; nothing received is lost.

Options:
  --port N            port on 127.0.0.1 (default ${DEFAULT_RECEIVER_PORT}; 0 picks a free one)
  --out DIR           folder of the live trace files (default traces/live)
  --detector local    the detector run on each completed trace (only local for now)
  --idle-seconds N    a trace without a root span is complete after N seconds without spans (default ${DEFAULT_IDLE_MS / 1000})
  --max-body-mb N     larger requests are refused with 413 (default ${DEFAULT_MAX_BODY_BYTES / 1024 / 1024})
  -h, --help          this help`;

export interface ReceiveIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Stops the receiver as Ctrl-C does (tests; the CLI uses SIGINT and SIGTERM). */
  signal?: AbortSignal;
}

export async function runReceive(argv: string[], io: ReceiveIo): Promise<number> {
  // An argument the parser refuses is followed by the usage text; a bad value by nothing more.
  return runCommand(io, { prefix: 'hallucination-lab receive', afterUsage: (e) => (e.fromParser ? `\n${RECEIVE_USAGE}\n` : '') }, () =>
    receive(argv, io),
  );
}

async function receive(argv: string[], io: ReceiveIo): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      out: { type: 'string' },
      detector: { type: 'string' },
      'idle-seconds': { type: 'string' },
      'max-body-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(RECEIVE_USAGE + '\n');
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_RECEIVER_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (0–65535), not "${values.port}"`);
  const idleSeconds = values['idle-seconds'] === undefined ? DEFAULT_IDLE_MS / 1000 : Number(values['idle-seconds']);
  if (!(idleSeconds > 0)) throw new UsageError(`--idle-seconds must be a positive number, not "${values['idle-seconds']}"`);
  const maxBodyMb = values['max-body-mb'] === undefined ? DEFAULT_MAX_BODY_BYTES / 1024 / 1024 : Number(values['max-body-mb']);
  if (!(maxBodyMb > 0)) throw new UsageError(`--max-body-mb must be a positive number, not "${values['max-body-mb']}"`);
  const detectorName = values.detector ?? 'local';
  if (detectorName !== 'local')
    throw new UsageError(`--detector must be local (the judge is not run on live traces yet), not "${detectorName}"`);
  const detectors: Detector[] = [localDetector];

  const cwd = process.cwd();
  const folder = path.resolve(values.out ?? path.join('traces', 'live'));
  const receiver = new OtlpReceiver({ folder, port, idleMs: idleSeconds * 1000, maxBodyBytes: Math.floor(maxBodyMb * 1024 * 1024) });
  const stop = new AbortController(); // aborts a detection in progress only if a second Ctrl-C comes
  let hallucinations = 0;
  const queue = new DetectionQueue(async (traces) => {
    try {
      for (const result of await detectTraces(traces, detectors, stop.signal, (m) => io.err.write(`${m}\n`))) {
        hallucinations += result.hallucinations;
        io.out.write(traceLine(result, cwd) + '\n');
      }
    } catch (e) {
      io.err.write(`${traces.map((t) => `trace ${t.traceId}`).join(', ')}: could not be judged: ${(e as Error).message}\n`);
    }
  });
  receiver.on('trace', (trace) => queue.push(trace));

  let bound: number;
  try {
    bound = await receiver.listen();
  } catch (e) {
    if (e instanceof PortInUse)
      throw new InputError(`port ${e.port} on 127.0.0.1 is already in use: stop what listens there or choose another with --port N`);
    throw e;
  }
  io.out.write(`Receiving OTLP/HTTP on http://127.0.0.1:${bound} (POST /v1/traces, /v1/logs) → ${displayPath(folder, cwd)}/\n`);

  let stopping = false;
  let stopped: () => void = () => {};
  const onStop = (): void => {
    if (stopping) return stop.abort(); // a second Ctrl-C: stop judging, keep what was written
    stopping = true;
    stopped();
  };
  const untilStopped = new Promise<void>((resolve) => (stopped = resolve));
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  io.signal?.addEventListener('abort', onStop, { once: true });
  if (io.signal?.aborted) onStop();
  await untilStopped;
  await receiver.close();
  await queue.idle();
  process.off('SIGINT', onStop);
  process.off('SIGTERM', onStop);
  const s = receiver.stats;
  io.out.write(
    `Stopped: ${s.requests} requests, ${s.spans} spans, ${s.logRecords} log records, ${s.rejected} rejected; ${s.traces} traces, ${hallucinations} hallucinations.\n`,
  );
  return 0;
}

function traceLine(result: LiveTraceResult, cwd: string): string {
  const { trace, conversations } = result;
  const files = trace.files.map((f) => displayPath(f, cwd)).join(', ');
  const failed = conversations.filter((c) => c.status !== 'completed').length;
  const found = conversations.flatMap((c) =>
    c.annotations.map((a) =>
      `${a.label} ${a.tool_name ?? ''}${a.parameter_name ? `.${a.parameter_name}` : ''} ${JSON.stringify(a.text)}`.replace(/\s+/g, ' '),
    ),
  );
  return [
    `trace ${trace.traceId}`,
    `${conversations.length} conversation${conversations.length === 1 ? '' : 's'}`,
    `${result.hallucinations} hallucination${result.hallucinations === 1 ? '' : 's'}`,
    ...(failed ? [`${failed} not judged`] : []),
    files,
    ...(found.length ? [found.join('; ')] : []),
  ].join('  ·  ');
}
