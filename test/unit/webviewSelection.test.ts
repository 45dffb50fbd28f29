// The conversation picker: filters, and a selection that never exceeds the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConversationSummary } from '../../common/protocol';
import {
  baseName,
  deselectAllInView,
  emptyFilter,
  filterConversations,
  selectAllInView,
  selectionCounter,
  toggleConversation,
  viewSelectionState,
} from '../../webview/lib/selection';

function conv(id: string, patch: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    file: 'a.jsonl',
    line: 0,
    position: 0,
    messageCount: 3,
    hasToolCalls: false,
    firstUserMessage: '',
    tracedResponse: '',
    model: null,
    ...patch,
  };
}

const list = [
  conv('c1', { file: 'traces/support.jsonl', firstUserMessage: 'Where is my order?', hasToolCalls: true }),
  conv('c2', { file: 'traces/support.jsonl', tracedResponse: 'Your refund of $40 is on its way', model: 'gpt-4o' }),
  conv('c3', { file: 'traces/rag.json', firstUserMessage: 'Vacation days for new employees?' }),
];
const ids = (xs: ConversationSummary[]) => xs.map((c) => c.id);

describe('filterConversations', () => {
  it('matches every search term, case-insensitively, across id, file, model and texts', () => {
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, search: 'REFUND gpt-4o' }, new Set())), ['c2']);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, search: 'rag.json' }, new Set())), ['c3']);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, search: 'order refund' }, new Set())), []);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, search: '   ' }, new Set())), ['c1', 'c2', 'c3']);
  });

  it('filters by file, by tool calls and by selection', () => {
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, file: 'traces/support.jsonl' }, new Set())), ['c1', 'c2']);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, toolCalls: 'with' }, new Set())), ['c1']);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, toolCalls: 'without' }, new Set())), ['c2', 'c3']);
    assert.deepEqual(ids(filterConversations(list, { ...emptyFilter, selectedOnly: true }, new Set(['c3']))), ['c3']);
  });
});

describe('selection within the limit', () => {
  it('toggles one conversation on and off', () => {
    assert.deepEqual(toggleConversation([], 'a').selected, ['a']);
    assert.deepEqual(toggleConversation(['a', 'b'], 'a').selected, ['b']);
  });

  it('refuses to add beyond the limit but always allows removing', () => {
    const full = ['a', 'b', 'c'];
    const refused = toggleConversation(full, 'd', 3);
    assert.deepEqual(refused.selected, full);
    assert.equal(refused.skipped, 1);
    assert.deepEqual(toggleConversation(full, 'b', 3).selected, ['a', 'c']);
  });

  it('selects all in view in view order, up to the limit, reporting what was skipped', () => {
    const change = selectAllInView(['x'], ['a', 'x', 'b', 'c', 'd'], 3);
    assert.deepEqual(change.selected, ['x', 'a', 'b']);
    assert.equal(change.added, 2);
    assert.equal(change.skipped, 2);
  });

  it('holds the real limit of 100', () => {
    const visible = Array.from({ length: 140 }, (_, i) => `c${i}`);
    const change = selectAllInView([], visible);
    assert.equal(change.selected.length, 100);
    assert.equal(change.skipped, 40);
    assert.equal(toggleConversation(change.selected, 'c139').skipped, 1);
  });

  it('deselects only the visible ones', () => {
    assert.deepEqual(deselectAllInView(['a', 'b', 'c'], ['b', 'z']).selected, ['a', 'c']);
  });

  it('tells the header checkbox whether all, some or none of the view is selected', () => {
    assert.equal(viewSelectionState(new Set(['a', 'b']), ['a', 'b']), 'all');
    assert.equal(viewSelectionState(new Set(['a']), ['a', 'b']), 'some');
    assert.equal(viewSelectionState(new Set(['z']), ['a', 'b']), 'none');
    assert.equal(viewSelectionState(new Set(), []), 'none');
  });
});

describe('counter and file names', () => {
  it('counts towards the limit with a tone', () => {
    assert.deepEqual(selectionCounter(0), { text: '0 / 100 selected', count: 0, limit: 100, tone: 'empty' });
    assert.equal(selectionCounter(37).tone, 'ok');
    assert.equal(selectionCounter(100).tone, 'full');
    assert.equal(selectionCounter(101).tone, 'over');
  });

  it('names a file by its last path segment', () => {
    assert.equal(baseName('a/b\\c.jsonl'), 'c.jsonl');
  });
});
