import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Argv } from '../../../scripts/deploy/gcloudStep';
import { resolveArgv, stepCommands } from '../../../scripts/deploy/gcloudStep';
import { parseDeployOptions } from '../../../scripts/deploy/parseDeployOptions';
import { planDeploy } from '../../../scripts/deploy/planDeploy';
import type { Call } from './runDeployCli';
import { ARGS, FAKE_GCLOUD_DIR, NODE_DIR, ROOT, callLog, commandWords, deploy, spawnRecorded, work } from './runDeployCli';

// The fake's answers to the value-capturing describes (see fixtures/gcloud).
const CAPTURED = new Map([
  ['PROJECT_NUMBER', '123456789012'],
  ['TRIGGER', 'process-order-812377'],
  ['SUBSCRIPTION', 'eventarc-europe-west1-process-order-812377-sub-204'],
  ['SWEEP_URL', 'https://europe-west1-fake.cloudfunctions.net/sweep-orders'],
  ['CREATE_ORDER_URL', 'https://europe-west1-fake.cloudfunctions.net/create-order'],
]);

/** The commands the plan runs when `exists(check)` tells which guarded creates are skipped. */
function expectedCalls(exists: (check: Argv) => boolean): string[][] {
  return planDeploy(parseDeployOptions(ARGS)).flatMap((step) => {
    const commands = step.kind === 'ensure' && exists(step.check) ? [step.check] : stepCommands(step);
    return commands.map((argv) => resolveArgv(argv, CAPTURED));
  });
}
const indexOf = (calls: Call[], words: string) => calls.findIndex((c) => commandWords(c.argv).startsWith(words));

test('first deploy: creates what is missing, in order, with the captured values filled in', async () => {
  const r = await deploy(ARGS, { existing: 'firestore databases' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls);
  assert.deepEqual(r.calls.map((c) => c.argv), expectedCalls(() => false).map((argv) => argv.slice(1)));
  // --source=. is the project's folder.
  assert.ok(r.calls.every((c) => c.cwd === ROOT));

  const calls = r.calls;
  const order = [
    'projects describe my-orders-123',
    'services enable',
    'firestore databases describe',
    'pubsub topics create orders',
    'pubsub topics create orders-dead-letter',
    'pubsub subscriptions create orders-dead-letter-sub',
    'iam service-accounts create create-order-fn',
    'iam service-accounts create process-order-fn',
    'pubsub topics add-iam-policy-binding orders',
    'functions deploy create-order',
    'functions deploy process-order',
    'functions add-invoker-policy-binding process-order',
    'functions describe process-order',
    'eventarc triggers describe process-order-812377',
    'pubsub subscriptions update eventarc-europe-west1-process-order-812377-sub-204',
    'firestore indexes composite list',
    'firestore indexes composite create',
    'pubsub subscriptions add-iam-policy-binding orders-dead-letter-sub',
    'functions deploy sweep-orders',
    'iam service-accounts create sweep-scheduler',
    'functions add-invoker-policy-binding sweep-orders',
    'functions describe sweep-orders',
    'scheduler jobs create http sweep-orders',
    'functions describe create-order',
  ].map((words) => indexOf(calls, words));
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `out of order: ${order.join(', ')}`);

  const update = calls.find((c) => commandWords(c.argv).startsWith('pubsub subscriptions update'));
  assert.deepEqual(update?.argv, [
    'pubsub', 'subscriptions', 'update', 'eventarc-europe-west1-process-order-812377-sub-204',
    '--dead-letter-topic=orders-dead-letter', '--max-delivery-attempts=5', '--project=my-orders-123',
  ]); // prettier-ignore
  const agent = '--member=serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';
  assert.deepEqual(
    calls.filter((c) => c.argv.includes(agent)).map((c) => commandWords(c.argv)),
    [
      'iam service-accounts add-iam-policy-binding process-order-fn@my-orders-123.iam.gserviceaccount.com',
      'pubsub topics add-iam-policy-binding orders-dead-letter',
      'pubsub subscriptions add-iam-policy-binding eventarc-europe-west1-process-order-812377-sub-204',
    ],
  );
  const createOrder = calls.find((c) => commandWords(c.argv) === 'functions deploy create-order');
  for (const flag of ['--gen2', '--runtime=nodejs22', '--trigger-http', '--no-allow-unauthenticated', '--entry-point=createOrder', '--source=.']) {
    assert.ok(createOrder?.argv.includes(flag), flag);
  }

  const job = calls.find((c) => commandWords(c.argv).startsWith('scheduler jobs create http'));
  assert.ok(job?.argv.includes('--uri=https://europe-west1-fake.cloudfunctions.net/sweep-orders'));
  assert.ok(job?.argv.includes('--oidc-token-audience=https://europe-west1-fake.cloudfunctions.net/sweep-orders'));
  assert.equal(calls.filter((c) => commandWords(c.argv) === 'firestore indexes composite create').length, 2);

  assert.match(r.stdout, /^\[1\/35\] gcloud projects describe my-orders-123 '--format=value\(projectNumber\)'$/m);
  assert.match(r.stdout, /^\[35\/35\] gcloud functions describe create-order/m);
  // gcloud's own output is streamed through.
  assert.match(r.stdout, /fake gcloud: functions deploy create-order/);
  assert.match(r.stdout, /Deployed\. 10 resources created, 0 already existed\./);
  assert.match(r.stdout, /createOrder: https:\/\/europe-west1-fake\.cloudfunctions\.net\/create-order/);
  assert.match(r.stdout, /gcloud auth print-identity-token/);
});

test('second deploy: everything exists, so no create runs; bindings and deploys are re-applied', async () => {
  const r = await deploy(ARGS, { existing: '*' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls);
  assert.deepEqual(r.calls.map((c) => c.argv), expectedCalls(() => true).map((argv) => argv.slice(1)));
  assert.deepEqual(r.calls.filter((c) => c.argv.includes('create')), []);
  assert.equal(r.calls.filter((c) => c.argv.includes('describe') && !c.argv.some((a) => a.startsWith('--format='))).length, 8 + 1);
  assert.equal(r.calls.filter((c) => commandWords(c.argv) === 'firestore indexes composite list').length, 2);
  assert.equal(r.calls.filter((c) => commandWords(c.argv).startsWith('functions deploy')).length, 3);
  assert.match(r.stdout, /Deployed\. 0 resources created, 10 already existed\./);
});

test('a failing step stops the deploy: its exit code and error are shown, nothing after it runs, exit 1', async () => {
  const r = await deploy(ARGS, { existing: '*', fail: 'functions deploy process-order' });
  assert.equal(r.code, 1);
  assert.ok(r.calls);
  assert.equal(commandWords(r.calls.at(-1)!.argv), 'functions deploy process-order');
  assert.equal(r.calls.filter((c) => commandWords(c.argv) === 'functions deploy process-order').length, 1);
  assert.match(r.stderr, /Deploy stopped at step 19\/35: Deploy process-order .*\ngcloud exited with code 3:/);
  assert.match(r.stderr, /PERMISSION_DENIED: fake failure of "functions deploy process-order"/);
  assert.doesNotMatch(r.stdout, /Deployed\./);
});

test('a missing Firestore database stops the deploy before anything is created, with the command that creates it', async () => {
  const r = await deploy(ARGS, { existing: '' });
  assert.equal(r.code, 1);
  assert.ok(r.calls);
  assert.deepEqual(r.calls.map((c) => c.argv.slice(0, 2).join(' ')), ['projects describe', 'services enable', 'firestore databases']);
  assert.match(r.stderr, /gcloud firestore databases create --database='\(default\)' --location=europe-west1 --type=firestore-native --project=my-orders-123/);
});

test('--dry-run prints every command and runs none, not even a describe', async () => {
  const r = await deploy([...ARGS, '--dry-run'], { existing: '*' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.calls, undefined);
  for (const words of ['gcloud projects describe', 'gcloud services enable', 'gcloud functions deploy create-order', 'gcloud functions deploy process-order', 'gcloud pubsub subscriptions update "$SUBSCRIPTION"']) {
    assert.ok(r.stdout.includes(words), words);
  }
  assert.match(r.stdout, /^PROJECT_NUMBER=\$\(gcloud projects describe my-orders-123 '--format=value\(projectNumber\)'\)$/m);
  assert.match(r.stdout, /"--member=serviceAccount:service-\$PROJECT_NUMBER@gcp-sa-pubsub\.iam\.gserviceaccount\.com"/);
});

test('the dry run, pasted into bash, runs exactly the commands the deploy runs', { skip: process.platform === 'win32' }, async () => {
  const printed = await deploy([...ARGS, '--dry-run']);
  const script = path.join(work, 'dry-run.sh');
  writeFileSync(script, printed.stdout);
  const env = { PATH: [FAKE_GCLOUD_DIR, NODE_DIR].join(path.delimiter), FAKE_GCLOUD_EXISTING: 'firestore databases|pubsub topics orders', FAKE_GCLOUD_FAIL: '' };
  const [viaBash, viaDeploy] = await Promise.all([
    spawnRecorded('/bin/bash', [script], env, callLog()),
    deploy(ARGS, { existing: env.FAKE_GCLOUD_EXISTING }),
  ]);
  assert.equal(viaBash.code, 0, viaBash.stderr);
  assert.equal(viaDeploy.code, 0, viaDeploy.stderr);
  assert.ok(viaBash.calls && viaDeploy.calls);
  assert.deepEqual(viaBash.calls, viaDeploy.calls);
});

test('without gcloud on PATH: says so, prints the commands, runs nothing, exit 2', async () => {
  const emptyDir = mkdtempSync(path.join(work, 'empty-path-'));
  const r = await deploy(ARGS, { path: emptyDir });
  assert.equal(r.code, 2);
  assert.equal(r.calls, undefined);
  assert.match(r.stderr, /gcloud is not on PATH/);
  assert.ok(r.stdout.includes('gcloud functions deploy process-order'));
});

test('a bad flag is a usage error: exit 2, nothing runs', async () => {
  for (const args of [[...ARGS, '--exporter', 'zipkin'], ['--region', 'europe-west1'], [...ARGS, '--force']]) {
    const r = await deploy(args, { existing: '*' });
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.calls, undefined);
    assert.match(r.stderr, /Run with --help for the options\./);
  }
});

test('--help prints the usage and runs nothing', async () => {
  const r = await deploy(['--help']);
  assert.equal(r.code, 0);
  assert.equal(r.calls, undefined);
  assert.match(r.stdout, /^Usage: npm run deploy -- --project PROJECT --region REGION/);
});
