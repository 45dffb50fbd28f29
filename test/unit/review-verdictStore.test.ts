// verdicts.jsonl: appended complete lines, a torn last line dropped and cut before the next append.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { VERDICTS_FILE, VerdictStore } from '../../server/core/review/verdictStore';
import type { Verdict } from '../../server/core/review/verdict';

function storeWith(...ids: string[]): ExperimentStore {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-verdicts-'));
  for (const id of ids) {
    fs.mkdirSync(path.join(root, 'experiments', id), { recursive: true });
    fs.writeFileSync(path.join(root, 'experiments', id, 'experiment.json'), '{}');
  }
  return new ExperimentStore(root);
}
function verdict(experimentId: string, n: number): Verdict {
  return {
    annotation_key: {
      conversation_id: 'c',
      message_index: 1,
      message_part_index: 0,
      start_offset: n,
      end_offset: n + 3,
      text: 'abc',
      occurrence: n,
    },
    annotation_id: `a-${n}`,
    experiment_id: experimentId,
    experiment_created_at: '2026-12-01T09:00:00.000Z',
    verdict: n % 2 ? 'dismissed' : 'confirmed',
    comment: 'line\nbreak "quoted"',
    author: 'ann',
    at: `2026-12-03T10:00:0${n}.000Z`,
  };
}

test('verdicts are appended as complete lines and read back in order', () => {
  const store = storeWith('e1');
  const verdicts = new VerdictStore(store);
  verdicts.append('e1', verdict('e1', 0));
  verdicts.append('e1', verdict('e1', 1));
  const text = fs.readFileSync(path.join(store.dir('e1'), VERDICTS_FILE), 'utf8');
  assert.ok(text.endsWith('\n'));
  assert.equal(text.split('\n').length, 3);
  assert.deepEqual(verdicts.read('e1'), [verdict('e1', 0), verdict('e1', 1)]);
});

test('a torn last line is dropped with a warning, and cut off before the next append', () => {
  const store = storeWith('e1');
  const verdicts = new VerdictStore(store);
  verdicts.append('e1', verdict('e1', 0));
  fs.appendFileSync(path.join(store.dir('e1'), VERDICTS_FILE), '{"annotation_key":{"conv');
  const warnings: string[] = [];
  assert.deepEqual(verdicts.read('e1', warnings), [verdict('e1', 0)]);
  assert.deepEqual(warnings, ['experiment e1: verdicts.jsonl:2: incomplete last line (interrupted write) dropped']);
  verdicts.append('e1', verdict('e1', 1));
  const after: string[] = [];
  assert.deepEqual(verdicts.read('e1', after), [verdict('e1', 0), verdict('e1', 1)]);
  assert.deepEqual(after, []);
});

test('a line that is not a verdict is skipped with a warning naming it; readAll gathers every experiment', () => {
  const store = storeWith('e1', 'e2');
  const verdicts = new VerdictStore(store);
  fs.writeFileSync(path.join(store.dir('e1'), VERDICTS_FILE), '{"verdict":"maybe"}\n');
  verdicts.append('e1', verdict('e1', 0));
  verdicts.append('e2', verdict('e2', 1));
  const warnings: string[] = [];
  assert.deepEqual(verdicts.readAll(warnings), [verdict('e1', 0), verdict('e2', 1)]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^experiment e1: verdicts\.jsonl:1: not a verdict/);
  assert.throws(() => verdicts.append('e1', { ...verdict('e1', 0), verdict: 'maybe' as Verdict['verdict'] }));
});

test('a verdicts file is read again only when it changed: appended, replaced, removed; its warnings are said each time', () => {
  const store = storeWith('e1');
  const verdicts = new VerdictStore(store);
  const file = path.join(store.dir('e1'), VERDICTS_FILE);
  verdicts.append('e1', verdict('e1', 0));
  fs.appendFileSync(file, 'not json\n');
  // A whole second, which every file system keeps exactly.
  const second = 1_700_000_000;
  fs.utimesSync(file, second, second);
  const first: string[] = [];
  assert.deepEqual(verdicts.read('e1', first), [verdict('e1', 0)]);
  // The same bytes with another verdict in place, size and time kept: not read again (the cache answers).
  const swapped = fs.readFileSync(file, 'utf8').replace('"a-0"', '"a-9"');
  fs.writeFileSync(file, swapped);
  fs.utimesSync(file, second, second);
  const again: string[] = [];
  assert.deepEqual(verdicts.read('e1', again), [verdict('e1', 0)]);
  assert.deepEqual(again, first, 'the cached file still reports its bad line');
  // An append changes the size: read again.
  verdicts.append('e1', verdict('e1', 1));
  assert.deepEqual(
    verdicts.read('e1').map((v) => v.annotation_id),
    ['a-9', 'a-1'],
  );
  // Replaced by another file (a new inode) of the same size and time: read again.
  const replacement = `${file}.new`;
  fs.writeFileSync(replacement, fs.readFileSync(file, 'utf8').replace('"a-9"', '"a-8"'));
  fs.utimesSync(file, second, second);
  assert.deepEqual(
    verdicts.read('e1').map((v) => v.annotation_id),
    ['a-9', 'a-1'],
  );
  fs.utimesSync(replacement, second, second);
  fs.renameSync(replacement, file);
  assert.deepEqual(
    verdicts.read('e1').map((v) => v.annotation_id),
    ['a-8', 'a-1'],
  );
  fs.rmSync(file);
  assert.deepEqual(verdicts.read('e1'), []);
});

test('readAll says which verdicts file cannot be read and goes on with the others', () => {
  const store = storeWith('e1', 'e2');
  const verdicts = new VerdictStore(store);
  verdicts.append('e2', verdict('e2', 1));
  // A folder where the file should be: stat works, reading fails (EISDIR), whoever runs the test.
  fs.mkdirSync(path.join(store.dir('e1'), VERDICTS_FILE));
  const warnings: string[] = [];
  assert.deepEqual(verdicts.readAll(warnings), [verdict('e2', 1)]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^experiment e1: verdicts\.jsonl cannot be read \(.*EISDIR.*\); its verdicts are left out$/);
});
