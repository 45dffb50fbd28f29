// Trace files edited and deleted while an experiment runs: the experiment judges the
// conversations as they were when it started (its conversations.jsonl snapshot), and markers
// appear only where the file still holds the annotated text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';
import { startServer, until, type TestServer } from '../support/lspClient';
import { createExperiment, lastSummary, modelOf, request, tmpWorkspace, waitIdle, writeJsonl } from './safetyFixtures';

let mock: MockServer;
let server: TestServer;
let root: string;

const weather = (id: string, answer: string) => ({
  id,
  messages: [
    { role: 'user', content: `What is the weather in Paris? (${id})` },
    { role: 'assistant', content: answer },
  ],
});
const ORIGINAL = 'It is 18 degrees in Paris, humidity 73 percent.';

before(async () => {
  // The judge is slow and finds nothing: it keeps the run going while the files change.
  mock = await startMockOpenAI({
    script: (req) => (modelOf(req) === 'judge' ? { kind: 'ok', latencyMs: 1200, content: '{"annotations": []}' } : undefined),
  });
  root = tmpWorkspace('hl-edit-');
  server = await startServer(root, { settings: P.settingsSchema.parse({ concurrency: 1 }) });
});
after(async () => {
  await server.stop();
  await mock.close();
});

test('edits and deletions mid-run: the run uses the snapshot; markers only where the text still matches', async () => {
  const a = writeJsonl(path.join(root, 'traces', 'a.jsonl'), [weather('keep', ORIGINAL), weather('edit', ORIGINAL)]);
  const b = writeJsonl(path.join(root, 'traces', 'b.jsonl'), [weather('gone', ORIGINAL)]);
  await request(server, P.SetTraceFiles, { files: [a, b] });
  const exp = await createExperiment(server, {
    name: 'while editing',
    model: 'traced',
    pass_through: true,
    conversation_ids: ['keep', 'edit', 'gone'],
    detectors: ['local', 'judge'],
    judge_model: { model: 'judge', baseURL: mock.url },
  });
  await request(server, P.SetActiveExperiment, { id: exp.id });
  await until('the judge to be at work', () => {
    const st = lastSummary(server, exp.id)?.status_summary;
    return st && st.inference_completed > 0 && st.completed === 0;
  });

  // Mid-run: one answer rewritten, one file deleted; the server hears of both.
  writeJsonl(a, [weather('keep', ORIGINAL), weather('edit', 'It is 21 degrees in Paris.')]);
  fs.rmSync(b);
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [
      { uri: pathToFileURL(a).toString(), type: 2 },
      { uri: pathToFileURL(b).toString(), type: 3 },
    ],
  });
  assert.equal(lastSummary(server, exp.id)?.running, true, 'the files changed while the experiment ran');

  const done = await waitIdle(server, exp.id);
  assert.equal(done.status_summary.completed, 3);
  // Every item was judged on the original answer: the judge saw it, the annotations point into it.
  const judged = mock.chatRequests().filter((r) => modelOf(r) === 'judge');
  assert.equal(judged.length, 3);
  assert.ok(judged.every((r) => r.rawBody.includes('18 degrees') && !r.rawBody.includes('21 degrees')));
  for (const item of done.items) {
    assert.deepEqual(item.annotations.map((x) => x.text).sort(), ['18', '73 percent'], item.conversation_id);
    assert.equal(item.response_messages[0]!.message.content as string, ORIGINAL);
  }

  // Markers: on the unchanged conversation only.
  const uri = pathToFileURL(a).toString();
  const lines = fs.readFileSync(a, 'utf8').split('\n');
  const covered = await until('markers on a.jsonl', () => {
    const ds = (server.diagnostics.get(uri)?.diagnostics ?? []).filter(
      (d) => d.source === 'hallucination-lab' && d.code !== 'trace-format',
    );
    return ds.length > 0 ? ds : null;
  });
  assert.deepEqual(
    covered.map((d) => [d.range.start.line, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]).sort(),
    [
      [0, '18'],
      [0, '73 percent'],
    ],
  );
  // The deleted file: no marker, and revealing its annotation finds no range.
  assert.equal((server.diagnostics.get(pathToFileURL(b).toString())?.diagnostics ?? []).filter((d) => d.code !== 'trace-format').length, 0);
  const gone = done.items.find((i) => i.conversation_id === 'gone')!.annotations[0]!;
  const where = await request(server, P.LocateAnnotation, {
    experiment_id: exp.id,
    conversation_id: 'gone',
    message_index: gone.message_index,
    message_part_index: gone.message_part_index,
    start_offset: gone.start_offset,
    end_offset: gone.end_offset,
  });
  assert.equal(where.range, null);
  // The edited conversation: its annotation cannot be placed on text that is no longer there.
  const edited = done.items.find((i) => i.conversation_id === 'edit')!.annotations[0]!;
  const whereEdited = await request(server, P.LocateAnnotation, {
    experiment_id: exp.id,
    conversation_id: 'edit',
    message_index: edited.message_index,
    message_part_index: edited.message_part_index,
    start_offset: edited.start_offset,
    end_offset: edited.end_offset,
  });
  assert.equal(whereEdited.range, null);
});
