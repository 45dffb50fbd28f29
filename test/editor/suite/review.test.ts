// Reviewing markers in the editor: a quick fix on a marker dismisses it (the marker goes, the
// Problems count goes down, the report's resource says who dismissed it), and Mark as
// Hallucination… on a selection adds a marker on exactly the selected characters.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as vscode from 'vscode';
import {
  describeDiagnostics,
  fixture,
  getApi,
  hallucinationDiagnostics,
  rawRange,
  waitFor,
  waitForExperiment,
  walkTree,
  workspaceFile,
} from './helpers';

const ORDERS = 'traces/shop/orders.jsonl';

suite('review', () => {
  let experimentId: string;

  suiteSetup(async function () {
    this.timeout(120_000);
    const api = await getApi();
    const res = await api.server.request(P.CreateExperiment, {
      config: { name: 'review suite', model: 'traced', pass_through: true, conversation_ids: Object.values(fixture.conversations) },
    });
    assert.ok(res.ok, JSON.stringify(res));
    experimentId = res.experiment.id;
    await waitForExperiment(api, experimentId);
    await api.server.request(P.SetActiveExperiment, { id: experimentId });
  });

  suiteTeardown(async () => {
    const api = await getApi();
    // The other suites choose their experiment themselves; leave the default (latest pass-through) choice.
    await api.server.request(P.SetActiveExperiment, { id: null });
  });

  test('review: a quick fix on a marker dismisses it (marker gone, Problems count down)', async function () {
    this.timeout(60_000);
    const doc = await vscode.workspace.openTextDocument(workspaceFile(ORDERS));
    await vscode.window.showTextDocument(doc);
    const expected = rawRange(doc, fixture.conversations.priceKettle, 'the price is 42 euros', '42');
    const marker = await waitFor(
      () => hallucinationDiagnostics(doc.uri).find((d) => d.range.isEqual(expected)),
      20_000,
      `the marker on "42"; present:\n  ${describeDiagnostics(doc, hallucinationDiagnostics(doc.uri))}`,
    );
    const before = vscode.languages.getDiagnostics(doc.uri).length;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, marker.range);
    const titles = actions.map((a) => a.title);
    assert.ok(
      titles.some((t) => t.startsWith('Confirm hallucination')),
      `Confirm offered: ${titles.join(' | ')}`,
    );
    assert.ok(titles.includes('Change label…'), `Change label offered: ${titles.join(' | ')}`);
    const dismiss = actions.find((a) => a.title === 'Dismiss — not a hallucination…');
    assert.ok(dismiss?.command, `Dismiss offered: ${titles.join(' | ')}`);
    // The reason the input box would ask for, given by the test.
    const target = { ...(dismiss.command.arguments![0] as object), reason: 'the shop lists it at 42 elsewhere' };
    await vscode.commands.executeCommand(dismiss.command.command, target);
    await waitFor(() => !hallucinationDiagnostics(doc.uri).some((d) => d.range.isEqual(expected)), 15_000, 'the dismissed marker to go');
    assert.equal(vscode.languages.getDiagnostics(doc.uri).length, before - 1, 'one problem fewer');
    const api = await getApi();
    const resource = await api.server.request(P.GetExperiment, { id: experimentId });
    const a = resource.items.flatMap((i) => i.annotations).find((x) => x.text === '42')!;
    assert.equal(a.review?.verdict, 'dismissed');
    assert.equal(a.review?.comment, 'the shop lists it at 42 elsewhere');
  });

  test('review: Mark as Hallucination… on a selection adds a marker on exactly those characters', async function () {
    this.timeout(60_000);
    const doc = await vscode.workspace.openTextDocument(workspaceFile(ORDERS));
    const editor = await vscode.window.showTextDocument(doc);
    // Raw file text: \"Blue Kettle\" — the selection is inside the escaped quotes.
    const selected = rawRange(doc, fixture.conversations.priceKettle, '\\"Blue Kettle\\" \\u2014', 'Blue Kettle');
    editor.selection = new vscode.Selection(selected.start, selected.end);
    const r = await vscode.commands.executeCommand<P.ResultOf<typeof P.AddHumanAnnotation>>('hallucinationLab.markAsHallucination', {
      label: 'unsupported_claim',
      explanation: 'the kettle in the result is another model',
    });
    assert.equal(r?.text, 'Blue Kettle');
    const marker = await waitFor(
      () => hallucinationDiagnostics(doc.uri).find((d) => d.range.isEqual(selected)),
      15_000,
      `a marker on exactly the selection; present:\n  ${describeDiagnostics(doc, hallucinationDiagnostics(doc.uri))}`,
    );
    assert.equal(doc.getText(marker.range), 'Blue Kettle');
    assert.match(marker.message, /unsupported claim: the kettle in the result is another model \(marked by a person\)/);
  });

  test('review: a dismissal changes the Experiments view count and its "N unreviewed"', async function () {
    this.timeout(60_000);
    const api = await getApi();
    // The tree's root items: an experiment's item id is "exp:<id>".
    const description = async () =>
      String((await walkTree(api.experimentTree, 0)).find((n) => n.item.id === `exp:${experimentId}`)?.item.description ?? '');
    const counts = (text: string) => {
      const m = /(\d+) hallucinations?(?: · (\d+) unreviewed)?/.exec(text);
      return m ? { hallucinations: Number(m[1]), unreviewed: Number(m[2] ?? 0) } : null;
    };
    const resource = await api.server.request(P.GetExperiment, { id: experimentId });
    const open = resource.items.flatMap((i) => i.annotations).filter((a) => !a.review && a.detector !== 'human');
    assert.ok(open.length > 0, 'an unreviewed annotation is left to dismiss');
    // As the resource counts them: dismissed left out, people's spans in.
    const hallucinations = resource.metrics.total_hallucinations;
    const before = await waitFor(
      async () => {
        const c = counts(await description());
        return c?.hallucinations === hallucinations ? c : undefined;
      },
      15_000,
      `the tree counting ${hallucinations} hallucinations like the report (it says "${await description()}")`,
    );
    assert.equal(before.unreviewed, resource.unreviewed_count, `the tree says the report's unreviewed count: ${await description()}`);
    await api.server.request(P.SetVerdict, {
      experiment_id: experimentId,
      annotation_id: open[0]!.id!,
      verdict: 'dismissed',
      author: 'suite',
    });
    const after = await waitFor(
      async () => {
        const c = counts(await description());
        return c && c.hallucinations === before.hallucinations - 1 ? c : undefined;
      },
      15_000,
      `the tree's count going down to ${before.hallucinations - 1}`,
    );
    assert.equal(after.unreviewed, before.unreviewed - 1);
  });

  test("review: the Experiments view's tag filter command lists only the experiments with the tag", async function () {
    this.timeout(120_000);
    const api = await getApi();
    const listed = async () =>
      (await walkTree(api.experimentTree, 0)).flatMap((n) => (n.item.id?.startsWith('exp:') ? [n.item.id.slice(4)] : [])).sort();
    const other = await api.server.request(P.CreateExperiment, {
      config: { name: 'untagged', model: 'traced', pass_through: true, conversation_ids: [fixture.conversations.priceKettle] },
    });
    assert.ok(other.ok, JSON.stringify(other));
    await waitForExperiment(api, other.experiment.id);
    const tag = `suite-${Date.now().toString(36)}`;
    await api.server.request(P.UpdateExperimentInfo, { id: experimentId, tags: [tag] });
    await waitFor(async () => (await listed()).includes(other.experiment.id), 15_000, 'both experiments listed');
    try {
      await vscode.commands.executeCommand('hallucinationLab.filterExperimentsByTag', tag);
      // The tree's copy of the summary gets the tag from ExperimentChanged; the filter reads it.
      await waitFor(
        async () => (await listed()).join() === experimentId,
        15_000,
        `only ${experimentId} listed (listed: ${(await listed()).join()})`,
      );
      await vscode.commands.executeCommand('hallucinationLab.filterExperimentsByTag', '');
      const all = await listed();
      assert.ok(all.includes(experimentId) && all.includes(other.experiment.id), `the filter cleared: ${all.join()}`);
    } finally {
      await vscode.commands.executeCommand('hallucinationLab.filterExperimentsByTag', '');
      await api.server.request(P.DeleteExperiment, { id: other.experiment.id }).catch(() => undefined);
    }
  });
});
