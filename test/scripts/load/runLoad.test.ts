import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../../scripts/load/runLoad';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('closed loop sends exactly `orders` requests, never more than `concurrency` at once', async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  const run = await runLoad({ orders: 23, concurrency: 4, rate: undefined, maxDurationMs: 10_000 }, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await tick(1);
    inFlight--;
    seen.push(i);
    return i;
  });
  assert.equal(run.results.length, 23);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.equal(peak, 4);
  assert.equal(run.timeBound, false);
});

test('the time bound stops a run whose count is out of reach', async () => {
  const run = await runLoad({ orders: 1_000_000, concurrency: 2, rate: undefined, maxDurationMs: 50 }, async (i) => {
    await tick(5);
    return i;
  });
  assert.equal(run.timeBound, true);
  assert.ok(run.results.length > 0 && run.results.length < 1_000_000);
});

test('open loop caps in-flight requests at `concurrency` and sends the count', async () => {
  let inFlight = 0;
  let peak = 0;
  const run = await runLoad({ orders: 12, concurrency: 3, rate: 1000, maxDurationMs: 10_000 }, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await tick(10);
    inFlight--;
    return i;
  });
  assert.equal(run.results.length, 12);
  assert.ok(peak <= 3, `peak ${peak}`);
});

test('open loop spaces arrivals by 1/rate', async () => {
  const starts: number[] = [];
  await runLoad({ orders: 3, concurrency: 10, rate: 20, maxDurationMs: 10_000 }, (i) => {
    starts.push(Date.now());
    return Promise.resolve(i);
  });
  // 3 arrivals at 20/s: the last is due 100 ms after the first (timers never fire early).
  assert.ok(starts[2]! - starts[0]! >= 95, `${starts[2]! - starts[0]!} ms`);
});
