import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, ExperimentItem } from '../../common/schema';
import { computeMetrics, statusSummary } from '../../server/core/experiments/metrics';
import { pendingItem } from '../../server/core/experiments/experimentItems';

const ann = (label: string, tool: string | null = null, param: string | null = null): Annotation => ({
  label,
  text: 'x',
  explanation: '',
  message_index: 1,
  message_part_index: 0,
  start_offset: 0,
  end_offset: 1,
  tool_name: tool,
  parameter_name: param,
  detector: 'local',
  confidence: 1,
});
const item = (over: Partial<ExperimentItem>): ExperimentItem => ({ ...pendingItem('1', 'c', 'm', 0), status: 'completed', ...over });

const items = [
  item({
    annotations: [ann('fabricated_number'), ann('ungrounded_parameter_value', 'book_hotel', 'city')],
    input_tokens: 100,
    output_tokens: 10,
    latency_ms: 200,
    cost_usd: 0.002,
  }),
  item({ annotations: [], input_tokens: 300, output_tokens: 30, latency_ms: 600, cost_usd: 0.004 }),
  item({ annotations: [ann('unknown_tool', 'cancel', null)], input_tokens: 200, output_tokens: 20, latency_ms: 400, cost_usd: 0.003 }),
  item({ status: 'failed', annotations: [ann('fabricated_number')], input_tokens: 9999, latency_ms: 9999, cost_usd: 1 }),
  item({ status: 'pending' }),
];

test('hallucination_rate = items with ≥1 annotation / completed items (failed and pending excluded)', () => {
  assert.equal(computeMetrics(items).hallucination_rate, 2 / 3);
});
test('total_hallucinations counts annotations over completed items only', () => {
  assert.equal(computeMetrics(items).total_hallucinations, 3);
});
test('hallucination_free_count = completed items with no annotation', () => {
  assert.equal(computeMetrics(items).hallucination_free_count, 1);
});
test('avg_hallucinations_per_prompt = total_hallucinations / completed items', () => {
  assert.equal(computeMetrics(items).avg_hallucinations_per_prompt, 1);
});
test('hallucination_labels counts each label', () => {
  assert.deepEqual(computeMetrics(items).hallucination_labels, { fabricated_number: 1, ungrounded_parameter_value: 1, unknown_tool: 1 });
});
test('parameter_hallucinations = {tool: {parameter: count}}, whole-call faults (parameter null) excluded', () => {
  assert.deepEqual(computeMetrics(items).parameter_hallucinations, { book_hotel: { city: 1 } });
});
test('tokens: totals and averages over completed items with a known count', () => {
  const m = computeMetrics([...items, item({ input_tokens: null, output_tokens: null })]);
  assert.equal(m.total_input_tokens, 600);
  assert.equal(m.total_output_tokens, 60);
  assert.equal(m.avg_input_tokens, 200);
  assert.equal(m.avg_output_tokens, 20);
});
test('cost_per_1k = mean cost per completed item × 1000, null when any completed cost is unknown', () => {
  assert.ok(Math.abs(computeMetrics(items).cost_per_1k! - 3) < 1e-9);
  assert.equal(computeMetrics([...items, item({ cost_usd: null })]).cost_per_1k, null);
});
test('latency: total, average and maximum over completed items', () => {
  const m = computeMetrics(items);
  assert.equal(m.total_generation_time_ms, 1200);
  assert.equal(m.avg_response_latency_ms, 400);
  assert.equal(m.max_response_latency_ms, 600);
});
test('no completed item: rates and averages are null, counts zero', () => {
  const m = computeMetrics([item({ status: 'pending' })]);
  assert.equal(m.hallucination_rate, null);
  assert.equal(m.avg_hallucinations_per_prompt, null);
  assert.equal(m.total_hallucinations, 0);
  assert.equal(m.cost_per_1k, null);
  assert.equal(m.max_response_latency_ms, null);
});
test('status summary counts every status and the total', () => {
  assert.deepEqual(statusSummary(items), {
    pending: 1,
    in_progress: 0,
    inference_completed: 0,
    completed: 3,
    failed: 1,
    skipped: 0,
    total: 5,
  });
});
