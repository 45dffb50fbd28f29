// The language server's hallucinationLab/estimateExperiment (issue 19 §3), as the form asks it:
// the estimate of a configuration as typed, priced from the settings, in an untrusted workspace
// too (it calls no model and reads no key); field errors for what cannot be estimated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { startServer, type TestServer } from '../support/lspClient';

let server: TestServer;
let root: string;

const conversation = {
  id: 'capital',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: 'The capital of France is Paris.' },
  ],
};

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-estimate-'));
  fs.writeFileSync(path.join(root, 'capital.jsonl'), `${JSON.stringify(conversation)}\n`);
  const settings = P.settingsSchema.parse({ models: [{ model: 'gpt-4.1-mini', input_price_per_1m: 0.4, output_price_per_1m: 1.6 }] });
  server = await startServer(root, { settings, trusted: false });
  await server.connection.sendRequest(P.SetTraceFiles.method, { files: [path.join(root, 'capital.jsonl')] });
});
after(async () => server.stop());

async function estimate(config: unknown) {
  return P.EstimateExperiment.result.parse(await server.connection.sendRequest(P.EstimateExperiment.method, { config }));
}

test('the estimate of a configuration: 22 input and 7 output tokens a request (js-tiktoken), priced from the settings', async () => {
  const r = await estimate({ name: 'e', model: 'gpt-4.1-mini', conversation_ids: ['capital'], num_samples: 3 });
  assert.ok(r.ok, JSON.stringify(r));
  const [c] = r.estimate.configurations;
  assert.deepEqual(
    { requests: c!.requests, input: c!.input_tokens, output: c!.output_tokens, tokenizer: c!.tokenizer },
    { requests: 3, input: 66, output: 21, tokenizer: 'js-tiktoken o200k_base' },
  );
  assert.ok(Math.abs(r.estimate.total_cost_usd! - (66 * 0.4 + 21 * 1.6) / 1e6) < 1e-12);
});

test('what cannot be estimated comes back as field errors', async () => {
  const r = await estimate({ name: 'e', model: 'gpt-4.1-mini', conversation_ids: ['missing'], model_parameters: { top_logprobs: 30 } });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.errors.some((e) => e.path === 'model_parameters.top_logprobs' && /0 to 20/.test(e.message)));
});
