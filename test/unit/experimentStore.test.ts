import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentItem, ExperimentRecord } from '../../common/schema';
import { experimentConfigSchema } from '../../common/schema';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';

const config = experimentConfigSchema.parse({ name: 'n', model: 'traced', pass_through: true, conversation_ids: ['a'] });
const record: ExperimentRecord = {
  id: 'exp-1', name: 'n', model: 'traced', pass_through: true, conversation_ids: ['a'], created_at: new Date(0).toISOString(), completed_at: null,
  created_by: 't', reasoning_config: null, system_prompt_override: null, output_schema: null, config,
};
const item = (status: ExperimentItem['status']): ExperimentItem => ({
  id: '0001', conversation_id: 'a', model_config: 'traced', sample_index: 0, status, failure_reason: null, response_messages: [], annotations: [],
  input_tokens: null, output_tokens: null, reasoning_tokens: null, latency_ms: null, time_to_first_token_ms: null, finish_reason: null, cost_usd: null, started_at: null, completed_at: null,
});
const tmp = () => new ExperimentStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hl-store-')), '.hallucination-lab'));

test('the last snapshot of an item wins on load', () => {
  const store = tmp();
  store.create(record, [], [item('pending')]);
  store.appendItem('exp-1', item('completed'));
  assert.equal(store.load('exp-1').items[0]!.status, 'completed');
});

test('a torn last line (crash mid-write) is dropped with a message, the rest is kept', () => {
  const store = tmp();
  store.create(record, [], [item('pending')]);
  store.appendItem('exp-1', item('completed'));
  store.close();
  fs.appendFileSync(path.join(store.dir('exp-1'), 'items.jsonl'), '{"id":"0001","status":"fai');
  const loaded = store.load('exp-1');
  assert.equal(loaded.items[0]!.status, 'completed');
  assert.match(loaded.warnings.join('\n'), /items\.jsonl:3: incomplete last line/);
});

test('ids that could leave the store are refused', () => {
  const store = tmp();
  for (const bad of ['../x', '/etc', 'a/b', 'x\u0000', '..', '']) assert.throws(() => store.dir(bad), /invalid experiment id/);
});

test('the store ignores itself in git and never holds settings or keys', () => {
  const store = tmp();
  store.create(record, [], [item('pending')]);
  assert.match(fs.readFileSync(path.join(store.root, '.gitignore'), 'utf8'), /^\*$/m);
  assert.deepEqual(fs.readdirSync(store.dir('exp-1')).sort(), ['conversations.jsonl', 'experiment.json', 'items.jsonl']);
});
