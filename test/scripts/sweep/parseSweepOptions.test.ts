import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SweepOptionsError, parseSweepOptions } from '../../../scripts/sweep/parseSweepOptions';

test('defaults', () => {
  // The local stack unless told otherwise.
  assert.deepEqual(parseSweepOptions([], {}), {
    olderThanMs: 60_000,
    stuckAfterMs: 600_000,
    limit: 500,
    dryRun: false,
    project: undefined,
    firestore: '127.0.0.1:8086',
    pubsub: '127.0.0.1:8085',
    help: false,
  });
});

const cases: ReadonlyArray<{ name: string; argv: string[]; env?: Record<string, string>; expect: Partial<ReturnType<typeof parseSweepOptions>> }> = [
  { name: 'grace, limit, dry run', argv: ['--older-than-ms', '0', '--limit=5', '--dry-run'], expect: { olderThanMs: 0, limit: 5, dryRun: true } },
  { name: 'emulators from the environment', argv: [], env: { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8086', PUBSUB_EMULATOR_HOST: 'localhost:8085' }, expect: { firestore: '127.0.0.1:8086', pubsub: 'localhost:8085' } },
  { name: 'flags beat the environment', argv: ['--firestore', '127.0.0.1:9', '--pubsub', '[::1]:10'], env: { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8086' }, expect: { firestore: '127.0.0.1:9', pubsub: '[::1]:10' } },
  { name: 'help', argv: ['-h'], expect: { help: true } },
  { name: '--project: Google Cloud, emulator hosts in the shell ignored', argv: ['--project', 'my-orders'], env: { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8086' }, expect: { project: 'my-orders', firestore: undefined, pubsub: undefined } },
  { name: '--project with an explicit emulator', argv: ['--project', 'p', '--pubsub', '127.0.0.1:9'], expect: { project: 'p', firestore: undefined, pubsub: '127.0.0.1:9' } },
  { name: '--stuck-after-ms', argv: ['--stuck-after-ms', '0'], expect: { stuckAfterMs: 0 } },
];

for (const c of cases) {
  test(c.name, () => {
    const options = parseSweepOptions(c.argv, c.env ?? {});
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(options[key as keyof typeof options], value, key);
  });
}

const bad: ReadonlyArray<[string[], RegExp]> = [
  [['--older-than-ms=-1'], /--older-than-ms must be a whole number/],
  [['--older-than-ms', 'soon'], /--older-than-ms/],
  [['--limit', '0'], /--limit must be a whole number from 1 to 10000/],
  [['--limit', '10001'], /--limit/],
  [['--firestore', 'http://x:1'], /--firestore must be host:port/],
  [['--pubsub', 'nohost'], /--pubsub must be host:port/],
  [['--dry-run=yes'], /dry-run/],
  [['--unknown'], /unknown/],
  [['positional'], /positional/],
  [['--project', ' '], /--project must not be empty/],
  [['--stuck-after-ms', 'x'], /--stuck-after-ms/],
];

for (const [argv, message] of bad) {
  test(`refuses ${argv.join(' ')}`, () => {
    assert.throws(() => parseSweepOptions(argv, {}), (error: unknown) => error instanceof SweepOptionsError && message.test(error.message));
  });
}
