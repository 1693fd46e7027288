import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogram } from '../../../scripts/load/histogram';
import { latencyStats, percentile } from '../../../scripts/load/latencyStats';

const HUNDRED = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

const percentiles: [readonly number[], number, number][] = [
  [HUNDRED, 50, 50],
  [HUNDRED, 90, 90],
  [HUNDRED, 99, 99],
  [HUNDRED, 100, 100],
  [HUNDRED, 0, 1],
  [[7], 99, 7],
  [[1, 2, 3, 4], 50, 2],
  [[1, 2, 3, 4], 51, 3],
];
for (const [values, p, expected] of percentiles) {
  test(`nearest-rank p${p} of ${values.length} values is ${expected}`, () => {
    assert.equal(percentile(values, p), expected);
  });
}

test('percentile of nothing is NaN', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('latencyStats sorts its input and reports mean and max', () => {
  const stats = latencyStats([...HUNDRED].reverse());
  assert.deepEqual(stats, { count: 100, mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
});

test('histogram: nice bucket widths, every value counted, trailing empties dropped', () => {
  const buckets = histogram([0, 1, 9.9, 10, 19, 95], 10);
  assert.equal(buckets[0]!.to - buckets[0]!.from, 10);
  assert.deepEqual(
    buckets.map((b) => b.count),
    [3, 2, 0, 0, 0, 0, 0, 0, 0, 1],
  );
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 6);
});

test('histogram: the maximum lands in the last bucket, not past it', () => {
  const buckets = histogram([100, 100], 10);
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 2);
  assert.ok(buckets[buckets.length - 1]!.to >= 100);
});

test('histogram of nothing is empty', () => {
  assert.deepEqual(histogram([]), []);
});
