import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sendOrder } from '../../../scripts/load/sendOrder';
import type { ClientTracing } from '../../../scripts/load/startClientTracing';

// The stand-in createOrder answers according to the path.
let server: Server;
let base: string;
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2_000);
      if (req.url === '/busy') return void res.writeHead(503).end('{"error":"busy"}');
      if (req.url === '/odd') return void res.writeHead(202).end('not json');
      if (req.url === '/front-end') return void res.writeHead(202, { 'x-local-platform': 'cloud-run; billing=instance' }).end('{"orderId":"o-1","traceId":"t"}');
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"orderId":"o-1","traceId":"t"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function memoryTracing(): { tracing: ClientTracing; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    exporter,
    tracing: { tracer: provider.getTracer('t'), propagator: new W3CTraceContextPropagator(), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() },
  };
}

test('an accepted order: traceparent carries the client span, which ends with the status', async () => {
  const { tracing, exporter } = memoryTracing();
  const r = await sendOrder(3, { target: `${base}/`, timeoutMs: 5_000, tracing });
  assert.equal(r.error, undefined);
  assert.equal(r.orderId, 'o-1');
  const [span] = exporter.getFinishedSpans();
  assert.equal(r.traceId, span!.spanContext().traceId);
  assert.equal(r.clientSpanId, span!.spanContext().spanId);
  assert.equal(seen.at(-1)!.headers.traceparent, `00-${r.traceId}-${r.clientSpanId}-01`);
  assert.equal(span!.attributes['http.response.status_code'], 202);
  assert.equal(span!.kind, 2); // CLIENT
  assert.deepEqual(JSON.parse(seen.at(-1)!.body), { customerId: 'load-3', items: [{ sku: 'sku-4', quantity: 1, unitPrice: 9.5 }], currency: 'EUR' });
});

const failures: { path: string; timeoutMs: number; error: string }[] = [
  { path: '/busy', timeoutMs: 5_000, error: 'http 503' },
  { path: '/odd', timeoutMs: 5_000, error: 'bad response' },
  { path: '/slow', timeoutMs: 50, error: 'timeout' },
];
for (const f of failures) {
  test(`${f.path} becomes error kind "${f.error}", span marked as error`, async () => {
    const { tracing, exporter } = memoryTracing();
    const r = await sendOrder(0, { target: `${base}${f.path}`, timeoutMs: f.timeoutMs, tracing });
    assert.equal(r.error, f.error);
    assert.equal(r.orderId, undefined);
    assert.equal(exporter.getFinishedSpans()[0]!.status.code, 2);
  });
}

test('a refused connection is a network error, not an exception', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const r = await sendOrder(0, { target: `http://127.0.0.1:${port}/`, timeoutMs: 5_000, tracing: undefined });
  assert.equal(r.error, 'network');
  assert.equal(r.clientSpanId, undefined);
});

test('the platform a local front end names in X-Local-Platform is kept; without trace headers none is sent', async () => {
  const viaFrontEnd = await sendOrder(0, { target: `${base}/front-end`, timeoutMs: 5_000, tracing: undefined });
  assert.equal(viaFrontEnd.platform, 'cloud-run; billing=instance');
  assert.equal(seen.at(-1)!.headers.traceparent, undefined);
  assert.equal((await sendOrder(0, { target: `${base}/`, timeoutMs: 5_000, tracing: undefined })).platform, undefined);
});
