// Issue 14, item 11 (the form): the picker holds one page at a time, asks the server for the next,
// drops answers to a query it no longer shows, and keeps the selection's rows across pages and searches.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { ConversationSummary } from '../../common/protocol';
import { ConversationPager, debounce, SelectedRows, type Page, type PageRequest } from '../../webview/lib/conversationPager';
import { emptyFilter, filterConversations } from '../../webview/lib/selection';

function conv(i: number): ConversationSummary {
  return {
    id: `c${i}`,
    file: i % 2 ? 'traces/odd.jsonl' : 'traces/even.jsonl',
    line: i,
    position: i,
    messageCount: 2,
    hasToolCalls: i % 3 === 0,
    firstUserMessage: i % 10 === 0 ? 'Where does the Zanzibar ferry leave?' : 'Hello',
    tracedResponse: 'ok',
    model: null,
  };
}

/** What the host answers: the server's paging over a list, and a record of each request. */
function fakeServer(count: number) {
  const all = Array.from({ length: count }, (_, i) => conv(i));
  const requests: PageRequest[] = [];
  const fetchPage = async (r: PageRequest): Promise<Page> => {
    requests.push(r);
    const matching = filterConversations(all, { ...emptyFilter, search: r.query, file: r.file, toolCalls: r.toolCalls }, new Set());
    return { conversations: matching.slice(r.offset, r.offset + r.limit), total: matching.length };
  };
  return { all, requests, fetchPage };
}

/** A fetch whose answers the test releases one by one, in any order. */
function heldServer() {
  const held: { request: PageRequest; answer(page: Page): void; fail(error: Error): void }[] = [];
  const fetchPage = (request: PageRequest) => new Promise<Page>((resolve, reject) => held.push({ request, answer: resolve, fail: reject }));
  return { held, fetchPage };
}

const all = { query: '', file: '', toolCalls: 'any' as const };

describe('ConversationPager', () => {
  it('asks for one page, shows "N of TOTAL", and loads the next page on demand until the end', async () => {
    const server = fakeServer(450);
    const pager = new ConversationPager(server.fetchPage, () => undefined, 200);
    await pager.reset(all);
    assert.equal(pager.rows.length, 200);
    assert.equal(pager.total, 450);
    assert.ok(pager.hasMore);
    assert.deepEqual(server.requests[0], { ...all, offset: 0, limit: 200 });
    await pager.loadMore();
    await pager.loadMore();
    assert.deepEqual(
      server.requests.map((r) => r.offset),
      [0, 200, 400],
    );
    assert.deepEqual(
      pager.rows.map((c) => c.id),
      server.all.map((c) => c.id),
    );
    assert.equal(pager.hasMore, false);
    await pager.loadMore();
    assert.equal(server.requests.length, 3, 'nothing asked once everything is loaded');
  });

  it('sends the search and filters to the server and starts again from the first page', async () => {
    const server = fakeServer(1000);
    const pager = new ConversationPager(server.fetchPage, () => undefined, 50);
    await pager.reset(all);
    await pager.loadMore();
    await pager.reset({ query: '  zanzibar ', file: 'traces/even.jsonl', toolCalls: 'any' });
    assert.deepEqual(server.requests.at(-1), { query: 'zanzibar', file: 'traces/even.jsonl', toolCalls: 'any', offset: 0, limit: 50 });
    assert.equal(pager.total, 100);
    assert.equal(pager.rows.length, 50);
    assert.ok(pager.rows.every((c) => c.firstUserMessage.includes('Zanzibar')));
  });

  it('drops an answer to a query it no longer shows, whatever order the answers come in', async () => {
    const server = heldServer();
    const pager = new ConversationPager(server.fetchPage, () => undefined, 2);
    const first = pager.reset({ ...all, query: 'a' });
    const second = pager.reset({ ...all, query: 'ab' });
    assert.equal(server.held.length, 2);
    server.held[1]!.answer({ conversations: [conv(2)], total: 1 });
    await second;
    server.held[0]!.answer({ conversations: [conv(1), conv(3)], total: 99 });
    await first;
    assert.deepEqual(
      pager.rows.map((c) => c.id),
      ['c2'],
    );
    assert.equal(pager.total, 1);
    assert.equal(pager.loading, false);
  });

  it('asks for one page at a time and keeps an error where "more" was, then tries again', async () => {
    const server = heldServer();
    const pager = new ConversationPager(server.fetchPage, () => undefined, 2);
    const first = pager.reset(all);
    server.held[0]!.answer({ conversations: [conv(0), conv(1)], total: 5 });
    await first;
    const more = pager.loadMore();
    void pager.loadMore();
    assert.equal(server.held.length, 2, 'a second "more" while one is on its way asks nothing');
    server.held[1]!.fail(new Error('server restarting'));
    await more;
    assert.equal(pager.error, 'server restarting');
    assert.equal(pager.rows.length, 2, 'the loaded rows stay');
    const again = pager.loadMore();
    server.held[2]!.answer({ conversations: [conv(1), conv(2)], total: 5 });
    await again;
    assert.equal(pager.error, null);
    assert.deepEqual(
      pager.rows.map((c) => c.id),
      ['c0', 'c1', 'c2'],
      'a row already loaded (the index moved) is not repeated',
    );
  });
});

describe('SelectedRows', () => {
  it('keeps the rows of selected ids across pages and searches, and learns which left the index', () => {
    const rows = new SelectedRows();
    const selected = new Set(['c1', 'c7']);
    rows.remember([conv(1), conv(2)], selected);
    rows.remember([conv(7)], selected);
    assert.deepEqual(
      rows.rowsOf(['c7', 'c1', 'c9']).map((c) => c.id),
      ['c7', 'c1'],
    );
    assert.equal(rows.get('c2'), undefined, 'unselected rows are not kept');
    const missing = rows.looked(['c1', 'c7', 'c9'], [conv(7), conv(9)]);
    assert.deepEqual(missing, ['c1']);
    assert.deepEqual(
      rows.rowsOf(['c1', 'c7', 'c9']).map((c) => c.id),
      ['c7', 'c9'],
    );
  });
});

describe('debounce', () => {
  it('sends one query after the typing stops, with the last text', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sent: string[] = [];
      const search = debounce((q: string) => sent.push(q), 250);
      search('z');
      mock.timers.tick(100);
      search('za');
      mock.timers.tick(100);
      search('zan');
      assert.deepEqual(sent, []);
      mock.timers.tick(250);
      assert.deepEqual(sent, ['zan']);
      search('zanz');
      search.flush();
      assert.deepEqual(sent, ['zan', 'zanz']);
    } finally {
      mock.timers.reset();
    }
  });
});
