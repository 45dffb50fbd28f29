// Verdicts from the editor over the real server (dist/server.js): a dismissal by request hides its
// marker, a selection becomes a person's annotation on exactly those characters (through JSON
// escapes), and both survive a SIGKILL of the server: a new process shows them as they were.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { startServer, until, type TestServer } from '../support/lspClient';
import { createExperiment, request, tmpWorkspace, waitIdle, writeJsonl } from './safetyFixtures';

const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
});

const ANSWER = 'Sure.\nParis has exactly 1003 bridges, "the most" in Europe.';
const conversations = [0, 1, 2].map((i) => ({
  id: `c${i}`,
  messages: [
    { role: 'user', content: `Question ${i}: how many bridges does Paris have?` },
    { role: 'assistant', content: ANSWER },
  ],
}));

function position(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
type Marker = {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code?: unknown;
  severity?: number;
  data?: { annotationId?: string };
};
function markers(s: TestServer, uri: string): Marker[] {
  return ((s.diagnostics.get(uri)?.diagnostics ?? []) as Marker[]).filter((d) => d.data?.annotationId);
}

test('a dismissal and a marked selection, set by request, survive a server kill', async () => {
  const root = tmpWorkspace('hl-review-server-');
  const trace = writeJsonl(path.join(root, 'traces', 'bridges.jsonl'), conversations);
  const text = fs.readFileSync(trace, 'utf8');
  const uri = pathToFileURL(trace).toString();
  const start = async () => {
    const s = await startServer(root);
    servers.push(s);
    await request(s, P.SetTraceFiles, { files: [trace] });
    return s;
  };

  const first = await start();
  const exp = await createExperiment(first, { name: 'traced', model: 'traced', pass_through: true, conversation_ids: ['c0', 'c1', 'c2'] });
  await waitIdle(first, exp.id);
  const before = await until('markers on the numbers', () => (markers(first, uri).length >= 3 ? markers(first, uri) : null));
  const target = before[0]!;

  // Dismissed by request: its marker goes, the others stay.
  const dismissed = await request(first, P.SetVerdict, {
    experiment_id: exp.id,
    annotation_id: target.data!.annotationId!,
    verdict: 'dismissed',
    comment: 'the count is in the city guide',
    author: 'ann',
  });
  assert.equal(dismissed.verdict, 'dismissed');
  await until('the dismissed marker to go', () => markers(first, uri).length === before.length - 1);
  // The setting shows it again, as a hint that says so; turned off, it goes.
  const showDismissed = (on: boolean) =>
    first.connection.sendNotification(P.UpdateSettings.method, {
      settings: P.settingsSchema.parse({ showDismissedMarkers: on }),
      trusted: true,
    });
  await showDismissed(true);
  const hint = await until('the dismissed marker back as a hint', () =>
    markers(first, uri).find((m) => m.data?.annotationId === target.data!.annotationId),
  );
  assert.equal(hint.severity, 4);
  assert.match((hint as Marker & { message: string }).message, /^dismissed — /);
  await showDismissed(false);
  await until('the dismissed marker hidden again', () => markers(first, uri).length === before.length - 1);

  // "the most" selected in the second line's file text, between its escaped quotes.
  const secondLine = text.indexOf('\n') + 1;
  const at = text.indexOf('the most', secondLine);
  const added = await request(first, P.AddHumanAnnotation, {
    file: trace,
    range: { start: position(text, at), end: position(text, at + 'the most'.length) },
    label: 'unsupported_claim',
    explanation: 'no source ranks the cities',
    author: 'ann',
  });
  assert.equal(added.conversation_id, 'c1');
  assert.equal(added.text, 'the most');
  assert.equal(added.start_offset, ANSWER.indexOf('the most'));
  const human = await until('a marker on the selected characters', () =>
    markers(first, uri).find((m) => m.data?.annotationId === added.annotation_id),
  );
  assert.deepEqual(human.range, { start: position(text, at), end: position(text, at + 'the most'.length) });
  // "Open in trace" from the report finds it too.
  const located = await request(first, P.LocateAnnotation, {
    experiment_id: exp.id,
    conversation_id: 'c1',
    message_index: 1,
    message_part_index: 0,
    start_offset: added.start_offset,
    end_offset: added.end_offset,
  });
  assert.deepEqual(located.range, human.range);

  // Not a response: refused, saying why.
  const userAt = text.indexOf('Question 0');
  await assert.rejects(
    request(first, P.AddHumanAnnotation, {
      file: trace,
      range: { start: position(text, userAt), end: position(text, userAt + 8) },
      label: 'unsupported_claim',
    }),
    /user message.*only a traced response or tool-call argument can be marked/,
  );

  // SIGKILL: no shutdown, no flush. A new process finds both verdicts.
  const shown = markers(first, uri)
    .map((m) => m.data!.annotationId)
    .sort();
  await first.kill();
  const second = await start();
  await until('the markers again', () => (markers(second, uri).length === shown.length ? true : null), 20_000);
  assert.deepEqual(
    markers(second, uri)
      .map((m) => m.data!.annotationId)
      .sort(),
    shown,
  );
  const resource = await request(second, P.GetExperiment, { id: exp.id });
  const all = resource.items.flatMap((i) => i.annotations);
  const gone = all.find((a) => a.id === target.data!.annotationId)!;
  assert.deepEqual(
    [gone.review?.verdict, gone.review?.author, gone.review?.comment],
    ['dismissed', 'ann', 'the count is in the city guide'],
  );
  const person = all.find((a) => a.id === added.annotation_id)!;
  assert.deepEqual(
    [person.detector, person.label, person.text, person.review?.verdict],
    ['human', 'unsupported_claim', 'the most', 'added'],
  );
  // Metrics leave the dismissed one out and count the person's.
  assert.equal(resource.metrics.total_hallucinations, before.length - 1 + 1);

  // A second experiment on the same file: the dismissed one stays dismissed, the person's one is carried over.
  const again = await createExperiment(second, {
    name: 'again',
    model: 'traced',
    pass_through: true,
    conversation_ids: ['c0', 'c1', 'c2'],
  });
  const later = await waitIdle(second, again.id);
  await request(second, P.SetActiveExperiment, { id: again.id });
  const laterAll = later.items.flatMap((i) => i.annotations);
  const stillDismissed = laterAll.find((a) => a.review?.verdict === 'dismissed');
  assert.equal(stillDismissed?.review?.carried_from, exp.id);
  assert.equal(stillDismissed?.review?.verdict, 'dismissed');
  const carriedPerson = laterAll.find((a) => a.detector === 'human');
  assert.deepEqual(
    [carriedPerson?.text, carriedPerson?.review?.verdict, carriedPerson?.review?.carried_from],
    ['the most', 'added', exp.id],
  );
  const sameRange = (m: Marker, r: Marker['range']) => JSON.stringify(m.range) === JSON.stringify(r);
  await until('the second experiment’s markers: none where the dismissed one was, one on the person’s', () => {
    const now = markers(second, uri);
    return now.length === shown.length && !now.some((m) => sameRange(m, target.range)) && now.some((m) => sameRange(m, human.range))
      ? true
      : null;
  });
  await second.stop();
});

test('a comment and the counts after a dismissal survive a server kill: listed from the stored summary', async () => {
  const root = tmpWorkspace('hl-review-server-counts-');
  const trace = writeJsonl(path.join(root, 'traces', 'bridges.jsonl'), conversations);
  const start = async () => {
    const s = await startServer(root);
    servers.push(s);
    await request(s, P.SetTraceFiles, { files: [trace] });
    return s;
  };
  const first = await start();
  const exp = await createExperiment(first, { name: 'traced', model: 'traced', pass_through: true, conversation_ids: ['c0', 'c1', 'c2'] });
  const done = await waitIdle(first, exp.id);
  const all = done.items.flatMap((i) => i.annotations);
  assert.ok(all.length >= 3, `the numbers are annotated (${all.length})`);
  await request(first, P.SetVerdict, { experiment_id: exp.id, annotation_id: all[0]!.id!, verdict: 'dismissed', author: 'ann' });
  const comment = await request(first, P.AddReviewComment, {
    experiment_id: exp.id,
    annotation_id: all[1]!.id!,
    text: 'ask the city guide',
    author: 'bo',
  });
  assert.equal(comment.annotation_id, all[1]!.id);
  const listed = (await request(first, P.ListExperiments, {})).experiments.find((e) => e.id === exp.id)!;
  assert.deepEqual([listed.total_hallucinations, listed.unreviewed_count, listed.dismissed_count], [all.length - 1, all.length - 1, 1]);

  // SIGKILL: the verdict and the comment were flushed before their answers; the new process lists
  // the counts from the summary the record carries.
  await first.kill();
  const second = await start();
  const relisted = (await request(second, P.ListExperiments, {})).experiments.find((e) => e.id === exp.id)!;
  assert.deepEqual(
    [relisted.total_hallucinations, relisted.unreviewed_count, relisted.dismissed_count],
    [all.length - 1, all.length - 1, 1],
  );
  const resource = await request(second, P.GetExperiment, { id: exp.id });
  const commented = resource.items.flatMap((i) => i.annotations).find((a) => a.id === all[1]!.id)!;
  assert.deepEqual(
    commented.comments?.map((c) => [c.text, c.author]),
    [['ask the city guide', 'bo']],
  );
  assert.equal(commented.review, undefined, 'a comment is not a verdict');
  assert.ok(resource.comments?.some((c) => c.text === 'ask the city guide' && c.annotation_id === all[1]!.id));
  await second.stop();
});
