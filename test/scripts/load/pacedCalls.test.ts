import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pacedCalls } from '../../../scripts/load/pacedCalls';

test('at most perSecond starts a second, in call order, however many wait at once; after a quiet spell at once', async () => {
  let now = 1000;
  const sleeps: number[] = [];
  const clock = { now: () => now, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()) };
  const started: number[] = [];
  const call = pacedCalls(async (i: number) => void started.push(i), 4, clock);

  // Five calls at the same instant: the first now, the others 250 ms apart.
  await Promise.all([0, 1, 2, 3, 4].map(call));
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.deepEqual(sleeps, [250, 500, 750, 1000]);

  // Later than the last slot: no wait.
  now += 10_000;
  await call(5);
  assert.deepEqual(sleeps, [250, 500, 750, 1000]);
  // 100 ms after that one: waits the rest of its 250 ms.
  now += 100;
  await call(6);
  assert.deepEqual(sleeps.at(-1), 150);
});
