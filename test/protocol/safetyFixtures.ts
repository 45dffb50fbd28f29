// Shared pieces of the crash, load and security tests: workspaces, traces whose model answers are
// scripted per conversation (so that two runs can be compared), and waits on the real server.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { z } from 'zod';
import * as P from '../../common/protocol';
import type { Behaviour, RecordedRequest } from '../support/mockOpenAIServer';
import { until, type TestServer } from '../support/lspClient';

export const repo = path.resolve(__dirname, '..', '..');
export const cliJs = path.join(repo, 'dist', 'cli.js');

export function tmpWorkspace(prefix = 'hl-safety-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, 'traces'));
  return root;
}

/** Conversation `q<i>`: the user asks, the traced answer follows. The id is in the question, so the mock can tell them apart. */
export function qConversation(i: number, answer = 'Paris has many bridges.') {
  const id = `q${String(i).padStart(3, '0')}`;
  return {
    id,
    messages: [
      { role: 'system', content: 'You answer questions about cities.' },
      { role: 'user', content: `Question ${id}: how many bridges does Paris have?` },
      { role: 'assistant', content: answer },
    ],
  };
}

export function writeJsonl(file: string, conversations: unknown[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
  return file;
}

/** The conversation id a chat request is about (from `Question q…:` in its messages). */
export function conversationOf(req: RecordedRequest): string | null {
  const m = /Question (q\d+):/.exec(req.rawBody);
  return m ? m[1]! : null;
}

export function modelOf(req: RecordedRequest): string {
  const b = req.body as { model?: unknown } | null;
  return typeof b?.model === 'string' ? b.model : '';
}

/**
 * The deterministic answer for a conversation: every third one invents a number (the local
 * detector flags it), the others answer without specifics.
 */
export function scriptedAnswer(conversationId: string, model = ''): Behaviour & { kind: 'ok' } {
  const n = Number(conversationId.slice(1));
  const content =
    n % 3 === 0
      ? `Paris has exactly ${1000 + n} bridges${model ? ` (${model})` : ''}.`
      : `Paris has many bridges${model ? ` (${model})` : ''}.`;
  return { kind: 'ok', content };
}

/** Requests per key (e.g. per conversation) among the chat requests recorded so far. */
export function countBy(requests: RecordedRequest[], key: (r: RecordedRequest) => string | null): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of requests) {
    const k = key(r);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export async function request<S extends P.MessageSpec<z.ZodType, z.ZodType>>(
  server: TestServer,
  spec: S,
  params: P.ParamsOf<S>,
): Promise<P.ResultOf<S>> {
  return spec.result.parse(await server.connection.sendRequest(spec.method, params)) as P.ResultOf<S>;
}

export async function createExperiment(server: TestServer, config: Record<string, unknown>): Promise<P.ExperimentSummary> {
  const r = await request(server, P.CreateExperiment, { config });
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r.experiment;
}

/** The newest summary of experiment `id` the server notified. */
export function lastSummary(server: TestServer, id: string): P.ExperimentSummary | null {
  for (let i = server.notifications.length - 1; i >= 0; i--) {
    const n = server.notifications[i]!;
    if (n.method !== P.ExperimentChanged.method) continue;
    const e = (n.params as { experiment: P.ExperimentSummary | null }).experiment;
    if (e?.id === id) return e;
  }
  return null;
}

export async function waitIdle(server: TestServer, id: string, timeoutMs = 30_000): Promise<P.ExperimentResource> {
  await until(`experiment ${id} to finish`, () => lastSummary(server, id)?.running === false, timeoutMs);
  return request(server, P.GetExperiment, { id });
}

export function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

/** The metrics that do not depend on the clock (latencies are measured, so they differ run to run). */
export function clockFreeMetrics(
  m: P.Metrics,
): Omit<P.Metrics, 'total_generation_time_ms' | 'avg_response_latency_ms' | 'max_response_latency_ms'> {
  const { total_generation_time_ms: _a, avg_response_latency_ms: _b, max_response_latency_ms: _c, ...rest } = m;
  return rest;
}

/** What an item produced, without timings: to compare two runs item by item. */
export function itemOutcome(i: P.ExperimentItem) {
  return {
    conversation_id: i.conversation_id,
    model_config: i.model_config,
    sample_index: i.sample_index,
    status: i.status,
    response: i.response_messages,
    annotations: i.annotations.map((a) => ({ label: a.label, text: a.text, start: a.start_offset, end: a.end_offset })),
    input_tokens: i.input_tokens,
    output_tokens: i.output_tokens,
    cost_usd: i.cost_usd,
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking this process (which may serve the mock endpoint). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  const child = spawn(process.execPath, [cliJs, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

/** Like `until`, for an asynchronous predicate (e.g. a request to the server). */
export async function eventually<T>(what: string, predicate: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
