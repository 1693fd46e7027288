import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GcloudStep } from '../../../scripts/deploy/gcloudStep';
import { arg, valueRef } from '../../../scripts/deploy/gcloudStep';
import type { CommandResult } from '../../../scripts/deploy/runSteps';
import { runSteps } from '../../../scripts/deploy/runSteps';

const OK: CommandResult = { code: 0, stdout: '', stderr: '' };
const NOT_FOUND: CommandResult = { code: 1, stdout: '', stderr: 'ERROR: NOT_FOUND\n' };

/** Answers commands by their joined argv (first match of a prefix), recording each call. */
function fakeGcloud(answers: Record<string, CommandResult | CommandResult[]>) {
  const calls: { argv: string; mode: string }[] = [];
  const log: string[] = [];
  const sleeps: number[] = [];
  return {
    calls,
    log,
    sleeps,
    deps: {
      log: (line: string) => log.push(line),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      retryDelayMs: 5000,
      runCommand: async (argv: readonly string[], mode: 'stream' | 'quiet') => {
        const joined = argv.join(' ');
        calls.push({ argv: joined, mode });
        const key = Object.keys(answers).find((k) => joined.startsWith(k));
        const answer = key === undefined ? OK : answers[key]!;
        return Array.isArray(answer) ? (answer.shift() ?? OK) : answer;
      },
    },
  };
}

const N = valueRef('N');
const STEPS: GcloudStep[] = [
  { kind: 'capture', title: 'number', name: 'N', argv: ['gcloud', 'projects', 'describe', 'p', '--format=value(projectNumber)'] },
  { kind: 'ensure', title: 'topic a', check: ['gcloud', 'topics', 'describe', 'a'], create: ['gcloud', 'topics', 'create', 'a'] },
  { kind: 'ensure', title: 'topic b', check: ['gcloud', 'topics', 'describe', 'b'], create: ['gcloud', 'topics', 'create', 'b'] },
  { kind: 'run', title: 'bind', argv: ['gcloud', 'bind', arg`--member=service-${N}@x`] },
];

test('runs in order: captured values fill later arguments, existing resources are not created', async () => {
  const gcloud = fakeGcloud({ 'gcloud projects describe': { code: 0, stdout: '4242\n', stderr: '' }, 'gcloud topics describe b': NOT_FOUND });
  const outcome = await runSteps(STEPS, gcloud.deps);
  assert.deepEqual(gcloud.calls, [
    { argv: 'gcloud projects describe p --format=value(projectNumber)', mode: 'quiet' },
    { argv: 'gcloud topics describe a', mode: 'quiet' },
    { argv: 'gcloud topics describe b', mode: 'quiet' },
    { argv: 'gcloud topics create b', mode: 'stream' },
    { argv: 'gcloud bind --member=service-4242@x', mode: 'stream' },
  ]);
  assert.ok(outcome.ok);
  assert.deepEqual([...outcome.values], [['N', '4242']]);
  assert.equal(outcome.created, 1);
  assert.equal(outcome.existing, 1);
  assert.deepEqual(gcloud.log, [
    "[1/4] gcloud projects describe p '--format=value(projectNumber)'",
    '      N=4242',
    '[2/4] gcloud topics describe a',
    '      exists; not created',
    '[3/4] gcloud topics describe b',
    '      gcloud topics create b',
    '[4/4] gcloud bind --member=service-4242@x',
  ]);
});

const failures: { name: string; answers: Record<string, CommandResult | CommandResult[]>; step: number; code: number; lastCall: string; message: RegExp[] }[] = [
  {
    name: 'a failing create stops the run',
    answers: { 'gcloud projects describe': { code: 0, stdout: '1\n', stderr: '' }, 'gcloud topics describe': NOT_FOUND, 'gcloud topics create a': { code: 7, stdout: '', stderr: 'ERROR: (gcloud.pubsub.topics.create) PERMISSION_DENIED\n' } },
    step: 2,
    code: 7,
    lastCall: 'gcloud topics create a',
    message: [/step 2\/4: topic a\ngcloud exited with code 7:/, /gcloud topics create a/, /PERMISSION_DENIED/, /run the same command again/],
  },
  {
    name: 'a capture that fails',
    answers: { 'gcloud projects describe': { code: 1, stdout: '', stderr: 'ERROR: project p not found\n' } },
    step: 1,
    code: 1,
    lastCall: 'gcloud projects describe p --format=value(projectNumber)',
    message: [/project p not found/],
  },
  {
    name: 'a capture that prints nothing',
    answers: { 'gcloud projects describe': { code: 0, stdout: '\n', stderr: '' } },
    step: 1,
    code: 0,
    lastCall: 'gcloud projects describe p --format=value(projectNumber)',
    message: [/printed nothing where N was expected/],
  },
  {
    name: 'a capture that prints something unusable',
    answers: { 'gcloud projects describe': { code: 0, stdout: 'a b\n', stderr: '' } },
    step: 1,
    code: 0,
    lastCall: 'gcloud projects describe p --format=value(projectNumber)',
    message: [/printed "a b" where N was expected/],
  },
  {
    name: 'a run step after its retries',
    answers: { 'gcloud projects describe': { code: 0, stdout: '1\n', stderr: '' }, 'gcloud bind': { code: 2, stdout: '', stderr: 'boom\n' } },
    step: 4,
    code: 2,
    lastCall: 'gcloud bind --member=service-1@x',
    message: [/boom/],
  },
];
for (const c of failures) {
  test(`stops at the first failure: ${c.name}`, async () => {
    const gcloud = fakeGcloud(c.answers);
    const outcome = await runSteps(STEPS, gcloud.deps);
    assert.ok(!outcome.ok);
    assert.equal(outcome.step, c.step);
    assert.equal(outcome.code, c.code);
    assert.equal(gcloud.calls.at(-1)?.argv, c.lastCall);
    for (const m of c.message) assert.match(outcome.message, m);
  });
}

test('no logged-in gcloud account: two lines that name the command to run, not gcloud\'s advice', async () => {
  const noAccount: CommandResult = {
    code: 1,
    stdout: '',
    stderr: [
      'ERROR: (gcloud.projects.describe) You do not currently have an active account selected.',
      'Please run:',
      '',
      '  $ gcloud auth login',
      '',
      'to obtain new credentials.',
    ].join('\n'),
  };
  const gcloud = fakeGcloud({ 'gcloud projects describe': noAccount });
  const outcome = await runSteps(STEPS, gcloud.deps);
  assert.ok(!outcome.ok);
  assert.equal(outcome.step, 1);
  assert.equal(
    outcome.message,
    'Deploy stopped at step 1/4 (number): gcloud has no active, logged-in account.\nRun `gcloud auth login` (or `gcloud config set account ACCOUNT`), then the same command again.',
  );
  assert.equal(gcloud.calls.length, 1, 'nothing after the failed step ran');
});

test('a require step that fails stops with its hint', async () => {
  const gcloud = fakeGcloud({ 'gcloud firestore': NOT_FOUND });
  const steps: GcloudStep[] = [
    { kind: 'require', title: 'db', check: ['gcloud', 'firestore', 'databases', 'describe'], hint: 'create it with: gcloud firestore databases create' },
    { kind: 'run', title: 'never', argv: ['gcloud', 'never'] },
  ];
  const outcome = await runSteps(steps, gcloud.deps);
  assert.ok(!outcome.ok);
  assert.match(outcome.message, /NOT_FOUND[\s\S]*create it with: gcloud firestore databases create/);
  assert.deepEqual(gcloud.calls.map((c) => c.argv), ['gcloud firestore databases describe']);
});

test('a step with attempts is retried after a pause, then succeeds', async () => {
  const failed: CommandResult = { code: 1, stdout: '', stderr: 'Service account does not exist\n' };
  const gcloud = fakeGcloud({ 'gcloud grant': [failed, failed, OK] });
  const outcome = await runSteps([{ kind: 'run', title: 'grant', argv: ['gcloud', 'grant'], attempts: 4 }, { kind: 'run', title: 'next', argv: ['gcloud', 'next'] }], gcloud.deps);
  assert.ok(outcome.ok);
  assert.deepEqual(gcloud.calls.map((c) => c.argv), ['gcloud grant', 'gcloud grant', 'gcloud grant', 'gcloud next']);
  assert.deepEqual(gcloud.sleeps, [5000, 5000]);
});

test('a step with attempts gives up after the last one', async () => {
  const gcloud = fakeGcloud({ 'gcloud grant': { code: 1, stdout: '', stderr: 'denied\n' } });
  const outcome = await runSteps([{ kind: 'run', title: 'grant', argv: ['gcloud', 'grant'], attempts: 3 }], gcloud.deps);
  assert.ok(!outcome.ok);
  assert.equal(gcloud.calls.length, 3);
  assert.deepEqual(gcloud.sleeps, [5000, 5000]);
});

test('a value used before it is captured is a planning bug, reported before anything runs', async () => {
  const gcloud = fakeGcloud({});
  await assert.rejects(runSteps([{ kind: 'run', title: 'x', argv: ['gcloud', arg`${N}`] }], gcloud.deps), /\$N is used before a step captures it/);
  assert.equal(gcloud.calls.length, 0);
});
