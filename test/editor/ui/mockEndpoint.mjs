// The local OpenAI-compatible test server (test/support/mockOpenAIServer.ts) as a child process of
// the UI tests, on a known port, so the workbench's settings can name it before code-server starts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { onCleanup } from '../cleanup.mjs';
import { freePort, killGroup } from '../launch-suite.mjs';
import { repoRoot } from '../paths.mjs';

/**
 * Starts the mock on 127.0.0.1 (answers after `latencyMs`; with `apiKey`, any other key gets a
 * 401). Resolves once it listens: {url (…/v1), stats(), close()}.
 */
export async function startMockEndpoint({ latencyMs = 0, apiKey } = {}) {
  const port = await freePort();
  const args = [
    '--import',
    'tsx',
    path.join(repoRoot, 'test', 'support', 'mockOpenAIServer.ts'),
    '--port',
    String(port),
    '--latency',
    String(latencyMs),
  ];
  if (apiKey) args.push('--api-key', apiKey);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const close = async () => {
    unregister();
    await killGroup(child, 'mock OpenAI server');
  };
  const unregister = onCleanup(close);
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the mock OpenAI server did not start within 20 s: ${output}`)), 20_000);
      const onData = (d) => {
        output += d;
        if (/listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (d) => (output += d));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the mock OpenAI server exited (${code}): ${output}`));
      });
    });
  } catch (e) {
    await close();
    throw e;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/v1`,
    /** {count, inFlight, maxConcurrent, …} of chat completions (asked with the key when one is required). */
    stats: async () => (await fetch(`${base}/__mock/stats`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} })).json(),
    close,
  };
}
