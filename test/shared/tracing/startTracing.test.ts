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
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '../../../shared/tracing/tracingConfig';
import { startTracing } from '../../../shared/tracing/startTracing';
import type { Tracing } from '../../../shared/tracing/startTracing';

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
