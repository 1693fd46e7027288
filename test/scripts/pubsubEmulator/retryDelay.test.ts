import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveBackoff, retryDelayMs } from '../../../scripts/pubsubEmulator/retryDelay';

const BOUNDS = { minMs: 100, maxMs: 5000 };

void test('delay doubles from the minimum and stops at the maximum', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(n, BOUNDS)), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});

void test('a retry policy is honoured within the configured bounds', () => {
  const cases: [{ minMs?: number; maxMs?: number } | undefined, { minMs: number; maxMs: number }][] = [
    [undefined, BOUNDS],
    [{ minMs: 10_000, maxMs: 600_000 }, { minMs: 5000, maxMs: 5000 }],
    [{ minMs: 0, maxMs: 300 }, { minMs: 100, maxMs: 300 }],
    [{ minMs: 200, maxMs: 1000 }, { minMs: 200, maxMs: 1000 }],
    [{}, BOUNDS],
  ];
  for (const [policy, expected] of cases) assert.deepEqual(effectiveBackoff(policy, BOUNDS), expected, JSON.stringify(policy));
});
