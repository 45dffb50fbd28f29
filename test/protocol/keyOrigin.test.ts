// Issue 14 item 10, the server's half: when it asks the editor for a key it says where the key is
// about to go (the base URL of the model or the judge), so the editor can hold back a key that was
// entered for another origin (extension/keyOrigin.ts). With no key given, nothing is sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import * as P from '../../common/protocol';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';
import { startServer, type TestServer } from '../support/lspClient';
import {
  conversationOf,
  createExperiment,
  modelOf,
  qConversation,
  request,
  scriptedAnswer,
  tmpWorkspace,
  waitIdle,
  writeJsonl,
} from './safetyFixtures';

const KEY = 'hlk-origin-5c2e9b7a10';
let mock: MockServer;
let server: TestServer | null = null;

before(async () => {
  mock = await startMockOpenAI({
    apiKey: KEY,
    script: (req) => {
      if (modelOf(req) === 'judge-model') return { kind: 'ok', content: '{"annotations": []}' };
      const c = conversationOf(req);
      return c ? scriptedAnswer(c) : undefined;
    },
  });
});
after(async () => {
  await server?.stop().catch(() => undefined);
  await mock.close();
});

describe('API key requests name their destination', () => {
  test('GetApiKey carries the base URL of the model and of the judge the key is for', async () => {
    const root = tmpWorkspace('hl-key-origin-');
    const trace = writeJsonl(`${root}/traces/q.jsonl`, [qConversation(0), qConversation(1)]);
    const settings = P.settingsSchema.parse({
      models: [{ model: 'target-model', baseURL: mock.url, apiKeyName: 'TARGET_KEY' }],
      judgeModel: { model: 'judge-model', baseURL: mock.url, apiKeyName: 'JUDGE_KEY' },
    });
    server = await startServer(root, { settings });
    const asked: Array<z.infer<typeof P.GetApiKey.params>> = [];
    // The test's own answer to the request (it replaces the support client's): a key per name, and what was asked.
    server.connection.onRequest(P.GetApiKey.method, (raw: unknown) => {
      asked.push(P.GetApiKey.params.parse(raw));
      return { key: KEY };
    });
    await request(server, P.SetTraceFiles, { files: [trace] });
    const exp = await createExperiment(server, {
      name: 'origins',
      model: 'target-model',
      pass_through: false,
      conversation_ids: ['q000', 'q001'],
      detectors: ['local', 'judge'],
    });
    const res = await waitIdle(server, exp.id);
    assert.equal(res.status_summary.completed, 2, JSON.stringify(res.items.map((i) => i.failure_reason)));
    const byName = new Map(asked.map((a) => [a.name, a.baseURL]));
    assert.equal(byName.get('TARGET_KEY'), mock.url);
    assert.equal(byName.get('JUDGE_KEY'), mock.url);
    assert.ok(
      asked.every((a) => a.baseURL === mock.url),
      JSON.stringify(asked),
    );
  });
});
