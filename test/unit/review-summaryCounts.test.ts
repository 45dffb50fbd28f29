// The Experiments view's counts after review: the summary an experiment's record carries (what
// `list` and the tree read, without reading verdicts) leaves dismissed annotations out and says how
// many are unreviewed, is written again when a verdict is given, counts carried verdicts, and stays
// right after a resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import type { ExperimentSummary } from '../../common/protocol';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { VERDICTS_FILE } from '../../server/core/review/verdictStore';
import { reviewWorkspace } from '../support/reviewWorkspace';
import { experimentCountsText, itemCountsText, reviewTooltipLine } from '../../extension/experimentCountsText';

async function setup() {
  const changed: ExperimentSummary[] = [];
  const { root, server, run, done } = await reviewWorkspace('hl-review-counts-', (spec, params) => {
    if (spec.method === P.ExperimentChanged.method) {
      const experiment = (params as { experiment: ExperimentSummary | null }).experiment;
      if (experiment) changed.push(experiment);
    }
  });
  const service = () => server.session.requireService();
  const annotations = (id: string) =>
    service()
      .resource(id)
      .items.flatMap((i) => i.annotations);
  /** The summary as another process lists it: from the record's stored summary alone. */
  const stored = (id: string) => new ExperimentStore(path.join(root, '.hallucination-lab')).readSummary(id);
  return {
    root,
    server,
    changed,
    run,
    service,
    annotations,
    stored,
    done,
  };
}

test('a dismissal takes the annotation out of the listed counts and says how many are unreviewed, stored for list', async () => {
  const t = await setup();
  try {
    const id = await t.run('first');
    const all = t.annotations(id);
    assert.ok(all.length >= 2, `the detector finds the planted numbers (${all.length})`);
    const before = t
      .service()
      .list()
      .find((e) => e.id === id)!;
    assert.deepEqual([before.total_hallucinations, before.unreviewed_count, before.dismissed_count], [all.length, all.length, 0]);
    assert.equal(t.stored(id)?.total_hallucinations, all.length);

    t.server.review.setVerdict({
      experiment_id: id,
      annotation_id: all[0]!.id!,
      verdict: 'dismissed',
      comment: 'it says so',
      author: 'ann',
    });
    const told = t.changed.filter((e) => e.id === id).at(-1)!;
    assert.deepEqual([told.total_hallucinations, told.unreviewed_count, told.dismissed_count], [all.length - 1, all.length - 1, 1]);
    const q0 = told.items.find((i) => i.conversation_id === 'q0')!;
    assert.deepEqual([q0.hallucinations, q0.unreviewed], [all.length - 1, all.length - 1]);
    assert.equal(
      experimentCountsText(told),
      `${all.length - 1} hallucination${all.length - 1 === 1 ? '' : 's'} · ${all.length - 1} unreviewed`,
    );
    assert.match(reviewTooltipLine(told)!, /exclude 1 annotation dismissed/);

    // Listed by another process: the stored summary is valid and already has the counts.
    const listed = t.stored(id);
    assert.ok(listed, 'the summary was written again with the verdict');
    assert.deepEqual([listed.total_hallucinations, listed.unreviewed_count, listed.dismissed_count], [all.length - 1, all.length - 1, 1]);
    // A confirmation leaves the count and takes one off the unreviewed.
    t.server.review.setVerdict({ experiment_id: id, annotation_id: all[1]!.id!, verdict: 'confirmed', author: 'ann' });
    assert.deepEqual([t.stored(id)!.total_hallucinations, t.stored(id)!.unreviewed_count], [all.length - 1, all.length - 2]);
    assert.equal(itemCountsText({ hallucinations: 2, unreviewed: 0 }), '2 hallucinations');
  } finally {
    t.done();
  }
});

test('a verdict written behind the summary (by hand, a crash) makes the stored summary out of date, not wrong', async () => {
  const t = await setup();
  try {
    const id = await t.run('first');
    assert.ok(t.stored(id));
    fs.appendFileSync(path.join(t.root, '.hallucination-lab', 'experiments', id, VERDICTS_FILE), '\n');
    assert.equal(t.stored(id), null);
  } finally {
    t.done();
  }
});

test('carried verdicts count in a later experiment, a verdict given afterwards reaches it, and a resume keeps the counts', async () => {
  const t = await setup();
  try {
    const first = await t.run('first');
    const [a0, a1] = t.annotations(first);
    t.server.review.setVerdict({ experiment_id: first, annotation_id: a0!.id!, verdict: 'dismissed', author: 'ann' });
    const second = await t.run('second');
    const n = t.annotations(second).length;
    // Counted when its run ended: the dismissal carried over.
    assert.deepEqual([t.stored(second)?.total_hallucinations, t.stored(second)?.dismissed_count], [n - 1, 1]);

    // A verdict in the earlier experiment carries over to the later one: its stored summary follows, and the editor is told.
    t.changed.length = 0;
    t.server.review.setVerdict({ experiment_id: first, annotation_id: a1!.id!, verdict: 'dismissed', author: 'ann' });
    assert.deepEqual([t.stored(second)?.total_hallucinations, t.stored(second)?.dismissed_count], [n - 2, 2]);
    assert.deepEqual(t.changed.map((e) => e.id).sort(), [first, second].sort());
    assert.equal(t.changed.find((e) => e.id === second)!.total_hallucinations, n - 2);

    // A resume rewrites the summary when its run ends: still with the verdicts.
    t.service().resume(second, false);
    await t.service().whenIdle(second);
    assert.deepEqual([t.stored(second)?.total_hallucinations, t.stored(second)?.dismissed_count], [n - 2, 2]);

    // Deleting the experiment the verdicts were given in takes them out of the later one's counts.
    t.service().delete(first);
    assert.deepEqual([t.stored(second)?.total_hallucinations, t.stored(second)?.dismissed_count], [n, 0]);
    assert.equal(t.service().resource(second).metrics.total_hallucinations, n);
  } finally {
    t.done();
  }
});
