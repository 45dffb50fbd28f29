// Issue 14, item 11 (server side): the conversation list of a large index is paged on the server
// (query and tool-call filter applied there, then offset/limit), so one answer holds one page,
// not every conversation; without paging fields the old answer (everything) is kept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { startServer, type TestServer } from '../support/lspClient';
import { eventually, qConversation, request, tmpWorkspace, writeJsonl } from './safetyFixtures';

const COUNT = 5000;
let server: TestServer;
let root: string;

before(async () => {
  root = tmpWorkspace('hl-paging-');
  server = await startServer(root);
  const conversations = Array.from({ length: COUNT }, (_, i) => ({
    ...qConversation(i, i % 10 === 0 ? 'The Zanzibar ferry leaves at noon.' : 'Paris has many bridges.'),
    id: `c${i}`,
  }));
  const file = writeJsonl(path.join(root, 'traces', 'many.jsonl'), conversations);
  await request(server, P.SetTraceFiles, { files: [file] });
  await eventually(
    'the file to be indexed',
    async () => (await request(server, P.ListConversations, {})).conversations.length === COUNT,
    20_000,
  );
});
after(async () => server.stop());

test('pages of at most `limit`, with the total; the pages together are the whole list', async () => {
  const everything = await request(server, P.ListConversations, {});
  assert.equal(everything.total, undefined, 'no paging fields: the old answer');
  const first = await request(server, P.ListConversations, { offset: 0, limit: 1000 });
  assert.equal(first.conversations.length, 1000);
  assert.equal(first.total, COUNT);
  const ids: string[] = [];
  for (let offset = 0; offset < COUNT; offset += 1000)
    ids.push(...(await request(server, P.ListConversations, { offset, limit: 1000 })).conversations.map((c) => c.id));
  assert.deepEqual(
    ids,
    everything.conversations.map((c) => c.id),
  );
  const json = JSON.stringify(first);
  assert.ok(json.length < JSON.stringify(everything).length / 4, `a page is ${json.length} characters`);
});

test('the query filters on the server before paging; a page larger than the maximum is refused', async () => {
  const found = await request(server, P.ListConversations, { query: 'zanzibar FERRY', limit: 100 });
  assert.equal(found.total, COUNT / 10);
  assert.equal(found.conversations.length, 100);
  assert.ok(found.conversations.every((c) => /zanzibar/i.test(c.tracedResponse)));
  const last = await request(server, P.ListConversations, { query: 'zanzibar', offset: COUNT / 10 - 3, limit: 100 });
  assert.equal(last.conversations.length, 3);
  await assert.rejects(request(server, P.ListConversations, { limit: P.MAX_CONVERSATION_PAGE + 1 }));
});

test('the search sees workspace-relative paths: a term from the workspace folder’s own path matches nothing', async () => {
  const own = await request(server, P.ListConversations, { query: path.basename(root), limit: 10 });
  assert.equal(own.total, 0);
  const byFile = await request(server, P.ListConversations, { query: 'traces/many', limit: 10 });
  assert.equal(byFile.total, COUNT);
});
