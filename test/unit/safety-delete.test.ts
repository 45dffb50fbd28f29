// Issue 14, item 15: deleting an experiment must not follow a symbolic link out of the workspace
// (a cloned repository can commit `.hallucination-lab/experiments` as a link anywhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { TraceIndex } from '../../server/core/traceIndex';

const ID = 'exp-20260101-000000-abcdef';

/** An "experiment" outside the workspace, with a file the user cares about. */
function outside(): { dir: string; precious: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-outside-'));
  fs.mkdirSync(path.join(dir, ID));
  const precious = path.join(dir, ID, 'precious.txt');
  fs.writeFileSync(precious, 'keep me');
  fs.writeFileSync(path.join(dir, ID, 'experiment.json'), '{}');
  return { dir, precious };
}

test('delete refuses a symbolic experiments/ folder and leaves what it points to', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ws-'));
  const root = path.join(ws, '.hallucination-lab');
  fs.mkdirSync(root);
  const target = outside();
  fs.symlinkSync(target.dir, path.join(root, 'experiments'));
  const store = new ExperimentStore(root);
  assert.throws(() => store.delete(ID), /symbolic link/);
  assert.equal(fs.readFileSync(target.precious, 'utf8'), 'keep me');
});

test('delete refuses a symbolic experiment folder and a symbolic store folder', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ws-'));
  const root = path.join(ws, '.hallucination-lab');
  fs.mkdirSync(path.join(root, 'experiments'), { recursive: true });
  const target = outside();
  fs.symlinkSync(path.join(target.dir, ID), path.join(root, 'experiments', ID));
  assert.throws(() => new ExperimentStore(root).delete(ID), /symbolic link/);
  assert.ok(fs.existsSync(path.join(root, 'experiments', ID)), 'the link itself is left for the user to remove');

  const ws2 = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ws-'));
  const storeElsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-store-'));
  fs.mkdirSync(path.join(storeElsewhere, 'experiments', ID), { recursive: true });
  fs.writeFileSync(path.join(storeElsewhere, 'experiments', ID, 'precious.txt'), 'keep me');
  fs.symlinkSync(storeElsewhere, path.join(ws2, '.hallucination-lab'));
  assert.throws(() => new ExperimentStore(path.join(ws2, '.hallucination-lab')).delete(ID), /symbolic link/);
  assert.ok(fs.existsSync(path.join(storeElsewhere, 'experiments', ID, 'precious.txt')));
});

test('the service delete says why and keeps the outside files', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ws-'));
  const root = path.join(ws, '.hallucination-lab');
  fs.mkdirSync(root);
  const target = outside();
  // A real experiment record, so that the service finds it through the link.
  fs.writeFileSync(
    path.join(target.dir, ID, 'experiment.json'),
    JSON.stringify({
      id: ID,
      name: 'n',
      model: 'traced',
      pass_through: true,
      conversation_ids: [],
      created_at: '2026-01-01T00:00:00.000Z',
      completed_at: null,
      created_by: 't',
      reasoning_config: null,
      system_prompt_override: null,
      output_schema: null,
      config: { name: 'n', model: 'traced', pass_through: true, conversation_ids: ['x'] },
    }),
  );
  fs.symlinkSync(target.dir, path.join(root, 'experiments'));
  const svc = new ExperimentService({
    store: new ExperimentStore(root),
    conversations: new TraceIndex(),
    createdBy: 't',
    concurrency: () => 1,
    detectorsFor: () => [],
  });
  assert.throws(() => svc.delete(ID), /symbolic link/);
  assert.equal(fs.readFileSync(target.precious, 'utf8'), 'keep me');
});
