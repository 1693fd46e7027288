import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flagsAccepted, parseFlags } from '../../scripts/cli/parseFlags';
import { scanSources } from './codeFacts';
import type { CommandFacts, DocFacts } from './findDocDrift';
import { findDocDrift } from './findDocDrift';

const LOAD: CommandFacts = {
  invocation: 'npm run load',
  flags: ['--orders', '--help', '-h'],
  help: 'Usage: npm run load -- [options]\n  --orders N   orders\n  -h, --help   this text',
  pages: ['docs/load.md'],
};

const CLEAN: DocFacts = {
  commands: [LOAD],
  pages: [
    {
      path: 'docs/load.md',
      text: [
        '# Load',
        '',
        '```bash',
        'npm run load -- --orders 10   # ten orders',
        'npm run load -- --help',
        'npm run load -- --orders 5 -- npx other --not-ours',
        '```',
        '',
        '| flag | meaning |',
        '| --- | --- |',
        '| `--orders N` | orders to send |',
        '',
        'The functions read `ORDERS_TOPIC`; a failed publish answers `UNAVAILABLE`.',
        'Deployed with `gcloud functions deploy createOrder \\',
        '  --retry --memory=512Mi`, as the deploy does.',
      ].join('\n'),
    },
  ],
  envRead: new Map([['ORDERS_TOPIC', ['shared/config.ts:3']]]),
  otherNames: new Set(['UNAVAILABLE']),
};

test('docs that match the code report nothing', () => {
  assert.deepEqual(findDocDrift(CLEAN), []);
});

test('a planted flag the parser accepts but neither --help nor the page shows is reported twice', () => {
  const planted = { ...CLEAN, commands: [{ ...LOAD, flags: [...LOAD.flags, '--planted'] }] };
  assert.deepEqual(findDocDrift(planted), [
    'npm run load: --planted is accepted but not in its --help',
    'npm run load: --planted is accepted but not on its page (docs/load.md)',
  ]);
});

test('a flag in --help but missing from the page is reported once', () => {
  const planted = { ...CLEAN, commands: [{ ...LOAD, flags: [...LOAD.flags, '--rate'], help: `${LOAD.help}\n  --rate R` }] };
  assert.deepEqual(findDocDrift(planted), ['npm run load: --rate is accepted but not on its page (docs/load.md)']);
});

test('a page that runs a command with a flag it does not accept, or lists one in a table, is reported', () => {
  const page = CLEAN.pages[0]!;
  const drifted = {
    ...CLEAN,
    pages: [{ ...page, text: `${page.text}\n\nRun \`npm run load -- --target https://x\`.\n\n| \`--ghost\` | gone |` }],
  };
  assert.deepEqual(findDocDrift(drifted), [
    'docs/load.md:17: npm run load does not accept --target',
    'docs/load.md:19: --ghost is accepted by none of npm run load (another tool\'s flag? name the tool in the paragraph)',
  ]);
});

test('another tool\'s flag passes when the paragraph names the tool, not otherwise', () => {
  const other = { ...CLEAN, pages: [{ path: 'docs/other.md', text: 'Deployed with `--retry`.\n\nRun `gcloud pubsub subscriptions create --ack-deadline=60`.' }] };
  assert.deepEqual(findDocDrift({ ...other, pages: [...CLEAN.pages, ...other.pages] }), [
    'docs/other.md:1: --retry is accepted by no command of this page (another tool\'s flag? name the tool in the paragraph)',
  ]);
});

test('a variable the code reads that no page names, and one a page names that nothing reads, are reported', () => {
  const drifted: DocFacts = {
    ...CLEAN,
    envRead: new Map([...CLEAN.envRead, ['SWEEP_INTERVAL_MS', ['scripts/stack/startSweepSchedule.ts:9']]]),
    pages: [...CLEAN.pages, { path: 'README.md', text: '| `OTEL_BSP_SCHEDULE_DELAY` | 5000 |\n| `ORDERS_*` | names |\n| `GHOST_*` | nothing |' }],
  };
  assert.deepEqual(findDocDrift(drifted), [
    'SWEEP_INTERVAL_MS is read (scripts/stack/startSweepSchedule.ts:9) but no doc page names it',
    'README.md:1: OTEL_BSP_SCHEDULE_DELAY is shown, but neither the code nor a dependency reads it',
    'README.md:3: GHOST_* is shown, but the code reads no variable starting GHOST_',
  ]);
});

test('the source scan finds env.X, process.env.X, env["X"] and names passed with env; assignments and constants are not reads', () => {
  const { envRead, codeNames } = scanSources([
    {
      file: 'shared/config.ts',
      text: `
        const DEFAULT_PROJECT = 'demo';
        export function load(env: Env) {
          const limitName = nonEmpty(env, 'OTEL_SPAN_LIMIT') ? 'OTEL_SPAN_LIMIT' : 'OTEL_LIMIT';
          return { a: env.FLUSH_MODE, b: env['MAX_BODY_BYTES'], c: positiveInt(env, limitName), d: DEFAULT_PROJECT };
        }
        process.env.METADATA_SERVER_DETECTION = 'none';
        const x = process.env.K_SERVICE;
        spawn('node', [], { env: { ...process.env, CHILD_ONLY: '1' } });
        emitWarning('late', 'GCF_TRACING_LOADED_LATE');
      `,
    },
  ]);
  assert.deepEqual([...envRead.keys()].sort(), ['FLUSH_MODE', 'K_SERVICE', 'MAX_BODY_BYTES', 'OTEL_LIMIT', 'OTEL_SPAN_LIMIT']);
  assert.deepEqual(envRead.get('FLUSH_MODE'), ['shared/config.ts:5']);
  for (const name of ['DEFAULT_PROJECT', 'METADATA_SERVER_DETECTION', 'CHILD_ONLY', 'GCF_TRACING_LOADED_LATE']) assert.ok(codeNames.has(name), name);
});

test('flagsAccepted reads a parser\'s flags through parseFlags, even when the parser throws afterwards', () => {
  const parse = (argv: readonly string[]) => {
    parseFlags(argv, { project: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, (m) => new Error(m));
    throw new Error('--project is required');
  };
  assert.deepEqual(flagsAccepted(() => parse(['--help'])), ['--project', '--dry-run', '--help', '-h']);
  // Outside flagsAccepted nothing is recorded.
  assert.throws(() => parse([]), /--project is required/);
  assert.deepEqual(flagsAccepted(() => undefined), []);
});
