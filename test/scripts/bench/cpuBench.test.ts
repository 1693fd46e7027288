import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedMedian } from '../../../scripts/bench/cpuBench';

test('pairedMedian: the median of round-by-round differences, which one outlying round cannot move', () => {
  // Round 3 of the first series caught a garbage collection: the mean difference would be 3.
  assert.equal(pairedMedian([2, 2.5, 11, 2.2, 2.4], [1.5, 2, 2, 1.7, 1.9]), 0.5);
  assert.equal(pairedMedian([3, 5], [1, 2]), 2.5, 'an even count takes the middle two');
  assert.ok(Number.isNaN(pairedMedian([], [])));
});
