/**
 * `npm run sweep` driven as an operator would, against the Firestore and Pub/Sub
 * emulators: flags in, text and exit code out, the real clients in a child process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Message, Subscription } from '@google-cloud/pubsub';
import { FirestoreOrderStore } from '../../../shared/firestore/firestoreOrderStore';
import type { Order } from '../../../shared/order';
import { stackStateDir, writeStackState } from '../../../scripts/stack/stackState';
import { startEmulators } from '../../support/startEmulators';
import type { TestEmulators } from '../../support/startEmulators';

const CLI = path.join(__dirname, '..', '..', '..', 'scripts', 'sweep.js');
const PROJECT = 'demo-sweep';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let emulators: TestEmulators | undefined;
let db: Firestore;
let pubsub: PubSub;
const received: Message[] = [];
let subscription: Subscription;

before(async () => {
  emulators = await startEmulators();
  db = new Firestore({ projectId: PROJECT });
  pubsub = new PubSub({ projectId: PROJECT });
  const [topic] = await pubsub.createTopic('orders');
  [subscription] = await topic.createSubscription('sweep-test');
  // What the stack and the deploy create: the dead-letter topic and the sweeper's subscription.
  const [deadLetterTopic] = await pubsub.createTopic('orders-dead-letter');
  await deadLetterTopic.createSubscription('orders-dead-letter-sub');
  subscription.on('message', (message: Message) => {
    message.ack();
    received.push(message);
  });
});

after(async () => {
  await subscription?.close();
  await pubsub?.close();
  await db?.terminate();
  await emulators?.close();
});

/** Runs the CLI to its end (killed, by pid, after 60 s); resolves to exit code and output. */
function sweep(args: string[], extraEnv: NodeJS.ProcessEnv = {}, emulatorFlags = true): Promise<{ code: number | null; out: string }> {
  // Console exporter: the sweeper's spans come out on stdout, where the test can read them.
  const env: NodeJS.ProcessEnv = { ...process.env, GOOGLE_CLOUD_PROJECT: PROJECT, OTEL_TRACES_EXPORTER: 'console' };
  delete env.METADATA_SERVER_DETECTION;
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.PUBSUB_EMULATOR_HOST;
  const flags = emulatorFlags ? ['--firestore', `127.0.0.1:${emulators!.firestorePort}`, '--pubsub', `127.0.0.1:${emulators!.pubsubPort}`] : [];
  const child = spawn(process.execPath, [CLI, ...flags, ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.once('close', (code) => (clearTimeout(timer), resolve({ code, out }))));
}

function pendingOrder(orderId: string, createdAt: Date): Order {
  return {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'a', quantity: 2, unitPrice: 1.5 }],
    currency: 'EUR',
    status: 'received',
    total: 3,
    itemCount: 2,
    createdAt: createdAt.toISOString(),
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    fingerprint: 'f',
    keyed: false,
    traceparent: TRACEPARENT,
    published: false,
  };
}

test('--help exits 0, a bad flag exits 2 naming it', async () => {
  const help = await sweep(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: npm run sweep/);
  const bad = await sweep(['--limit', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /--limit must be a whole number/);
});

test('a dry run lists the pending order and changes nothing; a real run publishes it once and records it', async () => {
  const store = new FirestoreOrderStore(db, 'orders', 10_000);
  await store.create(pendingOrder('pending-old', new Date(Date.now() - 120_000)));
  await store.create(pendingOrder('pending-young', new Date()));

  const dry = await sweep(['--dry-run']);
  assert.equal(dry.code, 0, dry.out);
  assert.match(dry.out, /would publish pending-old/);
  assert.doesNotMatch(dry.out, /pending-young/);
  assert.equal((await store.get('pending-old'))?.published, false);

  const real = await sweep([]);
  assert.equal(real.code, 0, real.out);
  assert.match(real.out, /unpublished: found 1, republished 1, recorded 0, failed 0; dead letters: pulled 0, .*; stuck: found 0, republished 0, failed 0/);
  assert.equal((await store.get('pending-old'))?.published, true);
  assert.equal((await store.get('pending-young'))?.published, false, 'younger than the default grace of 60 s');
  for (const deadline = Date.now() + 5000; received.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(received.map((m) => JSON.parse(m.data.toString())), [{ orderId: 'pending-old', customerId: 'c-1', total: 3, currency: 'EUR', itemCount: 2 }]);
  // The stored span may never have been exported (its request died): a root span of the
  // sweeper's own, linked to it, carries the order on, and its trace becomes the order's.
  const [, traceId, spanId] = TRACEPARENT.split('-');
  const adopted = (await store.get('pending-old'))?.traceId ?? '';
  assert.match(adopted, /^[0-9a-f]{32}$/);
  assert.notEqual(adopted, traceId);
  assert.match(real.out, /republish order/);
  assert.ok(real.out.includes(spanId!), 'linked to the stored span');
  assert.match(real.out, new RegExp(`"kind": "PRODUCER",\\s*"traceId": "${adopted}"`));
  assert.match(received[0]!.attributes.traceparent!, new RegExp(`^00-${adopted}-[0-9a-f]{16}-01$`));

  const again = await sweep(['--older-than-ms', '0']);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /unpublished: found 1, republished 1/, 'only the young one is left');
});

test('without the stack or credentials: one line saying what is missing, no stack trace, exit 3', async () => {
  // A port nothing listens on: the local stack is not running.
  const noStack = await sweep(['--firestore', '127.0.0.1:9', '--pubsub', '127.0.0.1:9'], {}, false);
  assert.equal(noStack.code, 3, noStack.out);
  assert.equal(noStack.out.trim().split('\n').length, 1, noStack.out);
  assert.match(noStack.out, /^No Firestore emulator answers at 127\.0\.0\.1:9: start the local stack \(npm start\)/);

  const noCredentials = await sweep(['--project', 'my-orders'], { GOOGLE_APPLICATION_CREDENTIALS: path.join(__dirname, 'no-such-key.json'), METADATA_SERVER_DETECTION: 'none' }, false);
  assert.equal(noCredentials.code, 3, noCredentials.out);
  assert.equal(noCredentials.out.trim().split('\n').length, 1, noCredentials.out);
  assert.match(noCredentials.out, /^No Google Cloud credentials for project my-orders: run `gcloud auth application-default login`/);
});

test('a trace export that fails is reported but leaves the exit code to the work: 0 when everything was settled', async () => {
  const closed = await freePort();
  const run = await sweep([], { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}` });
  assert.match(run.out, /unpublished: found \d+, republished \d+, recorded 0, failed 0/, run.out);
  assert.equal(run.code, 0, run.out);
});

test('with no OTEL endpoint set, the spans go to the running stack\'s collector, wherever its ports are', async () => {
  // A stand-in for the stack's OTLP/HTTP receiver on a free port, recorded as a running stack would record itself.
  const bodies: number[] = [];
  const receiver = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(size);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const tmp = mkdtempSync(path.join(tmpdir(), 'sweep-stack-'));
  const forget = writeStackState(stackStateDir({ TMPDIR: tmp }), {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    root: tmp,
    ports: { firestore: emulators!.firestorePort, pubsub: emulators!.pubsubPort, otlpHttp: port },
    urls: { createOrder: '', processOrder: '', pubsub: `127.0.0.1:${emulators!.pubsubPort}`, firestore: `127.0.0.1:${emulators!.firestorePort}`, otlpGrpc: '', otlpHttp: `http://127.0.0.1:${port}`, query: '', viewer: '' },
  });
  try {
    const run = await sweep([], { TMPDIR: tmp, OTEL_TRACES_EXPORTER: 'otlp' }, false);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, new RegExp(`Sweeping the local stack \\(Firestore 127\\.0\\.0\\.1:${emulators!.firestorePort}, Pub/Sub 127\\.0\\.0\\.1:${emulators!.pubsubPort}`), 'its emulators too');
    assert.ok(bodies.length > 0 && bodies.every((n) => n > 0), 'the sweep pass was exported to the stack\'s receiver');
  } finally {
    forget();
    receiver.close();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
