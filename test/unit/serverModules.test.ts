// The whole server without a process: the modules of one session over a fake client, from
// choosing trace files to markers, the active experiment, revealing an annotation and deleting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import * as P from '../../common/protocol';
import { buildServer, type Client } from '../../server/modules';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (id: string, answer: string) =>
  JSON.stringify({
    id,
    messages: [
      { role: 'user', content: `How many bridges does Paris have? (${id})` },
      { role: 'assistant', content: answer },
    ],
  });

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-modules-'));
  fs.mkdirSync(path.join(root, 'traces'));
  const notifications: Array<{ method: string; params: unknown }> = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  const client: Client = {
    notify: (spec, params) => notifications.push({ method: spec.method, params }),
    sendDiagnostics: (uri, d) => diagnostics.set(uri, d),
    askKey: async () => null,
    log: () => undefined,
    warn: () => undefined,
  };
  const server = buildServer(P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }), client, {
    get: () => undefined,
  });
  const of = (method: string) => notifications.filter((n) => n.method === method).map((n) => n.params);
  return {
    root,
    server,
    notifications,
    diagnostics,
    of,
    done: () => (server.dispose(), fs.rmSync(root, { recursive: true, force: true })),
  };
}

test('choose files → run → markers of the latest pass-through experiment → choose one → reveal → delete', async () => {
  const t = setup();
  const file = path.join(t.root, 'traces', 'q.jsonl');
  const uri = pathToFileURL(file).toString();
  fs.writeFileSync(file, `${line('q0', 'Paris has exactly 1000 bridges.')}\n${line('q1', 'Paris has many bridges.')}\n`);
  const { requests } = t.server;

  const { files } = requests.setTraceFiles({ files: [file] });
  assert.equal(files[0]!.conversationCount, 2);
  assert.equal((t.of(P.IndexChanged.method).at(-1) as { files: unknown[] }).files.length, 1);
  assert.deepEqual(t.diagnostics.get(uri), [], 'published, nothing to show yet');

  const created = requests.createExperiment({
    config: { name: 'first', model: 'traced', pass_through: true, conversation_ids: ['q0', 'q1'] },
  });
  assert.ok(created.ok);
  const id = created.experiment.id;
  await t.server.session.requireService().whenIdle(id);
  // Markers follow a run at most once a second while it runs, and soon after it ends.
  for (let waited = 0; !t.diagnostics.get(uri)?.length && waited < 3000; waited += 50) await sleep(50);
  const ended = t.of(P.ExperimentChanged.method).map((p) => (p as { experiment: P.ExperimentSummary }).experiment);
  assert.equal(ended.at(-1)!.running, false);
  const markers = t.diagnostics.get(uri)!;
  assert.ok(markers.length > 0, 'the latest pass-through experiment is shown by default');
  const text = fs.readFileSync(file, 'utf8').split('\n');
  assert.ok(
    markers.every((d) => d.range.start.line === 0 && text[0]!.slice(d.range.start.character, d.range.end.character).includes('1000')),
    JSON.stringify(markers),
  );
  assert.match((t.server.markers.hover(uri, markers[0]!.range.start)!.contents as { value: string }).value, /experiment _first_/);

  assert.deepEqual(requests.setActiveExperiment({ id }), { id });
  assert.deepEqual(t.of(P.ActiveExperimentChanged.method).at(-1), { id });
  assert.throws(() => requests.setActiveExperiment({ id: 'exp-unknown' }));

  const annotation = requests.getExperiment({ id }).items.find((i) => i.conversation_id === 'q0')!.annotations[0]!;
  const key = {
    experiment_id: id,
    conversation_id: 'q0',
    message_index: annotation.message_index,
    message_part_index: annotation.message_part_index,
    start_offset: annotation.start_offset,
    end_offset: annotation.end_offset,
  };
  const located = requests.locateAnnotation(key);
  assert.equal(located.file, file);
  assert.deepEqual(located.range, markers.find((d) => d.code === annotation.label)!.range);

  assert.deepEqual(requests.deleteExperiment({ id }), { deleted: true });
  assert.deepEqual(t.of(P.ExperimentChanged.method).at(-1), { experiment: null, deletedId: id });
  assert.deepEqual(t.diagnostics.get(uri), [], 'its markers are cleared');
  assert.equal(t.server.markers.hover(uri, markers[0]!.range.start), null);
  assert.equal(t.server.session.shownExperimentId(), null);

  requests.setTraceFiles({ files: [] });
  assert.deepEqual(requests.listTraceFiles(), { files: [] });
  t.done();
});

test('untrusted: resume is refused before the store is touched', () => {
  const t = setup();
  t.server.requests.updateSettings({ settings: P.settingsSchema.parse({}), trusted: false });
  assert.equal(t.server.session.trusted, false);
  assert.throws(() => t.server.requests.resumeExperiment({ id: 'exp-x', failedOnly: false }), /not trusted/);
  t.done();
});
