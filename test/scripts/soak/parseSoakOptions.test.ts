import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoakOptionsError, parseSoakOptions } from '../../../scripts/soak/parseSoakOptions';

const NOW = new Date('2025-01-02T03:04:05Z');

const cases: { argv: string[]; expect: Partial<ReturnType<typeof parseSoakOptions>> }[] = [
  {
    argv: [],
    expect: {
      minutes: 10,
      rate: 20,
      concurrency: 8,
      sampleMs: 2000,
      warmupS: 180,
      verifyS: 120,
      requestTimeoutMs: 10_000,
      rule: { maxSlopeMBPerMin: 1, maxGrowthFraction: 0.05, minSamples: 5 },
      json: 'reports/soak-2025-01-02T03-04-05.json',
      help: false,
    },
  },
  { argv: ['--minutes', '0.25', '--warmup-s', '3', '--rate', '5', '--sample-ms', '500'], expect: { minutes: 0.25, warmupS: 3, rate: 5, sampleMs: 500 } },
  { argv: ['--concurrency', '16', '--verify-s', '30', '--timeout', '5000', '--json', 'x.json'], expect: { concurrency: 16, verifyS: 30, requestTimeoutMs: 5000, json: 'x.json' } },
  { argv: ['--max-slope', '0.5', '--max-growth', '2.5'], expect: { rule: { maxSlopeMBPerMin: 0.5, maxGrowthFraction: 0.025, minSamples: 5 } } },
  { argv: ['--warmup-s', '0'], expect: { warmupS: 0 } },
  // The default warm-up is at most half the run, so a short run still has a window.
  { argv: ['--minutes', '2'], expect: { warmupS: 60 } },
  { argv: ['-h'], expect: { help: true } },
];
for (const c of cases) {
  test(`parses ${c.argv.join(' ') || '(defaults)'}`, () => {
    const o = parseSoakOptions(c.argv, NOW);
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(o[key as keyof typeof o], value, key);
  });
}

for (const [argv, message] of [
  [['--minutes', '0'], /--minutes must be a number above 0 up to 60, got "0"/],
  [['--minutes', '61'], /--minutes/],
  [['--rate=-1'], /--rate must be a number above 0/],
  [['--rate', 'fast'], /--rate/],
  [['--concurrency', '2.5'], /--concurrency must be a whole number/],
  [['--sample-ms', '50'], /--sample-ms must be a whole number from 100/],
  [['--minutes', '1', '--warmup-s', '60'], /--warmup-s \(60\) must be shorter than the run/],
  [['--minutes', '0.1', '--warmup-s', '3', '--sample-ms', '2000'], /only 2 memory readings would fall after warm-up/],
  [['--max-growth', '1e3'], /--max-growth/],
  [['--verify-s', '0'], /--verify-s/],
  [['--orders', '5'], /orders/],
  [['extra'], /extra/],
] as const) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseSoakOptions([...argv], NOW), (err: unknown) => err instanceof SoakOptionsError && message.test(err.message));
  });
}
