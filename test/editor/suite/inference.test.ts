// Real inference from inside the editor: a local OpenAI-compatible server (started here, in the
// extension host), the `hallucinationLab.models` setting pointing at it, an API key kept in
// SecretStorage through the setApiKey command. The key must reach the endpoint and nothing else:
// not the experiment store, not the settings, not a log file.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startMockOpenAI, type MockServer } from '../../support/mockOpenAIServer';
import type { ExperimentResource, ExperimentSummary } from '../../../common/protocol';
import { fixture, getApi, shared, waitFor, workspaceRoot } from './helpers';

const MODEL = 'mock-model';
const KEY_NAME = 'OPENAI_API_KEY';
const CONVERSATIONS = [fixture.conversations.weatherRome, fixture.conversations.priceKettle, fixture.conversations.greetingAda];

/** Every regular file under `dir` (recursively); [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

function filesContaining(files: string[], needle: string): string[] {
  return files.filter((f) => {
    try {
      return fs.readFileSync(f).includes(needle);
    } catch {
      return false;
    }
  });
}

/**
 * The folder where VS Code writes this window's logs (the extension host's and each output
 * channel's, e.g. logs/<time>/exthost1/hallucination-lab.hallucination-lab/Hallucination Lab.log):
 * under the user-data dir that launch-suite.mjs names in HL_EDITOR_USER_DATA, or found through
 * the log files this process holds open (Linux).
 */
function logsRoots(): string[] {
  const roots = new Set<string>();
  const userData = process.env.HL_EDITOR_USER_DATA;
  if (userData && fs.existsSync(path.join(userData, 'logs'))) roots.add(path.join(userData, 'logs'));
  try {
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      // <user-data>/logs/<yyyymmddThhmmss>/… (server: exthost1/…, desktop: window1/exthost/…)
      const m = /^(.*[\\/]logs[\\/]\d{8}T\d{6})[\\/]/.exec(target);
      if (m) roots.add(m[1]!);
    }
  } catch {
    /* not Linux */
  }
  return [...roots];
}

suite('inference (OpenAI-compatible endpoint)', () => {
  let mock: MockServer | undefined;
  // Unique per run, so that finding it anywhere is a leak of this run's key.
  const key = `sk-hl-editor-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  let experiment: ExperimentResource | undefined;

  suiteSetup(async function () {
    this.timeout(30_000);
    await getApi();
    // The mock answers 401 to any other key, so a run without our key cannot pass unnoticed.
    mock = await startMockOpenAI({ latencyMs: 40, apiKey: key, model: MODEL });
    const config = vscode.workspace.getConfiguration('hallucinationLab');
    await config.update('models', [{ model: MODEL, baseURL: mock.url }], vscode.ConfigurationTarget.Workspace);
    await waitFor(
      () =>
        vscode.workspace
          .getConfiguration('hallucinationLab')
          .get<{ baseURL?: string }[]>('models')
          ?.some((m) => m.baseURL === mock!.url),
      10_000,
      'the hallucinationLab.models setting to name the mock server',
    );
    await vscode.commands.executeCommand('hallucinationLab.setApiKey', KEY_NAME, key);
  });

  suiteTeardown(async function () {
    this.timeout(20_000);
    await vscode.workspace.getConfiguration('hallucinationLab').update('models', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('hallucinationLab.setApiKey', KEY_NAME, '');
    await mock?.close();
  });

  test('hallucinationLab.newExperiment runs a model through the configured endpoint', async function () {
    this.timeout(90_000);
    const api = await getApi();
    const summary = await vscode.commands.executeCommand<ExperimentSummary>('hallucinationLab.newExperiment', {
      name: 'editor-suite inference',
      model: MODEL,
      pass_through: false,
      conversation_ids: CONVERSATIONS,
    });
    assert.ok(summary && typeof summary.id === 'string', `the command returns an ExperimentSummary (got ${JSON.stringify(summary)})`);
    assert.equal(summary.pass_through, false);
    shared.inferenceExperimentId = summary.id;

    const done = await api.waitForExperiment(summary.id, 60_000);
    experiment = await api.server.request(P.GetExperiment, { id: summary.id });
    const failed = experiment.items.filter((i) => i.status === 'failed').map((i) => `${i.conversation_id}: ${i.failure_reason}`);
    assert.deepEqual(failed, [], 'no item failed');
    assert.equal(done.status_summary.completed, CONVERSATIONS.length, 'every item completed');
    assert.equal(experiment.model, MODEL);

    for (const item of experiment.items) {
      assert.ok((item.input_tokens ?? 0) > 0, `${item.conversation_id}: input tokens counted (${item.input_tokens})`);
      assert.ok((item.output_tokens ?? 0) > 0, `${item.conversation_id}: output tokens counted (${item.output_tokens})`);
      assert.ok(
        item.latency_ms !== null && item.latency_ms >= 40,
        `${item.conversation_id}: latency measured (${item.latency_ms} ms, the mock waits 40 ms)`,
      );
      const text = JSON.stringify(item.response_messages);
      assert.match(
        text,
        /Mock answer to:/,
        `${item.conversation_id}: the response is the endpoint's answer, not the traced one (${text.slice(0, 200)})`,
      );
    }
    const m = experiment.metrics;
    assert.ok(
      m.total_input_tokens > 0 && m.total_output_tokens > 0,
      `token metrics are summed (${m.total_input_tokens} in, ${m.total_output_tokens} out)`,
    );
    assert.ok(
      m.avg_response_latency_ms !== null && m.avg_response_latency_ms >= 40,
      `latency metrics are set (avg ${m.avg_response_latency_ms} ms)`,
    );
  });

  test('the endpoint received the model and the key from SecretStorage, as a bearer token', () => {
    assert.ok(experiment, 'the experiment ran');
    const requests = mock!.chatRequests();
    assert.ok(requests.length >= CONVERSATIONS.length, `one chat completion per conversation at least (got ${requests.length})`);
    for (const r of requests) {
      assert.equal(r.headers.authorization, `Bearer ${key}`, 'Authorization carries the stored key');
      assert.equal((r.body as { model?: unknown }).model, MODEL);
    }
  });

  test('the key is in no file of .hallucination-lab/, in no settings file and in no log', async () => {
    assert.ok(experiment, 'the experiment ran');
    const store = path.join(workspaceRoot().fsPath, '.hallucination-lab');
    const stored = filesUnder(store);
    assert.ok(
      stored.some((f) => f.includes(experiment!.id)),
      `the experiment is stored under ${store} (${stored.length} files)`,
    );
    assert.deepEqual(filesContaining(stored, key), [], 'no stored file holds the key');
    assert.deepEqual(
      filesContaining(filesUnder(path.join(workspaceRoot().fsPath, '.vscode')), key),
      [],
      'no workspace settings file holds the key',
    );

    const roots = logsRoots();
    assert.ok(roots.length > 0, 'the logs folder was found (HL_EDITOR_USER_DATA or open log files)');
    const logs = [...new Set(roots.flatMap(filesUnder))];
    // The channel's own file must be among them, or this check would prove nothing.
    const channelLog = await waitFor(
      () => logs.find((f) => path.basename(f) === 'Hallucination Lab.log' && fs.readFileSync(f, 'utf8').includes('server is running')),
      10_000,
      `the "Hallucination Lab" output channel's log file among ${logs.length} log files`,
    );
    assert.ok(fs.statSync(channelLog).size > 0);
    assert.deepEqual(filesContaining(logs, key), [], `no log file holds the key (searched ${logs.length} files under ${roots.join(', ')})`);
  });
});
