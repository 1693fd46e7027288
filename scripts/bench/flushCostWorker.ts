/**
 * Child process of the flush benchmark: tracing (global provider, gRPC/HTTP
 * instrumentation) is set up here, so it cannot leak into the benchmark runner's
 * own in-process emulators. Prints one JSON line of raw timings.
 */
import { SpanKind, context, trace } from '@opentelemetry/api';
import { loadConfig } from '../../shared/config';
import { startTracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { startCollector } from '../collector/startCollector';
import { runWorkerMain } from './runWorkerMain';

export interface FlushTimings {
  readonly sequential: { readonly flushMs: number[]; readonly invocationMs: number[] };
  readonly concurrent: { readonly flushMs: number[]; readonly invocationMs: number[] };
  readonly spansReceived: number;
}

/** The spans one createOrder invocation makes: server, Firestore + gRPC, publish + gRPC. */
async function invocation(tracing: Tracing, i: number): Promise<{ flushMs: number; invocationMs: number }> {
  const t0 = performance.now();
  const tracer = tracing.tracer;
  const server = tracer.startSpan('POST /', { kind: SpanKind.SERVER, attributes: { 'faas.trigger': 'http', 'http.request.method': 'POST', 'bench.i': i } });
  const ctx = trace.setSpan(context.active(), server);
  for (const [name, attrs] of [
    ['create orders', { 'db.system.name': 'gcp.firestore', 'db.operation.name': 'create' }],
    ['send orders', { 'messaging.system': 'gcp_pubsub', 'messaging.operation.type': 'send' }],
  ] as const) {
    const parent = tracer.startSpan(name, { kind: name.startsWith('send') ? SpanKind.PRODUCER : SpanKind.CLIENT, attributes: attrs }, ctx);
    const rpc = tracer.startSpan('grpc.call', { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.method': 'Commit' } }, trace.setSpan(ctx, parent));
    await new Promise((resolve) => setImmediate(resolve));
    rpc.end();
    parent.end();
  }
  server.end();
  const t1 = performance.now();
  await tracing.flush();
  const t2 = performance.now();
  return { flushMs: t2 - t1, invocationMs: t2 - t0 };
}

async function main(): Promise<void> {
  const invocations = Number(process.argv[2] ?? 300);
  const rounds = Number(process.argv[3] ?? 20);
  const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined, maxTraces: 100_000 });
  const env = { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'flush-bench', OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}` };
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const tracing = startTracing(loadConfig(env, []).tracing);
  const timings: FlushTimings = { sequential: { flushMs: [], invocationMs: [] }, concurrent: { flushMs: [], invocationMs: [] }, spansReceived: 0 };
  for (let i = 0; i < 20; i++) await invocation(tracing, i); // warm the channel
  for (let i = 0; i < invocations; i++) {
    const t = await invocation(tracing, i);
    timings.sequential.flushMs.push(t.flushMs);
    timings.sequential.invocationMs.push(t.invocationMs);
  }
  for (let r = 0; r < rounds; r++) {
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => invocation(tracing, i)));
    for (const t of all) {
      timings.concurrent.flushMs.push(t.flushMs);
      timings.concurrent.invocationMs.push(t.invocationMs);
    }
  }
  const res = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces?service=flush-bench&limit=1000000&lookback=1h`);
  const body = (await res.json()) as { data?: { spans: unknown[] }[] };
  const spansReceived = (body.data ?? []).reduce((n, t) => n + t.spans.length, 0);
  await tracing.shutdown();
  await collector.close();
  process.stdout.write(`${JSON.stringify({ ...timings, spansReceived })}\n`);
}

runWorkerMain(main);
