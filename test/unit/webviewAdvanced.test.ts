// The form's "Advanced" fold (issue 19 §4): what is typed becomes the target's model_parameters
// and the sampling mode, validated like the server validates them; a prefill comes back into it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  advancedToParameters,
  configToDraft,
  draftToConfig,
  emptyAdvanced,
  emptyDraft,
  parametersToAdvanced,
  reviveDraft,
  runSizeSummary,
  type FormContext,
} from '../../webview/lib/formModel';
import { validateDraft } from '../../webview/lib/validation';

const ctx: FormContext = { models: [{ model: 'a' }, { model: 'b' }], judgeModel: null };
const draft = { ...emptyDraft(ctx), name: 'x', model: 'a', conversationIds: ['c1'] };

describe('form: Advanced fold', () => {
  it('empty fields send nothing; typed ones become model_parameters', () => {
    assert.equal(advancedToParameters(emptyAdvanced()), undefined);
    assert.equal('model_parameters' in draftToConfig(draft, ctx), false);
    const typed = {
      ...emptyAdvanced(),
      toolChoice: 'function' as const,
      toolFunction: ' get_weather ',
      topP: '0.9',
      seed: '-3',
      stop: 'END\n###',
      logprobs: true,
      topLogprobs: '5',
      user: 'u1',
    };
    assert.deepEqual(advancedToParameters(typed), {
      tool_choice: { function: 'get_weather' },
      top_p: 0.9,
      seed: -3,
      stop: ['END', '###'],
      logprobs: true,
      top_logprobs: 5,
      user: 'u1',
    });
    assert.deepEqual(advancedToParameters({ ...emptyAdvanced(), stop: 'END' }), { stop: 'END' });
    assert.deepEqual(parametersToAdvanced(advancedToParameters(typed)), { ...typed, toolFunction: 'get_weather' });
  });

  it('invalid values are reported on the fold, with the schema’s words', () => {
    const bad = validateDraft({ ...draft, advanced: { ...emptyAdvanced(), topP: '2', topLogprobs: 'many', stop: 'a\nb\nc\nd\ne' } }, ctx);
    assert.equal(bad.valid, false);
    const messages = bad.errors.model_parameters ?? [];
    assert.ok(messages.includes('top_p must be between 0 and 1'), messages.join(' | '));
    assert.ok(messages.includes('top_logprobs: enter a number.'), messages.join(' | '));
    assert.ok(messages.includes('stop allows at most 4 sequences'), messages.join(' | '));
  });

  it('sampling "random": sent, counted as one item per conversation and sample, restored from a prefill and a saved draft', () => {
    const random = { ...draft, extraModels: ['b'], numSamples: '3', sampling: 'random' as const };
    assert.equal(draftToConfig(random, ctx).sampling, 'random');
    assert.equal(runSizeSummary(random, ctx).items, 3);
    assert.equal(runSizeSummary({ ...random, sampling: 'every' }, ctx).items, 6);
    const back = configToDraft({ sampling: 'random', model_parameters: { seed: 9 } }, ctx);
    assert.equal(back.sampling, 'random');
    assert.equal(back.advanced.seed, '9');
    const old = { ...draft } as Record<string, unknown>;
    delete old.advanced;
    delete old.sampling;
    const revived = reviveDraft(old, ctx)!;
    assert.deepEqual(revived.advanced, emptyAdvanced(), 'a draft saved before the fold existed');
    assert.equal(revived.sampling, 'every');
  });
});
