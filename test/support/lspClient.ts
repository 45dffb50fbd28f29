// Starts the real built server (dist/server.js) over stdio and talks LSP to it, as the extension does.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { InitializationOptions } from '../../common/protocol';

export interface TestServer {
  connection: ProtocolConnection;
  process: ChildProcess;
  pid: number;
  diagnostics: Map<string, PublishDiagnosticsParams>;
  notifications: Array<{ method: string; params: unknown; at: number; bytes: number }>;
  /** window/logMessage and window/showMessage from the server: what lands in the Output channel. */
  logs: Array<{ type: number; message: string }>;
  /** Every hallucinationLab/getApiKey request the server made (the key names asked for). */
  keyRequests: string[];
  stderr: () => string;
  /** Peak resident set size of the server process so far (VmHWM), in bytes; null off Linux. */
  peakRss(): number | null;
  /** SIGKILL: no shutdown, no flush — a crash. Resolves when the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestClientOptions {
  /** Answers to hallucinationLab/getApiKey by key name (as SecretStorage would); default: no key. */
  apiKeys?: Record<string, string>;
}

export async function startServer(
  workspaceRoot: string,
  options: Partial<InitializationOptions> = {},
  client: TestClientOptions = {},
): Promise<TestServer> {
  const serverJs = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
  // HL_SERVER_NODE_ARGS: Node options for the server process alone (a bench's --cpu-prof).
  const nodeArgs = process.env.HL_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const notifications: TestServer['notifications'] = [];
  const logs: TestServer['logs'] = [];
  const keyRequests: string[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => diagnostics.set(p.uri, p));
  for (const method of ['hallucinationLab/experimentChanged', 'hallucinationLab/indexChanged', 'hallucinationLab/activeExperimentChanged'])
    connection.onNotification(method, (params: unknown) =>
      notifications.push({ method, params, at: Date.now(), bytes: JSON.stringify(params).length }),
    );
  for (const method of ['window/logMessage', 'window/showMessage'])
    connection.onNotification(method, (p: { type: number; message: string }) => logs.push({ type: p.type, message: p.message }));
  connection.onRequest('hallucinationLab/getApiKey', (p: { name: string }) => {
    keyRequests.push(p.name);
    return { key: client.apiKeys?.[p.name] ?? null };
  });
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('client/registerCapability', () => null);
  connection.onError(() => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(workspaceRoot).toString(),
    capabilities: {},
    initializationOptions: { workspaceRoot, createdBy: 'protocol-test', trusted: true, ...options },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    pid: child.pid!,
    diagnostics,
    notifications,
    logs,
    keyRequests,
    stderr: () => err,
    peakRss() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      connection.dispose();
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        /* already gone */
      }
      // A profiled server writes its profile as it exits: given the time to.
      if (nodeArgs.length) await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      connection.dispose();
      child.kill();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function until<T>(what: string, predicate: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = predicate();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
