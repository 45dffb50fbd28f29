// The live file's line numbers (where the Live node opens a conversation), across a restart that
// finds a line cut short by a crash; and the bounded findings that mark the live files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LiveTraceFile } from '../../server/core/receiver/liveTraceFile';
import { LiveFindings } from '../../server/liveFindings';
import type { LiveConversationResult } from '../../server/core/receiver/liveDetection';
import { pendingItem } from '../../server/core/experiments/experimentItems';

const now = () => new Date('2026-12-03T10:00:00Z');

test('each append says its line; a restart goes on counting, after ending a line cut short by a crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-live-lines-'));
  const first = new LiveTraceFile({ folder: dir, prefix: 'traces', now });
  assert.deepEqual(
    [(await first.append({ a: 1 })).line, (await first.append({ a: 2 })).line, (await first.append({ a: 3 })).line],
    [0, 1, 2],
  );
  await first.close();
  const file = path.join(dir, 'traces-2026-12-03.jsonl');
  fs.appendFileSync(file, '{"resourceSpans": [{"cut sh'); // the process died mid-write

  const second = new LiveTraceFile({ folder: dir, prefix: 'traces', now });
  const next = await second.append({ a: 4 });
  await second.close();
  assert.equal(next.line, 4, 'the cut line keeps line 3');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[4], '{"a":4}', 'the new request starts a line of its own');
  assert.equal(fs.readFileSync(file, 'utf8').slice(next.offset, next.offset + next.bytes), '{"a":4}\n');
  fs.rmSync(dir, { recursive: true });
});

function judged(id: string, annotations = 0): LiveConversationResult {
  const item = { ...pendingItem('traced', id, 'traced', 0), status: 'completed' as const };
  return {
    id,
    file: '/ws/traces/live/traces-2026-12-03.jsonl',
    line: 0,
    status: 'completed',
    failureReason: null,
    annotations: item.annotations,
    item: { ...item, annotations: Array.from({ length: annotations }, () => ({}) as (typeof item.annotations)[number]) },
    model: null,
    firstUserMessage: '',
  };
}

test('the findings keep the most recent conversations, newest first, each with an item id of its own', () => {
  const findings = new LiveFindings(2);
  assert.equal(findings.asShown(), null);
  findings.record([judged('a', 1), judged('b')]);
  findings.record([judged('c', 2)]);
  const shown = findings.asShown()!;
  assert.equal(shown.name, 'Live traces');
  assert.deepEqual(
    shown.items.map((i) => [i.id, i.conversation_id, i.annotations.length]),
    [
      ['live:c', 'c', 2],
      ['live:b', 'b', 0],
    ],
  );
  findings.record([judged('b', 3)]); // judged again (a late span): the newest result, moved first
  assert.deepEqual(
    findings.asShown()!.items.map((i) => [i.conversation_id, i.annotations.length]),
    [
      ['b', 3],
      ['c', 2],
    ],
  );
});
