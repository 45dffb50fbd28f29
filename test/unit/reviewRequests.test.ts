// The review requests over the whole server without a process: verdicts by annotation id, a
// selection marked as a person's annotation, and each refusal saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { buildServer, type Client } from '../../server/modules';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (id: string, answer: string) =>
  JSON.stringify({
    id,
    messages: [
      { role: 'user', content: `How many bridges? (${id})` },
      { role: 'assistant', content: answer },
    ],
  });

async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-review-requests-'));
  const file = path.join(root, 'q.jsonl');
  fs.writeFileSync(file, `${line('q0', 'Paris has exactly 1000 bridges.')}\n${line('q1', 'Paris has many bridges.')}\n`);
  const uri = pathToFileURL(file).toString();
  /** What the editor holds of the file, once "opened". */
  const open = new Map<string, string>();
  const client: Client = {
    notify: () => undefined,
    sendDiagnostics: () => undefined,
    askKey: async () => null,
    log: () => undefined,
    warn: () => undefined,
  };
  const server = buildServer(P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }), client, {
    get: (u) => (open.has(u) ? { getText: () => open.get(u)! } : undefined),
  });
  server.requests.setTraceFiles({ files: [file] });
  const created = server.requests.createExperiment({
    config: { name: 'traced', model: 'traced', pass_through: true, conversation_ids: ['q0', 'q1'] },
  });
  assert.ok(created.ok);
  await server.session.requireService().whenIdle(created.experiment.id);
  const text = () => open.get(uri) ?? fs.readFileSync(file, 'utf8');
  /** The range of `needle` on line `lineNo` of the file as the editor has it. */
  const range = (lineNo: number, needle: string) => {
    const at = text().split('\n')[lineNo]!.indexOf(needle);
    assert.ok(at >= 0, needle);
    return { start: { line: lineNo, character: at }, end: { line: lineNo, character: at + needle.length } };
  };
  return {
    root,
    file,
    uri,
    open,
    server,
    id: created.experiment.id,
    range,
    done: () => (server.dispose(), fs.rmSync(root, { recursive: true, force: true })),
  };
}

test('a verdict by id: relabelled to the same label is a confirmation; an unknown id is refused', async () => {
  const t = await setup();
  const { review } = t.server;
  const a = t.server.session
    .requireService()
    .resource(t.id)
    .items.flatMap((i) => i.annotations)[0]!;
  const same = review.setVerdict({ experiment_id: t.id, annotation_id: a.id!, verdict: 'relabelled', label: a.label, author: 'ann' });
  assert.equal(same.verdict, 'confirmed');
  const other = review.setVerdict({
    experiment_id: t.id,
    annotation_id: a.id!,
    verdict: 'relabelled',
    label: 'unsupported_claim',
    author: 'ann',
  });
  assert.deepEqual([other.verdict, other.label], ['relabelled', 'unsupported_claim']);
  assert.throws(
    () => review.setVerdict({ experiment_id: t.id, annotation_id: 'a-0000', verdict: 'dismissed' }),
    /has no annotation "a-0000"/,
  );
  assert.throws(() => review.setVerdict({ experiment_id: t.id, annotation_id: a.id!, verdict: 'relabelled' }), /a new label is needed/);
  t.done();
});

test('marking: the same characters as a detector are refused (use its quick fixes); text edited since the run is refused', async () => {
  const t = await setup();
  const { review } = t.server;
  const mark = (lineNo: number, needle: string) =>
    review.addHumanAnnotation({ file: t.file, range: t.range(lineNo, needle), label: 'unsupported_claim', explanation: '' });
  assert.throws(() => mark(0, '1000'), /already marked \(fabricated number\)/);
  const added = mark(1, 'many bridges.');
  assert.deepEqual([added.conversation_id, added.text, added.start_offset], ['q1', 'many bridges.', 'Paris has '.length]);
  assert.throws(() => mark(1, 'many bridges.'), /already marked \(unsupported claim\)/);
  // The editor changes the answer: the experiment judged other text.
  t.open.set(t.uri, fs.readFileSync(t.file, 'utf8').replace('Paris has many bridges.', 'Paris has 37 old bridges.'));
  t.server.traceFiles.edited(t.uri);
  await sleep(600);
  assert.throws(() => mark(1, 'old'), /the file changed since the experiment ran/);
  t.done();
});
