import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentSummary } from '../../common/protocol';
import { ProgressNotifier } from '../../server/progressNotifier';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(shown: string | null = 'e1') {
  const state = { completed: 0, running: true, exists: true };
  const sent: Array<{ completed: number; running: boolean; at: number }> = [];
  const publishes: Array<number | undefined> = [];
  const notifier = new ProgressNotifier({
    summaryOf: (id) =>
      state.exists ? ({ id, running: state.running, status_summary: { completed: state.completed } } as ExperimentSummary) : null,
    shownExperimentId: () => shown,
    send: (s) => sent.push({ completed: s.status_summary.completed, running: s.running, at: Date.now() }),
    publishMarkersSoon: (delayMs) => publishes.push(delayMs),
  });
  const change = (total = 10) => notifier.changed({ id: 'e1', running: state.running, completed: state.completed, total });
  return { state, sent, publishes, change };
}

test('a burst of changes: the first goes out at once, the rest as one trailing notification with the latest state', async () => {
  const t = setup();
  for (let i = 1; i <= 10; i++) {
    t.state.completed = i;
    t.change();
  }
  assert.deepEqual(
    t.sent.map((s) => s.completed),
    [1],
  );
  await sleep(150);
  assert.deepEqual(
    t.sent.map((s) => s.completed),
    [1, 10],
  );
  assert.ok(t.sent[1]!.at - t.sent[0]!.at >= 95, 'at most one every 100 ms');
});

test('big experiments are slowed to items/10 ms (at most a second); the end of a run goes out at once', async () => {
  const t = setup();
  t.change(3000); // interval 300 ms
  t.state.completed = 1;
  t.change(3000);
  await sleep(150);
  assert.equal(t.sent.length, 1, 'still waiting: 300 ms between notifications');
  t.state.running = false;
  t.state.completed = 2;
  t.change(3000);
  assert.deepEqual(
    t.sent.map((s) => [s.completed, s.running]),
    [
      [0, true],
      [2, false],
    ],
  );
  await sleep(250);
  assert.equal(t.sent.length, 2, 'the trailing one was replaced by the final one');
});

test('markers follow a shown running experiment when items complete, and every experiment when its run ends', () => {
  const t = setup('e1');
  t.change(); // completed 0: first time seen
  assert.deepEqual(t.publishes, [1000]);
  t.state.running = false;
  t.change();
  assert.deepEqual(t.publishes, [1000, undefined], 'the run ended: published soon');

  const hidden = setup('other');
  hidden.state.completed = 3;
  hidden.change();
  assert.deepEqual(hidden.publishes, [], 'not shown and still running: markers untouched');
  hidden.state.running = false;
  hidden.change();
  assert.deepEqual(hidden.publishes, [undefined], 'its run ended: it may now be the default shown one');
});

test('a deleted experiment sends nothing', () => {
  const t = setup();
  t.state.exists = false;
  t.state.running = false;
  t.change();
  assert.deepEqual(t.sent, []);
  assert.deepEqual(t.publishes, []);
});
