// Compare: subjects (experiments or configurations), metric deltas against a baseline, and per
// conversation which one hallucinated where.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allSubjects,
  conversationMatrix,
  defaultSubjectKeys,
  labelComparison,
  metricRows,
  pickSubjects,
  regressionCounts,
  subjectKey,
} from '../../webview/lib/compare';
import { experimentFixture } from '../webview-harness/fixtures';

const single = experimentFixture({ id: 'one', conversations: 6, configs: ['gpt'], seed: 1 });
const other = experimentFixture({ id: 'two', conversations: 8, configs: ['gpt'], seed: 9, annotations: 5 });
const multi = experimentFixture({ id: 'multi', conversations: 6, configs: ['a', 'b'], seed: 4 });

describe('subjects', () => {
  it('offers each experiment, and each configuration of multi-configuration ones', () => {
    assert.deepEqual(
      allSubjects([single, multi]).map((s) => s.key),
      ['one', 'multi', 'multi::a', 'multi::b'],
    );
    const b = allSubjects([multi]).find((s) => s.key === 'multi::b')!;
    assert.equal(b.items.length, 6);
    assert.equal(b.metrics, multi.metrics_by_model.b);
  });

  it('compares the configurations of a lone multi-configuration experiment by default', () => {
    assert.deepEqual(defaultSubjectKeys([multi]), [subjectKey('multi', 'a'), subjectKey('multi', 'b')]);
    assert.deepEqual(defaultSubjectKeys([single, other]), ['one', 'two']);
    assert.deepEqual(
      pickSubjects(allSubjects([single]), ['nope', 'one']).map((s) => s.key),
      ['one'],
    );
  });
});

describe('metricRows', () => {
  it('gives deltas against the chosen baseline and marks the best', () => {
    const subjects = pickSubjects(allSubjects([single, other]), ['one', 'two']);
    const rows = metricRows(subjects, 0);
    const rate = rows.find((r) => r.def.key === 'hallucination_rate')!;
    assert.equal(rate.deltas[0]!.text, '');
    assert.equal(rate.deltas[1]!.tone, 'better', 'fewer hallucinations than the baseline');
    assert.equal(rate.best, 1);
    const flipped = metricRows(subjects, 1).find((r) => r.def.key === 'hallucination_rate')!;
    assert.equal(flipped.deltas[0]!.tone, 'worse');
  });
});

describe('conversationMatrix', () => {
  const subjects = pickSubjects(allSubjects([single, other]), ['one', 'two']);
  const rows = conversationMatrix(subjects);

  it('has one row per conversation of any subject, in natural order', () => {
    assert.equal(rows.length, 8);
    assert.deepEqual(
      rows.slice(0, 2).map((r) => r.conversationId),
      ['conv-001', 'conv-002'],
    );
  });

  it('counts annotations per subject; absent conversations are null', () => {
    const last = rows.at(-1)!;
    assert.equal(last.cells[0]!.count, null, 'subject one has only 6 conversations');
    const first = rows[0]!;
    const item = single.items.find((i) => i.conversation_id === 'conv-001')!;
    assert.equal(first.cells[0]!.count, item.annotations.length);
    assert.equal(first.cells[0]!.annotations.length, item.annotations.length);
  });

  it('flags disagreement and counts regressions against the baseline', () => {
    for (const r of rows) {
      const known = r.cells.filter((c) => c.count !== null).map((c) => c.count);
      assert.equal(r.differs, new Set(known).size > 1);
    }
    const reg = regressionCounts(rows, 0);
    assert.deepEqual(reg[0], { worse: 0, better: 0 });
    assert.ok(reg[1]!.better >= 0 && reg[1]!.worse >= 0);
    assert.ok(reg[1]!.better > reg[1]!.worse, 'the quieter subject fixes more than it breaks');
  });

  it('lines labels up across subjects', () => {
    const cmp = labelComparison(subjects);
    assert.equal(cmp.series.length, 2);
    assert.ok(cmp.categories.length > 0);
    assert.ok(cmp.series.every((s) => s.values.length === cmp.categories.length));
  });
});
