// A pass-through experiment started through the command (no UI), run to completion by the server;
// its results and the experiments tree.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as vscode from 'vscode';
import type { ExperimentSummary } from '../../../common/protocol';
import { fixture, getApi, isFinished, shared, waitFor, waitForExperiment, walkTree } from './helpers';

suite('experiment (pass-through)', () => {
  test('an invalid configuration is refused with the field named', async () => {
    const api = await getApi();
    const before = (await api.server.request(P.ListExperiments, {}).then((r) => r.experiments)).length;
    const res = await api.server.request(P.CreateExperiment, {
      config: { name: '', model: 'traced', pass_through: true, conversation_ids: [fixture.conversations.weatherParis] },
    });
    assert.equal(res.ok, false, 'createExperiment refuses an empty name');
    if (!res.ok)
      assert.ok(
        res.errors.some((e) => e.path === 'name'),
        `an error names "name" (got ${JSON.stringify(res.errors)})`,
      );
    assert.equal((await api.server.request(P.ListExperiments, {}).then((r) => r.experiments)).length, before, 'nothing was created');
  });

  test('hallucinationLab.newExperiment with a config runs it and returns its summary', async function () {
    this.timeout(150_000);
    const api = await getApi();
    const ids = Object.values(fixture.conversations);
    const changes: ExperimentSummary[] = [];
    const sub = api.server.on(P.ExperimentChanged, (e) => e.experiment && changes.push(e.experiment));
    try {
      const summary = await vscode.commands.executeCommand<ExperimentSummary>('hallucinationLab.newExperiment', {
        name: fixture.experimentName,
        model: 'traced',
        pass_through: true,
        conversation_ids: ids,
      });
      assert.ok(summary && typeof summary.id === 'string', `the command returns an ExperimentSummary (got ${JSON.stringify(summary)})`);
      assert.equal(summary.name, fixture.experimentName);
      assert.equal(summary.pass_through, true);
      assert.equal(summary.status_summary.total, ids.length, 'one item per conversation');
      shared.experimentId = summary.id;
      shared.experimentName = summary.name;

      const done = await waitForExperiment(api, summary.id, 120_000);
      assert.equal(done.status_summary.failed, 0, `no item failed (${JSON.stringify(done.items.filter((i) => i.status === 'failed'))})`);
      assert.equal(done.status_summary.completed, ids.length, 'all items completed');
      assert.ok(done.completed_at, 'completed_at is set');
      assert.ok(
        changes.some((c) => c.id === summary.id),
        'onExperimentChanged fired for it',
      );
      assert.ok(
        changes.some((c) => c.id === summary.id && isFinished(c)),
        'onExperimentChanged reported it finished',
      );
    } finally {
      sub.dispose();
    }
  });

  test('the stored experiment has the expected annotations', async () => {
    const api = await getApi();
    assert.ok(shared.experimentId, 'the experiment ran');
    const exp = await api.server.request(P.GetExperiment, { id: shared.experimentId });
    const item = (conv: string) => {
      const it = exp.items.find((i) => i.conversation_id === conv);
      assert.ok(it, `an item for ${conv}`);
      return it;
    };
    const lyon = item(fixture.conversations.weatherParis).annotations.find((a) => a.text === 'Lyon');
    assert.ok(
      lyon,
      `"Lyon" is annotated in weather-paris (annotations: ${JSON.stringify(item(fixture.conversations.weatherParis).annotations)})`,
    );
    assert.equal(lyon.label, 'ungrounded_parameter_value');
    assert.equal(lyon.tool_name, 'get_weather');
    assert.equal(lyon.parameter_name, 'city');
    const price = item(fixture.conversations.priceKettle).annotations.find((a) => a.text === '42');
    assert.ok(
      price,
      `"42" is annotated in price-kettle (annotations: ${JSON.stringify(item(fixture.conversations.priceKettle).annotations)})`,
    );
    assert.equal(price.label, 'fabricated_number');
    assert.equal(exp.metrics.total_hallucinations >= 2, true, 'metrics count them');
  });

  test('grounded conversations get no annotation', async () => {
    const api = await getApi();
    assert.ok(shared.experimentId, 'the experiment ran');
    const exp = await api.server.request(P.GetExperiment, { id: shared.experimentId });
    for (const conv of [fixture.conversations.weatherRome, fixture.conversations.greetingAda]) {
      const it = exp.items.find((i) => i.conversation_id === conv);
      assert.ok(it, `an item for ${conv}`);
      assert.deepEqual(
        it.annotations.map((a) => `${a.label}: ${a.text}`),
        [],
        `${conv} is grounded`,
      );
    }
  });

  test('the experiments tree shows it with its status', async () => {
    const api = await getApi();
    assert.ok(shared.experimentId, 'the experiment ran');
    const node = await waitFor(
      async () => {
        const nodes = await walkTree(api.experimentTree, 0);
        return nodes.find((n) => n.text.includes(fixture.experimentName) && /\b(completed?|done|finished)\b/i.test(n.text));
      },
      15_000,
      `an experiments-tree root naming "${fixture.experimentName}" and its status (completed/done)`,
    );
    assert.ok(node.item.label, 'the item has a label');
  });
});
