import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentItem, ExperimentRecord } from '../../common/schema';
import { experimentConfigSchema } from '../../common/schema';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { TraceIndex } from '../../server/core/traceIndex';
import { pendingItem } from '../../server/core/experiments/experimentItems';

const config = experimentConfigSchema.parse({ name: 'n', model: 'traced', pass_through: true, conversation_ids: ['a'] });
const record: ExperimentRecord = {
  id: 'exp-1',
  name: 'n',
  model: 'traced',
  pass_through: true,
  conversation_ids: ['a'],
  created_at: new Date(0).toISOString(),
  completed_at: null,
  created_by: 't',
  reasoning_config: null,
  system_prompt_override: null,
  output_schema: null,
  config,
};
const item = (status: ExperimentItem['status']): ExperimentItem => ({ ...pendingItem('0001', 'a', 'traced', 0), status });
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

// ---- summaries: listing reads a small file per experiment, items only when one is opened (issue 15) ----

test('list reads the summary each experiment.json carries, not the items; opening one loads it; a summary out of date is not used', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-summary-'));
  const index = new TraceIndex();
  const lines = ['a', 'b'].map((id) => ({
    id,
    messages: [
      { role: 'user', content: `q ${id}` },
      { role: 'assistant', content: 'It is 42.' },
    ],
  }));
  index.update(path.join(dir, 't.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  class CountingStore extends ExperimentStore {
    loads = 0;
    override load(id: string) {
      this.loads++;
      return super.load(id);
    }
  }
  const store = new CountingStore(path.join(dir, '.hallucination-lab'));
  const make = () =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 't',
      concurrency: () => 2,
      detectorsFor: () => [{ name: 'none', detect: () => [] }],
    });
  const first = make();
  const ids: string[] = [];
  for (const name of ['one', 'two', 'three']) {
    const r = first.create({ name, model: 'traced', pass_through: true, conversation_ids: ['a', 'b'] });
    assert.ok(r.ok);
    ids.push(r.ok ? r.experiment.id : '');
    await first.whenIdle(ids.at(-1)!);
  }
  const expected = first.list();
  first.dispose();

  const second = make();
  store.loads = 0;
  assert.deepEqual(second.list(), expected, 'the same summaries');
  assert.equal(store.loads, 0, 'no experiment was loaded to list them');
  assert.equal(second.resource(ids[0]!).items.length, 2);
  assert.equal(store.loads, 1, 'opening one loads that one');

  // Another process appends to an experiment's items: its summary no longer matches; the list reads it.
  const itemsFile = path.join(store.dir(ids[1]!), 'items.jsonl');
  const last = JSON.parse(fs.readFileSync(itemsFile, 'utf8').trim().split('\n').at(-1)!);
  fs.appendFileSync(itemsFile, JSON.stringify({ ...last, status: 'failed', failure_reason: 'elsewhere' }) + '\n');
  const third = make();
  store.loads = 0;
  assert.equal(third.list().find((e) => e.id === ids[1])?.status_summary.failed, 1);
  assert.equal(store.loads, 1, 'only the changed experiment was read');
  third.list();
  assert.equal(store.loads, 1, 'listing again with nothing changed reads nothing (the server lists on every progress event)');
  // Its next run writes the summary again.
  third.resume(ids[1]!, true);
  await third.whenIdle(ids[1]!);
  third.dispose();
  store.loads = 0;
  assert.equal(
    make()
      .list()
      .find((e) => e.id === ids[1])?.status_summary.completed,
    2,
  );
  assert.equal(store.loads, 0, 'listed from its summary again');
});
