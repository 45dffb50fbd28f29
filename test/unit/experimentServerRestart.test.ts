// The editor restarts a crashed server and says so (extension/restartPolicy.ts, used by the
// LanguageClient's errorHandler in extension/serverClient.ts): up to 4 restarts in 3 minutes,
// then it stops and says how to go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from '../../extension/restartPolicy';

test('a crash is restarted and reported; the fifth within the window is not', () => {
  let now = 0;
  const p = new RestartPolicy(4, 180_000, () => now);
  for (let i = 1; i <= 4; i++) {
    now += 10_000;
    const d = p.closed();
    assert.equal(d.restart, true);
    assert.equal(d.crashes, i);
    assert.match(d.message, new RegExp(`stopped unexpectedly and was restarted \\(${i} of at most 4 restarts in 3 minutes\\)`));
    assert.match(d.message, /Resume Experiment/);
  }
  now += 10_000;
  const give = p.closed();
  assert.equal(give.restart, false);
  assert.match(give.message, /5 times in 3 minutes and was not restarted again.*Restart Server/);
});

test('crashes older than the window are forgotten; a restart the user asks for starts afresh', () => {
  let now = 0;
  const p = new RestartPolicy(2, 60_000, () => now);
  p.closed();
  p.closed();
  now += 61_000;
  assert.equal(p.closed().restart, true, 'the earlier two are outside the window');
  p.closed();
  assert.equal(p.closed().restart, false);
  p.reset();
  assert.equal(p.closed().restart, true);
});

test('connection errors: carry on for the first three in a row, then shut the connection', () => {
  const p = new RestartPolicy();
  assert.equal(p.error(1).continue, true);
  assert.equal(p.error(3).continue, true);
  assert.equal(p.error(4).continue, false);
  assert.equal(p.error(undefined).continue, false);
});
