// Keys and URL credentials never reach what is shown or stored (issue 14, items 8 and 9): the key
// is redacted on the whole error text before it is cut, in its base64 forms too, and in answers
// that succeeded; credentials written into a base URL are removed from messages and from URLs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'openai';
import type { Conversation, ExperimentConfig } from '../../common/schema';
import { redactKey, redactUrlCredentials, stripUrlCredentials } from '../../server/core/inference/redact';
import { createInferenceSource } from '../../server/core/inference/responseSource';
import { classifyError } from '../../server/core/inference/retry';
import { type MockServer, type Script, startMockOpenAI } from '../support/mockOpenAIServer';

const KEY = 'sk-proj-SUPERSECRET-abcdef0123456789';

function http401(message: string): APIError {
  return APIError.generate(401, { error: { message } }, undefined, new Headers());
}

describe('the key in error messages', () => {
  it('is redacted before the message is cut, wherever the key sits near the cut', () => {
    for (let at = 380; at <= 420; at++) {
      const e = classifyError(http401(`${'x'.repeat(at)}${KEY} trailing`), { apiKey: KEY });
      assert.ok(!e.message.includes(KEY.slice(0, 12)), `no part of the key at ${at}: ${e.message.slice(-80)}`);
      assert.ok(!e.message.includes(KEY.slice(-12)), `no end of the key at ${at}`);
    }
  });

  it('is redacted in its base64 forms, at every alignment inside an encoded text', () => {
    for (const prefix of ['', 'a', 'ab', 'user:', 'Basic x:']) {
      const encoded = Buffer.from(`${prefix}${KEY}`).toString('base64');
      const message = classifyError(http401(`bad credentials ${encoded}`), { apiKey: KEY }).message;
      // Decoding what is left must not give back the key, nor most of it.
      const left = /credentials (\S+)/.exec(message)?.[1] ?? '';
      for (const piece of left.split('[redacted]')) {
        const decoded = Buffer.from(piece, 'base64').toString('latin1');
        assert.ok(!decoded.includes(KEY.slice(4, 16)), `prefix ${JSON.stringify(prefix)}: "${piece}" decodes to part of the key`);
      }
      assert.match(message, /\[redacted\]/);
    }
    assert.equal(redactKey(`x ${Buffer.from(KEY).toString('base64url')} y`, KEY), 'x [redacted] y');
  });
});

describe('URL credentials', () => {
  it('are removed from messages and from stored URLs', () => {
    const text = 'connection error: request to https://alice:hunter2@llm.example.com/v1/chat?token=tok123&x=1 failed';
    const out = redactUrlCredentials(text);
    assert.ok(!out.includes('hunter2') && !out.includes('alice') && !out.includes('tok123'), out);
    assert.ok(out.includes('llm.example.com/v1/chat') && out.includes('x=1'));
    assert.equal(
      stripUrlCredentials('https://alice:hunter2@llm.example.com/v1?api_key=k&region=eu'),
      'https://llm.example.com/v1?region=eu',
    );
    assert.equal(stripUrlCredentials('http://localhost:8080/v1'), 'http://localhost:8080/v1', 'unchanged when there is nothing to remove');
  });

  it('are removed from inference failures', () => {
    const e = classifyError(
      Object.assign(new Error('fetch failed'), {
        cause: new Error('getaddrinfo ENOTFOUND https://bob:pw123@nowhere.invalid/v1?access_token=abc'),
      }),
      {},
    );
    assert.ok(!e.message.includes('pw123') && !e.message.includes('abc'), e.message);
  });
});

describe('the key in answers that succeeded', () => {
  let server: MockServer;
  let script: Script | undefined;
  before(async () => {
    server = await startMockOpenAI({ script: (req, n) => script?.(req, n) });
  });
  after(() => server.close());

  const conversation: Conversation = {
    id: 'c1',
    file: 't.jsonl',
    line: 0,
    position: 0,
    sourcePath: [],
    messages: [
      { role: 'user', content: 'What is my key?' },
      { role: 'assistant', content: 'no' },
    ],
    tools: [],
  };
  const config = {
    name: 'x',
    model: 'm',
    pass_through: false,
    conversation_ids: ['c1'],
    num_samples: 1,
    detectors: ['local'],
  } as ExperimentConfig;

  it('is removed from the content before it is stored or judged', async () => {
    script = () => ({ kind: 'ok', content: `Your key is ${KEY}, encoded ${Buffer.from(KEY).toString('base64')}.` });
    const source = createInferenceSource({ model: { model: 'm', baseURL: server.url }, apiKey: KEY, timeoutMs: 5000, maxRetries: 0 });
    const r = await source({ conversation, responseIndex: 1, config, signal: new AbortController().signal });
    const text = JSON.stringify(r);
    assert.ok(!text.includes(KEY), text);
    assert.ok(!text.includes(Buffer.from(KEY).toString('base64').slice(0, 16)), text);
    assert.match(String(r.message.content), /Your key is \[redacted\]/);
  });
});
