/* eslint-disable @typescript-eslint/no-require-imports -- tracing starts before the functions load */
/**
 * A third party's CloudEvent function (fixtures/thirdPartyFunctions.ts) receiving a
 * Pub/Sub push through functions-framework's real server, as Eventarc sends it (binary
 * and structured CloudEvents) and as a plain Pub/Sub push subscription does. The
 * publisher's span is made here and its context put into the message attributes with
 * the library's producer helper. The consumer span must be its child, link the push
 * request's own span, and be exported before the push is answered.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { SlowInMemoryExporter } from './support/slowInMemoryExporter';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';

const TRANSPORT_TRACE_ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRANSPORT_SPAN_ID = 'bbbbbbbbbbbbbbbb';
const TOPIC_SOURCE = '//pubsub.googleapis.com/projects/demo-third-party/topics/greetings';

const exporter = new SlowInMemoryExporter();
let tracing: Tracing;
let server: Server;
let injectTraceContext: typeof import('cloud-functions-otel-tracing').injectTraceContext;

before(() => {
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadTracingConfig } = require('cloud-functions-otel-tracing/internal/tracingConfig') as typeof import('cloud-functions-otel-tracing/internal/tracingConfig');
  tracing = initTracing(loadTracingConfig({ OTEL_SERVICE_NAME: 'third-party', FLUSH_TIMEOUT_MS: '5000' }, []), { exporter });
  require('./fixtures/thirdPartyFunctions');
  ({ injectTraceContext } = require('cloud-functions-otel-tracing') as typeof import('cloud-functions-otel-tracing'));
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  server = getTestServer('onGreeting');
});

/** A publisher span (ended, as after a publish) and the message attributes the producer helper made in it. */
function publish(extra: Record<string, string> = {}): { publisher: SpanContext; attributes: Record<string, string> } {
  const span = tracing.tracer.startSpan('send greetings', { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
  const attributes = context.with(trace.setSpan(ROOT_CONTEXT, span), () => injectTraceContext({ lang: 'en', ...extra }));
  span.end();
  return { publisher: span.spanContext(), attributes };
}

function message(attributes: Record<string, string>) {
  return {
    message: { data: Buffer.from('hello').toString('base64'), attributes, messageId: 'm-1', publishTime: new Date(Date.now() - 50).toISOString() },
    subscription: 'projects/demo-third-party/subscriptions/greetings-push',
  };
}

const EVENT = { specversion: '1.0', id: 'm-1', type: 'google.cloud.pubsub.topic.v1.messagePublished', source: TOPIC_SOURCE };
const TRANSPORT = `00-${TRANSPORT_TRACE_ID}-${TRANSPORT_SPAN_ID}-01`;

type Send = (attributes: Record<string, string>) => request.Test;
const modes: ReadonlyArray<{ mode: string; send: Send }> = [
  {
    mode: 'binary CloudEvent (ce-* headers)',
    send: (attributes) =>
      request(server)
        .post('/')
        .set({ 'ce-specversion': EVENT.specversion, 'ce-id': EVENT.id, 'ce-type': EVENT.type, 'ce-source': EVENT.source, traceparent: TRANSPORT })
        .send(message(attributes)),
  },
  {
    mode: 'structured CloudEvent (application/cloudevents+json)',
    send: (attributes) =>
      request(server)
        .post('/')
        .set({ 'content-type': 'application/cloudevents+json', traceparent: TRANSPORT })
        .send(JSON.stringify({ ...EVENT, data: message(attributes) })),
  },
  {
    mode: 'plain Pub/Sub push (converted by functions-framework)',
    send: (attributes) => request(server).post('/projects/demo-third-party/topics/greetings').set({ traceparent: TRANSPORT }).send(message(attributes)),
  },
];

function exportedConsumer(traceId: string): ReadableSpan | undefined {
  return exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === traceId);
}

for (const { mode, send } of modes) {
  test(`${mode}: the consumer span is the publisher's child and is exported before the push is answered`, async () => {
    exporter.reset();
    const { publisher, attributes } = publish();
    const response = await send(attributes);
    const consumer = exportedConsumer(publisher.traceId);
    const handlerSpan = exporter.getFinishedSpans().find((s) => s.name === 'store greeting');
    assert.ok(response.status >= 200 && response.status < 300, `push acknowledged (${response.status})`);
    assert.ok(consumer, 'consumer span exported by the time the push is answered');
    assert.equal(consumer.name, 'process greetings');
    assert.equal(consumer.parentSpanContext?.spanId, publisher.spanId, 'child of the publisher span');
    assert.equal(handlerSpan?.parentSpanContext?.spanId, consumer.spanContext().spanId, "the handler's span is under the consumer span");
    assert.equal(consumer.attributes['messaging.system'], 'gcp_pubsub');
    assert.equal(consumer.attributes['messaging.destination.name'], 'greetings');
    assert.equal(consumer.attributes['messaging.message.id'], 'm-1');
    assert.equal(consumer.attributes['faas.trigger'], 'pubsub');
    assert.equal(typeof consumer.attributes['faas.coldstart'], 'boolean');
    assert.ok((consumer.attributes['gcf_tracing.queue_delay_ms'] as number) >= 0, 'queue delay recorded');
    assert.equal(consumer.attributes['gcf_tracing.parent_from_message'], true);
    const links = consumer.links.map((l) => [l.context.spanId, l.attributes?.['gcf_tracing.link.kind']]);
    assert.deepEqual(links, [[TRANSPORT_SPAN_ID, 'push-transport']], "the push request's own span is a link, not the parent");
  });
}

test("the Pub/Sub library's googclient_traceparent alone is enough", async () => {
  exporter.reset();
  const { publisher, attributes } = publish();
  const onlyLibrary = Object.fromEntries(Object.entries(attributes).filter(([key]) => key.startsWith('googclient_')));
  assert.ok(onlyLibrary.googclient_traceparent);
  await modes[0]!.send(onlyLibrary);
  assert.equal(exportedConsumer(publisher.traceId)?.parentSpanContext?.spanId, publisher.spanId);
});

test('a handler that throws: the push is answered 500 (retry) after the error was recorded and exported', async () => {
  exporter.reset();
  const { publisher, attributes } = publish({ fail: 'yes' });
  const response = await modes[0]!.send(attributes);
  const consumer = exportedConsumer(publisher.traceId);
  assert.equal(response.status, 500);
  assert.ok(consumer, 'exported before the 500');
  assert.equal(consumer.status.code, SpanStatusCode.ERROR);
  assert.match(consumer.status.message ?? '', /greeting not stored/);
});

test('garbage trace context starts a new root trace, never an error', async () => {
  exporter.reset();
  const response = await modes[0]!.send({ traceparent: 'not-a-traceparent', googclient_traceparent: '00-zz' });
  assert.equal(response.status, 204);
  const consumer = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER);
  assert.ok(consumer);
  assert.equal(consumer.attributes['gcf_tracing.parent_from_message'], false);
});

test("a push without a subscription (Google's Pub/Sub emulator) leaves the attribute out rather than empty", async () => {
  for (const subscription of ['projects/demo-third-party/subscriptions/greetings-push', undefined, '']) {
    exporter.reset();
    const { publisher, attributes } = publish();
    const body = { ...message(attributes), subscription };
    // Binary mode, as Eventarc sends it (a plain push loses the subscription in functions-framework's conversion).
    await request(server)
      .post('/')
      .set({ 'ce-specversion': EVENT.specversion, 'ce-id': EVENT.id, 'ce-type': EVENT.type, 'ce-source': EVENT.source })
      .send(body)
      .expect(204);
    const consumer = exportedConsumer(publisher.traceId);
    assert.ok(consumer);
    if (subscription) assert.equal(consumer.attributes['messaging.destination.subscription.name'], subscription);
    else assert.ok(!('messaging.destination.subscription.name' in consumer.attributes), `subscription ${JSON.stringify(subscription)}: attribute left out`);
    assert.equal(consumer.attributes['faas.invocation.id'], 'm-1');
    assert.ok(!('faas.invocation_id' in consumer.attributes), 'only the current semantic-convention name');
    assert.ok(Object.values(consumer.attributes).every((value) => value !== ''), 'no empty attribute value');
  }
});
