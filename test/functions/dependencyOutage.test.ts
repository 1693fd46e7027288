/**
 * Firestore or Pub/Sub unreachable: createOrder answers 503 naming the dependency, and
 * processOrder fails its invocation (so Pub/Sub redelivers), both within the dependency
 * deadline, never a hang. Each case is a real functions-framework process whose
 * emulator host points at a closed port or at a server that accepts and never answers;
 * the other dependency is the real emulator. Processes, not in-process servers: the
 * client libraries keep retrying an abandoned call in the background (Firestore's
 * commit for minutes), and a process can be stopped with all of that in it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { findFreePort } from '../../scripts/stack/assertPortsFree';
import { startChild } from '../../scripts/stack/startChild';
import type { RunningChild } from '../../scripts/stack/startChild';
import { waitForHttp } from '../../scripts/stack/waitForHttp';
import { listenHanging } from './fakeCollectors';
import type { FakeCollector } from './fakeCollectors';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-dependency-outage';
// Long enough that the healthy dependency's first call (a fresh connection) fits on a busy machine.
const DEPENDENCY_TIMEOUT_MS = 2000;
// Loose on purpose: a correctness bound on a shared 2-core machine, not a benchmark.
const SLACK_MS = 3000;
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const ORDER = { customerId: 'c-dep', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 2.5 }], currency: 'EUR' };

type Fault = 'closed' | 'hanging';
interface Case {
  readonly target: 'createOrder' | 'processOrder';
  readonly broken: 'firestore' | 'pubsub';
  readonly fault: Fault;
}
const CASES: readonly Case[] = [
  { target: 'createOrder', broken: 'firestore', fault: 'closed' },
  { target: 'createOrder', broken: 'firestore', fault: 'hanging' },
  { target: 'createOrder', broken: 'pubsub', fault: 'closed' },
  { target: 'createOrder', broken: 'pubsub', fault: 'hanging' },
  { target: 'processOrder', broken: 'firestore', fault: 'closed' },
  { target: 'processOrder', broken: 'firestore', fault: 'hanging' },
];

let emulators: TestEmulators | undefined;
let db: Firestore;
let pubsub: PubSub;
const hangingServers: FakeCollector[] = [];
const children: RunningChild[] = [];

before(async () => {
  emulators = await startEmulators();
  const { PubSub } = await import('@google-cloud/pubsub');
  const { Firestore } = await import('@google-cloud/firestore');
  pubsub = new PubSub({ projectId: PROJECT });
  db = new Firestore({ projectId: PROJECT });
  await pubsub.createTopic('orders');
});

after(async () => {
  await Promise.all(children.map((child) => child.stop(5000)));
  await Promise.all(hangingServers.map((server) => server.close()));
  await pubsub?.close();
  await db?.terminate();
  await emulators?.close();
});

/** A host:port that refuses connections, or one that accepts and never answers. */
async function brokenHost(fault: Fault): Promise<string> {
  const port = await findFreePort('127.0.0.1');
  if (fault === 'hanging') hangingServers.push(await listenHanging(port));
  return `127.0.0.1:${port}`;
}

async function startFunction(spec: Case, collection: string, lines: string[]): Promise<string> {
  const port = await findFreePort('127.0.0.1');
  const broken = await brokenHost(spec.fault);
  const child = startChild({
    name: spec.target,
    command: process.execPath,
    args: [
      FUNCTIONS_FRAMEWORK,
      `--target=${spec.target}`,
      `--port=${port}`,
      `--source=${REPO_ROOT}`,
      ...(spec.target === 'processOrder' ? ['--signature-type=cloudevent'] : []),
    ],
    env: {
      PATH: process.env.PATH,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      ORDERS_COLLECTION: collection,
      FIRESTORE_EMULATOR_HOST: spec.broken === 'firestore' ? broken : process.env.FIRESTORE_EMULATOR_HOST,
      PUBSUB_EMULATOR_HOST: spec.broken === 'pubsub' ? broken : process.env.PUBSUB_EMULATOR_HOST,
      METADATA_SERVER_DETECTION: 'none',
      OTEL_TRACES_EXPORTER: 'none',
      DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS),
    },
    cwd: REPO_ROOT,
    log: (line) => lines.push(line),
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(`${url}robots.txt`, { part: spec.target, timeoutMs: 20_000, giveUp: () => (child.isRunning() ? undefined : 'exited') });
  return url;
}

function postOrder(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ORDER) });
}

/** The CloudEvent Eventarc sends for a Pub/Sub message naming `orderId` (binary mode). */
function pushMessage(url: string, orderId: string): Promise<Response> {
  const publishTime = new Date().toISOString();
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-id': `m-${orderId}`,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/${PROJECT}/topics/orders`,
      'ce-time': publishTime,
    },
    body: JSON.stringify({
      message: { data: Buffer.from(JSON.stringify({ orderId, customerId: 'c-dep', total: 2.5, currency: 'EUR', itemCount: 1 })).toString('base64'), messageId: `m-${orderId}`, publishTime },
      subscription: `projects/${PROJECT}/subscriptions/orders-processOrder`,
    }),
  });
}

for (const spec of CASES) {
  const name = `${spec.target} with ${spec.broken} ${spec.fault === 'closed' ? 'at a closed port' : 'accepting and never answering'}`;
  test(`${name}: fails within the dependency deadline, naming it`, { timeout: 60_000 }, async (t) => {
    const collection = `orders-${spec.target}-${spec.broken}-${spec.fault}`;
    const lines: string[] = [];
    const url = await startFunction(spec, collection, lines);
    const elapsed: number[] = [];
    const keptOrderIds: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = performance.now();
      const response = spec.target === 'createOrder' ? await postOrder(url) : await pushMessage(url, `order-${attempt}`);
      const ms = performance.now() - started;
      elapsed.push(ms);
      const text = await response.text();
      assert.ok(ms <= DEPENDENCY_TIMEOUT_MS + SLACK_MS, `${name}: answered after ${ms.toFixed(0)} ms`);
      if (spec.target === 'createOrder') {
        assert.equal(response.status, 503, text);
        assert.equal(response.headers.get('retry-after'), '1');
        const body = JSON.parse(text) as { error: string; dependency: string; orderId?: string };
        assert.equal(body.dependency, spec.broken, text);
        assert.match(body.error, new RegExp(`^${spec.broken}: `), 'the message names the dependency');
        if (body.orderId !== undefined) keptOrderIds.push(body.orderId);
        if (spec.broken === 'firestore') {
          // The write may land after the deadline (and the sweeper would then publish it):
          // the answer names the order and says its outcome is unknown.
          const unknown = JSON.parse(text) as { orderId?: string; outcome?: string };
          assert.match(unknown.orderId ?? '', /^[0-9a-f-]{36}$/, text);
          assert.equal(unknown.outcome, 'unknown', text);
        }
      } else {
        // Thrown, so functions-framework answers 500 and Pub/Sub redelivers the message.
        assert.equal(response.status, 500, text);
        assert.ok(lines.some((line) => line.includes('firestore: ')), 'the failure names Firestore in the log');
      }
    }
    t.diagnostic(`${name}: answered ${spec.target === 'createOrder' ? 503 : 500} after ${elapsed.map((ms) => ms.toFixed(0)).join(', ')} ms (deadline ${DEPENDENCY_TIMEOUT_MS} ms)`);
    if (spec.broken === 'pubsub') {
      // Stored, then not published: each order is kept, flagged unpublished, for a retry
      // with its key or the sweeper (the outbox rule), and the 503 named it.
      const kept = await db.collection(collection).get();
      assert.deepEqual(kept.docs.map((doc) => doc.id).sort(), [...keptOrderIds].sort(), 'the 503s name the kept orders');
      assert.equal(keptOrderIds.length, 2);
      for (const doc of kept.docs) assert.equal(doc.get('published'), false, `${doc.id} is flagged unpublished`);
    }
  });
}

test('abandoned Firestore calls do not pile up: past 100 still running, new ones fail at once', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const url = await startFunction({ target: 'createOrder', broken: 'firestore', fault: 'hanging' }, 'orders-pileup', lines);
  // Each of these leaves a commit behind that Firestore keeps trying for a minute.
  const first = await Promise.all(Array.from({ length: 100 }, () => postOrder(url)));
  assert.deepEqual(new Set(first.map((r) => r.status)), new Set([503]));
  await Promise.all(first.map((r) => r.arrayBuffer()));
  const refused = await postOrder(url);
  const body = (await refused.json()) as { error: string; dependency: string };
  assert.equal(refused.status, 503);
  assert.equal(body.dependency, 'firestore');
  // Refused without being attempted (so without waiting for the deadline).
  assert.match(body.error, /not attempted: 100 earlier calls are still unanswered/);
});
