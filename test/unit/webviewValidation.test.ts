// The experiment form's logic: draft → configuration, validation mapped onto fields (with the
// same schema as the server), server errors brought back, output-schema rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addOutputField,
  configToDraft,
  CUSTOM_JUDGE,
  draftToConfig,
  emptyDraft,
  moveOutputField,
  parseWholeNumber,
  removeOutputField,
  reviveDraft,
  runSizeSummary,
  updateOutputField,
  type FormContext,
  type FormDraft,
} from '../../webview/lib/formModel';
import {
  clearServerErrors,
  fieldKeyOf,
  fieldTitle,
  parseErrorPath,
  serverErrorsToFieldErrors,
  validateDraft,
  visibleErrors,
} from '../../webview/lib/validation';

const ctx: FormContext = {
  models: [{ id: 'big', model: 'gpt-4.1', input_price_per_1m: 2 }, { model: 'gpt-4.1-mini' }],
  judgeModel: { model: 'judge-1' },
};

function validDraft(patch: Partial<FormDraft> = {}): FormDraft {
  return { ...emptyDraft(ctx), name: 'run 1', model: 'gpt-4.1', conversationIds: ['c1', 'c2'], ...patch };
}

describe('draftToConfig', () => {
  it('builds the minimal configuration', () => {
    assert.deepEqual(draftToConfig(validDraft(), ctx), {
      name: 'run 1',
      model: 'gpt-4.1',
      pass_through: false,
      conversation_ids: ['c1', 'c2'],
      num_samples: 1,
      detectors: ['local'],
    });
  });

  it('maps reasoning modes to the two shapes of reasoning_config', () => {
    assert.deepEqual(draftToConfig(validDraft({ reasoningMode: 'effort', effort: 'high' }), ctx).reasoning_config, { effort: 'high' });
    assert.deepEqual(draftToConfig(validDraft({ reasoningMode: 'budget', budgetTokens: '2048' }), ctx).reasoning_config, {
      budget_tokens: 2048,
    });
    assert.equal(draftToConfig(validDraft({ reasoningMode: 'none', budgetTokens: '5' }), ctx).reasoning_config, undefined);
  });

  it('sends extra configurations as model configs, leaving out the target itself', () => {
    const config = draftToConfig(validDraft({ model: 'gpt-4.1-mini', extraModels: ['big', 'gpt-4.1-mini'] }), ctx);
    assert.deepEqual(config.models, [{ id: 'big', model: 'gpt-4.1', input_price_per_1m: 2 }]);
  });

  it('drops inference-only settings in pass-through', () => {
    const config = draftToConfig(
      validDraft({ pass_through: true, extraModels: ['big'], reasoningMode: 'effort', overrideSystemPrompt: true, systemPrompt: 'x' }),
      ctx,
    );
    assert.equal(config.models, undefined);
    assert.equal(config.reasoning_config, undefined);
    assert.equal(config.system_prompt_override, undefined);
  });

  it('resolves the judge: default (omitted), configured, or a custom model name', () => {
    assert.equal(draftToConfig(validDraft({ detectors: ['judge'] }), ctx).judge_model, undefined);
    assert.deepEqual(draftToConfig(validDraft({ detectors: ['judge'], judgeModel: 'gpt-4.1-mini' }), ctx).judge_model, {
      model: 'gpt-4.1-mini',
    });
    assert.deepEqual(
      draftToConfig(validDraft({ detectors: ['judge'], judgeModel: CUSTOM_JUDGE, judgeCustomModel: ' claude ' }), ctx).judge_model,
      { model: 'claude' },
    );
    assert.equal(draftToConfig(validDraft({ detectors: ['local'], judgeModel: 'gpt-4.1-mini' }), ctx).judge_model, undefined);
  });

  it('keeps the output schema rows in order, without their keys', () => {
    const fields = [
      { key: 'a', name: ' answer ', type: 'string' as const, is_list: false, is_optional: false },
      { key: 'b', name: 'sources', type: 'string' as const, is_list: true, is_optional: true },
    ];
    assert.deepEqual(draftToConfig(validDraft({ useOutputSchema: true, outputSchema: fields }), ctx).output_schema, [
      { name: 'answer', type: 'string', is_list: false, is_optional: false },
      { name: 'sources', type: 'string', is_list: true, is_optional: true },
    ]);
    assert.equal(draftToConfig(validDraft({ useOutputSchema: false, outputSchema: fields }), ctx).output_schema, undefined);
  });

  it('parses only whole numbers', () => {
    assert.equal(parseWholeNumber(' 12 '), 12);
    for (const bad of ['', '1.5', '1e3', '-2', 'abc']) assert.ok(Number.isNaN(parseWholeNumber(bad)), bad);
  });
});

describe('validateDraft', () => {
  it('accepts a valid draft and returns the parsed configuration', () => {
    const v = validateDraft(validDraft(), ctx);
    assert.equal(v.valid, true);
    assert.deepEqual(v.errors, {});
    assert.equal(v.config?.num_samples, 1);
  });

  it('puts each schema error beside its field', () => {
    const v = validateDraft(validDraft({ name: '  ', model: '', conversationIds: [], numSamples: '11', detectors: [] }), ctx);
    assert.equal(v.valid, false);
    assert.deepEqual(Object.keys(v.errors).sort(), ['conversation_ids', 'detectors', 'model', 'name', 'num_samples']);
    assert.deepEqual(v.errors.name, ['name must not be empty']);
    assert.deepEqual(v.errors.conversation_ids, ['Select at least 1 conversation.']);
    assert.deepEqual(v.errors.num_samples, ['Enter a whole number of samples from 1 to 10.']);
  });

  it('enforces the 100-conversation limit and rejects duplicates', () => {
    const many = Array.from({ length: 101 }, (_, i) => `c${i}`);
    assert.deepEqual(validateDraft(validDraft({ conversationIds: many }), ctx).errors.conversation_ids, [
      'Select at most 100 conversations.',
    ]);
    assert.deepEqual(validateDraft(validDraft({ conversationIds: ['a', 'a'] }), ctx).errors.conversation_ids, [
      'conversation_ids has duplicates',
    ]);
  });

  it('reports a bad token budget on reasoning_config (the union branch that was meant)', () => {
    const v = validateDraft(validDraft({ reasoningMode: 'budget', budgetTokens: 'lots' }), ctx);
    assert.deepEqual(v.errors.reasoning_config, ['Enter a positive whole number of tokens.']);
  });

  it('reports output-field errors on their rows, duplicates on the repeated row', () => {
    const fields = [
      { key: 'a', name: 'answer', type: 'string' as const, is_list: false, is_optional: false },
      { key: 'b', name: '2nd', type: 'string' as const, is_list: false, is_optional: false },
      { key: 'c', name: 'answer', type: 'number' as const, is_list: false, is_optional: false },
    ];
    const v = validateDraft(validDraft({ useOutputSchema: true, outputSchema: fields }), ctx);
    assert.deepEqual(v.errors['output_schema.1.name'], ['Use letters, digits and _ (not starting with a digit).']);
    assert.deepEqual(v.errors['output_schema.2.name'], ['"answer" is already a field.']);
    assert.equal(v.errors.output_schema, undefined);
  });

  it('asks for a judge model when none is configured', () => {
    const v = validateDraft(validDraft({ detectors: ['judge'] }), { ...ctx, judgeModel: null });
    assert.deepEqual(v.errors.judge_model, ['No judge model in settings: choose one.']);
    const custom = validateDraft(validDraft({ detectors: ['judge'], judgeModel: CUSTOM_JUDGE, judgeCustomModel: '' }), ctx);
    assert.deepEqual(custom.errors.judge_model, ['Enter the judge model.']);
  });

  it('requires text when the system prompt override is on, and a field when the schema is on', () => {
    assert.ok(validateDraft(validDraft({ overrideSystemPrompt: true, systemPrompt: ' ' }), ctx).errors.system_prompt_override);
    assert.ok(validateDraft(validDraft({ useOutputSchema: true, outputSchema: [] }), ctx).errors.output_schema);
  });
});

describe('error paths and visibility', () => {
  it('parses the path notations servers use', () => {
    assert.deepEqual(parseErrorPath('output_schema[1].name'), ['output_schema', 1, 'name']);
    assert.deepEqual(parseErrorPath('output_schema.1.name'), ['output_schema', 1, 'name']);
    assert.deepEqual(parseErrorPath('/reasoning_config/budget_tokens'), ['reasoning_config', 'budget_tokens']);
    assert.deepEqual(parseErrorPath('(root)'), []);
  });

  it('maps paths to field keys, unknown ones to the form', () => {
    assert.equal(fieldKeyOf(['conversation_ids', 3]), 'conversation_ids');
    assert.equal(fieldKeyOf(['output_schema', 2, 'type']), 'output_schema.2.type');
    assert.equal(fieldKeyOf(['output_schema', 2]), 'output_schema.2.name');
    assert.equal(fieldKeyOf(['judge_model', 'baseURL']), 'judge_model');
    assert.equal(fieldKeyOf(['mystery']), 'form');
    assert.equal(fieldKeyOf([]), 'form');
  });

  it('brings server errors back to their fields', () => {
    const errors = serverErrorsToFieldErrors([
      { path: 'name', message: 'taken' },
      { path: 'output_schema[0].name', message: 'reserved' },
      { path: '', message: 'server busy' },
    ]);
    assert.deepEqual(errors, { name: ['taken'], 'output_schema.0.name': ['reserved'], form: ['server busy'] });
  });

  it('shows local errors only for touched fields (or all after a reveal); server errors always', () => {
    const local = { name: ['empty'], model: ['empty'], 'output_schema.0.name': ['bad'] };
    const server = { label_set: ['not found'] };
    assert.deepEqual(Object.keys(visibleErrors(local, server, new Set(['name']), false)).sort(), ['label_set', 'name']);
    assert.deepEqual(Object.keys(visibleErrors(local, server, new Set(['output_schema']), false)).sort(), [
      'label_set',
      'output_schema.0.name',
    ]);
    assert.deepEqual(Object.keys(visibleErrors(local, {}, new Set(), true)).sort(), ['model', 'name', 'output_schema.0.name']);
  });

  it('drops a server error once its field is edited', () => {
    const server = { name: ['taken'], 'output_schema.1.name': ['reserved'], model: ['unknown'], form: ['x'] };
    assert.deepEqual(clearServerErrors(server, ['output_schema']), { name: ['taken'], model: ['unknown'] });
  });

  it('names fields for the footer summary', () => {
    assert.equal(fieldTitle('conversation_ids'), 'Conversations');
    assert.equal(fieldTitle('output_schema.0.name'), 'Output field 1');
  });
});

describe('prefill and saved drafts', () => {
  it('turns a (partial) configuration into a draft and back', () => {
    const prefill = {
      name: 'again',
      model: 'gpt-4.1-mini',
      conversation_ids: ['x', 'y', 'x'],
      reasoning_config: { budget_tokens: 512 },
      system_prompt_override: 'Be brief.',
      output_schema: [{ name: 'answer', type: 'string' as const }],
      models: [{ id: 'big', model: 'gpt-4.1' }],
      num_samples: 3,
      detectors: ['local' as const, 'judge' as const],
      judge_model: { model: 'someone-else' },
      label_set: 'labels.json',
    };
    const draft = configToDraft(prefill, ctx);
    assert.deepEqual(draft.conversationIds, ['x', 'y']);
    assert.equal(draft.reasoningMode, 'budget');
    assert.equal(draft.extraModels[0], 'big');
    assert.equal(draft.judgeModel, CUSTOM_JUDGE);
    const config = draftToConfig(draft, ctx);
    assert.deepEqual(config.reasoning_config, { budget_tokens: 512 });
    assert.equal(config.system_prompt_override, 'Be brief.');
    assert.deepEqual(config.judge_model, { model: 'someone-else' });
    assert.equal(config.num_samples, 3);
    assert.equal(validateDraft(draft, ctx).valid, true);
  });

  it('ignores garbage in a prefill', () => {
    const draft = configToDraft(
      { conversation_ids: [1, null, 'ok'] as never, detectors: ['nope'] as never, reasoning_config: 'x' as never },
      ctx,
    );
    assert.deepEqual(draft.conversationIds, ['ok']);
    assert.deepEqual(draft.detectors, ['local']);
    assert.equal(draft.reasoningMode, 'none');
  });

  it('revives a saved draft and refuses unknown shapes', () => {
    const saved = JSON.parse(
      JSON.stringify(validDraft({ outputSchema: [{ key: '', name: 'a', type: 'string', is_list: false, is_optional: false }] })),
    );
    const revived = reviveDraft(saved, ctx)!;
    assert.equal(revived.name, 'run 1');
    assert.ok(revived.outputSchema[0]!.key.length > 0);
    assert.equal(reviveDraft({ version: 2 }), null);
    assert.equal(reviveDraft(null), null);
  });
});

describe('output schema rows', () => {
  it('adds, updates, moves and removes rows by key', () => {
    let rows = addOutputField(addOutputField(addOutputField([])));
    const [a, b, c] = rows.map((r) => r.key);
    rows = updateOutputField(rows, b!, { name: 'second', is_list: true });
    rows = moveOutputField(rows, c!, -2);
    assert.deepEqual(
      rows.map((r) => r.key),
      [c, a, b],
    );
    rows = moveOutputField(rows, c!, -1);
    assert.deepEqual(
      rows.map((r) => r.key),
      [c, a, b],
      'clamped at the top',
    );
    rows = removeOutputField(rows, a!);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['', 'second'],
    );
    assert.equal(rows[1]!.is_list, true);
  });
});

describe('runSizeSummary', () => {
  it('multiplies conversations, configurations and samples', () => {
    assert.equal(
      runSizeSummary(validDraft({ extraModels: ['gpt-4.1-mini'], numSamples: '3' }), ctx).text,
      '2 conversations × 2 configurations × 3 samples = 12 items',
    );
    assert.equal(runSizeSummary(validDraft({ conversationIds: ['a'] }), ctx).text, '1 item');
    assert.equal(runSizeSummary(validDraft({ pass_through: true, extraModels: ['gpt-4.1-mini'] }), ctx).items, 2);
  });
});
