import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REAL_POLICY_DEFAULTS, effectiveBackoff, retryDelayMs } from '../../../scripts/pubsubEmulator/retryDelay';

const BOUNDS = { minMs: 100, maxMs: 5000 };

void test('delay doubles from the minimum and stops at the maximum', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(n, BOUNDS)), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});

void test('a retry policy is honoured exactly (never shortened), the real defaults filling a missing bound', () => {
  const cases: [{ minMs?: number; maxMs?: number } | undefined, { minMs: number; maxMs: number }][] = [
    [undefined, BOUNDS],
    [{ minMs: 10_000, maxMs: 600_000 }, { minMs: 10_000, maxMs: 600_000 }],
    [{ minMs: 0, maxMs: 300 }, { minMs: 0, maxMs: 300 }],
    [{ minMs: 200, maxMs: 1000 }, { minMs: 200, maxMs: 1000 }],
    [{ minMs: 20_000 }, { minMs: 20_000, maxMs: 600_000 }],
    [{}, REAL_POLICY_DEFAULTS],
  ];
  for (const [policy, expected] of cases) assert.deepEqual(effectiveBackoff(policy, BOUNDS), expected, JSON.stringify(policy));
});

void test("with Eventarc's policy, five attempts span at least the real service's 150 s before dead-lettering", () => {
  const window = effectiveBackoff(REAL_POLICY_DEFAULTS, BOUNDS);
  const waits = [1, 2, 3, 4].map((failures) => retryDelayMs(failures, window));
  assert.deepEqual(waits, [10_000, 20_000, 40_000, 80_000]);
  assert.ok(waits.reduce((a, b) => a + b) >= 150_000);
});
