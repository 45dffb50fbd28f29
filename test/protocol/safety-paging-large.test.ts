// Issue 14, item 11: the form's first page of a 100 000-conversation file comes back small and
// fast (the whole list was 243 MB and 8.7 s at 495 k), and a search is answered from the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { startServer, type TestServer } from '../support/lspClient';
import { eventually, request, tmpWorkspace } from './safetyFixtures';

const COUNT = 100_000;
const PAGE = 200;
let server: TestServer;
let root: string;

before(async () => {
  root = tmpWorkspace('hl-paging-large-');
  const file = path.join(root, 'traces', 'large.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i++)
    lines.push(
      JSON.stringify({
        id: `c${i}`,
        messages: [
          { role: 'user', content: `Question ${i}: ${i % 1000 === 0 ? 'when does the Zanzibar ferry leave?' : 'how many bridges?'}` },
          { role: 'assistant', content: 'Paris has many bridges.' },
        ],
      }),
    );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  server = await startServer(root);
  await request(server, P.SetTraceFiles, { files: [file] });
  await eventually(
    'the file to be indexed',
    async () => (await request(server, P.ListConversations, { limit: 1 })).total === COUNT,
    120_000,
  );
});
after(async () => server.stop());

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

test(`the first page of ${COUNT} conversations is ${PAGE} rows, small and fast; a search is answered by the server`, async () => {
  const first = await timed(() => request(server, P.ListConversations, { offset: 0, limit: PAGE }));
  const bytes = JSON.stringify(first.value).length;
  console.log(`first page of ${COUNT}: ${first.value.conversations.length} rows, ${bytes} characters, ${first.ms.toFixed(0)} ms`);
  assert.equal(first.value.conversations.length, PAGE);
  assert.equal(first.value.total, COUNT);
  assert.ok(bytes < 100_000, `a page is ${bytes} characters`);
  assert.ok(first.ms < 3000, `the first page took ${first.ms.toFixed(0)} ms`);

  const found = await timed(() => request(server, P.ListConversations, { query: 'zanzibar', offset: 0, limit: PAGE }));
  console.log(`search over ${COUNT}: ${found.value.total} found, ${found.ms.toFixed(0)} ms`);
  assert.equal(found.value.total, COUNT / 1000);
  assert.ok(found.value.conversations.every((c) => c.firstUserMessage.includes('Zanzibar')));
  assert.ok(found.ms < 5000, `the search took ${found.ms.toFixed(0)} ms`);

  const last = await request(server, P.ListConversations, { offset: COUNT - 5, limit: PAGE });
  assert.deepEqual(
    last.conversations.map((c) => c.id),
    ['c99995', 'c99996', 'c99997', 'c99998', 'c99999'],
  );
});
