import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRoundTripProbe } from '../../../scripts/bench/roundTripProbe';

test('times each echo through the delay proxy: every sample carries the whole round trip', async () => {
  const probe = await startRoundTripProbe(30);
  try {
    const samples = await probe.sample(5);
    assert.equal(samples.length, 5);
    // libuv rounds timer start times down to the millisecond, so a half may fire ~1 ms early.
    for (const ms of samples) assert.ok(ms >= 28, `an echo came back in ${ms} ms, under the 30 ms the proxy must add`);
  } finally {
    await probe.close();
  }
});

test('a second probe with no delay measures far less: the samples are the proxy, not a constant', async () => {
  const slow = await startRoundTripProbe(40);
  const fast = await startRoundTripProbe(0);
  try {
    const [slowest] = (await fast.sample(5)).sort((a, b) => b - a);
    const [quickest] = (await slow.sample(3)).sort((a, b) => a - b);
    assert.ok(slowest! < quickest!, `0 ms proxy ${slowest} ms vs 40 ms proxy ${quickest} ms`);
  } finally {
    await Promise.all([slow.close(), fast.close()]);
  }
});
