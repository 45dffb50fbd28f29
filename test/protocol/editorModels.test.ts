// The server's half of the editor's language models (issue 19 §1), over LSP as the extension sees
// it: an experiment whose target is one of the listed editor models makes the server send
// hallucinationLab/editorModelChat (never an HTTP request, never a key request), takes the answer
// and its token counts; Cancel cancels the request in flight ($/cancelRequest reaches the client).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CancellationToken } from 'vscode-languageserver-protocol';
import * as P from '../../common/protocol';
import { editorModelConfig, type EditorChatRequest, type EditorChatResult } from '../../common/editorModels';
import { startServer, until, type TestServer } from '../support/lspClient';
import { createExperiment, qConversation, request, tmpWorkspace, waitIdle, writeJsonl } from './safetyFixtures';

let server: TestServer | null = null;
after(async () => server?.stop().catch(() => undefined));

const echo = editorModelConfig({ vendor: 'hl-test', family: 'hl-fake', name: 'HL Echo', id: 'hl-echo', maxInputTokens: 8000 });

async function start(answer: (req: EditorChatRequest, token: CancellationToken) => Promise<EditorChatResult> | EditorChatResult) {
  const root = tmpWorkspace('hl-editor-models-');
  const trace = writeJsonl(`${root}/traces/q.jsonl`, [qConversation(0), qConversation(1)]);
  server = await startServer(root, { settings: P.settingsSchema.parse({ editorModels: [echo] }) });
  const seen: EditorChatRequest[] = [];
  server.connection.onRequest(P.EditorModelChat.method, (raw: unknown, token: CancellationToken) => {
    const req = P.EditorModelChat.params.parse(raw);
    seen.push(req);
    return answer(req, token);
  });
  await request(server, P.SetTraceFiles, { files: [trace] });
  return { seen, server };
}

describe('editor language models over LSP', () => {
  test('the target runs through hallucinationLab/editorModelChat: answer, tokens, no key asked', async () => {
    const { seen, server: s } = await start((req) => ({
      ok: true,
      text: `Echo of ${req.messages.length} message(s)`,
      toolCalls: [],
      inputTokens: 21,
      outputTokens: 4,
      modelName: 'HL Echo',
    }));
    const exp = await createExperiment(s, { name: 'editor', model: 'hl-echo', pass_through: false, conversation_ids: ['q000', 'q001'] });
    const res = await waitIdle(s, exp.id);
    assert.equal(res.status_summary.completed, 2, JSON.stringify(res.items.map((i) => i.failure_reason)));
    assert.equal(seen.length, 2);
    for (const req of seen) {
      assert.deepEqual(req.model, { id: 'hl-echo', vendor: 'hl-test', family: 'hl-fake' });
      assert.equal(req.userStarted, true, 'an experiment is a run the user started');
      assert.match(req.justification, /Hallucination Lab/);
      assert.equal(req.messages[0]!.role, 'user');
      assert.match(JSON.stringify(req.messages[0]), /Instructions \(system message\):\\nYou answer questions about cities/);
    }
    for (const item of res.items) {
      assert.equal(item.input_tokens, 21);
      assert.equal(item.output_tokens, 4);
      assert.equal(item.cost_usd, null);
      assert.match(JSON.stringify(item.response_messages), /Echo of 1 message/);
    }
    assert.deepEqual(s.keyRequests, [], 'no API key was asked for');
    await s.stop();
    server = null;
  });

  test('Cancel cancels the request in flight: the client sees the cancellation', async () => {
    let cancelled = 0;
    const { seen, server: s } = await start(
      (_req, token) =>
        new Promise<EditorChatResult>((resolve) => {
          token.onCancellationRequested(() => {
            cancelled += 1;
            resolve({ ok: false, code: 'cancelled', message: 'cancelled' });
          });
        }),
    );
    const exp = await createExperiment(s, { name: 'cancel', model: 'hl-echo', pass_through: false, conversation_ids: ['q000'] });
    await until('the request to reach the client', () => seen.length === 1, 10_000);
    await request(s, P.CancelExperiment, { id: exp.id });
    await until('the client to see the cancellation', () => cancelled === 1, 10_000);
    const res = await waitIdle(s, exp.id);
    assert.notEqual(res.items[0]!.status, 'completed');
    await s.stop();
    server = null;
  });
});
