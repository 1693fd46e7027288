import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryPoint } from '../../../scripts/soak/memoryTrend';
import { DEFAULT_TREND_RULE, leastSquares, memoryTrend } from '../../../scripts/soak/memoryTrend';

const MIN = 60_000;

/** Readings every `everyMs` for `minutes`, value f(minutes since start). */
function series(minutes: number, everyMs: number, f: (tMin: number) => number): MemoryPoint[] {
  const points: MemoryPoint[] = [];
  for (let t = 0; t <= minutes * MIN; t += everyMs) points.push({ tMs: t, mb: f(t / MIN) });
  return points;
}

/** A GC saw-tooth: climbs `amplitude` MB over `periodMin`, then drops back. */
const sawtooth = (base: number, amplitude: number, periodMin: number) => (t: number) => base + amplitude * ((t % periodMin) / periodMin);

test('leastSquares recovers an exact line, and a vertical cloud has slope 0', () => {
  const fit = leastSquares([0, 1, 2, 3], [5, 7, 9, 11]);
  assert.equal(fit.slope, 2);
  assert.equal(fit.intercept, 5);
  assert.equal(leastSquares([4, 4, 4], [1, 2, 3]).slope, 0);
  assert.ok(Number.isNaN(leastSquares([], []).slope));
});

const cases: { name: string; points: MemoryPoint[]; warmupMs?: number; pass: boolean; reason: RegExp }[] = [
  { name: 'flat', points: series(10, 2000, () => 120), pass: true, reason: /slope \+0\.00 MB\/min ≤ 1/ },
  // RSS-sized saw-tooth (20 MB every 80 s), as measured on createOrder: the teeth average out over 9 minutes.
  { name: 'flat saw-tooth', points: series(10, 2000, sawtooth(290, 20, 80 / 60)), pass: true, reason: /≤/ },
  // A window shorter than one tooth sees only its climb: slope over 1 MB/min, but growth within 5 %.
  { name: 'short window on one rising tooth', points: series(2, 2000, sawtooth(300, 10, 3)), warmupMs: 30_000, pass: true, reason: /growth \+1\.\d % ≤ 5 % \(slope \+3\.33 MB\/min\)/ },
  { name: 'shrinking', points: series(10, 2000, (t) => 200 - 3 * t), pass: true, reason: /slope -3\.00/ },
  { name: 'steady growth 2 MB/min', points: series(10, 2000, (t) => 100 + 2 * t), pass: false, reason: /slope \+2\.00 MB\/min > 1 and growth \+\d+\.\d % > 5 %/ },
  { name: 'steady growth under a saw-tooth', points: series(10, 2000, (t) => sawtooth(100, 15, 1)(t) + 3 * t), pass: false, reason: /> 1 and growth/ },
  { name: 'growth before warm-up only', points: series(10, 2000, (t) => (t < 1 ? 50 + 100 * t : 150)), warmupMs: 60_000, pass: true, reason: /slope \+0\.00/ },
  { name: 'too few readings after warm-up', points: series(1, 20_000, () => 100), warmupMs: 30_000, pass: false, reason: /only 2 readings after warm-up \(need 5\)/ },
];
for (const c of cases) {
  test(`verdict: ${c.name} → ${c.pass ? 'pass' : 'fail'}`, () => {
    const trend = memoryTrend(c.points, c.warmupMs ?? 60_000, DEFAULT_TREND_RULE);
    assert.equal(trend.pass, c.pass, trend.reason);
    assert.match(trend.reason, c.reason);
  });
}

test('fitted start/end, growth, min/max and window come from the readings after warm-up', () => {
  const trend = memoryTrend(series(10, 30_000, (t) => 100 + 2 * t), 60_000);
  assert.equal(trend.samples, 19); // 1.0, 1.5, … 10.0 minutes
  assert.equal(trend.windowMin, 9);
  assert.ok(Math.abs(trend.slopeMBPerMin - 2) < 1e-9);
  assert.ok(Math.abs(trend.fittedStartMB - 102) < 1e-9);
  assert.ok(Math.abs(trend.fittedEndMB - 120) < 1e-9);
  assert.ok(Math.abs(trend.growthMB - 18) < 1e-9);
  assert.ok(Math.abs(trend.growthFraction - 18 / 102) < 1e-9);
  assert.equal(trend.minMB, 102);
  assert.equal(trend.maxMB, 120);
});

test('the rule is a parameter: a stricter slope bound fails what the default passes', () => {
  const points = series(10, 2000, (t) => 300 + 0.5 * t);
  assert.equal(memoryTrend(points, 60_000).pass, true);
  assert.equal(memoryTrend(points, 60_000, { maxSlopeMBPerMin: 0.25, maxGrowthFraction: 0.01, minSamples: 5 }).pass, false);
});
