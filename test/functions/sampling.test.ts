/* eslint-disable @typescript-eslint/no-require-imports -- tracing must start before the functions load */
/**
 * The standard parent-based sampler (OTEL_TRACES_SAMPLER=parentbased_traceidratio, the way
 * to let Google's front end decide) with ratio 0, through the real createOrder: a request
 * without trace context records nothing, while the sampled flag the front end forwards
 * (traceparent or X-Cloud-Trace-Context) is followed either way. Also the attribute value
 * length limit on the server span. (The default sampler: test/functions/pipeline.test.ts.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { ROOT_CONTEXT, SpanKind, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { PubSub } from '@google-cloud/pubsub';
import request from 'supertest';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-sampling';
const ORDER = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 1 }], currency: 'EUR' };
const PARENT_SPAN_ID = '00f067aa0ba902b7';
// X-Cloud-Trace-Context carries the span id in decimal.
const CLOUD_SPAN_ID_DECIMAL = '12345';
const CLOUD_SPAN_ID_HEX = (12345).toString(16).padStart(16, '0');

const exporter = new InMemorySpanExporter();
let emulators: TestEmulators | undefined;
let pubsub: PubSub;
let createOrder: Server;

before(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    FLUSH_TIMEOUT_MS: '5000',
    // What the deploy sets, with the ratio at 0 so only the caller's decision can record a trace.
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0',
  });
  delete process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT;
  delete process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  initTracing(loadConfig(process.env).tracing, { exporter });
  require('../../functions/index');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  createOrder = getTestServer('createOrder');
  const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  pubsub = new PubSub({ projectId: PROJECT });
  await pubsub.createTopic('orders');
});

after(async () => {
  await pubsub?.close();
  await emulators?.close();
});

/** POSTs an order with these headers, from an untraced client (this process's HTTP instrumentation would add a traceparent). */
async function post(headers: Record<string, string>): Promise<{ traceId: string }> {
  const response = await context.with(suppressTracing(ROOT_CONTEXT), async () => request(createOrder).post('/').set(headers).send(ORDER).expect(202));
  return response.body as { traceId: string };
}

const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

const cases: ReadonlyArray<{ name: string; traceId?: string; headers: Record<string, string>; recorded: boolean; parentSpanId?: string }> = [
  { name: 'no trace context: a new root, sampled by the ratio (0)', headers: {}, recorded: false },
  { name: 'traceparent sampled (01) is followed', traceId: '1'.repeat(32), headers: { traceparent: `00-${'1'.repeat(32)}-${PARENT_SPAN_ID}-01` }, recorded: true, parentSpanId: PARENT_SPAN_ID },
  { name: 'traceparent not sampled (00) is followed', traceId: '2'.repeat(32), headers: { traceparent: `00-${'2'.repeat(32)}-${PARENT_SPAN_ID}-00` }, recorded: false },
  {
    name: 'X-Cloud-Trace-Context o=1 is followed',
    traceId: '3'.repeat(32),
    headers: { 'x-cloud-trace-context': `${'3'.repeat(32)}/${CLOUD_SPAN_ID_DECIMAL};o=1` },
    recorded: true,
    parentSpanId: CLOUD_SPAN_ID_HEX,
  },
  { name: 'X-Cloud-Trace-Context o=0 is followed', traceId: '4'.repeat(32), headers: { 'x-cloud-trace-context': `${'4'.repeat(32)}/${CLOUD_SPAN_ID_DECIMAL};o=0` }, recorded: false },
];

for (const { name, traceId, headers, recorded, parentSpanId } of cases) {
  test(name, async () => {
    const body = await post(headers);
    // The trace continues (the response and the published message carry its id) whether or not it is recorded.
    if (traceId) assert.equal(body.traceId, traceId);
    assert.match(body.traceId, /^[0-9a-f]{32}$/);
    // createOrder flushed before answering, so whatever was recorded is exported by now.
    const spans = spansOf(body.traceId);
    if (!recorded) {
      assert.deepEqual(spans.map((s) => s.name), [], 'nothing recorded');
      return;
    }
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    assert.ok(server, `a server span among ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(server.parentSpanContext?.spanId, parentSpanId);
    assert.ok(spans.some((s) => s.name === 'send orders'), 'its children are recorded too');
  });
}

test('a long user-agent is truncated on the server span at the default limit (1024)', async () => {
  const traceId = '5'.repeat(32);
  await post({ traceparent: `00-${traceId}-${PARENT_SPAN_ID}-01`, 'user-agent': `agent/${'x'.repeat(5000)}` });
  const server = spansOf(traceId).find((s) => s.kind === SpanKind.SERVER);
  assert.ok(server);
  assert.equal(server.attributes['user_agent.original'], `agent/${'x'.repeat(1024 - 'agent/'.length)}`);
});
