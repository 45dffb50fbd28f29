// The Experiments view's filter by tag (issue 17): the summaries carry the tags (the
// configuration's, then those UpdateExperimentInfo set, also when listed from stored summaries by
// another server), a change is announced to the views, and the filter model keeps, lists and says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { buildServer } from '../../server/modules';
import { keptByTag, tagFilterDescription, tagsPresent, tagsTooltipLine } from '../../extension/experimentTagFilterModel';

function serverIn(root: string, file: string, sent: Array<{ method: string; params: unknown }>) {
  const server = buildServer(
    P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }),
    {
      notify: (spec, params) => sent.push({ method: spec.method, params }),
      sendDiagnostics: () => undefined,
      askKey: async () => null,
      log: () => undefined,
      warn: () => undefined,
    },
    { get: () => undefined },
  );
  server.requests.setTraceFiles({ files: [file] });
  return server;
}

test('experiment summaries carry their tags; a change is listed and announced', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-tagfilter-'));
  const file = path.join(root, 'q.jsonl');
  const conversation = {
    id: 'q0',
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Paris has 1000 bridges.' },
    ],
  };
  fs.writeFileSync(file, JSON.stringify(conversation) + '\n');
  const sent: Array<{ method: string; params: unknown }> = [];
  const server = serverIn(root, file, sent);
  const { requests } = server;
  const make = async (name: string, tags?: string[]) => {
    const created = requests.createExperiment({
      config: { name, model: 'traced', pass_through: true, conversation_ids: ['q0'], ...(tags ? { tags } : {}) },
    });
    assert.ok(created.ok);
    await server.session.requireService().whenIdle(created.experiment.id);
    return created.experiment.id;
  };
  const tagged = await make('tagged', ['baseline']);
  const plain = await make('plain');
  const tagsById = (list: P.ExperimentSummary[]) => Object.fromEntries(list.map((e) => [e.id, e.tags]));
  assert.deepEqual(tagsById(requests.listExperiments().experiments), { [tagged]: ['baseline'], [plain]: [] });

  sent.length = 0;
  requests.updateExperimentInfo({ id: plain, tags: ['judge-v3', 'baseline'] });
  const announced = sent.find((n) => n.method === P.ExperimentChanged.method);
  assert.ok(announced, 'the views learn of the change');
  assert.deepEqual(P.ExperimentChanged.params.parse(announced.params).experiment?.tags, ['judge-v3', 'baseline']);
  assert.deepEqual(tagsById(requests.listExperiments().experiments)[plain], ['judge-v3', 'baseline']);
  server.dispose();

  // Another server lists from the stored summaries: the tags changed since are still there.
  const again = serverIn(root, file, []);
  assert.deepEqual(tagsById(again.requests.listExperiments().experiments), { [tagged]: ['baseline'], [plain]: ['judge-v3', 'baseline'] });
  again.requests.updateExperimentInfo({ id: tagged, tags: [] });
  assert.deepEqual(tagsById(again.requests.listExperiments().experiments)[tagged], [], 'tags removed: none listed');
  again.dispose();
});

test('the tag filter model: tags to pick, experiments kept, the view description, the tooltip line', () => {
  const list = [{ tags: ['v2', 'baseline'] }, { tags: ['baseline'] }, {}, { tags: [] }];
  assert.deepEqual(tagsPresent(list), ['baseline', 'v2']);
  assert.deepEqual(
    list.map((e) => keptByTag(e, 'baseline')),
    [true, true, false, false],
  );
  assert.deepEqual(
    list.map((e) => keptByTag(e, undefined)),
    [true, true, true, true],
    'no filter: every experiment',
  );
  assert.equal(keptByTag({ tags: ['baseline-2'] }, 'baseline'), false, 'a whole tag, not a prefix');
  assert.equal(tagFilterDescription(undefined, 4, 4), undefined);
  assert.equal(tagFilterDescription('baseline', 2, 4), 'tag: baseline (2 of 4)');
  assert.equal(tagFilterDescription('baseline', 4, 4), 'tag: baseline');
  assert.equal(tagsTooltipLine([]), undefined);
  assert.equal(tagsTooltipLine(['a`b', 'v2']), "Tags: `a'b` `v2`");
});
