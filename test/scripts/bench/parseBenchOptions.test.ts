import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BENCH_NAMES, BenchOptionsError, parseBenchOptions } from '../../../scripts/bench/parseBenchOptions';
import { formatBenchResult, ratio, target } from '../../../scripts/bench/benchResult';

const NOW = new Date('2025-01-02T03:04:05Z');

const cases: { argv: string[]; expect: Partial<ReturnType<typeof parseBenchOptions>> }[] = [
  { argv: [], expect: { only: [...BENCH_NAMES], orders: 500, concurrency: 10, runs: 10, invocations: 300, rounds: 20, rttMs: 20, throttleRequests: 60, json: 'reports/bench-2025-01-02T03-04-05.json', help: false } },
  { argv: ['--only', 'flush,coldstart'], expect: { only: ['flush', 'coldstart'] } },
  { argv: ['--orders', '5000', '--concurrency', '50', '--runs', '30', '--json', 'x.json'], expect: { orders: 5000, concurrency: 50, runs: 30, json: 'x.json' } },
  { argv: ['--only', 'cpu,rtt,collector', '--rtt-ms', '50'], expect: { only: ['cpu', 'rtt', 'collector'], rttMs: 50 } },
  { argv: ['--only', 'throttle', '--throttle-requests', '20'], expect: { only: ['throttle'], throttleRequests: 20 } },
  { argv: ['--help'], expect: { help: true } },
];
for (const c of cases) {
  test(`parses ${c.argv.join(' ') || '(defaults)'}`, () => {
    const o = parseBenchOptions(c.argv, NOW);
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(o[key as keyof typeof o], value, key);
  });
}

for (const [argv, message] of [
  [['--only', 'speed'], /unknown benchmark "speed"/],
  [['--only', ','], /at least one/],
  [['--orders', '0'], /--orders must be a whole number/],
  [['--runs', 'many'], /--runs/],
  [['--rtt-ms', '-5'], /--rtt-ms/],
  [['--what'], /what/],
] as const) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseBenchOptions([...argv], NOW), (err: unknown) => err instanceof BenchOptionsError && message.test(err.message));
  });
}

test('targets: max and min bounds, ratios, text', () => {
  assert.equal(target('p50', 1.1, 'max', 1.1).met, true);
  assert.equal(target('p50', 1.11, 'max', 1.1).met, false);
  assert.equal(target('tput', 0.89, 'min', 0.9).met, false);
  assert.ok(Number.isNaN(ratio(1, 0)));
  const text = formatBenchResult({ name: 'x', figures: { 'p50 ratio': 1.25 }, targets: [target('p50', 1.25, 'max', 1.1)], notes: ['n'] });
  assert.match(text, /p50 ratio\s+1\.250/);
  assert.match(text, /target p50 ≤ 1.1: 1\.250 MISSED/);
});
