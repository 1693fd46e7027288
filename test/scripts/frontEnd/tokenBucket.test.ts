import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../../scripts/frontEnd/tokenBucket';

describe('TokenBucket', () => {
  it('lets the first take through, then one per 1/rate seconds (Cloud Run: one per 10 s)', () => {
    const bucket = new TokenBucket(0.1);
    const taken = [0, 1_000, 9_999, 10_000, 10_001, 19_999, 20_000].map((t) => bucket.take(t));
    assert.deepEqual(taken, [true, false, false, true, false, false, true]);
  });

  it('samples 0.1 requests/s of a steady 10 requests/s stream: 10 of 1000 over 100 s', () => {
    const bucket = new TokenBucket(0.1);
    let sampled = 0;
    for (let i = 0; i < 1000; i++) if (bucket.take(i * 100)) sampled++;
    assert.equal(sampled, 10);
  });

  it('never stores more than its capacity however long it idles', () => {
    const bucket = new TokenBucket(1, 3);
    const burst = [0, 0, 0, 0].map(() => bucket.take(0));
    assert.deepEqual(burst, [true, true, true, false]);
    const afterHour = [1, 2, 3, 4].map(() => bucket.take(3_600_000));
    assert.deepEqual(afterHour, [true, true, true, false]);
  });

  it('a clock stepping back refills nothing', () => {
    const bucket = new TokenBucket(1);
    assert.equal(bucket.take(10_000), true);
    assert.equal(bucket.take(5_000), false);
    assert.equal(bucket.take(10_500), false);
    assert.equal(bucket.take(11_000), true);
  });

  it('rate 0 samples only the first request', () => {
    const bucket = new TokenBucket(0);
    assert.deepEqual([0, 1e9].map((t) => bucket.take(t)), [true, false]);
  });

  it('rejects a negative or non-finite rate and a capacity below 1', () => {
    assert.throws(() => new TokenBucket(-1), RangeError);
    assert.throws(() => new TokenBucket(Number.NaN), RangeError);
    assert.throws(() => new TokenBucket(Infinity), RangeError);
    assert.throws(() => new TokenBucket(1, 0.5), RangeError);
  });
});
