// Issue 14 item 10: a stored API key is bound to the origin it was entered for; a request to any
// other origin (a workspace's `hallucinationLab.models[].baseURL`, a committed experiment) gets
// no key unless the user says yes, and the yes is remembered for that origin only.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { apiKeyStore, type ConfirmNewOrigin } from '../../extension/apiKeys';
import { DEFAULT_BASE_URL, keyDecision, originOf, originsForKeyName, parseStoredKey } from '../../extension/keyOrigin';
import { DEFAULT_BASE_URL as SERVER_DEFAULT_BASE_URL } from '../../server/core/inference/chatClient';

function fakeSecrets(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    get: async (k: string) => map.get(k),
    store: async (k: string, v: string) => void map.set(k, v),
    delete: async (k: string) => void map.delete(k),
  };
}

function recordingConfirm(answer: boolean): ConfirmNewOrigin & { asked: string[] } {
  const asked: string[] = [];
  const fn = (async (_name: string, _origins: string[], target: string) => {
    asked.push(target);
    return answer;
  }) as ConfirmNewOrigin & { asked: string[] };
  fn.asked = asked;
  return fn;
}

describe('API key origins', () => {
  it('an origin is scheme, host and port of the base URL', () => {
    assert.equal(originOf('https://api.openai.com/v1'), 'https://api.openai.com');
    assert.equal(originOf('https://api.openai.com:443/v1'), 'https://api.openai.com');
    assert.equal(originOf('http://localhost:8080/v1?x=1'), 'http://localhost:8080');
    assert.equal(originOf('https://user:pass@evil.example/v1'), 'https://evil.example');
    assert.notEqual(originOf('https://api.openai.com.evil.example/v1'), originOf(DEFAULT_BASE_URL));
    assert.equal(originOf('not a url'), null);
  });

  it('the default endpoint is the server’s', () => {
    assert.equal(DEFAULT_BASE_URL, SERVER_DEFAULT_BASE_URL);
  });

  it('a key goes to the origin it was entered for, and asks for any other', () => {
    const stored = { v: 1 as const, key: 'sk-1', origins: ['https://api.openai.com'] };
    assert.deepEqual(keyDecision(stored, 'https://api.openai.com/v1'), { kind: 'send' });
    assert.deepEqual(keyDecision(stored, 'https://attacker.example/v1'), { kind: 'ask', target: 'https://attacker.example' });
    assert.deepEqual(keyDecision(stored, 'http://api.openai.com/v1'), { kind: 'ask', target: 'http://api.openai.com' });
    assert.deepEqual(keyDecision(stored, 'https://api.openai.com:8443/v1'), { kind: 'ask', target: 'https://api.openai.com:8443' });
    assert.deepEqual(keyDecision(null, 'https://api.openai.com/v1'), { kind: 'none', reason: 'no-key' });
  });

  it('a key stored before binding (a bare string) is bound to nothing: every origin asks', () => {
    const legacy = parseStoredKey('sk-legacy');
    assert.deepEqual(legacy, { v: 1, key: 'sk-legacy', origins: [] });
    assert.equal(keyDecision(legacy, DEFAULT_BASE_URL).kind, 'ask');
  });

  it('a key is entered for the origins the configured models send that key name to', () => {
    const models = [
      { model: 'a' },
      { model: 'b', baseURL: 'http://localhost:9000/v1' },
      { model: 'c', apiKeyName: 'OTHER', baseURL: 'https://other.example/v1' },
    ];
    assert.deepEqual(originsForKeyName('OPENAI_API_KEY', models, 'OPENAI_API_KEY'), ['https://api.openai.com', 'http://localhost:9000']);
    assert.deepEqual(originsForKeyName('OTHER', models, 'OPENAI_API_KEY'), ['https://other.example']);
    assert.deepEqual(originsForKeyName('UNUSED', models, 'OPENAI_API_KEY'), ['https://api.openai.com']);
  });

  it('the store sends no key to another origin when the user says no, and asks once for requests at the same time', async () => {
    const secrets = fakeSecrets();
    const confirm = recordingConfirm(false);
    const keys = apiKeyStore(secrets, confirm);
    await keys.set('OPENAI_API_KEY', 'sk-secret', ['https://api.openai.com']);
    assert.equal(await keys.keyFor('OPENAI_API_KEY', 'https://api.openai.com/v1'), 'sk-secret');
    assert.deepEqual(confirm.asked, []);
    const answers = await Promise.all([1, 2, 3].map(() => keys.keyFor('OPENAI_API_KEY', 'https://attacker.example/v1')));
    assert.deepEqual(answers, [null, null, null]);
    assert.deepEqual(confirm.asked, ['https://attacker.example']);
    assert.ok(![...secrets.map.values()].some((v) => v.includes('attacker')), 'a refused origin is not remembered');
  });

  it('a yes is remembered for that origin only', async () => {
    const secrets = fakeSecrets({ 'hallucinationLab.apiKey.K': 'sk-old' });
    const confirm = recordingConfirm(true);
    const keys = apiKeyStore(secrets, confirm);
    assert.equal(await keys.keyFor('K', 'http://localhost:9000/v1'), 'sk-old');
    assert.equal(await keys.keyFor('K', 'http://localhost:9000/v2'), 'sk-old');
    assert.deepEqual(confirm.asked, ['http://localhost:9000'], 'the same origin is not asked twice');
    await keys.keyFor('K', 'https://elsewhere.example/v1');
    assert.deepEqual(confirm.asked, ['http://localhost:9000', 'https://elsewhere.example']);
    assert.deepEqual(parseStoredKey(secrets.map.get('hallucinationLab.apiKey.K'))?.origins, [
      'http://localhost:9000',
      'https://elsewhere.example',
    ]);
  });
});
