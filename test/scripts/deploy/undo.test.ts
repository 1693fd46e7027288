import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resourceCreatedBy } from '../../../scripts/deploy/planUndo';
import { ARGS, FAKE_GCLOUD_DIR, NODE_DIR, callLog, commandWords, deploy, spawnRecorded, work } from './runDeployCli';

// `npm run deploy -- --undo` against the fake gcloud in fixtures/ (see runDeployCli.ts).
const UNDO = [...ARGS, '--undo'];

/**
 * The resource a command of the deploy's printed script creates, named independently of
 * planUndo: the oracle the undo's list is checked against.
 */
function created(line: string): string | undefined {
  const gcloud = /(?:^|\s|\$\()gcloud (.*)$/.exec(line.trim().startsWith('#') ? '' : line);
  if (!gcloud) return undefined;
  const cmd = gcloud[1]!.split(/\s+/).filter((w) => w && !w.startsWith('-') && !w.startsWith("'-")).join(' ');
  const flag = (name: string) => new RegExp(`${name}=([^\\s']+)`).exec(line)?.[1];
  let m: RegExpExecArray | null;
  if ((m = /^pubsub (topics|subscriptions) create (\S+)/.exec(cmd))) return `${m[1] === 'topics' ? 'topic' : 'subscription'} ${m[2]}`;
  if ((m = /^iam service-accounts create (\S+)/.exec(cmd))) return `service account ${m[1]}`;
  if ((m = /^functions deploy (\S+)/.exec(cmd))) return `function ${m[1]}`;
  if ((m = /^scheduler jobs create http (\S+)/.exec(cmd))) return `scheduler job ${m[1]}`;
  if (/^firestore indexes composite create/.test(cmd)) return `index orders (${[...line.matchAll(/field-path=(\w+)/g)].map((f) => f[1]).join(', ')})`;
  if (/^projects add-iam-policy-binding/.test(cmd)) return `project grant ${flag('--role')} to ${flag('--member')}`;
  if (/ (create|deploy)( |$)/.test(` ${cmd}`)) throw new Error(`the test does not know what "${cmd}" creates`);
  return undefined;
}

/** The deploy's dry run as logical lines (continuations joined). */
function scriptLines(script: string): string[] {
  return script.replace(/ \\\n\s+/g, ' ').split('\n');
}

test('--undo --dry-run lists exactly what the deploy creates, with either exporter, and runs nothing', async () => {
  const undo = await deploy([...UNDO, '--dry-run'], { existing: '*' });
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(undo.calls, undefined);
  const listed = [...undo.stdout.matchAll(/^# \[\d+\/\d+\] Remove (.+)$/gm)].map((m) => m[1]!);

  const deployed = new Set<string>();
  for (const exporter of ['gcp', 'gcp_otlp']) {
    const dry = await deploy([...ARGS, '--dry-run', '--exporter', exporter]);
    assert.equal(dry.code, 0, dry.stderr);
    for (const line of scriptLines(dry.stdout)) {
      const resource = created(line);
      if (resource) deployed.add(resource);
    }
  }
  assert.deepEqual([...listed].sort(), [...deployed].sort());
  assert.equal(listed.length, new Set(listed).size, 'each resource once');
  // The three functions, the scheduler job, four accounts, both topics, the subscription, two indexes, and the grants.
  assert.deepEqual(listed.filter((r) => r.startsWith('function ')).sort(), ['function create-order', 'function process-order', 'function sweep-orders']);
  assert.equal(listed.filter((r) => r.startsWith('service account ')).length, 4);
  assert.equal(listed.filter((r) => r.startsWith('index ')).length, 2);
  // Never the database without --delete-database.
  assert.doesNotMatch(undo.stdout, /firestore databases delete/);
});

test('--undo removes in dependency order (the job, the functions, the grants, the accounts, the subscription, the topics, the indexes), as its dry run pasted into bash does', async () => {
  const [r, printed] = await Promise.all([deploy(UNDO, { existing: '*' }), deploy([...UNDO, '--dry-run'])]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls);
  const deletes = r.calls.map((c) => commandWords(c.argv)).filter(isRemoval);
  const first = (prefix: string) => deletes.findIndex((w) => w.startsWith(prefix));
  const last = (prefix: string) => deletes.findLastIndex((w) => w.startsWith(prefix));
  const kinds = ['scheduler jobs delete', 'functions delete', 'projects remove-iam-policy-binding', 'iam service-accounts delete', 'pubsub subscriptions delete', 'pubsub topics delete', 'firestore indexes composite delete'];
  for (const [i, kind] of kinds.entries()) {
    assert.ok(first(kind) >= 0, `${kind} runs`);
    if (i > 0) assert.ok(first(kind) > last(kinds[i - 1]!), `${kind} after ${kinds[i - 1]}`);
  }
  // An index is deleted by the id its listing printed.
  assert.equal(deletes.filter((w) => w === 'firestore indexes composite delete CICAgJim14AK').length, 2);
  assert.equal(deletes.length, 22);
  assert.doesNotMatch(deletes.join('\n'), /firestore databases/);
  assert.match(r.stdout, /Removed\. 22 resources deleted, 0 were already gone\./);

  const script = path.join(work, 'undo-dry-run.sh');
  writeFileSync(script, printed.stdout);
  const env = { PATH: [FAKE_GCLOUD_DIR, NODE_DIR].join(path.delimiter), FAKE_GCLOUD_EXISTING: '*', FAKE_GCLOUD_FAIL: '' };
  const viaBash = await spawnRecorded('/bin/bash', [script], env, callLog());
  assert.equal(viaBash.code, 0, viaBash.stderr);
  assert.deepEqual(viaBash.calls, r.calls);
});

test('--undo is idempotent: with nothing left, only the checks run, and it exits 0', async () => {
  const r = await deploy(UNDO, { existing: '' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls);
  assert.equal(r.calls.length, 22);
  assert.deepEqual(r.calls.map((c) => commandWords(c.argv)).filter(isRemoval), []);
  assert.match(r.stdout, /Removed\. 0 resources deleted, 22 were already gone\./);
});

test('--delete-database adds the Firestore database, last; without --undo it is a usage error', async () => {
  const r = await deploy([...UNDO, '--delete-database', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /# \[23\/23\] Remove the Firestore database \(default\)[^\n]*\n[^\n]*\n {2}gcloud firestore databases delete '--database=\(default\)' --project=my-orders-123 --quiet\n$/);
  const bad = await deploy([...ARGS, '--delete-database'], { existing: '*' });
  assert.equal(bad.code, 2);
  assert.equal(bad.calls, undefined);
  assert.match(bad.stderr, /--delete-database only goes with --undo/);
});

test('a check that fails for another reason than "not found" stops the undo (exit 1) instead of calling the resource gone', async () => {
  const r = await deploy(UNDO, { existing: '*', fail: 'pubsub topics describe' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Undo stopped at step 19\/22: Remove topic orders-dead-letter/);
  assert.match(r.stderr, /what is already gone is skipped/);
  assert.equal(r.calls!.filter((c) => commandWords(c.argv).startsWith('pubsub topics delete')).length, 0);
});

test('a deploy command the undo does not know is an error, not a resource left behind', () => {
  assert.throws(() => resourceCreatedBy(['gcloud', 'storage', 'buckets', 'create', 'gs://x', '--project=p']), /no removal known for "gcloud storage buckets create gs:\/\/x"/);
  assert.equal(resourceCreatedBy(['gcloud', 'services', 'enable', 'run.googleapis.com']), undefined);
  assert.equal(resourceCreatedBy(['gcloud', 'functions', 'add-invoker-policy-binding', 'f']), 'belongs to another');
});

function isRemoval(words: string): boolean {
  return / (delete|remove-iam-policy-binding) /.test(` ${words} `);
}
