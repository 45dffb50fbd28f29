// The form's tags field and the report's review card: tags typed comma-separated become the
// configuration's tags (and back); the card says how many are unreviewed and that dismissed ones
// are left out of the counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, ExperimentResource } from '../../common/schema';
import { experimentConfigSchema } from '../../common/schema';
import { configToDraft, draftToConfig, emptyDraft } from '../../webview/lib/formModel';
import { tagsOf } from '../../webview/lib/tagsText';
import { reviewCard } from '../../webview/lib/metricCardsView';
import { textOf, toHtml } from '../../webview/lib/vnode';

test('tags: comma-separated in the form, a list in the configuration, and back', () => {
  assert.deepEqual(tagsOf(' baseline, judge v3 ,, '), ['baseline', 'judge v3']);
  const ctx = { models: [], judgeModel: null };
  const draft = { ...emptyDraft(ctx), name: 'n', model: 'm', conversationIds: ['a'], tags: 'baseline, v2' };
  const config = draftToConfig(draft, ctx);
  assert.deepEqual(config.tags, ['baseline', 'v2']);
  assert.equal(experimentConfigSchema.safeParse(config).success, true);
  assert.equal(draftToConfig({ ...draft, tags: ' , ' }, ctx).tags, undefined, 'no tag typed: none sent');
  assert.equal(configToDraft({ tags: ['a', 'b'] }, ctx).tags, 'a, b');
});

test('review card: unreviewed count, dismissed left out of the counts, figures in the tooltip; none before review figures exist', () => {
  const a = (review?: 'dismissed' | 'confirmed') =>
    ({ label: 'l', detector: 'local', ...(review ? { review: { verdict: review, author: 'x', at: '' } } : {}) }) as Annotation;
  const experiment = {
    items: [{ status: 'completed', annotations: [a('dismissed'), a('confirmed'), a(), a()] }],
    unreviewed_count: 2,
    feedback_scores: [{ name: 'precision/local', value: 0.5, reason: '1 of 2 reviewed local annotations confirmed' }],
  } as unknown as ExperimentResource;
  const card = reviewCard(experiment)!;
  assert.match(textOf(card), /Unreviewed\s*2\s*1 dismissed, excluded from counts/);
  assert.match(toHtml(card), /precision\/local 0\.500 — 1 of 2 reviewed local annotations confirmed/);
  assert.equal(reviewCard({ ...experiment, unreviewed_count: undefined } as ExperimentResource), null);
});
