// The form's Batch checkbox: on, the configuration carries batch.enabled (in pass-through too:
// the judge pass); off, no batch field; a prefill with batch.enabled comes back checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentConfigSchema } from '../../common/schema';
import { configToDraft, draftToConfig, emptyDraft, reviveDraft, type FormContext } from '../../webview/lib/formModel';

const ctx: FormContext = { models: [{ model: 'a' }], judgeModel: null };
const draft = { ...emptyDraft(ctx), name: 'x', model: 'a', conversationIds: ['c1'] };

test('the Batch checkbox becomes batch.enabled, with the schema defaults', () => {
  assert.equal('batch' in draftToConfig(draft, ctx), false);
  const on = draftToConfig({ ...draft, batch: true }, ctx);
  assert.deepEqual(on.batch, { enabled: true });
  assert.deepEqual(experimentConfigSchema.parse(on).batch, { enabled: true, min_requests: 20, discount: 0.5, poll_interval_ms: 30_000 });
  assert.deepEqual(draftToConfig({ ...draft, pass_through: true, batch: true }, ctx).batch, { enabled: true }, 'the judge pass');
});

test('a prefill or a saved draft with the batch on comes back checked', () => {
  assert.equal(configToDraft({ name: 'p', model: 'a', batch: { enabled: true } }, ctx).batch, true);
  assert.notEqual(configToDraft({ name: 'p', model: 'a' }, ctx).batch, true);
  assert.equal(reviveDraft({ ...draft, batch: true }, ctx)?.batch, true);
});
