// The extension's one reading of the `hallucinationLab.*` settings (extension/settingsParse.ts):
// what the server, the form and the commands get when some values are wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSettings } from '../../extension/settingsParse';

describe('extension settings', () => {
  it('valid settings pass unchanged, with no warning', () => {
    const warnings: string[] = [];
    const s = parseSettings({ models: [{ model: 'gpt-4.1', baseURL: 'http://localhost:9/v1' }], concurrency: 3 }, (m) => warnings.push(m));
    assert.deepEqual(s.models, [{ model: 'gpt-4.1', baseURL: 'http://localhost:9/v1' }]);
    assert.equal(s.concurrency, 3);
    assert.deepEqual(warnings, []);
  });

  it('a wrong field falls back to its default and the others are kept, with one warning naming it', () => {
    const warnings: string[] = [];
    const s = parseSettings({ concurrency: 0, maxRetries: 2, requestTimeoutMs: 'soon' }, (m) => warnings.push(m));
    assert.equal(s.concurrency, 8);
    assert.equal(s.requestTimeoutMs, 60_000);
    assert.equal(s.maxRetries, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /concurrency/);
    assert.match(warnings[0]!, /requestTimeoutMs/);
  });

  it('one wrong model entry does not hide the valid ones (the form, the server and the key prompt see the same list)', () => {
    const s = parseSettings(
      { models: [{ model: 'ok-1' }, { model: '' }, { model: 'ok-2', baseURL: 'not a url' }, { model: 'ok-3', apiKeyName: 'K' }] },
      () => undefined,
    );
    assert.deepEqual(
      s.models.map((m) => m.model),
      ['ok-1', 'ok-3'],
    );
  });
});
