// Tags, metadata and comments on an experiment: set at create, changed by UpdateExperimentInfo
// (the request handler over the whole server, as serverModules.test.ts drives it), stored in
// info.json replaced whole, shown on the resource; a broken info.json is said, not fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { experimentConfigSchema } from '../../common/schema';
import { INFO_FILE } from '../../server/core/experiments/experimentInfo';
import { buildServer } from '../../server/modules';

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-info-'));
  const file = path.join(root, 'q.jsonl');
  fs.writeFileSync(
    file,
    JSON.stringify({
      id: 'q0',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Paris has 1000 bridges.' },
      ],
    }) + '\n',
  );
  const warnings: string[] = [];
  const server = buildServer(
    P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }),
    {
      notify: () => undefined,
      sendDiagnostics: () => undefined,
      askKey: async () => null,
      log: () => undefined,
      warn: (m) => warnings.push(m),
    },
    { get: () => undefined },
  );
  server.requests.setTraceFiles({ files: [file] });
  return { root, server, warnings };
}

test('tags and metadata from the configuration; replaced and commented by UpdateExperimentInfo; on the resource', async () => {
  const { root, server, warnings } = setup();
  const { requests } = server;
  const created = requests.createExperiment({
    config: {
      name: 'tagged',
      model: 'traced',
      pass_through: true,
      conversation_ids: ['q0'],
      tags: ['baseline', 'baseline', ' v2 '],
      metadata: { prompt: 'p1' },
    },
  });
  assert.ok(created.ok);
  const id = created.experiment.id;
  await server.session.requireService().whenIdle(id);
  let r = requests.getExperiment({ id });
  assert.deepEqual([r.tags, r.metadata, r.comments], [['baseline', 'v2'], { prompt: 'p1' }, []], 'tags trimmed, each once');

  const after = P.UpdateExperimentInfo.result.parse(
    requests.updateExperimentInfo({ id, tags: ['judge-v3'], comment: 'judge prompt v3', author: 'ann' }),
  );
  assert.deepEqual(after.tags, ['judge-v3']);
  assert.deepEqual(after.metadata, { prompt: 'p1' }, 'metadata kept when not given');
  assert.deepEqual(
    after.comments.map((c) => [c.text, c.author]),
    [['judge prompt v3', 'ann']],
  );
  requests.updateExperimentInfo({ id, metadata: { prompt: 'p2', owner: 'ann' } });
  r = requests.getExperiment({ id });
  assert.deepEqual([r.tags, r.metadata], [['judge-v3'], { prompt: 'p2', owner: 'ann' }]);
  assert.equal(r.comments?.length, 1);
  const dir = path.join(root, '.hallucination-lab', 'experiments', id);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.includes(INFO_FILE)),
    [INFO_FILE],
    'replaced whole: no temporary file left',
  );
  assert.throws(() => requests.updateExperimentInfo({ id: 'exp-none', tags: [] }));
  const forged = P.UpdateExperimentInfo.params.parse({ id, metadata: JSON.parse('{"__proto__": {"polluted": "x"}, "a": "b"}') });
  assert.deepEqual(Object.keys(forged.metadata!), ['a']);
  assert.equal(Object.getPrototypeOf(forged.metadata), Object.prototype, 'a __proto__ key never reaches the prototype');
  assert.equal(experimentConfigSchema.safeParse({ name: 'n', model: 'm', conversation_ids: ['a'], tags: [''] }).success, false);

  fs.writeFileSync(path.join(dir, INFO_FILE), '{"tags": 3}');
  r = requests.getExperiment({ id });
  assert.deepEqual(r.tags, ['baseline', 'v2'], 'a broken info.json: the configuration again');
  assert.match(warnings.join('\n'), /info\.json is not valid/);
  server.dispose();
});
