/**
 * startTracing against real modules: Node's http client is instrumented (CLIENT spans
 * carrying the caller's trace), incoming requests are left to the function wrapper, and
 * the flush exports what an invocation ended. gRPC spans are proven in
 * test/functions/pipeline.test.ts with the real Firestore and Pub/Sub clients.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import { startTracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: http.Server;
let seenTraceparent: string | undefined;

before(async () => {
  tracing = startTracing(loadTracingConfig({ OTEL_SERVICE_NAME: 'under-test' }, []), { exporter });
  server = http.createServer((req, res) => {
    seenTraceparent = req.headers.traceparent as string | undefined;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await tracing.shutdown();
});

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

test('outgoing HTTP calls become CLIENT spans under the caller, and carry traceparent', async () => {
  const port = (server.address() as AddressInfo).port;
  const parent = tracing.tracer.startSpan('caller');
  await context.with(trace.setSpan(context.active(), parent), () => get(`http://127.0.0.1:${port}/x`));
  parent.end();
  assert.equal(await tracing.flush(), 'flushed');
  const spans = exporter.getFinishedSpans();
  const client = spans.find((span) => span.kind === SpanKind.CLIENT);
  assert.ok(client, `no CLIENT span among ${spans.map((s) => s.name).join(', ')}`);
  assert.equal(client.parentSpanContext?.spanId, parent.spanContext().spanId);
  assert.equal(client.attributes['http.response.status_code'], 200);
  assert.equal(seenTraceparent?.split('-')[1], parent.spanContext().traceId);
  // The server side made no span: incoming requests are the function wrapper's job.
  assert.equal(spans.filter((span) => span.kind === SpanKind.SERVER).length, 0);
  assert.equal(spans[0]?.resource.attributes['service.name'], 'under-test');
});

test("the exporters' own gRPC methods are left unwrapped; other gRPC methods are traced", () => {
  // The way the OTLP exporter (method key `export`) and Google's generated clients
  // (`batchWriteSpans`, with the proto's `BatchWriteSpans`) build their clients. Required as
  // the Google client libraries require it: its first require is what patches it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const method = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  });
  const Client = grpc.makeGenericClientConstructor(
    {
      export: method('/opentelemetry.proto.collector.trace.v1.TraceService/Export'),
      batchWriteSpans: { ...method('/google.devtools.cloudtrace.v2.TraceService/BatchWriteSpans'), originalName: 'BatchWriteSpans' },
      commit: method('/google.firestore.v1.Firestore/Commit'),
    },
    'Mixed',
  );
  const wrapped = (name: string): boolean => isWrapped((Client.prototype as Record<string, unknown>)[name]);
  assert.equal(wrapped('commit'), true, 'the gRPC instrumentation is active (else this test proves nothing)');
  assert.equal(wrapped('export'), false);
  assert.equal(wrapped('batchWriteSpans'), false);
});

test('outgoing calls carry W3C trace context only; an incoming X-Cloud-Trace-Context alone is still followed', async () => {
  const { propagation } = await import('@opentelemetry/api');
  const span = tracing.tracer.startSpan('caller');
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  assert.deepEqual(Object.keys(carrier), ['traceparent']);
  assert.equal(carrier.traceparent, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);

  const extracted = trace.getSpanContext(propagation.extract(context.active(), { 'x-cloud-trace-context': `${'ab'.repeat(16)}/12345;o=1` }));
  assert.equal(extracted?.traceId, 'ab'.repeat(16));
  assert.equal(extracted?.spanId, (12345).toString(16).padStart(16, '0'));
});
