// The editor's language models as a model source (issue 19 §1), in a real VS Code. The test
// extension test/editor/fixtures/lm-provider registers three deterministic models of vendor
// "hl-test" where the editor has `vscode.lm.registerLanguageModelChatProvider` (VS Code ≥ 1.104:
// run.mjs runs these tests on the newest VS Code too). On older editors only the listing is
// checked: the source offers exactly what `selectChatModels` gives (nothing here: no Copilot),
// and the tests that need a model are skipped, saying why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as P from '../../../common/protocol';
import type { ExperimentResource, ExperimentSummary } from '../../../common/protocol';
import { fixture, getApi, waitFor } from './helpers';

const VENDOR = 'hl-test';
const providersAvailable =
  typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider === 'function';

async function run(config: Record<string, unknown>): Promise<ExperimentResource> {
  const api = await getApi();
  const summary = await vscode.commands.executeCommand<ExperimentSummary>('hallucinationLab.newExperiment', config);
  assert.ok(summary?.id, `the experiment was created (got ${JSON.stringify(summary)})`);
  await api.waitForExperiment(summary.id, 60_000);
  return api.server.request(P.GetExperiment, { id: summary.id });
}

function failures(e: ExperimentResource): string[] {
  return e.items.filter((i) => i.status === 'failed').map((i) => `${i.model_config} ${i.conversation_id}: ${i.failure_reason}`);
}

suite('editor language models', () => {
  suiteSetup(async function () {
    this.timeout(60_000);
    const api = await getApi();
    if (!providersAvailable) return;
    // The test provider activates on its own; its models reach the form (and the server) when the editor lists them.
    await waitFor(
      async () => (await api.editorModels()).some((m) => m.vendor === VENDOR && m.id === 'hl-echo'),
      30_000,
      "the test provider's models among the editor models",
    );
  });

  test('editor language models: the source offers what vscode.lm.selectChatModels gives', async function () {
    this.timeout(30_000);
    const api = await getApi();
    const listed = (await vscode.lm.selectChatModels()).map((m) => `${m.vendor}/${m.id}`).sort();
    const offered = (await api.editorModels()).map((m) => `${m.vendor}/${m.id}`).sort();
    assert.deepEqual(offered, listed);
    if (providersAvailable) {
      const echo = (await api.editorModels()).find((m) => m.id === 'hl-echo');
      assert.deepEqual(echo, { vendor: VENDOR, family: 'hl-fake', name: 'HL Echo', id: 'hl-echo', version: '1', maxInputTokens: 8000 });
    } else {
      // VS Code < 1.104 without Copilot: nothing to offer, and the form says "no editor models".
      assert.deepEqual(offered, [], `VS Code ${vscode.version} lists no language models here`);
    }
  });

  test('editor language models: an experiment runs on an editor model, tokens counted, price unknown', async function () {
    if (!providersAvailable) return this.skip();
    this.timeout(90_000);
    const e = await run({
      name: 'editor-suite editor model',
      model: 'hl-echo',
      pass_through: false,
      conversation_ids: [fixture.conversations.greetingAda, fixture.conversations.weatherRome],
    });
    assert.deepEqual(failures(e), [], 'no item failed');
    for (const item of e.items) {
      const text = JSON.stringify(item.response_messages);
      assert.match(text, /Echo: /, `${item.conversation_id}: the editor model answered (${text.slice(0, 200)})`);
      assert.ok((item.input_tokens ?? 0) > 0 && (item.output_tokens ?? 0) > 0, `${item.conversation_id}: tokens counted by the model`);
      assert.equal(item.cost_usd, null, 'an editor model has no price: the cost is unknown, not 0');
    }
  });

  test("editor language models: tool_choice required makes the editor model call the conversation's tool", async function () {
    if (!providersAvailable) return this.skip();
    this.timeout(90_000);
    const e = await run({
      name: 'editor-suite editor model tools',
      model: 'hl-echo',
      pass_through: false,
      conversation_ids: [fixture.conversations.weatherParis],
      model_parameters: { tool_choice: 'required' },
    });
    assert.deepEqual(failures(e), [], 'no item failed');
    const calls = e.items[0]!.response_messages.flatMap((m) => m.message.tool_calls ?? []);
    assert.deepEqual(
      calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)]),
      [['get_weather', { city: 'Paris' }]],
    );
  });

  test('editor language models: a denied model and a spent quota fail their items, naming the model', async function () {
    if (!providersAvailable) return this.skip();
    this.timeout(90_000);
    const e = await run({
      name: 'editor-suite editor model errors',
      model: 'hl-denied',
      pass_through: false,
      conversation_ids: [fixture.conversations.greetingAda],
      models: [{ model: 'hl-quota', source: 'vscode-lm', vendor: VENDOR, id: 'HL Quota (hl-test)' }],
    });
    const reasons = failures(e).join('\n');
    assert.equal(e.items.filter((i) => i.status === 'failed').length, 2, `both items failed:\n${reasons}`);
    assert.match(
      reasons,
      /the editor model "hl-denied" \(hl-test\/hl-fake\) may not be used by Hallucination Lab: the test provider denies/,
    );
    assert.match(reasons, /the editor model "hl-quota" \(hl-test\/hl-fake\): the quota is used up: You have exceeded your monthly quota/);
  });

  test('editor language models: the judge runs on an editor model, its JSON answer repaired once', async function () {
    if (!providersAvailable) return this.skip();
    this.timeout(90_000);
    const e = await run({
      name: 'editor-suite editor judge',
      model: 'traced',
      pass_through: true,
      conversation_ids: [fixture.conversations.priceKettle],
      detectors: ['judge'],
      judge_model: { model: 'hl-echo' },
    });
    assert.deepEqual(failures(e), [], 'no item failed');
    assert.equal(e.items[0]!.status, 'completed');
    const m = e.metrics;
    assert.ok(m.judge_input_tokens > 0, `the judge's tokens are counted (${m.judge_input_tokens})`);
    assert.equal(m.judge_cost_usd, null, "the judge's cost is unknown (no price), not 0");
  });
});
