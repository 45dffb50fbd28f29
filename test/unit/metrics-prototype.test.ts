// Trace data cannot reach Object.prototype (issue 14, item 1): every name Object.prototype has
// (`__proto__`, `constructor`, `toString`, `hasOwnProperty`, …) used as tool, parameter, label,
// configuration label and conversation id is counted and shown like any other name, by the
// server's metrics and by the webview's compare, charts, items and exports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Annotation, ExperimentItem, ExperimentResource } from '../../common/schema';
import { computeMetrics, metricsByModel, statusSummary } from '../../server/core/experiments/metrics';
import { labelChartData, paramHeatData } from '../../webview/lib/chartData';
import { allSubjects, conversationMatrix, labelComparison } from '../../webview/lib/compare';
import { experimentJson, itemsCsv, reportHtml } from '../../webview/lib/exportFormats';
import { humanizeLabel } from '../../webview/lib/format';
import { labelDescriptions } from '../../webview/lib/reportViews';
import { buildRows } from '../../webview/lib/items';
import { pendingItem } from '../../server/core/experiments/experimentItems';

const PROTO_NAMES = [...new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)])];
const name = fc.constantFrom(...PROTO_NAMES, 'city', 'book_hotel');

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const keysBefore = Object.keys;
const toStringBefore = Object.prototype.toString;

function annotation(label: string, tool: string, parameter: string, messageIndex: number): Annotation {
  return {
    label,
    text: 'x',
    explanation: 'e',
    message_index: messageIndex,
    message_part_index: 0,
    start_offset: 0,
    end_offset: 1,
    tool_name: tool,
    parameter_name: parameter,
    detector: 'local',
    confidence: 1,
  };
}

function item(id: number, conversationId: string, modelConfig: string, annotations: Annotation[]): ExperimentItem {
  return {
    ...pendingItem(String(id).padStart(4, '0'), conversationId, modelConfig, 0),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: 'x' } }],
    annotations,
    input_tokens: 1,
    output_tokens: 1,
    latency_ms: 1,
    finish_reason: 'stop',
  };
}

function resource(items: ExperimentItem[]): ExperimentResource {
  const s = statusSummary(items);
  const r: ExperimentResource = {
    id: 'exp-1',
    name: 'n',
    model: 'm',
    pass_through: true,
    conversation_ids: [...new Set(items.map((i) => i.conversation_id))],
    created_at: '2026-01-01T00:00:00.000Z',
    completed_at: null,
    created_by: 't',
    reasoning_config: null,
    system_prompt_override: null,
    output_schema: null,
    total_items_count: items.length,
    completed_items_count: s.completed,
    status_summary: s,
    metrics: computeMetrics(items),
    metrics_by_model: metricsByModel(items),
    items,
  };
  // As the webview receives it: through JSON.
  return JSON.parse(JSON.stringify(r)) as ExperimentResource;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

test('every Object.prototype name as tool, parameter, label, configuration and id is counted like any other', () => {
  const row = fc.record({ label: name, tool: name, parameter: name, conversation: name, config: name });
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 12 }), (rows) => {
      const items = rows.map((r, i) => item(i + 1, r.conversation, r.config, [annotation(r.label, r.tool, r.parameter, 1)]));
      const metrics = computeMetrics(items);
      // Counts as expected, each one an own property.
      const labels = new Map<string, number>();
      const params = new Map<string, number>();
      for (const r of rows) {
        labels.set(r.label, (labels.get(r.label) ?? 0) + 1);
        params.set(`${r.tool}\u0000${r.parameter}`, (params.get(`${r.tool}\u0000${r.parameter}`) ?? 0) + 1);
      }
      for (const [l, n] of labels) {
        assert.ok(own(metrics.hallucination_labels, l), `label ${l} is an own key`);
        assert.equal(metrics.hallucination_labels[l], n);
      }
      assert.equal(Object.keys(metrics.hallucination_labels).length, labels.size);
      for (const [k, n] of params) {
        const [tool, parameter] = k.split('\u0000') as [string, string];
        assert.ok(own(metrics.parameter_hallucinations, tool) && own(metrics.parameter_hallucinations[tool]!, parameter));
        assert.equal(metrics.parameter_hallucinations[tool]![parameter], n);
      }
      const byModel = metricsByModel(items);
      assert.deepEqual(Object.keys(byModel).sort(), [...new Set(rows.map((r) => r.config))].sort());

      // The webview's views of the same experiment, after the wire.
      const exp = resource(items);
      for (const series of [...labelChartData(exp, false).series, ...labelChartData(exp, true).series])
        for (const v of series.values) assert.equal(typeof v, 'number');
      const heat = paramHeatData(exp.metrics.parameter_hallucinations);
      for (const v of heat.cells.flat()) assert.equal(typeof v, 'number');
      assert.equal(
        heat.cells.flat().reduce((a, b) => a + b, 0),
        rows.length,
      );
      const subjects = allSubjects([exp]);
      for (const s of subjects) assert.equal(typeof s.metrics.total_hallucinations, 'number', `subject ${s.key} has metrics`);
      for (const series of labelComparison(subjects).series) for (const v of series.values) assert.equal(typeof v, 'number');
      const matrix = conversationMatrix(subjects);
      assert.equal(matrix.length, new Set(rows.map((r) => r.conversation)).size);
      for (const r of buildRows(exp, {})) assert.equal(r.conversation, undefined, `no context for ${r.item.conversation_id}`);
      const csv = itemsCsv(exp, {});
      assert.equal(csv.split('\r\n').length, items.length + 2);
      assert.deepEqual(JSON.parse(experimentJson(exp)), exp);
      for (const r of rows) assert.equal(typeof humanizeLabel(r.label), 'string');
      const html = reportHtml(exp, {
        css: '',
        descriptions: labelDescriptions([{ name: 'fabricated_number', description: 'A number nowhere in the context.' }]),
      });
      assert.ok(!/\[native code\]|=> |function /.test(html), 'no function of Object.prototype is shown as a label, description or metric');

      // Nothing reached Object.prototype.
      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
      assert.equal(Object.keys, keysBefore);
      assert.equal(Object.prototype.toString, toStringBefore);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }),
    { numRuns: 150 },
  );
});
