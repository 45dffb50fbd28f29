// The webview panels as the extension host sees them: the commands open them as editor tabs. A
// report panel is titled "Experiment Report" until its page has loaded, asked the host for the
// experiment (report/init) and got it; then "Report: <name>" — so that title proves the page ran
// in the workbench. What the pages show is checked by the UI tests (test/editor/ui/).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExperimentSummary } from '../../../common/protocol';
import { fixture, getApi, shared, waitFor } from './helpers';

/** Open webview tabs of one of our view types (the workbench may prefix the view type). */
function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) => t.input instanceof vscode.TabInputWebview && (t.input.viewType === viewType || t.input.viewType.endsWith(`-${viewType}`)),
    );
}

function describeTabs(): string {
  return JSON.stringify(
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map(
        (t) =>
          `${t.label} [${t.input instanceof vscode.TabInputWebview ? t.input.viewType : (t.input as { constructor?: { name?: string } } | undefined)?.constructor?.name}]`,
      ),
  );
}

suite('webview panels', () => {
  let reportExperiment: ExperimentSummary | undefined;

  suiteSetup(async function () {
    this.timeout(60_000);
    const api = await getApi();
    reportExperiment = await vscode.commands.executeCommand<ExperimentSummary>('hallucinationLab.newExperiment', {
      name: 'editor-suite report',
      model: 'traced',
      pass_through: true,
      conversation_ids: [fixture.conversations.weatherParis, fixture.conversations.priceKettle],
    });
    assert.ok(reportExperiment?.id, 'a pass-through experiment to report on');
    await api.waitForExperiment(reportExperiment.id, 30_000);
  });

  suiteTeardown(async () => {
    const ours = ['hallucinationLab.report', 'hallucinationLab.compare', 'hallucinationLab.form'].flatMap(webviewTabs);
    if (ours.length) await vscode.window.tabGroups.close(ours);
  });

  test('hallucinationLab.openReport opens the report panel, whose page loads and asks for the experiment', async function () {
    this.timeout(45_000);
    const e = reportExperiment!;
    await vscode.commands.executeCommand('hallucinationLab.openReport', e.id);
    const tab = await waitFor(() => webviewTabs('hallucinationLab.report')[0], 10_000, `a report webview tab (tabs: ${describeTabs()})`);
    assert.ok(tab.isActive, 'the report tab is the active one');
    await waitFor(
      () => webviewTabs('hallucinationLab.report').find((t) => t.label === `Report: ${e.name}`),
      30_000,
      `the report tab to be titled "Report: ${e.name}" once its page asked for the experiment (tabs: ${describeTabs()})`,
    );
  });

  test('opening the same report again reveals its panel instead of a second one', async () => {
    await vscode.commands.executeCommand('hallucinationLab.openReport', reportExperiment!.id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      webviewTabs('hallucinationLab.report').filter((t) => t.label === `Report: ${reportExperiment!.name}`).length,
      1,
      `one tab (tabs: ${describeTabs()})`,
    );
  });

  test('the inference experiment gets its own report panel', async function () {
    this.timeout(45_000);
    const id = shared.inferenceExperimentId;
    assert.ok(id, 'the inference experiment ran');
    await vscode.commands.executeCommand('hallucinationLab.openReport', id);
    await waitFor(
      () => webviewTabs('hallucinationLab.report').find((t) => t.label === 'Report: editor-suite inference'),
      30_000,
      `a second report tab, "Report: editor-suite inference" (tabs: ${describeTabs()})`,
    );
    const labels = webviewTabs('hallucinationLab.report').map((t) => t.label);
    assert.equal(new Set(labels).size, labels.length, `one report panel per experiment (${JSON.stringify(labels)})`);
  });

  test('hallucinationLab.compareExperiments with two ids opens the compare panel', async function () {
    this.timeout(30_000);
    const ids = [reportExperiment!.id, shared.inferenceExperimentId].filter((x): x is string => !!x);
    assert.equal(ids.length, 2, 'two experiments to compare');
    await vscode.commands.executeCommand('hallucinationLab.compareExperiments', ids);
    const tab = await waitFor(() => webviewTabs('hallucinationLab.compare')[0], 10_000, `a compare webview tab (tabs: ${describeTabs()})`);
    assert.equal(tab.label, 'Compare Experiments');
  });

  test('hallucinationLab.newExperiment without a configuration opens the form', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('hallucinationLab.newExperiment');
    const tab = await waitFor(() => webviewTabs('hallucinationLab.form')[0], 10_000, `a form webview tab (tabs: ${describeTabs()})`);
    assert.equal(tab.label, 'New Experiment');
    // A second call reveals the same form.
    await vscode.commands.executeCommand('hallucinationLab.newExperiment');
    assert.equal(webviewTabs('hallucinationLab.form').length, 1, 'one form');
  });
});
