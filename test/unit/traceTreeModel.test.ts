// The Trace Files view's file node: what it says about LLM calls that were not read (issue 12).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceFileSummary } from '../../common/protocol';
import { fileView, moreConversationsView, TREE_CONVERSATION_PAGE, unreadCallView, unreadReasons } from '../../extension/traceTreeModel';

function summary(patch: Partial<TraceFileSummary> = {}): TraceFileSummary {
  return { file: '/w/traces/otel.json', conversationCount: 12, isTrace: true, problems: [], ...patch };
}

const twoUnread: TraceFileSummary['coverage'] = {
  llmCalls: 14,
  read: 12,
  unread: [
    { spanId: 'a1', line: 40, reason: 'its response could not be read' },
    { spanId: null, line: 90, reason: 'its input messages are not in a known shape' },
  ],
};

describe('trace tree file node', () => {
  it('says how many LLM calls were not read next to the conversations', () => {
    assert.equal(fileView(summary({ coverage: twoUnread }), 'traces/otel.json').description, '12 conversations · 2 LLM calls not read');
  });

  it('says nothing about coverage when every call was read, or before the file is indexed', () => {
    const all = { llmCalls: 12, read: 12, unread: [] };
    assert.equal(fileView(summary({ coverage: all }), 'x').description, '12 conversations');
    assert.equal(fileView(summary({ conversationCount: 1 }), 'x').description, '1 conversation');
    assert.deepEqual(fileView(summary(), 'x').unread, []);
  });

  it('keeps the error count after the coverage', () => {
    const v = fileView(
      summary({
        coverage: { ...twoUnread, unread: [twoUnread.unread[0]!] },
        problems: [{ file: '/w/traces/otel.json', line: 0, message: 'bad', severity: 'error' }],
      }),
      'x',
    );
    assert.equal(v.description, '12 conversations · 1 LLM call not read · 1 error');
    assert.equal(v.errors, 1);
  });

  it('lists each reason in the tooltip, with its count and markdown escaped', () => {
    const coverage = {
      llmCalls: 5,
      read: 2,
      unread: [
        { spanId: 's1', line: 1, reason: 'no `messages`' },
        { spanId: 's2', line: 2, reason: 'no `messages`' },
        { spanId: 's3', line: 3, reason: 'empty response' },
      ],
    };
    const tooltip = fileView(summary({ coverage }), 'traces/a_b.json').tooltip;
    assert.equal(tooltip[0], '**traces/a\\_b.json**');
    assert.ok(tooltip.includes('2 of 5 LLM calls read'));
    const reasons = tooltip.slice(tooltip.indexOf('Not read:') + 1, tooltip.indexOf('Not read:') + 3);
    assert.deepEqual(reasons, ['- 2 × no \\`messages\\`', '- 1 × empty response']);
  });

  it('gives the "Not read" node one call per coverage entry, each opening its own line', () => {
    const { unread } = fileView(summary({ coverage: twoUnread }), 'x');
    assert.deepEqual(
      unread.map((u) => [u.file, u.line, u.reason]),
      [
        ['/w/traces/otel.json', 40, 'its response could not be read'],
        ['/w/traces/otel.json', 90, 'its input messages are not in a known shape'],
      ],
    );
    assert.deepEqual(unreadCallView(unread[0]!), {
      label: 'its response could not be read',
      description: 'span a1 · line 41',
      tooltip: 'LLM call not read: its response could not be read\nspan a1, line 41',
    });
    assert.equal(unreadCallView(unread[1]!).description, 'line 91');
  });

  it('orders reasons by how often they occur', () => {
    const calls = ['b', 'a', 'b'].map((reason, line) => ({ file: 'f', spanId: null, line, reason }));
    assert.deepEqual(unreadReasons(calls), [
      { reason: 'b', count: 2 },
      { reason: 'a', count: 1 },
    ]);
  });
});

describe('trace tree: a large file', () => {
  it('lists one page of conversations and counts the rest in one node', () => {
    assert.equal(TREE_CONVERSATION_PAGE, 1000);
    const view = moreConversationsView(1000, 495_000);
    assert.equal(view.label, '494,000 more conversations');
    assert.match(view.tooltip, /first 1,000 of 495,000 conversations/);
    assert.equal(moreConversationsView(1000, 1001).label, '1 more conversation');
  });
});
