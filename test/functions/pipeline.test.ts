/* eslint-disable @typescript-eslint/no-require-imports -- tracing must start before the functions load */
/**
 * Integration: both functions through functions-framework's test server, the real
 * Google client libraries against the Firestore and Pub/Sub emulators, and the real
 * SDK with a batching processor over an in-memory exporter, so "exported" means the
 * invocation's own flush sent it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { ROOT_CONTEXT, SpanKind, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Firestore } from '@google-cloud/firestore';
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import request from 'supertest';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-pipeline';
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const ORDER = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }], currency: 'EUR' };

const exporter = new InMemorySpanExporter();
let emulators: TestEmulators | undefined;
let createOrder: Server;
let processOrder: Server;
let db: Firestore;
let pubsub: PubSub;
let subscription: Subscription;
const received: Message[] = [];
let onMessage: (() => void) | undefined;

before(async () => {
  // The emulators start before tracing so their own gRPC servers stay untraced.
  emulators = await startEmulators();
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    OTEL_SERVICE_NAME: 'orders-under-test',
    FLUSH_TIMEOUT_MS: '5000',
  });
  // Tracing with the in-memory exporter first, then the functions (as functions-framework loads them).
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  initTracing(loadConfig(process.env).tracing, { exporter });
  require('../../functions/index');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  createOrder = getTestServer('createOrder');
  processOrder = getTestServer('processOrder');

  const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  pubsub = new PubSub({ projectId: PROJECT });
  db = new Firestore({ projectId: PROJECT });
  const [topic] = await pubsub.createTopic('orders');
  [subscription] = await topic.createSubscription('pipeline-test');
  subscription.on('message', (message: Message) => {
    message.ack();
    received.push(message);
    onMessage?.();
  });
});

after(async () => {
  await subscription?.close();
  await pubsub?.close();
  await db?.terminate();
  await emulators?.close();
});

/** The next published message, waiting at most `ms`. */
async function nextMessage(ms = 5000): Promise<Message> {
  const deadline = Date.now() + ms;
  while (received.length === 0) {
    if (Date.now() > deadline) throw new Error('no message published');
    await new Promise<void>((resolve) => {
      onMessage = resolve;
      setTimeout(resolve, 100);
    });
  }
  return received.shift()!;
}

/** The CloudEvent request Eventarc sends for a Pub/Sub message (binary mode). */
function pushCloudEvent(message: { id: string; data: string; attributes: Record<string, string>; publishTime: string }) {
  return request(processOrder)
    .post('/')
    .set({
      'ce-id': message.id,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/${PROJECT}/topics/orders`,
      'ce-time': message.publishTime,
      'content-type': 'application/json',
    })
    .send({
      message: { data: message.data, attributes: message.attributes, messageId: message.id, publishTime: message.publishTime },
      subscription: `projects/${PROJECT}/subscriptions/orders-processOrder`,
    });
}

function spansOf(traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}

function descendantsOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return childrenOf(spans, parent).flatMap((child) => [child, ...descendantsOf(spans, child)]);
}

function one(spans: readonly ReadableSpan[], predicate: (span: ReadableSpan) => boolean, what: string): ReadableSpan {
  const found = spans.filter(predicate);
  assert.equal(found.length, 1, `expected exactly one ${what}, found ${found.map((s) => s.name).join(', ') || 'none'}`);
  return found[0]!;
}

test('one order is one trace across both functions, each exported before its function returned', async () => {
  const response = await request(createOrder)
    .post('/')
    .set('traceparent', `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`)
    .send(ORDER)
    .expect(202);
  assert.equal(response.body.traceId, CLIENT_TRACE_ID);
  assert.match(response.body.orderId, /^[0-9a-f-]{36}$/);

  // No waiting: the batch processor's timer is 5 s away, so these are the invocation's own flush.
  const httpSpans = spansOf(CLIENT_TRACE_ID);
  const server = one(httpSpans, (s) => s.kind === SpanKind.SERVER, 'server span');
  assert.equal(server.parentSpanContext?.spanId, CLIENT_SPAN_ID, 'the server span continues the client span');
  assert.equal(server.name, 'POST /');
  assert.equal(server.attributes['faas.trigger'], 'http');
  assert.equal(server.attributes['http.response.status_code'], 202);
  assert.equal(typeof server.attributes['faas.coldstart'], 'boolean');
  assert.ok(server.attributes['faas.invocation.id']);
  assert.equal(server.attributes['faas.invocation_id'], undefined, 'only the current name');
  assert.equal(server.attributes['client.address'], undefined, 'the caller\'s address is opt-in (TRACE_CLIENT_ADDRESS)');

  const create = one(childrenOf(httpSpans, server), (s) => s.name === 'create orders', 'Firestore create span');
  assert.equal(create.attributes['db.system.name'], 'gcp.firestore');
  assert.equal(create.attributes['db.collection.name'], 'orders');
  one(descendantsOf(httpSpans, create), (s) => s.name === 'grpc.google.firestore.v1.Firestore/Commit' && s.kind === SpanKind.CLIENT, 'Firestore gRPC Commit under create');

  const send = one(childrenOf(httpSpans, server), (s) => s.kind === SpanKind.PRODUCER, 'publish span');
  assert.equal(send.name, 'send orders');
  assert.equal(send.attributes['messaging.system'], 'gcp_pubsub');
  assert.equal(send.attributes['messaging.destination.name'], 'orders');
  one(descendantsOf(httpSpans, send), (s) => s.name === 'grpc.google.pubsub.v1.Publisher/Publish', 'Pub/Sub gRPC Publish under send');
  assert.equal(descendantsOf(httpSpans, server).length, httpSpans.length - 1, 'every createOrder span hangs under the server span');

  const message = await nextMessage();
  assert.equal(message.attributes.traceparent, `00-${CLIENT_TRACE_ID}-${send.spanContext().spanId}-01`);
  assert.equal(message.attributes.googclient_traceparent, message.attributes.traceparent);
  assert.equal(send.attributes['messaging.message.id'], message.id);

  await pushCloudEvent({
    id: message.id,
    data: message.data.toString('base64'),
    attributes: message.attributes,
    publishTime: message.publishTime.toISOString(),
  }).expect(204);

  const allSpans = spansOf(CLIENT_TRACE_ID);
  const consumer = one(allSpans, (s) => s.kind === SpanKind.CONSUMER, 'consumer span');
  assert.equal(consumer.parentSpanContext?.spanId, send.spanContext().spanId, 'the consumer is a child of the publish span');
  assert.equal(consumer.name, 'process orders');
  assert.equal(consumer.attributes['faas.trigger'], 'pubsub');
  assert.equal(consumer.attributes['faas.invocation.id'], message.id);
  assert.equal(consumer.attributes['messaging.destination.subscription.name'], `projects/${PROJECT}/subscriptions/orders-processOrder`);
  assert.equal(consumer.attributes['messaging.message.id'], message.id);
  assert.equal(consumer.attributes['orders.result'], 'processed');
  assert.ok((consumer.attributes['gcf_tracing.queue_delay_ms'] as number) >= 0, 'queue delay recorded');
  const mark = one(childrenOf(allSpans, consumer), (s) => s.name === 'mark_processed orders', 'Firestore mark span');
  assert.ok(descendantsOf(allSpans, mark).some((s) => s.name === 'grpc.google.firestore.v1.Firestore/Commit'), 'gRPC Commit under mark_processed');
  assert.ok(allSpans.every((s) => s.attributes['gcf_tracing.span.ended_at_invocation_end'] === undefined), 'no span outlived its invocation');

  const order = (await db.collection('orders').doc(response.body.orderId).get()).data();
  assert.equal(order?.status, 'processed');
  assert.equal(order?.traceId, CLIENT_TRACE_ID);
  assert.equal(order?.total, 19);
});

test("an order whose request Google's front end marked unsampled (traceparent -00) is still traced whole", async () => {
  // The front end marks at most 0.1 requests/s per instance sampled; the default sampler
  // decides an unsampled caller's trace again by its trace id (ratio 1 here: every order).
  const traceId = 'a'.repeat(32);
  const response = await context.with(suppressTracing(ROOT_CONTEXT), async () =>
    request(createOrder).post('/').set('traceparent', `00-${traceId}-${CLIENT_SPAN_ID}-00`).send(ORDER).expect(202),
  );
  assert.equal(response.body.traceId, traceId);
  const httpSpans = spansOf(traceId);
  const server = one(httpSpans, (s) => s.kind === SpanKind.SERVER, 'server span');
  assert.equal(server.parentSpanContext?.spanId, CLIENT_SPAN_ID, 'still a child of the caller');
  const send = one(httpSpans, (s) => s.name === 'send orders', 'publish span');
  assert.ok(httpSpans.some((s) => s.name === 'grpc.google.firestore.v1.Firestore/Commit'), 'its Firestore gRPC spans too');

  const message = await nextMessage();
  assert.equal(message.attributes.traceparent, `00-${traceId}-${send.spanContext().spanId}-01`, 'the decision travels with the message');
  await pushCloudEvent({ id: message.id, data: message.data.toString('base64'), attributes: message.attributes, publishTime: message.publishTime.toISOString() }).expect(204);
  const consumer = one(spansOf(traceId), (s) => s.kind === SpanKind.CONSUMER, 'consumer span');
  assert.equal(consumer.parentSpanContext?.spanId, send.spanContext().spanId);
  one(descendantsOf(spansOf(traceId), consumer), (s) => s.name === 'mark_processed orders', 'Firestore mark span');
});

test('a redelivered message changes nothing the second time', async () => {
  const { body } = await request(createOrder).post('/').send(ORDER).expect(202);
  const message = await nextMessage();
  const event = { id: message.id, data: message.data.toString('base64'), attributes: message.attributes, publishTime: message.publishTime.toISOString() };
  await pushCloudEvent(event).expect(204);
  const first = (await db.collection('orders').doc(body.orderId).get()).data();
  await pushCloudEvent(event).expect(204);
  await pushCloudEvent({ ...event, id: `${event.id}-redelivered` }).expect(204);
  const second = (await db.collection('orders').doc(body.orderId).get()).data();
  assert.equal(first?.status, 'processed');
  assert.deepEqual(second, first);
  const results = spansOf(body.traceId).filter((s) => s.kind === SpanKind.CONSUMER).map((s) => s.attributes['orders.result']);
  assert.deepEqual(results, ['processed', 'already-processed', 'already-processed']);
});

const badRequests: ReadonlyArray<[string, (r: ReturnType<typeof request>) => request.Test, number]> = [
  ['invalid JSON', (r) => r.post('/').set('content-type', 'application/json').send('{"customerId":'), 400],
  ['schema violations', (r) => r.post('/').send({ customerId: '', items: [], currency: 'euro' }), 400],
  ['wrong content type', (r) => r.post('/').set('content-type', 'text/plain').send('customerId=c-1'), 415],
  ['another method', (r) => r.put('/').send(ORDER), 405],
  ['a body over 64 KiB', (r) => r.post('/').send({ ...ORDER, padding: 'x'.repeat(70 * 1024) }), 413],
];

test('bad inputs get a clear JSON error, write nothing and publish nothing', async () => {
  const before = (await db.collection('orders').count().get()).data().count;
  for (const [name, send, status] of badRequests) {
    const response = await send(request(createOrder)).expect(status);
    assert.equal(typeof response.body.error, 'string', `${name}: JSON error body`);
  }
  const schema = await request(createOrder).post('/').send({ customerId: '', items: [], currency: 'euro' });
  assert.deepEqual(schema.body.problems, ['customerId: must not be empty', 'items: must hold at least one item', 'currency: must be a three-letter ISO 4217 code such as EUR']);
  // A good order afterwards: it must be the only message published since.
  const { body } = await request(createOrder).post('/').send(ORDER).expect(202);
  const message = await nextMessage();
  assert.equal(JSON.parse(message.data.toString()).orderId, body.orderId);
  assert.equal(received.length, 0);
  assert.equal((await db.collection('orders').count().get()).data().count, before + 1);
});

test('malformed or unknown messages are acknowledged and recorded, not retried', async () => {
  const cases = [
    { name: 'bad base64', data: '!!!not base64!!!' },
    { name: 'not JSON', data: Buffer.from('hello').toString('base64') },
    { name: 'unknown order', data: Buffer.from(JSON.stringify({ orderId: 'no-such-order' })).toString('base64') },
  ];
  for (const { name, data } of cases) {
    const traceId = Math.random().toString(16).slice(2).padEnd(32, '1').slice(0, 32);
    await pushCloudEvent({ id: `poison-${name}`, data, attributes: { traceparent: `00-${traceId}-${CLIENT_SPAN_ID}-01` }, publishTime: new Date().toISOString() }).expect(204);
    const consumer = one(spansOf(traceId), (s) => s.kind === SpanKind.CONSUMER, `${name} consumer span`);
    assert.equal(consumer.attributes['orders.result'], 'rejected', name);
    assert.equal(consumer.status.code, 2, `${name}: error status recorded`);
  }
});

test('garbage trace context in the message starts a new root trace', async () => {
  const { body } = await request(createOrder).post('/').send(ORDER).expect(202);
  const message = await nextMessage();
  await pushCloudEvent({ id: message.id, data: message.data.toString('base64'), attributes: { traceparent: 'garbage' }, publishTime: message.publishTime.toISOString() }).expect(204);
  const consumer = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === message.id);
  assert.ok(consumer);
  assert.equal(consumer.parentSpanContext, undefined);
  assert.notEqual(consumer.spanContext().traceId, body.traceId);
  assert.equal(consumer.attributes['orders.result'], 'processed');
});

test('X-Cloud-Trace-Context is honoured alone, and W3C traceparent wins when both are sent', async () => {
  // Untraced client: this test process's own HTTP instrumentation would add a traceparent.
  const cloudOnly = await context.with(suppressTracing(ROOT_CONTEXT), async () =>
    request(createOrder).post('/').set('x-cloud-trace-context', '11111111111111111111111111111111/12345;o=1').send(ORDER).expect(202),
  );
  assert.equal(cloudOnly.body.traceId, '11111111111111111111111111111111');
  const both = await request(createOrder)
    .post('/')
    .set('x-cloud-trace-context', '22222222222222222222222222222222/12345;o=1')
    .set('traceparent', `00-${'3'.repeat(32)}-${CLIENT_SPAN_ID}-01`)
    .send(ORDER)
    .expect(202);
  assert.equal(both.body.traceId, '3'.repeat(32));
  await nextMessage();
  await nextMessage();
});

test('structured-mode CloudEvents are processed like binary ones', async () => {
  const { body } = await request(createOrder).post('/').send(ORDER).expect(202);
  const message = await nextMessage();
  await request(processOrder)
    .post('/')
    .set('content-type', 'application/cloudevents+json')
    .send(
      JSON.stringify({
        specversion: '1.0',
        id: message.id,
        type: 'google.cloud.pubsub.topic.v1.messagePublished',
        source: `//pubsub.googleapis.com/projects/${PROJECT}/topics/orders`,
        datacontenttype: 'application/json',
        data: {
          message: { data: message.data.toString('base64'), attributes: message.attributes, messageId: message.id, publishTime: message.publishTime.toISOString() },
          subscription: `projects/${PROJECT}/subscriptions/orders-processOrder`,
        },
        // Over createOrder's 64 KiB body limit: CloudEvents keep the framework's own limits
        // (a Pub/Sub message may be 10 MB).
        padding: 'p'.repeat(100 * 1024),
      }),
    )
    .expect(204);
  const consumer = one(spansOf(body.traceId), (s) => s.kind === SpanKind.CONSUMER, 'consumer span');
  assert.equal(consumer.attributes['orders.result'], 'processed');
  assert.equal((await db.collection('orders').doc(body.orderId).get()).data()?.status, 'processed');
});

test('an order body over the limit is refused with a JSON 413 before it is parsed, whatever its type', async () => {
  const large = JSON.stringify({ ...ORDER, customerId: 'c'.repeat(100 * 1024) });
  for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
    const response = await request(createOrder).post('/').set('content-type', type).send(large).expect(413);
    assert.match(String(response.body.error), /exceeds the limit of 65536 bytes/, type);
  }
});
