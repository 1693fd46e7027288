import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BENCH_NAMES } from '../../scripts/bench/parseBenchOptions';
import { REPO_ROOT, readDocPages } from './codeFacts';
import { findBareNodeCommands } from './findBareNodeCommands';
import { findBrokenLinks } from './findBrokenLinks';
import { findFigureDrift, numbersIn } from './findFigureDrift';
import { tableRowsUnder } from './markdownTables';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

const PERFORMANCE = `# Performance

## Current figures

### CPU

| what | figure | measured | command |
| --- | --- | --- | --- |
| CPU added | +3.17 / +3.04 ms | 2026-12-06, load average 15–22 | \`npm run bench -- --only cpu\` |
| same, background | +0.72 ms <!-- a note: 9.99 --> | 2026-12-06 | same |

| what | figure | measured | command |
| --- | --- | --- | --- |
| load test | 1000/1000; 88.7 req/s, p50 506 ms | 2026-11-25 | \`npm run load -- --orders 1000\` |

## Open questions

| what | figure | measured | command |
| --- | --- | --- | --- |
| not a current figure | 4.2 | 2026-01-01 | \`npm run load -- --orders 1000\` |
`;

const README = `# Project

## Measured

| what | figure | measured | command |
| --- | --- | --- | --- |
| CPU added, default / background | +3.17 / +0.72 ms | 2026-12-06, load average 15–22 | \`npm run bench -- --only cpu\` |
| load test | 1000/1000, 88.7 req/s | 2026-11-25 | \`npm run load -- --orders 1000\` |

## Next
`;

test('the README quoting the performance page\'s current figures reports nothing', () => {
  assert.deepEqual(findFigureDrift(README, PERFORMANCE), []);
});

test('a README figure changed, a date changed, or a command the page lacks is reported', () => {
  assert.deepEqual(findFigureDrift(README.replace('88.7', '88.8'), PERFORMANCE), ['README "load test": 88.8 not in docs/performance.md\'s rows for `npm run load -- --orders 1000`']);
  assert.deepEqual(findFigureDrift(README, PERFORMANCE.replace('+0.72 ms', '+0.75 ms')), ['README "CPU added, default / background": 0.72 not in docs/performance.md\'s rows for `npm run bench -- --only cpu`']);
  assert.deepEqual(findFigureDrift(README.replace('2026-11-25 |', '2026-11-26 |'), PERFORMANCE), ['README "load test": 2026-11-26 not in docs/performance.md\'s rows for `npm run load -- --orders 1000`']);
  assert.deepEqual(findFigureDrift(README.replace('--orders 1000`', '--orders 999`'), PERFORMANCE), ['README "load test": no row of docs/performance.md\'s current figures has the command `npm run load -- --orders 999`']);
  // A figure outside "Current figures", or inside an HTML comment, is no source.
  assert.deepEqual(findFigureDrift(README.replace('88.7 req/s', '4.2 req/s'), PERFORMANCE).length, 1);
  assert.deepEqual(findFigureDrift(README.replace('88.7 req/s', '9.99 req/s'), PERFORMANCE).length, 1);
});

test('numbers are read as written, dates whole, percentiles not', () => {
  assert.deepEqual(numbersIn('p50 506 ms, p99 1.44 s; 1,000 orders; 2026-12-06; 0.56–0.67×; c=10 <!-- 7 -->'), ['506', '1.44', '1,000', '2026-12-06', '0.56', '0.67', '10']);
});

test('the README\'s "Measured" table quotes docs/performance.md\'s current figures', () => {
  const problems = findFigureDrift(read('README.md'), read('docs/performance.md'));
  assert.deepEqual(problems, [], `Figures with two sources that disagree (performance.md is the source):\n  ${problems.join('\n  ')}`);
});

test('the benchmark table lists every benchmark --only accepts, and no other', () => {
  const listed = tableRowsUnder(read('docs/load-test-and-benchmarks.md'), 'Benchmarks').map((row) => /^`([\w-]+)`$/.exec(row[0] ?? '')?.[1]);
  assert.ok(!listed.includes(undefined), 'every row of the benchmark table starts with a benchmark\'s name in backticks');
  assert.deepEqual([...listed].sort(), [...BENCH_NAMES].sort());
});

test('commands in README.md and docs/ run the project\'s Node, never a bare node', () => {
  const pages = readDocPages().filter((p) => p.path === 'README.md' || p.path.startsWith('docs/'));
  assert.ok(pages.length > 5);
  assert.deepEqual(findBareNodeCommands(pages), []);
});

test('a bare node in a code block or a wrapped backtick span is reported; the project\'s Node and a package.json quote are not', () => {
  const text = [
    'Run `npm run build && node --test dist/test/a.test.js`, or',
    '`node_modules/.bin/node --test dist/test/a.test.js`; npm runs `"start": "exec node scripts/launch.mjs start"`.',
    'Node.js 22 and Node\'s `--require` are prose; the stack runs (`node --require',
    'dist/x.js`).',
    '',
    '```sh',
    'npx tsc && node dist/y.js',
    'node_modules/.bin/node dist/y.js',
    '```',
  ].join('\n');
  assert.deepEqual(findBareNodeCommands([{ path: 'docs/x.md', text }]).map((p) => p.split(': ')[0]), ['docs/x.md:1', 'docs/x.md:3', 'docs/x.md:7']);
});

test('every relative link and anchor in the docs resolves, and every repository path they name exists', () => {
  const problems = findBrokenLinks(readDocPages(), (p) => existsSync(path.join(REPO_ROOT, p)));
  assert.deepEqual(problems, []);
});

test('a link to a missing page or heading, and a path that names no file, are reported', () => {
  const pages = [
    { path: 'README.md', text: 'See [perf](docs/performance.md#current-figures), [gone](docs/gone.md), [bad](docs/performance.md#round-four).\n\n```sh\n[not](a-link.md)\n```\n`scripts/bench/nope.ts`' },
    { path: 'docs/performance.md', text: "# Performance\n\n## Current figures\n\n## Under Cloud Run's throttling\n\nBack to [the README](../README.md#performance) and [here](#under-cloud-runs-throttling)." },
  ];
  const files = new Set(['README.md', 'docs/performance.md']);
  assert.deepEqual(findBrokenLinks(pages, (p) => files.has(p)), [
    'README.md:1: links to docs/gone.md, but docs/gone.md does not exist',
    'README.md:1: links to docs/performance.md#round-four, but docs/performance.md has no heading with that anchor',
    'README.md:6: names scripts/bench/nope.ts, which does not exist',
    'docs/performance.md:7: links to ../README.md#performance, but README.md has no heading with that anchor',
  ]);
});
