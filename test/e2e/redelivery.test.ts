/**
 * processOrder under the Pub/Sub emulator's real push delivery: duplicates (also
 * concurrent) have one effect, a Firestore fault is retried until it clears, poison is
 * acknowledged and recorded, and a message that keeps failing is dead-lettered after
 * five attempts. Everything runs for real on free ports: the Pub/Sub and Firestore
 * emulators, a collector, and processOrder as a functions-framework process.
 *
 * Two small parts of the test sit in the path and can be told what to do:
 * - a delivery tap between the emulator and processOrder, which counts every push,
 *   and on a message's `test.plan` attribute forwards copies concurrently, reports a
 *   lost ack (500 after processOrder succeeded, so the emulator really redelivers), or
 *   corrupts the data;
 * - a Firestore front between processOrder and the Firestore emulator, an HTTP/2 relay
 *   that, with the fault on, refuses every Commit (the fault: Firestore cannot write).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Message, Subscription, Topic } from '@google-cloud/pubsub';
import { startCollector } from '../../scripts/collector/startCollector';
import type { Collector } from '../../scripts/collector/startCollector';
import { startFirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import type { FirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import type { PubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import { findFreePort } from '../../scripts/stack/assertPortsFree';
import { provisionPubSub } from '../../scripts/stack/provisionPubSub';
import { startChild } from '../../scripts/stack/startChild';
import type { RunningChild } from '../../scripts/stack/startChild';
import { waitForHttp } from '../../scripts/stack/waitForHttp';
import { waitFor } from '../support/waitFor';

process.env.METADATA_SERVER_DETECTION ??= 'none';

const PROJECT = 'demo-redelivery';
const TOPIC = 'orders';
const DEAD_LETTER_TOPIC = 'orders-dead-letter';
const SUBSCRIPTION = 'orders-processOrder';
const MAX_DELIVERY_ATTEMPTS = 5;
const WAIT_MS = 30_000;
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const DEADLINE_EXCEEDED = 4;

/** One push the emulator made, as the tap saw it. */
interface Push {
  readonly messageId: string;
  /** processOrder's answer to each forwarded copy. */
  readonly copies: number[];
  /** What the tap answered the emulator. */
  answered: number;
}

/** Counts pushes per message and carries out each message's `test.plan`. */
class DeliveryTap {
  readonly pushes = new Map<string, Push[]>();
  private server: http.Server | undefined;
  port = 0;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  of(messageId: string): Push[] {
    return this.pushes.get(messageId) ?? [];
  }

  acked(messageId: string): boolean {
    return this.of(messageId).some((push) => push.answered >= 200 && push.answered < 300);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: { messageId: string; data?: string; attributes?: Record<string, string> } };
    const { messageId } = body.message;
    const plan = parsePlan(body.message.attributes?.['test.plan']);
    const list = this.pushes.get(messageId) ?? [];
    this.pushes.set(messageId, list);
    const push: Push = { messageId, copies: [], answered: 0 };
    list.push(push);
    if (plan.corruptData) body.message.data = '!!!not base64!!!';
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('ce-') || k === 'content-type')) as Record<string, string>;
    const forwarded = JSON.stringify(body);
    const statuses = await Promise.all(
      Array.from({ length: plan.copies }, async () => {
        try {
          return (await fetch(this.target, { method: 'POST', headers, body: forwarded })).status;
        } catch {
          return 599;
        }
      }),
    );
    push.copies.push(...statuses);
    const failed = statuses.find((s) => s < 200 || s >= 300);
    push.answered = list.length <= plan.loseAcks ? 500 : (failed ?? 204);
    res.writeHead(push.answered).end();
  }
}

interface Plan {
  readonly copies: number;
  readonly loseAcks: number;
  readonly corruptData: boolean;
}

/** `copies=3,lose-acks=2,corrupt-data` */
function parsePlan(raw: string | undefined): Plan {
  const parts = new Map((raw ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string | undefined]));
  return { copies: Number(parts.get('copies') ?? 1), loseAcks: Number(parts.get('lose-acks') ?? 0), corruptData: parts.has('corrupt-data') };
}

/**
 * An HTTP/2 relay in front of the Firestore emulator. With the fault on, every Commit
 * is answered DEADLINE_EXCEEDED (reads still pass): the Firestore library does not
 * retry that code on Commit, so each failing delivery fails in milliseconds. (Failing
 * reads instead costs ~7.5 s per delivery: the library retries a read stream five times.)
 */
class FirestoreFront {
  failCommits = false;
  /** Commits refused while the fault was on. */
  refused = 0;
  private upstream: http2.ClientHttp2Session | undefined;
  private readonly server = http2.createServer();

  constructor(private readonly upstreamPort: number) {
    this.server.on('stream', (stream, headers) => this.relay(stream, headers));
    this.server.on('sessionError', () => undefined);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  close(): Promise<void> {
    this.upstream?.destroy();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Open client sessions would hold close() open.
      setImmediate(() => this.server.emit('close'));
    });
  }

  private session(): http2.ClientHttp2Session {
    if (!this.upstream || this.upstream.closed || this.upstream.destroyed) {
      this.upstream = http2.connect(`http://127.0.0.1:${this.upstreamPort}`);
      this.upstream.on('error', () => undefined);
    }
    return this.upstream;
  }

  private relay(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    if (this.failCommits && headers[':path'] === '/google.firestore.v1.Firestore/Commit') {
      this.refused++;
      stream.resume();
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(DEADLINE_EXCEEDED), 'grpc-message': 'injected fault' }, { endStream: true });
      return;
    }
    const upstream = this.session().request(headers);
    upstream.on('error', () => stream.destroy());
    stream.on('close', () => upstream.close());
    stream.pipe(upstream);
    let trailers: http2.IncomingHttpHeaders = {};
    upstream.on('trailers', (received) => {
      trailers = received;
    });
    upstream.on('response', (responseHeaders, flags) => {
      const endStream = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      stream.respond(responseHeaders as http2.OutgoingHttpHeaders, endStream ? { endStream: true } : { waitForTrailers: true });
      if (endStream) return;
      stream.on('wantTrailers', () => stream.sendTrailers(trailers as http2.OutgoingHttpHeaders));
      upstream.pipe(stream);
    });
  }
}


void describe('processOrder under real Pub/Sub redelivery', () => {
  let collector: Collector;
  let firestoreEmulator: FirestoreEmulator;
  let pubsubEmulator: PubSubEmulator;
  let front: FirestoreFront;
  let tap: DeliveryTap;
  let child: RunningChild;
  let db: Firestore;
  let pubsub: PubSub;
  let topic: Topic;
  let deadLetters: Subscription;
  const deadLettered: Message[] = [];
  const logs: Record<string, unknown>[] = [];
  const output: string[] = [];
  const emulatorLog: string[] = [];
  const poisonIds: string[] = [];
  let orderSeq = 0;

  before(async () => {
    collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
    firestoreEmulator = await startFirestoreEmulator({ port: 0 });
    pubsubEmulator = await startPubSubEmulator({ port: 0, log: (line) => emulatorLog.push(line) });
    front = new FirestoreFront(firestoreEmulator.port);
    await front.start();
    const processPort = await findFreePort('127.0.0.1');
    const processUrl = `http://127.0.0.1:${processPort}/`;
    child = startChild({
      name: 'processOrder',
      command: process.execPath,
      args: [FUNCTIONS_FRAMEWORK, '--target=processOrder', `--port=${processPort}`, `--source=${REPO_ROOT}`, '--signature-type=cloudevent'],
      env: {
        ...process.env,
        GOOGLE_CLOUD_PROJECT: PROJECT,
        ORDERS_TOPIC: TOPIC,
        FIRESTORE_EMULATOR_HOST: `127.0.0.1:${front.port}`,
        PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubEmulator.port}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}`,
        OTEL_SERVICE_NAME: 'processOrder',
        METADATA_SERVER_DETECTION: 'none',
      },
      cwd: REPO_ROOT,
      log: (line) => {
        output.push(line);
        const json = line.replace(/^\[processOrder\] /, '');
        if (json.startsWith('{')) {
          try {
            logs.push(JSON.parse(json) as Record<string, unknown>);
          } catch {
            // a span or other multi-line output: not a log line
          }
        }
      },
    });
    await waitForHttp(`${processUrl}robots.txt`, { part: 'processOrder', timeoutMs: WAIT_MS, giveUp: () => (child.isRunning() ? undefined : 'exited') });
    tap = new DeliveryTap(processUrl);
    await tap.start();
    await provisionPubSub({
      apiEndpoint: `127.0.0.1:${pubsubEmulator.port}`,
      projectId: PROJECT,
      topic: TOPIC,
      deadLetterTopic: DEAD_LETTER_TOPIC,
      subscription: SUBSCRIPTION,
      pushEndpoint: `http://127.0.0.1:${tap.port}/`,
      maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS,
      // Short, so the test sees five attempts in seconds (the stack uses Eventarc's 10 s .. 600 s).
      retryPolicy: { minimumBackoffMs: 100, maximumBackoffMs: 5000 },
    });
    pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${pubsubEmulator.port}`, emulatorMode: true, universeDomain: 'googleapis.com' });
    topic = pubsub.topic(TOPIC);
    [deadLetters] = await pubsub.topic(DEAD_LETTER_TOPIC).createSubscription('dead-letter-watch');
    deadLetters.on('message', (message: Message) => {
      message.ack();
      deadLettered.push(message);
    });
    db = new Firestore({ projectId: PROJECT, host: '127.0.0.1', port: firestoreEmulator.port, ssl: false });
  });

  after(async () => {
    await deadLetters?.close();
    await pubsub?.close();
    await db?.terminate();
    await child?.stop(5_000);
    await tap?.close();
    await front?.close();
    await pubsubEmulator?.close();
    await firestoreEmulator?.close();
    await collector?.close();
  });

  async function seedOrder(): Promise<string> {
    const orderId = `order-${process.pid}-${++orderSeq}`;
    await db.collection('orders').doc(orderId).set({
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }],
      currency: 'EUR',
      status: 'received',
      total: 19,
      itemCount: 2,
      createdAt: new Date(),
      traceId: '0'.repeat(32),
    });
    return orderId;
  }

  function publish(data: string | object, plan = ''): Promise<string> {
    const bytes = Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
    return topic.publishMessage({ data: bytes, attributes: plan ? { 'test.plan': plan } : {} });
  }

  const orderMessage = (orderId: string) => ({ orderId, customerId: 'c-1', total: 19, currency: 'EUR', itemCount: 2 });
  const logsFor = (message: string, key: 'orderId' | 'messageId', value: string) => logs.filter((l) => l.message === message && l[key] === value);

  async function consumerSpans(messageId: string): Promise<{ tags: { key: string; value: unknown }[]; logs: { fields: { key: string; value: unknown }[] }[] }[]> {
    const url = `http://127.0.0.1:${collector.queryPort}/api/traces?service=processOrder&tags=${encodeURIComponent(JSON.stringify({ 'messaging.message.id': messageId }))}`;
    const body = (await (await fetch(url)).json()) as { data: { spans: { tags: { key: string; value: unknown }[]; logs: { fields: { key: string; value: unknown }[] }[] }[] }[] };
    return body.data.flatMap((t) => t.spans).filter((s) => s.tags.some((tag) => tag.key === 'messaging.message.id' && tag.value === messageId));
  }
  const tag = (span: { tags: { key: string; value: unknown }[] }, key: string) => span.tags.find((t) => t.key === key)?.value;

  void it('each message redelivered and duplicated, also concurrently, has exactly one effect', async (t) => {
    const ORDERS = 4;
    const PUBLISHES = 3; // the same order's message published three times
    const COPIES = 3; // every push forwarded three times at once
    const LOST_ACKS = 2; // the first two pushes of each message answered 500: the emulator redelivers
    const plan = `copies=${COPIES},lose-acks=${LOST_ACKS}`;
    const orders = await Promise.all(Array.from({ length: ORDERS }, () => seedOrder()));
    const messages = new Map<string, string[]>();
    for (const orderId of orders) {
      messages.set(orderId, await Promise.all(Array.from({ length: PUBLISHES }, () => publish(orderMessage(orderId), plan))));
    }
    const all = [...messages.values()].flat();
    await waitFor('every message to be acknowledged', () => all.every((id) => tap.acked(id)), WAIT_MS);

    let invocations = 0;
    for (const id of all) {
      const pushes = tap.of(id);
      assert.equal(pushes.length, LOST_ACKS + 1, `message ${id}: pushed once per lost ack, then acknowledged`);
      for (const push of pushes) assert.deepEqual(push.copies, Array(COPIES).fill(204), `message ${id}: every copy acknowledged by processOrder, none failed`);
      invocations += pushes.length * COPIES;
    }
    for (const [orderId, ids] of messages) {
      const order = (await db.collection('orders').doc(orderId).get()).data();
      assert.equal(order?.status, 'processed', orderId);
      assert.ok(ids.includes(order?.processedByMessageId as string), `${orderId} processed by one of its own messages`);
      const markers = await db.collection('orders').doc(orderId).collection('deliveries').get();
      assert.deepEqual(markers.docs.map((d) => d.id), ['processed'], `${orderId}: one processed marker`);
      assert.equal(markers.docs[0]!.get('messageId'), order?.processedByMessageId, `${orderId}: the marker names the message that processed it`);
      assert.equal(logsFor('order processed', 'orderId', orderId).length, 1, `${orderId}: "order processed" logged exactly once`);
      assert.equal(
        logsFor('order already processed; nothing changed', 'orderId', orderId).length,
        PUBLISHES * (LOST_ACKS + 1) * COPIES - 1,
        `${orderId}: every other invocation changed nothing`,
      );
    }
    // Still the same after everything: the first effect was the only one.
    t.diagnostic(`${ORDERS} orders, ${all.length} messages, ${all.length * (LOST_ACKS + 1)} emulator deliveries, ${invocations} processOrder invocations, ${ORDERS} effects`);
  });

  void it('a Firestore fault is retried by redelivery and the message then succeeds', async (t) => {
    const FAILURES = 3;
    const orderId = await seedOrder();
    front.failCommits = true;
    const refusedBefore = front.refused;
    let messageId = '';
    try {
      messageId = await publish(orderMessage(orderId));
      await waitFor(`${FAILURES} failed deliveries`, () => tap.of(messageId).filter((p) => p.answered === 500).length >= FAILURES, WAIT_MS);
    } finally {
      front.failCommits = false;
    }
    await waitFor('the message to be acknowledged once Firestore is back', () => tap.acked(messageId), WAIT_MS);
    const pushes = tap.of(messageId);
    const failed = pushes.filter((p) => p.answered === 500).length;
    assert.ok(failed >= FAILURES && failed < MAX_DELIVERY_ATTEMPTS, `${failed} failed deliveries, then success`);
    assert.equal(pushes.at(-1)!.answered, 204, 'the last delivery succeeded');
    assert.equal(pushes.length, failed + 1, 'no delivery after the acknowledgement');
    const order = (await db.collection('orders').doc(orderId).get()).data();
    assert.equal(order?.status, 'processed');
    assert.equal(order?.processedByMessageId, messageId);
    assert.equal(logsFor('order processed', 'orderId', orderId).length, 1);
    const retried = logsFor('message not processed; Pub/Sub will redeliver it', 'messageId', messageId);
    assert.equal(retried.length, failed, 'one WARNING line per failed attempt');
    assert.ok(retried.every((l) => l.severity === 'WARNING' && /firestore/.test(JSON.stringify(l.error))), 'naming the failing dependency');
    // Every failed attempt is an error span; the successful one is not.
    await waitFor('the consumer spans of every attempt', async () => (await consumerSpans(messageId)).filter((s) => tag(s, 'span.kind') === 'consumer').length === pushes.length, 10_000);
    const spans = (await consumerSpans(messageId)).filter((s) => tag(s, 'span.kind') === 'consumer');
    assert.equal(spans.filter((s) => tag(s, 'otel.status_code') === 'ERROR').length, failed, 'each failed attempt is an error span');
    assert.equal(spans.filter((s) => tag(s, 'orders.result') === 'processed').length, 1);
    t.diagnostic(`fault: ${front.refused - refusedBefore} Firestore calls refused, ${failed} deliveries failed, delivery ${pushes.length} succeeded`);
  });

  void it('poison messages are acknowledged at once and recorded in a log line and an error span', async () => {
    const cases: ReadonlyArray<[string, () => Promise<string>, RegExp]> = [
      ['bad base64', async () => publish(orderMessage(await seedOrder()), 'corrupt-data'), /not valid base64/],
      ['not JSON', () => publish('hello, not JSON'), /not JSON/],
      ['no orderId', () => publish({ customerId: 'c-1' }), /no valid orderId/],
      ['unknown order', () => publish(orderMessage('no-such-order')), /does not exist/],
    ];
    for (const [name, send, reason] of cases) {
      const messageId = await send();
      poisonIds.push(messageId);
      await waitFor(`${name} to be acknowledged`, () => tap.acked(messageId), WAIT_MS);
      assert.equal(tap.of(messageId).length, 1, `${name}: delivered once`);
      assert.deepEqual(tap.of(messageId)[0]!.copies, [204], `${name}: processOrder acknowledged it`);
      const logged = logsFor('message rejected and acknowledged', 'messageId', messageId);
      assert.equal(logged.length, 1, `${name}: one log line`);
      assert.equal(logged[0]!.severity, 'ERROR');
      assert.match(String(logged[0]!.reason), reason, name);
      await waitFor(`${name}: its span`, async () => (await consumerSpans(messageId)).length > 0, 10_000);
      const [span] = await consumerSpans(messageId);
      assert.equal(tag(span!, 'otel.status_code'), 'ERROR', `${name}: error span`);
      assert.equal(tag(span!, 'orders.result'), 'rejected', name);
      assert.ok(span!.logs.some((l) => l.fields.some((f) => f.key === 'event' && f.value === 'message acknowledged as unprocessable')), `${name}: span event`);
    }
  });

  void it(`a message that keeps failing is dead-lettered after ${MAX_DELIVERY_ATTEMPTS} attempts`, async (t) => {
    const orderId = await seedOrder();
    front.failCommits = true;
    let messageId = '';
    try {
      messageId = await publish(orderMessage(orderId), 'case=dead-letter');
      await waitFor('the dead-lettered message', () => deadLettered.some((m) => m.attributes['test.plan'] === 'case=dead-letter'), WAIT_MS).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; pushes: ${JSON.stringify(tap.of(messageId))}; dead letters: ${deadLettered.length}; output: ${output.slice(-6).join(' | ')}; emulator: ${emulatorLog.slice(-6).join(' | ')}`);
      });
    } finally {
      front.failCommits = false;
    }
    const letter = deadLettered.find((m) => m.attributes['test.plan'] === 'case=dead-letter')!;
    assert.deepEqual(JSON.parse(letter.data.toString()), orderMessage(orderId), 'the dead letter carries the original data');
    assert.equal(letter.attributes.CloudPubSubDeadLetterSourceDeliveryCount, String(MAX_DELIVERY_ATTEMPTS));
    assert.equal(letter.attributes.CloudPubSubDeadLetterSourceSubscription, SUBSCRIPTION);
    const pushes = tap.of(messageId);
    assert.equal(pushes.length, MAX_DELIVERY_ATTEMPTS, `delivered ${MAX_DELIVERY_ATTEMPTS} times`);
    assert.ok(pushes.every((p) => p.answered === 500), 'every attempt failed');
    assert.equal((await db.collection('orders').doc(orderId).get()).get('status'), 'received', 'the order was never marked');
    t.diagnostic(`dead-lettered after ${pushes.length} deliveries, CloudPubSubDeadLetterSourceDeliveryCount=${letter.attributes.CloudPubSubDeadLetterSourceDeliveryCount}`);
  });

  void it('acknowledged and dead-lettered messages are never delivered again', async () => {
    // A fresh message through the same subscription, acknowledged: every earlier push is before it.
    const orderId = await seedOrder();
    const last = await publish(orderMessage(orderId));
    await waitFor('a last message to be acknowledged', () => tap.acked(last), WAIT_MS);
    for (const id of poisonIds) assert.equal(tap.of(id).length, 1, `poison ${id} delivered once`);
    const letter = [...tap.pushes.values()].find((list) => list.length === MAX_DELIVERY_ATTEMPTS && list.every((p) => p.answered === 500));
    assert.ok(letter, 'the dead-lettered message stopped at its last attempt');
    assert.equal(deadLettered.length, 1, 'exactly one message was dead-lettered');
  });
});
