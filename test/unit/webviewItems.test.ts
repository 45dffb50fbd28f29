// The report's items table: rows, filters, sorting and facets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentItem } from '../../common/schema';
import { buildRow, emptyItemFilter, facets, filterRows, nextSort, rowSignature, sortRows } from '../../webview/lib/items';
import { pendingItem } from '../../server/core/experiments/experimentItems';

function item(id: string, patch: Partial<ExperimentItem> = {}): ExperimentItem {
  return {
    ...pendingItem(id, id, 'm1', 0),
    status: 'completed',
    input_tokens: 100,
    output_tokens: 10,
    latency_ms: 1000,
    finish_reason: 'stop',
    ...patch,
  };
}

function ann(label: string, tool: string | null = null) {
  return {
    label,
    text: 't',
    explanation: 'e',
    message_index: 1,
    message_part_index: 0,
    start_offset: 0,
    end_offset: 1,
    tool_name: tool,
    parameter_name: tool ? 'p' : null,
    detector: 'local',
    confidence: 1,
  };
}

const rows = [
  buildRow(
    item('conv-10', { annotations: [ann('fabricated_number'), ann('fabricated_number'), ann('unknown_tool', 'search')], latency_ms: 3000 }),
    undefined,
  ),
  buildRow(item('conv-2', { model_config: 'm2', latency_ms: null, status: 'pending', input_tokens: null, output_tokens: null }), undefined),
  buildRow(item('conv-1', { annotations: [ann('unsupported_claim')], latency_ms: 500 }), {
    id: 'conv-1',
    file: 'f.jsonl',
    line: 4,
    messageCount: 3,
    firstUserMessage: 'Where is the Louvre?',
  }),
  buildRow(item('conv-3', { status: 'failed', failure_reason: 'HTTP 429' }), undefined),
];
const order = (rs: typeof rows) => rs.map((r) => r.item.id);

describe('buildRow', () => {
  it('counts labels (most frequent first) and annotated tools', () => {
    assert.equal(rows[0]!.hallucinations, 3);
    assert.deepEqual(rows[0]!.labels, [
      { label: 'fabricated_number', count: 2 },
      { label: 'unknown_tool', count: 1 },
    ]);
    assert.deepEqual(rows[0]!.tools, ['search']);
    assert.equal(rows[0]!.totalTokens, 110);
    assert.equal(rows[1]!.totalTokens, null);
  });

  it('changes its signature when what it shows changes', () => {
    const before = rowSignature(buildRow(item('a', { status: 'in_progress' }), undefined));
    assert.notEqual(before, rowSignature(buildRow(item('a', { status: 'completed' }), undefined)));
    assert.equal(before, rowSignature(buildRow(item('a', { status: 'in_progress' }), undefined)));
  });
});

describe('filterRows', () => {
  it('filters by text (conversation, first message, failure reason, labels)', () => {
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, text: 'louvre' })), ['conv-1']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, text: '429' })), ['conv-3']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, text: 'fabricated_number conv-10' })), ['conv-10']);
  });

  it('filters by status, label, tool, configuration and "with hallucinations"', () => {
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, status: 'failed' })), ['conv-3']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, label: 'unsupported_claim' })), ['conv-1']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, tool: 'search' })), ['conv-10']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, modelConfig: 'm2' })), ['conv-2']);
    assert.deepEqual(order(filterRows(rows, { ...emptyItemFilter, onlyHallucinated: true })), ['conv-10', 'conv-1']);
  });
});

describe('sortRows', () => {
  it('sorts conversations naturally (conv-2 before conv-10)', () => {
    assert.deepEqual(order(sortRows(rows, { key: 'conversation', dir: 'asc' })), ['conv-1', 'conv-2', 'conv-3', 'conv-10']);
    assert.deepEqual(order(sortRows(rows, { key: 'conversation', dir: 'desc' })), ['conv-10', 'conv-3', 'conv-2', 'conv-1']);
  });

  it('puts missing values last in both directions', () => {
    assert.deepEqual(order(sortRows(rows, { key: 'latency', dir: 'desc' })), ['conv-10', 'conv-3', 'conv-1', 'conv-2']);
    assert.deepEqual(order(sortRows(rows, { key: 'latency', dir: 'asc' })), ['conv-1', 'conv-3', 'conv-10', 'conv-2']);
  });

  it('counts hallucinations only for completed items', () => {
    assert.deepEqual(order(sortRows(rows, { key: 'hallucinations', dir: 'desc' })), ['conv-10', 'conv-1', 'conv-2', 'conv-3']);
  });

  it('sorts statuses by lifecycle and is stable on ties', () => {
    assert.deepEqual(order(sortRows(rows, { key: 'status', dir: 'asc' })), ['conv-2', 'conv-1', 'conv-10', 'conv-3']);
  });

  it('flips direction on the same key, starts numbers descending', () => {
    assert.deepEqual(nextSort({ key: 'conversation', dir: 'asc' }, 'conversation'), { key: 'conversation', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'conversation', dir: 'asc' }, 'latency'), { key: 'latency', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'latency', dir: 'desc' }, 'status'), { key: 'status', dir: 'asc' });
  });
});

describe('facets', () => {
  it('offers each value with its count', () => {
    const f = facets(rows);
    assert.deepEqual(f.statuses, [
      { value: 'pending', count: 1 },
      { value: 'completed', count: 2 },
      { value: 'failed', count: 1 },
    ]);
    assert.deepEqual(f.labels[0], { value: 'fabricated_number', count: 1 });
    assert.deepEqual(f.tools, [{ value: 'search', count: 1 }]);
    assert.deepEqual(f.modelConfigs, [
      { value: 'm1', count: 3 },
      { value: 'm2', count: 1 },
    ]);
  });
});
