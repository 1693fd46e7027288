import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { RehearseOptionsError, parseRehearseOptions } from '../../../scripts/rehearse/parseRehearseOptions';

void describe('parseRehearseOptions', () => {
  void it('defaults: this repository, $TMPDIR, 3 cold starts, folder removed', () => {
    const o = parseRehearseOptions([], '/somewhere');
    assert.match(o.source, /\S/);
    assert.equal(o.workDir, os.tmpdir());
    assert.deepEqual(
      { keep: o.keep, coldStarts: o.coldStarts, installTimeoutMs: o.installTimeoutMs, readyTimeoutMs: o.readyTimeoutMs, traceWaitMs: o.traceWaitMs, verbose: o.verbose, help: o.help },
      { keep: false, coldStarts: 3, installTimeoutMs: 300_000, readyTimeoutMs: 30_000, traceWaitMs: 30_000, verbose: false, help: false },
    );
  });

  void it('reads every flag; folders resolve against the working directory', () => {
    const o = parseRehearseOptions(
      ['--keep', '--source', 'src', '--work-dir=/w', '--cold-starts', '5', '--install-timeout-ms=1000', '--ready-timeout-ms=2000', '--trace-wait-ms=3000', '--verbose', '-h'],
      '/here',
    );
    assert.deepEqual(o, { source: '/here/src', workDir: '/w', keep: true, coldStarts: 5, installTimeoutMs: 1000, readyTimeoutMs: 2000, traceWaitMs: 3000, verbose: true, help: true });
  });

  const BAD: readonly [string[], RegExp][] = [
    [['--cold-starts', '0'], /--cold-starts must be an integer 1-100, got "0"/],
    [['--cold-starts', 'many'], /--cold-starts/],
    [['--trace-wait-ms', '-5'], /--trace-wait-ms/],
    [['--install-timeout-ms', '1.5'], /--install-timeout-ms/],
    [['--source', ' '], /--source must not be empty/],
    [['--nope'], /nope/],
    [['positional'], /positional/],
  ];
  for (const [argv, message] of BAD) {
    void it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseRehearseOptions(argv, '/'), (err: unknown) => err instanceof RehearseOptionsError && message.test(err.message));
    });
  }
});
