import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { eta, progressReporter } from '../../../scripts/load/progressReporter';

const CASES: readonly [string, Parameters<typeof eta>[0], number, string][] = [
  ['by count at the rate so far', { sent: 100, total: 300, errors: 0, elapsedMs: 10_000 }, 10, '  ETA 20 s'],
  ['minutes past 60 s', { sent: 100, total: 1_000, errors: 0, elapsedMs: 10_000 }, 10, '  ETA 1 min 30 s'],
  ['the --duration bound first', { sent: 100, total: 1_000_000, errors: 0, elapsedMs: 10_000, maxDurationMs: 15_000 }, 10, '  ETA 5 s'],
  ['nothing sent yet', { sent: 0, total: 10, errors: 0, elapsedMs: 0 }, 0, '  ETA –'],
  ['done: none', { sent: 10, total: 10, errors: 0, elapsedMs: 1_000 }, 10, ''],
];

void describe('progress line', () => {
  for (const [name, counts, rate, want] of CASES) {
    void it(`ETA: ${name}`, () => assert.equal(eta(counts, rate), want));
  }

  void it('prints sent, errors, rate, elapsed and ETA on one line', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const progress = progressReporter(out, 0);
    progress.update({ sent: 50, total: 200, errors: 1, elapsedMs: 5_000 });
    assert.equal(text, 'sent 50/200  errors 1  10.0 req/s  5.0 s  ETA 15 s\n');
  });
});
