// Starts the real built server (dist/server.js) over stdio and talks LSP to it, as the extension does.
import { spawn, type ChildProcess } from 'node:child_process';
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
  diagnostics: Map<string, PublishDiagnosticsParams>;
  notifications: Array<{ method: string; params: unknown }>;
  stderr: () => string;
  stop(): Promise<void>;
}

export async function startServer(workspaceRoot: string, options: Partial<InitializationOptions> = {}): Promise<TestServer> {
  const serverJs = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const notifications: TestServer['notifications'] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => diagnostics.set(p.uri, p));
  for (const method of ['hallucinationLab/experimentChanged', 'hallucinationLab/indexChanged', 'hallucinationLab/activeExperimentChanged'])
    connection.onNotification(method, (params: unknown) => notifications.push({ method, params }));
  connection.onRequest('hallucinationLab/getApiKey', () => ({ key: null }));
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('client/registerCapability', () => null);
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
    diagnostics,
    notifications,
    stderr: () => err,
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        /* already gone */
      }
      connection.dispose();
      child.kill();
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
