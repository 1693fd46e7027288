import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startCollector, type Collector } from '../../../scripts/collector/startCollector';
import type { JaegerSpan, JaegerTrace } from '../../../scripts/collector/toJaegerTrace';
import { recordSpanTree, type SpanTree } from './recordSpanTree';

interface Envelope<T> {
  readonly data: T;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly errors: readonly { code: number; msg: string }[] | null;
}

async function getJson<T>(collector: Collector, path: string): Promise<{ status: number; body: Envelope<T>; headers: Headers }> {
  const response = await fetch(`http://${collector.host}:${collector.queryPort}${path}`);
  return { status: response.status, body: (await response.json()) as Envelope<T>, headers: response.headers };
}

function spanNamed(trace: JaegerTrace, name: string): JaegerSpan {
  const span = trace.spans.find((s) => s.operationName === name);
  assert.ok(span, `span ${name} in trace`);
  return span;
}

function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

void describe('startCollector with the real OTLP exporters', () => {
  let collector: Collector;
  let tree: SpanTree;

  before(async () => {
    collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    // checkout exports over gRPC, processor over HTTP/JSON: one trace, two protocols.
    tree = await recordSpanTree(
      new GrpcTraceExporter({ url: `http://127.0.0.1:${collector.grpcPort}` }),
      new HttpTraceExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/traces` }),
    );
  });

  after(async () => {
    await collector.close();
    await collector.close(); // idempotent
  });

  void it('binds three distinct real ports', () => {
    assert.equal(collector.host, '127.0.0.1');
    assert.equal(new Set([collector.grpcPort, collector.httpPort, collector.queryPort]).size, 3);
    assert.ok(collector.grpcPort > 0 && collector.httpPort > 0 && collector.queryPort > 0);
  });

  void it('lists both services', async () => {
    const { status, body, headers } = await getJson<string[]>(collector, '/api/services');
    assert.equal(status, 200);
    assert.deepEqual(body, { data: ['checkout', 'processor'], total: 2, limit: 0, offset: 0, errors: null });
    assert.equal(headers.get('access-control-allow-origin'), '*');
  });

  void it('lists the operations of a service', async () => {
    const { body } = await getJson<string[]>(collector, '/api/services/checkout/operations');
    assert.deepEqual(body.data, ['orders publish', 'POST /orders']);
    const kinds = await getJson<{ name: string; spanKind: string }[]>(collector, '/api/operations?service=processor&spanKind=consumer');
    assert.deepEqual(kinds.body.data, [{ name: 'orders process', spanKind: 'consumer' }]);
  });

  void it('returns the trace by id with references, µs times, tags, logs and processes', async () => {
    const { status, body } = await getJson<JaegerTrace[]>(collector, `/api/traces/${tree.traceId}`);
    assert.equal(status, 200);
    assert.equal(body.data.length, 1);
    const trace = body.data[0];
    assert.ok(trace);
    assert.equal(trace.traceID, tree.traceId);
    assert.deepEqual(trace.spans.map((s) => s.operationName), ['POST /orders', 'orders publish', 'orders process']);

    const root = spanNamed(trace, 'POST /orders');
    const producer = spanNamed(trace, 'orders publish');
    const consumer = spanNamed(trace, 'orders process');
    assert.equal(root.spanID, tree.rootSpanId);
    assert.deepEqual(root.references, []);
    assert.deepEqual(producer.references, [{ refType: 'CHILD_OF', traceID: tree.traceId, spanID: tree.rootSpanId }]);
    assert.deepEqual(consumer.references, [
      { refType: 'CHILD_OF', traceID: tree.traceId, spanID: tree.producerSpanId },
      { refType: 'FOLLOWS_FROM', traceID: tree.tickTraceId, spanID: tree.tickSpanId },
    ]);

    assert.equal(root.startTime, tree.baseMillis * 1000);
    assert.equal(root.duration, 50_000);
    assert.equal(consumer.startTime, (tree.baseMillis + 30) * 1000);
    assert.equal(consumer.duration, 15_000);
    assert.equal(root.flags, 1);

    assert.equal(tag(root, 'span.kind'), 'server');
    assert.equal(tag(producer, 'span.kind'), 'producer');
    assert.equal(tag(consumer, 'span.kind'), 'consumer');
    assert.equal(tag(root, 'http.request.method'), 'POST');
    assert.deepEqual(root.tags.filter((t) => t.key.startsWith('order.')), [
      { key: 'order.items', type: 'int64', value: 3 },
      { key: 'order.total', type: 'float64', value: 12.5 },
      { key: 'order.express', type: 'bool', value: true },
      { key: 'order.tags', type: 'string', value: '["a","b"]' },
    ]);
    assert.equal(tag(root, 'otel.scope.name'), 'checkout-lib');
    assert.equal(tag(root, 'otel.scope.version'), '1.2.3');
    assert.equal(tag(root, 'error'), undefined);
    assert.equal(tag(consumer, 'otel.status_code'), 'ERROR');
    assert.equal(tag(consumer, 'otel.status_description'), 'out of stock');
    assert.deepEqual(consumer.tags.find((t) => t.key === 'error'), { key: 'error', type: 'bool', value: true });
    assert.deepEqual(consumer.logs, [
      {
        timestamp: (tree.baseMillis + 35) * 1000,
        fields: [
          { key: 'event', type: 'string', value: 'retrying' },
          { key: 'attempt', type: 'int64', value: 2 },
        ],
      },
    ]);

    assert.equal(trace.processes[root.processID]?.serviceName, 'checkout');
    assert.equal(trace.processes[consumer.processID]?.serviceName, 'processor');
    assert.equal(root.processID, producer.processID);
    assert.notEqual(root.processID, consumer.processID);
    const envTag = trace.processes[root.processID]?.tags.find((t) => t.key === 'deployment.environment.name');
    assert.deepEqual(envTag, { key: 'deployment.environment.name', type: 'string', value: 'test' });
    assert.equal(trace.warnings, null);
    assert.equal(root.warnings, null);
  });

  void it('answers 404 in Jaeger error shape for an unknown trace and 400 for a malformed id', async () => {
    const missing = await getJson<null>(collector, `/api/traces/${'ab'.repeat(16)}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
    const malformed = await getJson<null>(collector, '/api/traces/not-hex');
    assert.equal(malformed.status, 400);
    assert.equal((await getJson<null>(collector, '/api/traces/%E0%A4%A')).status, 400);
    const short = await getJson<JaegerTrace[]>(collector, `/api/traces/${tree.traceId.toUpperCase()}`);
    assert.equal(short.status, 200);
  });

  void it('searches by service, most recent first, bounded by limit', async () => {
    const processor = await getJson<JaegerTrace[]>(collector, '/api/traces?service=processor&lookback=1h&limit=10');
    assert.deepEqual(
      processor.body.data.map((t) => t.traceID),
      [tree.tickTraceId, tree.traceId], // the tick trace starts 5 ms after the order trace
    );
  });

  void it('searches with limit 1 and by operation', async () => {
    const limited = await getJson<JaegerTrace[]>(collector, '/api/traces?service=processor&limit=1');
    assert.deepEqual(limited.body.data.map((t) => t.traceID), [tree.tickTraceId]);
    const byOperation = await getJson<JaegerTrace[]>(collector, '/api/traces?service=processor&operation=orders%20process');
    assert.deepEqual(byOperation.body.data.map((t) => t.traceID), [tree.traceId]);
    const checkout = await getJson<JaegerTrace[]>(collector, '/api/traces?service=checkout');
    assert.deepEqual(checkout.body.data.map((t) => t.traceID), [tree.traceId]);
    const nothing = await getJson<JaegerTrace[]>(collector, '/api/traces?service=nobody');
    assert.deepEqual(nothing.body.data, []);
  });

  void it('answers /healthz', async () => {
    const response = await fetch(`http://127.0.0.1:${collector.queryPort}/healthz`);
    assert.equal(response.status, 200);
  });
});

void describe('startCollector options', () => {
  void it('evicts the oldest trace beyond maxTraces and appends every span to the file as a JSON line', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'collector-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'spans.jsonl');
    const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, maxTraces: 2, file, log: () => {} });
    t.after(() => collector.close());
    const exporter = (): HttpTraceExporter => new HttpTraceExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/traces` });
    // Each tree is two traces (order + tick), sent in that order: after two trees only the second's remain.
    const older = await recordSpanTree(exporter(), exporter(), Date.now() - 20_000);
    const newer = await recordSpanTree(exporter(), exporter(), Date.now() - 10_000);
    const status = async (id: string): Promise<number> => (await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${id}`)).status;
    assert.equal(await status(older.traceId), 404);
    assert.equal(await status(older.tickTraceId), 404);
    assert.equal(await status(newer.traceId), 200);
    assert.equal(await status(newer.tickTraceId), 200);
    const services = (await (await fetch(`http://127.0.0.1:${collector.queryPort}/api/services`)).json()) as { data: string[] };
    assert.deepEqual(services.data, ['checkout', 'processor']);

    await collector.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { traceId: string; spanId: string; serviceName: string });
    assert.equal(lines.length, 8);
    assert.deepEqual(
      lines.filter((l) => l.traceId === newer.traceId).map((l) => l.spanId).sort(),
      [newer.rootSpanId, newer.producerSpanId, newer.consumerSpanId].sort(),
    );
    assert.ok(lines.every((l) => l.serviceName === 'checkout' || l.serviceName === 'processor'));
  });

  void it('rejects with EADDRINUSE when a port is taken and leaves nothing listening', async (t) => {
    const first = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    t.after(() => first.close());
    await assert.rejects(startCollector({ grpcPort: 0, httpPort: 0, queryPort: first.queryPort, log: () => {} }), { code: 'EADDRINUSE' });
    await assert.rejects(startCollector({ grpcPort: 0, httpPort: first.httpPort, queryPort: 0, log: () => {} }), { code: 'EADDRINUSE' });
    await assert.rejects(startCollector({ grpcPort: first.grpcPort, httpPort: 0, queryPort: 0, log: () => {} }), { code: 'EADDRINUSE' });
  });
});
