// Issue 14, item 6: a store whose items.jsonl is larger than the longest string V8 can make
// (~512 MiB) still loads: it is read as a stream of lines, never as one string. A line longer
// than MAX_STORED_LINE_BYTES is skipped with a warning. The filler is sparse (no disk used).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { TraceIndex } from '../../server/core/traceIndex';

const noDetector: Detector = { name: 'none', detect: () => [] };

test('a 900 MB items.jsonl loads line by line; an over-long line is skipped with a warning', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-big-'));
  const index = new TraceIndex();
  const trace = ['a', 'b']
    .map((id) =>
      JSON.stringify({
        id,
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
    )
    .join('\n');
  index.update(path.join(dir, 't.jsonl'), trace);
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const warnings: string[] = [];
  const make = () =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 't',
      concurrency: () => 1,
      detectorsFor: () => [noDetector],
      warn: (m) => warnings.push(m),
    });
  const first = make();
  const r = first.create({ name: 'big', model: 'traced', pass_through: true, conversation_ids: ['a', 'b'] });
  assert.ok(r.ok);
  const id = r.ok ? r.experiment.id : '';
  await first.whenIdle(id);
  first.dispose();
  const itemsFile = path.join(store.root, 'experiments', id, 'items.jsonl');
  const lines = fs.readFileSync(itemsFile, 'utf8').trimEnd().split('\n');
  const lastOfB = lines.filter((l) => l.includes('"conversation_id":"b"')).pop()!;
  // 25 lines of 24 MiB, then one line past the cap: holes in the file, with newlines between.
  const fd = fs.openSync(itemsFile, 'r+');
  let at = fs.fstatSync(fd).size;
  for (let i = 0; i < 25; i++) {
    at += 24 * 1024 * 1024;
    fs.writeSync(fd, '\n', at);
    at += 1;
  }
  at += 256 * 1024 * 1024 + 1; // MAX_STORED_LINE_BYTES + 1
  fs.writeSync(fd, '\n', at);
  at += 1;
  fs.writeSync(fd, lastOfB.replace('"status":"completed"', '"status":"failed"') + '\n', at);
  fs.closeSync(fd);
  assert.ok(fs.statSync(itemsFile).size > 850 * 1024 * 1024);

  const second = make();
  const items = second.items(id);
  assert.equal(items.length, 2, 'the experiment does not vanish');
  assert.equal(items.find((i) => i.conversation_id === 'a')!.status, 'completed');
  assert.equal(items.find((i) => i.conversation_id === 'b')!.status, 'failed', 'the line after the huge ones is read');
  assert.ok(
    warnings.some((w) => /longer than 256 MiB; skipped/.test(w)),
    warnings.slice(0, 5).join('\n'),
  );
  assert.equal(warnings.filter((w) => /not valid JSON; skipped/.test(w)).length, 25);
  second.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
