/* eslint-disable @typescript-eslint/no-require-imports -- tracing must start before the functions load */
/**
 * Integration: createOrder's Idempotency-Key, outbox and recovery, and its trust
 * setting for incoming trace context, through functions-framework's test server with
 * the real Google client libraries against the Firestore and Pub/Sub emulators and
 * the real SDK (batching processor over an in-memory exporter). A publish fails for
 * real: a createOrder instance publishes to a topic that does not exist yet (NOT_FOUND).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Firestore } from '@google-cloud/firestore';
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import request from 'supertest';
import type { Dependencies } from '../../functions/dependencies';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-idempotency';
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const ORDER = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }], currency: 'EUR' };
const BAGGAGE = 'user.email=alice%40example.com,secret=s3cr3t-baggage-value';

const exporter = new InMemorySpanExporter();
let emulators: TestEmulators | undefined;
let createOrder: Server;
let createOrderLinkMode: Server;
let processOrder: Server;
let db: Firestore;
let pubsub: PubSub;
let tracing: Tracing;
/** Messages received per topic, by test subscriptions. */
const inbox = new Map<string, Message[]>();
const subscriptions: Subscription[] = [];
let keyCounter = 0;

/** A fresh key per test, so tests share the emulators without sharing orders. */
function newKey(): string {
  return `test-key-${process.pid}-${++keyCounter}-${Date.now()}`;
}

before(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    OTEL_SERVICE_NAME: 'orders-under-test',
    FLUSH_TIMEOUT_MS: '5000',
  });
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  tracing = initTracing(loadConfig(process.env).tracing, { exporter });
  require('../../functions/index');
  const { http } = require('@google-cloud/functions-framework') as typeof import('@google-cloud/functions-framework');
  const { createOrderHandler } = require('../../functions/createOrder') as typeof import('../../functions/createOrder');
  const { createDependencies } = require('../../functions/dependencies') as typeof import('../../functions/dependencies');
  const { wrapHttp } = require('cloud-functions-otel-tracing') as typeof import('cloud-functions-otel-tracing');
  http('createOrderLinkMode', wrapHttp(createOrderHandler(createDependencies(loadConfig(process.env))), { incomingContext: 'link' }));
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  createOrder = getTestServer('createOrder');
  createOrderLinkMode = getTestServer('createOrderLinkMode');
  processOrder = getTestServer('processOrder');

  const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  pubsub = new PubSub({ projectId: PROJECT });
  db = new Firestore({ projectId: PROJECT });
  await subscribe('orders');
});

after(async () => {
  // Open streaming pulls would reconnect forever once the emulator is gone, keeping the process alive.
  await Promise.all(subscriptions.map((subscription) => subscription.close()));
  await pubsub?.close();
  await db?.terminate();
  await emulators?.close();
});

/** Creates `topic` with a subscription that collects its messages in `inbox`. */
async function subscribe(topicName: string): Promise<void> {
  const [topic] = await pubsub.createTopic(topicName);
  const [subscription] = await topic.createSubscription(`${topicName}-idempotency-test`);
  inbox.set(topicName, []);
  subscriptions.push(subscription);
  subscription.on('message', (message: Message) => {
    message.ack();
    inbox.get(topicName)!.push(message);
  });
}

/**
 * The messages for `orderId` on `topic`, once at least `atLeast` arrived (bounded), plus
 * a short settle so that a duplicate would be seen too.
 */
async function messagesFor(topicName: string, orderId: string, atLeast = 1): Promise<Message[]> {
  const mine = () => (inbox.get(topicName) ?? []).filter((m) => m.attributes.orderId === orderId);
  for (const deadline = Date.now() + 5000; mine().length < atLeast && Date.now() < deadline; ) await sleep(50);
  await sleep(300);
  return mine();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function orderDoc(orderId: string) {
  return (await db.collection('orders').doc(orderId).get()).data();
}

async function orderCount(): Promise<number> {
  return (await db.collection('orders').count().get()).data().count;
}

/** A createOrder instance (registered under `name`) whose topic does not exist until `subscribe(topic)`. */
function createOrderPublishingTo(name: string, topicName: string): { server: Server; deps: Dependencies } {
  const { http } = require('@google-cloud/functions-framework') as typeof import('@google-cloud/functions-framework');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  const { createOrderHandler } = require('../../functions/createOrder') as typeof import('../../functions/createOrder');
  const { createDependencies } = require('../../functions/dependencies') as typeof import('../../functions/dependencies');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  const { wrapHttp } = require('cloud-functions-otel-tracing') as typeof import('cloud-functions-otel-tracing');
  const deps = createDependencies(loadConfig({ ...process.env, ORDERS_TOPIC: topicName }));
  http(name, wrapHttp(createOrderHandler(deps)));
  return { server: getTestServer(name), deps };
}

/** Pushes a received message to processOrder as Eventarc does (binary-mode CloudEvent). */
function push(message: Message, topicName: string) {
  return request(processOrder)
    .post('/')
    .set({
      'ce-id': message.id,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/${PROJECT}/topics/${topicName}`,
      'ce-time': message.publishTime.toISOString(),
      'content-type': 'application/json',
    })
    .send({
      message: { data: message.data.toString('base64'), attributes: message.attributes, messageId: message.id, publishTime: message.publishTime.toISOString() },
      subscription: `projects/${PROJECT}/subscriptions/${topicName}-processOrder`,
    });
}

function spansOf(traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

test('the same key and body get the first answer; one order, one message', async () => {
  const key = newKey();
  const first = await request(createOrder).post('/').set('Idempotency-Key', key).set('traceparent', `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(202);
  const again = await request(createOrder).post('/').set('Idempotency-Key', key).set('traceparent', `00-${'5'.repeat(32)}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(202);
  assert.deepEqual(again.body, first.body);
  assert.equal(first.body.traceId, CLIENT_TRACE_ID);
  assert.equal((await messagesFor('orders', first.body.orderId)).length, 1);
  const doc = await orderDoc(first.body.orderId);
  assert.equal(doc?.published, true);
  assert.equal(doc?.keyed, true);
  const repeatServer = spansOf('5'.repeat(32)).find((s) => s.kind === SpanKind.SERVER);
  assert.equal(repeatServer?.attributes['orders.idempotency.outcome'], 'replayed');
});

test('the same key with another body is refused with 422 and changes nothing', async () => {
  const key = newKey();
  const first = await request(createOrder).post('/').set('Idempotency-Key', key).send(ORDER).expect(202);
  const before = await orderDoc(first.body.orderId);
  const refused = await request(createOrder).post('/').set('Idempotency-Key', key).send({ ...ORDER, currency: 'USD' }).expect(422);
  assert.match(refused.body.error, /already used with a different order/);
  assert.deepEqual(await orderDoc(first.body.orderId), before);
  assert.equal((await messagesFor('orders', first.body.orderId)).length, 1);
});

const badKeys: ReadonlyArray<[string, string]> = [
  ['empty', ''],
  ['256 characters', 'k'.repeat(256)],
  ['a space', 'two words'],
  ['a tab', 'tab\tkey'],
  ['non-ASCII', 'cl\u00e9'],
];

test('a malformed Idempotency-Key gets a clear 400 and writes and publishes nothing', async () => {
  const before = await orderCount();
  const messagesBefore = inbox.get('orders')!.length;
  for (const [name, key] of badKeys) {
    const response = await request(createOrder).post('/').set('Idempotency-Key', key).send(ORDER).expect(400);
    assert.match(response.body.error, /Idempotency-Key .*1 to 255 visible ASCII/, name);
  }
  await sleep(300);
  assert.equal(await orderCount(), before);
  assert.equal(inbox.get('orders')!.length, messagesBefore);
});

test('20 concurrent requests with one key: one document, one message, one answer', async () => {
  const key = newKey();
  const before = await orderCount();
  const responses = await Promise.all(Array.from({ length: 20 }, () => request(createOrder).post('/').set('Idempotency-Key', key).send(ORDER)));
  // 409 only if the winner took longer than the duplicates' wait (3 s): allowed, never a second order.
  for (const r of responses) assert.ok(r.status === 202 || r.status === 409, `status ${r.status}: ${JSON.stringify(r.body)}`);
  const accepted = responses.filter((r) => r.status === 202);
  assert.ok(accepted.length >= 1);
  assert.equal(new Set(accepted.map((r) => JSON.stringify(r.body))).size, 1, 'every 202 carries the same orderId and traceId');
  const { orderId } = accepted[0]!.body;
  assert.equal(await orderCount(), before + 1);
  assert.equal((await messagesFor('orders', orderId)).length, 1);
});

test('publish fails for real: 503 with the orderId, the order is kept; a retry with the key completes it and it is processed once', async () => {
  const { server } = createOrderPublishingTo('createOrderToMissingTopic', 'orders-late-topic');
  const key = newKey();
  const failed = await request(server).post('/').set('Idempotency-Key', key).set('traceparent', `00-${'6'.repeat(32)}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(503);
  assert.equal(failed.headers['retry-after'], '1');
  assert.equal(failed.body.dependency, 'pubsub');
  assert.match(failed.body.orderId, /^[0-9a-f-]{36}$/);
  assert.match(failed.body.next, /retry with the same Idempotency-Key/);
  const kept = await orderDoc(failed.body.orderId);
  assert.equal(kept?.status, 'received');
  assert.equal(kept?.published, false);
  assert.ok(kept?.publishFailedAt, 'the failure is flagged, so the retry need not wait');

  await subscribe('orders-late-topic');
  const retried = await request(server).post('/').set('Idempotency-Key', key).send(ORDER).expect(202);
  const completedTrace = retried.body.traceId as string;
  assert.equal(retried.body.orderId, failed.body.orderId);
  assert.notEqual(completedTrace, '6'.repeat(32), 'the completing request names its own trace');
  const messages = await messagesFor('orders-late-topic', failed.body.orderId);
  assert.equal(messages.length, 1);
  assert.equal((await orderDoc(failed.body.orderId))?.published, true);
  assert.equal((await orderDoc(failed.body.orderId))?.traceId, completedTrace, 'the order now lives in the completing trace');
  const replay = await request(server).post('/').set('Idempotency-Key', key).send(ORDER).expect(202);
  assert.equal(replay.body.traceId, completedTrace, 'a later repeat names the same trace');
  assert.equal((await messagesFor('orders-late-topic', failed.body.orderId)).length, 1, 'a later repeat sends nothing');

  const firstServer = spansOf('6'.repeat(32)).find((span) => span.kind === SpanKind.SERVER && span.attributes['http.response.status_code'] === 503)!;
  const retryServer = spansOf(completedTrace).find((span) => span.kind === SpanKind.SERVER)!;
  const completing = spansOf(completedTrace).filter((span) => span.kind === SpanKind.PRODUCER);
  assert.equal(completing.length, 1, 'the retry published in its own trace');
  assert.equal(completing[0]!.parentSpanContext?.spanId, retryServer.spanContext().spanId);
  assert.equal(completing[0]!.links[0]?.attributes?.['orders.link.kind'], 'accepted-by', 'linked to the request that stored the order');
  assert.equal(completing[0]!.links[0]?.context.spanId, firstServer.spanContext().spanId);
  assert.equal(messages[0]!.attributes.traceparent, `00-${completedTrace}-${completing[0]!.spanContext().spanId}-01`);

  await push(messages[0]!, 'orders-late-topic').expect(204);
  await push(messages[0]!, 'orders-late-topic').expect(204);
  const consumers = spansOf(completedTrace).filter((s) => s.kind === SpanKind.CONSUMER);
  assert.deepEqual(consumers.map((s) => s.attributes['orders.result']), ['processed', 'already-processed']);
  assert.equal((await orderDoc(failed.body.orderId))?.status, 'processed');
});

test('without a key a failed publish is kept for the sweeper, which publishes it in a trace of its own linked to the original', async () => {
  const { server, deps } = createOrderPublishingTo('createOrderForSweeper', 'orders-swept');
  const clientTrace = '7'.repeat(32);
  const failed = await request(server).post('/').set('traceparent', `00-${clientTrace}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(503);
  assert.match(failed.body.next, /recovery sweeper; a retry without an Idempotency-Key creates a second order/);
  const originalServer = spansOf(clientTrace).find((s) => s.kind === SpanKind.SERVER)!;
  assert.equal((await orderDoc(failed.body.orderId))?.traceparent, `00-${clientTrace}-${originalServer.spanContext().spanId}-01`);

  await subscribe('orders-swept');
  const { republishPending } = require('../../shared/orders/republishPending') as typeof import('../../shared/orders/republishPending');
  const dry = await republishPending(deps, { olderThanMs: 0, limit: 1000, dryRun: true });
  assert.ok(dry.republished.includes(failed.body.orderId));
  assert.equal((await orderDoc(failed.body.orderId))?.published, false, 'a dry run changes nothing');
  const young = await republishPending(deps, { olderThanMs: 3_600_000, limit: 1000, dryRun: false });
  assert.ok(!young.republished.includes(failed.body.orderId), 'orders younger than the grace period are left alone');

  const swept = await republishPending(deps, { olderThanMs: 0, limit: 1000, dryRun: false });
  assert.ok(swept.republished.includes(failed.body.orderId));
  assert.deepEqual(swept.failed, []);
  assert.equal((await orderDoc(failed.body.orderId))?.published, true);
  const [message, ...duplicates] = await messagesFor('orders-swept', failed.body.orderId);
  assert.ok(message);
  assert.equal(duplicates.length, 0);
  assert.deepEqual(JSON.parse(message.data.toString()), { orderId: failed.body.orderId, customerId: 'c-1', total: 19, currency: 'EUR', itemCount: 2 });

  await tracing.flush();
  const sweptTrace = (await orderDoc(failed.body.orderId))?.traceId as string;
  assert.notEqual(sweptTrace, clientTrace);
  const [root] = rootsOf(sweptTrace);
  assert.equal(root?.name, 'republish order');
  assert.deepEqual(root?.links.map((l) => [l.context.spanId, l.attributes?.['orders.link.kind']]), [[originalServer.spanContext().spanId, 'accepted-by']]);
  const producer = spansOf(sweptTrace).find((s) => s.kind === SpanKind.PRODUCER)!;
  assert.equal(producer.parentSpanContext?.spanId, root?.spanContext().spanId, "a child of the sweeper's span for the order");
  assert.equal(message.attributes.traceparent, `00-${sweptTrace}-${producer.spanContext().spanId}-01`);

  await push(message, 'orders-swept').expect(204);
  const consumer = spansOf(sweptTrace).find((s) => s.kind === SpanKind.CONSUMER)!;
  assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId, 'processOrder joins the original trace');
  assert.equal(consumer.attributes['orders.result'], 'processed');
  assert.equal((await republishPending(deps, { olderThanMs: 0, limit: 1000, dryRun: false })).republished.includes(failed.body.orderId), false);
});

/** Spans of the trace with no parent in it: the root, and any span whose parent never arrived. */
function rootsOf(traceId: string): ReadableSpan[] {
  const spans = spansOf(traceId);
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  return spans.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId));
}

/**
 * The first request stored the order and was killed before publishing: its spans were
 * never exported, so the stored traceparent names a span no collector will ever see.
 * A document like that, written straight to Firestore, stands in for the crash.
 */
async function storeOrderOfDeadRequest(options: { key?: string; createdAgoMs: number }): Promise<{ orderId: string; deadTrace: string; deadSpan: string }> {
  const { orderIdForKey } = require('../../shared/orders/idempotencyKey') as typeof import('../../shared/orders/idempotencyKey');
  const { orderFingerprint } = require('../../shared/orders/orderFingerprint') as typeof import('../../shared/orders/orderFingerprint');
  const { parseOrderInput } = require('../../shared/orderSchema') as typeof import('../../shared/orderSchema');
  const parsed = parseOrderInput(ORDER);
  assert.ok(parsed.ok);
  const orderId = options.key ? orderIdForKey(options.key) : `dead-${process.pid}-${++keyCounter}`;
  const deadTrace = `${keyCounter}`.padStart(8, '0') + 'dead'.repeat(6);
  const deadSpan = 'deadbeef' + `${keyCounter}`.padStart(8, '0');
  await db.collection('orders').doc(orderId).create({
    orderId, customerId: ORDER.customerId, items: ORDER.items, currency: ORDER.currency, status: 'received', total: 19, itemCount: 2,
    createdAt: new Date(Date.now() - options.createdAgoMs), traceId: deadTrace, fingerprint: orderFingerprint(parsed.value),
    keyed: options.key !== undefined, traceparent: `00-${deadTrace}-${deadSpan}-01`, published: false,
  });
  return { orderId, deadTrace, deadSpan };
}

test('an order whose first request was killed between create and publish: the completing retry\'s trace has exactly one root', async () => {
  const key = newKey();
  // Older than the in-flight window (IDEMPOTENCY_IN_FLIGHT_MS, 30 s by default): abandoned.
  const dead = await storeOrderOfDeadRequest({ key, createdAgoMs: 120_000 });
  const retried = await request(createOrder).post('/').set('Idempotency-Key', key).send(ORDER).expect(202);
  assert.equal(retried.body.orderId, dead.orderId);
  const [message] = await messagesFor('orders', dead.orderId);
  assert.ok(message);
  await push(message, 'orders').expect(204);
  await tracing.flush();
  const traceId = retried.body.traceId as string;
  assert.notEqual(traceId, dead.deadTrace, 'the 202 does not name the dead request\'s trace');
  const roots = rootsOf(traceId);
  // The test's own request is traced too (HTTP instrumentation): its CLIENT span is the root, the completing request's SERVER span its child.
  assert.equal(roots.length, 1, `exactly one root, got ${roots.map((r) => r.name).join(', ')}`);
  const server = spansOf(traceId).find((s) => s.kind === SpanKind.SERVER);
  assert.ok(server && [roots[0]!.spanContext().spanId, undefined].includes(server.parentSpanContext?.spanId));
  const kinds = new Set(spansOf(traceId).map((s) => s.kind));
  assert.ok(kinds.has(SpanKind.PRODUCER) && kinds.has(SpanKind.CONSUMER), 'the publish and the processing are in it');
  const producer = spansOf(traceId).find((s) => s.kind === SpanKind.PRODUCER)!;
  assert.equal(producer.links[0]?.context.spanId, dead.deadSpan, 'linked to the dead request\'s span');
  assert.equal(spansOf(dead.deadTrace).length, 0, 'nothing hangs under the span that was never exported');
  assert.equal((await orderDoc(dead.orderId))?.traceId, traceId);
  assert.equal((await request(createOrder).post('/').set('Idempotency-Key', key).send(ORDER).expect(202)).body.traceId, traceId);
});

test('an order whose first request was killed between create and publish: the sweeper\'s trace for it has exactly one root', async () => {
  const dead = await storeOrderOfDeadRequest({ createdAgoMs: 120_000 });
  const { createDependencies } = require('../../functions/dependencies') as typeof import('../../functions/dependencies');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  const { republishPending } = require('../../shared/orders/republishPending') as typeof import('../../shared/orders/republishPending');
  const swept = await republishPending(createDependencies(loadConfig(process.env)), { olderThanMs: 60_000, limit: 1000, dryRun: false });
  assert.ok(swept.republished.includes(dead.orderId));
  const [message] = await messagesFor('orders', dead.orderId);
  assert.ok(message);
  await push(message, 'orders').expect(204);
  await tracing.flush();
  const traceId = (await orderDoc(dead.orderId))?.traceId as string;
  assert.notEqual(traceId, dead.deadTrace);
  assert.deepEqual(rootsOf(traceId).map((s) => s.name), ['republish order'], 'exactly one root: the sweeper\'s span for this order');
  assert.equal(rootsOf(traceId)[0]!.links[0]?.context.spanId, dead.deadSpan);
  assert.ok(spansOf(traceId).some((s) => s.kind === SpanKind.CONSUMER && s.attributes['orders.result'] === 'processed'));
  assert.equal(spansOf(dead.deadTrace).length, 0);
});

/** Every attribute key and value of these spans, flattened for scanning. */
function attributeText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((s) => [s.attributes, s.links.map((l) => l.attributes), s.events.map((e) => e.attributes)]));
}

for (const [mode, server] of [['continue', () => createOrder], ['link', () => createOrderLinkMode]] as const) {
  test(`${mode} mode: incoming baggage reaches neither the message nor any span`, async () => {
    const clientTrace = mode === 'continue' ? '8'.repeat(32) : '9'.repeat(32);
    const response = await request(server()).post('/').set('traceparent', `00-${clientTrace}-${CLIENT_SPAN_ID}-01`).set('baggage', BAGGAGE).send(ORDER).expect(202);
    const [message] = await messagesFor('orders', response.body.orderId);
    assert.ok(message);
    assert.ok(!Object.keys(message.attributes).some((k) => k.toLowerCase().includes('baggage')), JSON.stringify(message.attributes));
    assert.doesNotMatch(JSON.stringify(message.attributes), /alice|s3cr3t/);
    const spans = spansOf(response.body.traceId);
    assert.ok(spans.length >= 3);
    assert.doesNotMatch(attributeText(spans), /alice|s3cr3t|baggage/);
  });
}

test('continue mode (default): the caller\'s span is the parent', async () => {
  const response = await request(createOrder).post('/').set('traceparent', `00-${'a'.repeat(32)}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(202);
  assert.equal(response.body.traceId, 'a'.repeat(32));
  const server = spansOf('a'.repeat(32)).find((s) => s.kind === SpanKind.SERVER)!;
  assert.equal(server.parentSpanContext?.spanId, CLIENT_SPAN_ID);
  assert.deepEqual(server.links, []);
  await messagesFor('orders', response.body.orderId);
});

test('link mode: a new root trace that links to the caller\'s span', async () => {
  const callerTrace = 'b'.repeat(32);
  const response = await request(createOrderLinkMode).post('/').set('traceparent', `00-${callerTrace}-${CLIENT_SPAN_ID}-01`).send(ORDER).expect(202);
  assert.notEqual(response.body.traceId, callerTrace);
  assert.equal(spansOf(callerTrace).length, 0, 'nothing of ours joins the caller\'s trace');
  const server = spansOf(response.body.traceId).find((s) => s.kind === SpanKind.SERVER)!;
  assert.equal(server.parentSpanContext, undefined, 'a root span');
  assert.equal(server.links.length, 1);
  assert.equal(server.links[0]!.context.traceId, callerTrace);
  assert.equal(server.links[0]!.context.spanId, CLIENT_SPAN_ID);
  assert.equal(server.links[0]!.attributes?.['gcf_tracing.link.kind'], 'caller');
  const [message] = await messagesFor('orders', response.body.orderId);
  assert.match(message!.attributes.traceparent!, new RegExp(`^00-${response.body.traceId}-`), 'the message continues our trace, not the caller\'s');
  assert.equal((await orderDoc(response.body.orderId))?.traceId, response.body.traceId);
});
