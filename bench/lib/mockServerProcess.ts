// The local OpenAI-compatible mock (test/support/mockOpenAIServer.ts) in a child process, so that
// it shares neither the event loop nor the RSS of what is measured against it.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface MockServerStats {
  count: number;
  inFlight: number;
  maxConcurrent: number;
  firstArrival: number | null;
  lastArrival: number | null;
  lastFinish: number | null;
}

export interface MockServerProcess {
  /** The OpenAI base URL (ends in /v1). */
  url: string;
  child: ChildProcess;
  stats(): Promise<MockServerStats>;
  reset(): Promise<void>;
  stop(): void;
}

export async function startMockServer(repo: string, latencyMs: number): Promise<MockServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'test', 'support', 'mockOpenAIServer.ts'), '--port', '0', '--latency', String(latencyMs)],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the mock server did not start in 30 s')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the mock server exited (${code})`)));
  });
  const root = url.replace(/\/v1$/, '');
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${root}/__mock/stats`)).json()) as MockServerStats,
    reset: async () => {
      await fetch(`${root}/__mock/reset`, { method: 'POST' });
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** Wall time from the first request's arrival to the last answer, as the server saw it. */
export function serverSpanMs(s: MockServerStats): number {
  return s.firstArrival !== null && s.lastFinish !== null ? s.lastFinish - s.firstArrival : NaN;
}
