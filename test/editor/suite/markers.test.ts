// Markers: diagnostics on the exact characters of the traced responses (mapped through JSON string
// escapes), the API's view of them, and hovers.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as vscode from 'vscode';
import type { Annotation, ExperimentResource } from '../../../common/protocol';
import {
  DIAGNOSTIC_SOURCE,
  describeDiagnostics,
  fixture,
  fmtRange,
  getApi,
  hallucinationDiagnostics,
  hoverText,
  labelPattern,
  rawRange,
  shared,
  waitFor,
  workspaceFile,
} from './helpers';

const WEATHER = 'traces/weather.jsonl';
const ORDERS = 'traces/shop/orders.jsonl';

async function open(rel: string): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument(workspaceFile(rel));
}

/** Waits for a hallucination-lab diagnostic on `rel` covering exactly `expected`. */
async function waitForMarker(rel: string, expected: vscode.Range, ms = 20_000): Promise<vscode.Diagnostic> {
  const doc = await open(rel);
  const uri = workspaceFile(rel);
  try {
    return await waitFor(
      () => hallucinationDiagnostics(uri).find((d) => d.range.isEqual(expected)),
      ms,
      `a marker at ${fmtRange(expected)}`,
    );
  } catch {
    assert.fail(
      `no ${DIAGNOSTIC_SOURCE} diagnostic on ${rel} at exactly ${fmtRange(expected)} ${JSON.stringify(doc.getText(expected))}; ` +
        `present:\n  ${describeDiagnostics(doc, hallucinationDiagnostics(uri))}`,
    );
  }
}

suite('markers', () => {
  let experiment: ExperimentResource;

  suiteSetup(async () => {
    assert.ok(shared.experimentId, 'the experiment ran (experiment suite)');
    const api = await getApi();
    experiment = await api.server.request(P.GetExperiment, { id: shared.experimentId });
  });

  test('the new experiment’s markers appear without further action', async () => {
    const uri = workspaceFile(WEATHER);
    await open(WEATHER);
    await waitFor(() => hallucinationDiagnostics(uri).length > 0, 20_000, `${DIAGNOSTIC_SOURCE} diagnostics on ${WEATHER} after the run`);
  });

  test('the ungrounded tool-call argument is marked on exactly "Lyon" inside the escaped arguments string', async () => {
    const api = await getApi();
    await api.server.request(P.SetActiveExperiment, { id: shared.experimentId! });
    const doc = await open(WEATHER);
    // Raw file text: "arguments": "{\"city\": \"Lyon\"}"
    const expected = rawRange(doc, fixture.conversations.weatherParis, '\\"city\\": \\"Lyon\\"', 'Lyon');
    assert.equal(doc.getText(expected), 'Lyon');
    const d = await waitForMarker(WEATHER, expected);
    assert.equal(doc.getText(d.range), 'Lyon');
    assert.equal(d.source, DIAGNOSTIC_SOURCE);
  });

  test('the fabricated number after \\n, \\" and \\u2014 escapes is marked on exactly "42"', async () => {
    const api = await getApi();
    await api.server.request(P.SetActiveExperiment, { id: shared.experimentId! });
    const doc = await open(ORDERS);
    // Raw file text: "Here is what I found:\n\"Blue Kettle\" \u2014 the price is 42 euros."
    const expected = rawRange(doc, fixture.conversations.priceKettle, 'the price is 42 euros', '42');
    const d = await waitForMarker(ORDERS, expected);
    assert.equal(doc.getText(d.range), '42');
  });

  test('every annotation of the experiment is a marker covering exactly its text', async () => {
    const api = await getApi();
    await api.server.request(P.SetActiveExperiment, { id: shared.experimentId! });
    const conversations = await api.server.request(P.ListConversations, {}).then((r) => r.conversations);
    const all: { a: Annotation; file: string }[] = [];
    for (const item of experiment.items) {
      const conv = conversations.find((c) => c.id === item.conversation_id);
      assert.ok(conv, `conversation ${item.conversation_id} is indexed`);
      for (const a of item.annotations) all.push({ a, file: conv.file });
    }
    assert.ok(all.length >= 2, 'the experiment has annotations');
    for (const { a, file } of all) {
      const uri = vscode.Uri.file(file.startsWith('file:') ? vscode.Uri.parse(file).fsPath : file);
      const doc = await vscode.workspace.openTextDocument(uri);
      // The raw text of the annotation as it appears inside a JSON string.
      const raw = JSON.stringify(a.text).slice(1, -1);
      await waitFor(
        () => hallucinationDiagnostics(uri).some((d) => doc.getText(d.range) === raw || doc.getText(d.range) === a.text),
        10_000,
        `a marker covering ${JSON.stringify(a.text)} (${a.label}) in ${file}; present:\n  ${describeDiagnostics(doc, hallucinationDiagnostics(uri))}`,
      );
    }
    // …and no marker covers anything else.
    for (const rel of [WEATHER, ORDERS]) {
      const doc = await open(rel);
      for (const d of hallucinationDiagnostics(doc.uri)) {
        const text = doc.getText(d.range);
        assert.ok(
          all.some(({ a }) => a.text === text || JSON.stringify(a.text).slice(1, -1) === text),
          `marker ${fmtRange(d.range)} ${JSON.stringify(text)} matches an annotation of the experiment`,
        );
      }
    }
  });

  test('grounded conversations carry no marker', async () => {
    for (const [rel, conv] of [
      [WEATHER, fixture.conversations.weatherRome],
      [ORDERS, fixture.conversations.greetingAda],
    ] as const) {
      const doc = await open(rel);
      const line = rawRange(doc, conv, `"id": "${conv}"`, conv).start.line;
      const onLine = hallucinationDiagnostics(doc.uri).filter((d) => d.range.start.line === line);
      assert.deepEqual(
        onLine.map((d) => doc.getText(d.range)),
        [],
        `no marker on ${conv}`,
      );
    }
  });

  test('api.diagnostics(uri) agrees with the editor’s diagnostics', async () => {
    const api = await getApi();
    for (const rel of [WEATHER, ORDERS]) {
      const uri = workspaceFile(rel);
      const fromApi = api
        .diagnostics(uri)
        .map((d) => fmtRange(d.range))
        .sort();
      const fromEditor = hallucinationDiagnostics(uri)
        .map((d) => fmtRange(d.range))
        .sort();
      assert.ok(fromApi.length > 0, `api.diagnostics() has markers for ${rel}`);
      assert.deepEqual(fromApi, fromEditor, rel);
    }
  });

  test('the hover on a marker names the label, explanation, detector and experiment', async () => {
    const doc = await open(WEATHER);
    const expected = rawRange(doc, fixture.conversations.weatherParis, '\\"city\\": \\"Lyon\\"', 'Lyon');
    await waitForMarker(WEATHER, expected);
    const annotation = experiment.items.flatMap((i) => i.annotations).find((a) => a.text === 'Lyon');
    assert.ok(annotation, 'the experiment annotates "Lyon"');
    const at = expected.start.translate(0, 2);
    let last = '';
    const text = await waitFor(
      async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
        last = hoverText(h ?? []);
        return labelPattern(annotation.label).test(last) ? last : undefined;
      },
      10_000,
      `a hover at ${at.line + 1}:${at.character + 1} mentioning ${annotation.label}`,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; hover text: ${JSON.stringify(last)}`);
    });
    assert.match(text, labelPattern(annotation.label), `the hover mentions the label; hover:\n${text}`);
    for (const [what, s] of [
      ['explanation', annotation.explanation],
      ['detector', annotation.detector],
      ['experiment name', shared.experimentName ?? fixture.experimentName],
    ] as const)
      assert.ok(text.includes(s), `the hover mentions the ${what} ${JSON.stringify(s)}; hover:\n${text}`);
  });
});
