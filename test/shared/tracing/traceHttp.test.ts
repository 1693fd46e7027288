/* eslint-disable @typescript-eslint/no-require-imports -- tracing starts before the functions load */
/**
 * A third party's HTTP functions (fixtures/thirdPartyFunctions.ts), registered through
 * the library's `http` and served by functions-framework's real server; the real SDK
 * with the batching processor over an in-memory exporter that answers after 50 ms, so a span is in the exporter
 * only if the invocation's own flush sent it. Each check runs the moment the client has
 * the response: the server span must already be exported, continuing the caller's trace.
 */
import { before, beforeEach, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { SlowInMemoryExporter } from './support/slowInMemoryExporter';


const CALLER_SPAN_ID = '00f067aa0ba902b7';
// A new caller trace per test: a late export of an earlier test can never pass for this one's.
let CALLER_TRACE_ID = '';
let TRACEPARENT = '';
beforeEach(() => {
  CALLER_TRACE_ID = randomBytes(16).toString('hex');
  TRACEPARENT = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;
});

const exporter = new SlowInMemoryExporter();
let servers: (name: string) => Server;

before(() => {
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadTracingConfig } = require('cloud-functions-otel-tracing/internal/tracingConfig') as typeof import('cloud-functions-otel-tracing/internal/tracingConfig');
  initTracing(loadTracingConfig({ OTEL_SERVICE_NAME: 'third-party', FLUSH_TIMEOUT_MS: '5000' }, []), { exporter });
  require('./fixtures/thirdPartyFunctions');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  servers = getTestServer;
});

/** The server span of the request that carried `traceId`, from what has been exported so far. */
function exportedServerSpan(traceId = CALLER_TRACE_ID): ReadableSpan | undefined {
  return exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
}

const answers: ReadonlyArray<{ fn: string; status: number; body: string }> = [
  { fn: 'helloSend', status: 200, body: 'hello world' },
  { fn: 'helloJson', status: 200, body: '{"greeting":"hello"}' },
  { fn: 'helloEnd', status: 200, body: 'hello' },
  { fn: 'helloStream', status: 200, body: 'hello' },
  { fn: 'helloStatusSend', status: 418, body: 'a teapot' },
  { fn: 'helloAsync', status: 201, body: '{"created":true}' },
];
for (const { fn, status, body } of answers) {
  test(`${fn}: the server span continues the caller's trace and is exported before the response arrives`, async () => {
    exporter.reset();
    const response = await request(servers(fn)).get('/').set('traceparent', TRACEPARENT);
    const span = exportedServerSpan();
    assert.equal(response.status, status);
    assert.equal(response.text, body);
    assert.ok(span, 'server span exported by the time the client has the response');
    assert.equal(span.name, 'GET /');
    assert.equal(span.parentSpanContext?.spanId, CALLER_SPAN_ID, 'child of the caller span');
    assert.equal(span.attributes['http.response.status_code'], status);
    assert.equal(span.attributes['faas.trigger'], 'http');
    assert.equal(typeof span.attributes['faas.coldstart'], 'boolean');
    assert.equal(span.instrumentationScope.name, 'gcf-tracing');
    assert.ok(!Object.keys(span.attributes).some((key) => key.startsWith('orders.')), 'no order names');
  });
}

for (const fn of ['throws', 'rejects']) {
  test(`${fn}: functions-framework answers 500 and the error is recorded and exported first`, async () => {
    exporter.reset();
    const response = await request(servers(fn)).get('/').set('traceparent', TRACEPARENT);
    const span = exportedServerSpan();
    assert.equal(response.status, 500);
    assert.ok(span, 'server span exported by the time the client has the 500');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.match(span.status.message ?? '', /broke/);
    assert.ok(span.events.some((e) => e.name === 'exception'), 'exception event recorded');
    assert.equal(span.attributes['http.response.status_code'], 500);
  });
}

test('a span the handler leaves open is ended (and marked) and exported with the server span', async () => {
  exporter.reset();
  const response = await request(servers('leavesSpanOpen')).get('/').set('traceparent', TRACEPARENT);
  assert.equal(response.status, 200);
  const server = exportedServerSpan();
  const forgotten = exporter.getFinishedSpans().find((s) => s.name === 'forgotten work');
  assert.ok(server && forgotten, 'both exported by the time the client has the response');
  assert.equal(forgotten.parentSpanContext?.spanId, server.spanContext().spanId);
  assert.equal(forgotten.attributes['gcf_tracing.span.ended_at_invocation_end'], true);
});

test('a handler that never answers is still recorded and exported when the caller gives up', async () => {
  exporter.reset();
  const server = servers('neverAnswers');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const controller = new AbortController();
    const asked = fetch(`http://127.0.0.1:${port}/`, { headers: { traceparent: TRACEPARENT }, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(asked, { name: 'AbortError' });
    let span: ReadableSpan | undefined;
    for (let i = 0; i < 100 && !span; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      span = exportedServerSpan();
    }
    assert.ok(span, 'server span exported after the connection closed');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.match(span.status.message ?? '', /closed before the function answered/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('baggage from the caller reaches no span', async () => {
  exporter.reset();
  await request(servers('helloSend')).get('/').set('traceparent', TRACEPARENT).set('baggage', 'user=alice').expect(200);
  const span = exportedServerSpan();
  assert.ok(span);
  assert.ok(!JSON.stringify(span.attributes).includes('alice'));
});

test('the caller: its user agent is recorded, its address only with TRACE_CLIENT_ADDRESS=true, nothing unknown as an empty string', async () => {
  const functionsFramework = require('@google-cloud/functions-framework') as typeof import('@google-cloud/functions-framework');
  const { currentTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { traceHttp } = require('cloud-functions-otel-tracing/internal/traceHttp') as typeof import('cloud-functions-otel-tracing/internal/traceHttp');
  const tracing = currentTracing()!;
  const withAddress = { ...tracing, config: { ...tracing.config, recordClientAddress: true } };
  functionsFramework.http('helloWithAddress', traceHttp(withAddress, (_req, res) => void res.send('hello')));

  const cases = [
    { fn: 'helloSend', userAgent: 'agent/1.0', address: undefined, agent: 'agent/1.0' },
    { fn: 'helloSend', userAgent: '', address: undefined, agent: undefined },
    { fn: 'helloWithAddress', userAgent: 'agent/1.0', address: /^(::ffff:)?127\.0\.0\.1$|^::1$/, agent: 'agent/1.0' },
  ];
  for (const { fn, userAgent, address, agent } of cases) {
    exporter.reset();
    await request(servers(fn)).get('/').set('traceparent', TRACEPARENT).set('user-agent', userAgent).expect(200);
    const span = exportedServerSpan();
    assert.ok(span, fn);
    assert.equal(span.attributes['user_agent.original'], agent, `${fn} with user-agent "${userAgent}"`);
    if (address) assert.match(String(span.attributes['client.address']), address, fn);
    else assert.ok(!('client.address' in span.attributes), `${fn}: no client.address by default`);
    assert.ok(Object.values(span.attributes).every((value) => value !== ''), `${fn}: no empty attribute value`);
  }
});
