/* eslint-disable @typescript-eslint/no-require-imports -- tracing is started (or not) by the mode, before anything else loads */
import domain from 'node:domain';
import http from 'node:http';
import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { oneOf, runWorkerMain } from './runWorkerMain';

/**
 * untraced: no SDK. unsampled: tracing on, nothing recorded. background / before-response:
 * the two flush modes, exporting to the collector. bare-post: untraced, plus one keep-alive
 * POST per invocation of the same bytes the exporter sends: what one export per invocation
 * costs at the least, with nothing of ours or OpenTelemetry's around it.
 */
export const FLUSH_CPU_MODES = ['untraced', 'unsampled', 'background', 'before-response', 'bare-post'] as const;
export type FlushCpuMode = (typeof FLUSH_CPU_MODES)[number];

export interface FlushCpuTimings {
  readonly mode: FlushCpuMode;
  /** Process CPU (user + system) per invocation. */
  readonly cpuMsPerInvocation: number;
  /** Bytes of one invocation's spans as OTLP protobuf (what bare-post sends each time). */
  readonly exportBytes: number;
}

export const WARMUP = 300;
const SERVICE = 'flush-cpu-bench';

/** One createOrder-shaped invocation's spans: a server span, three CLIENT spans, a gRPC span under each. */
async function spans(tracer: Tracer): Promise<void> {
  for (const operation of ['create', 'publish', 'mark_published']) {
    await tracer.startActiveSpan(
      `${operation} orders`,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'gcp.firestore', 'db.collection.name': 'orders', 'db.operation.name': operation, 'orders.order_id': 'o-1' } },
      async (span) => {
        const rpc = tracer.startSpan('google.firestore.v1.Firestore/Commit', {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': 'google.firestore.v1.Firestore', 'rpc.method': 'Commit', 'server.address': '127.0.0.1', 'server.port': 8086 },
        });
        // The call's round trip: the rest of the invocation resumes on a later turn.
        await new Promise((resolve) => setImmediate(resolve));
        rpc.setAttribute('rpc.grpc.status_code', 0);
        rpc.end();
        span.end();
      },
    );
  }
}

/** The bytes one invocation's spans make as an OTLP/HTTP protobuf request. */
async function oneInvocationExport(): Promise<Uint8Array> {
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': SERVICE })),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  // Registered only while these spans are made, so that they nest; the modes register their own, or none.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = provider.getTracer(SERVICE);
  const server = tracer.startSpan('POST /', { kind: SpanKind.SERVER, attributes: { 'faas.trigger': 'http', 'http.request.method': 'POST' } }, ROOT_CONTEXT);
  await context.with(trace.setSpan(ROOT_CONTEXT, server), () => spans(tracer));
  server.end();
  context.disable();
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}

/** Starts the mode's tracing and returns one invocation, run as functions-framework runs one: in its own domain. */
async function setUp(mode: FlushCpuMode, endpoint: string): Promise<{ readonly invoke: () => Promise<void>; readonly exportBytes: number; readonly finish: () => Promise<unknown> }> {
  const inDomain = (work: () => Promise<void>) => () =>
    new Promise<void>((resolve, reject) => {
      const d = domain.create();
      d.on('error', reject);
      d.run(() => void work().then(resolve, reject));
    });
  const body = await oneInvocationExport();
  if (mode === 'untraced' || mode === 'bare-post') {
    const tracer = trace.getTracer(SERVICE);
    const finish = () => Promise.resolve();
    if (mode === 'untraced') return { invoke: inDomain(() => spans(tracer)), exportBytes: body.length, finish };
    const agent = new http.Agent({ keepAlive: true });
    const post = () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(`${endpoint}/v1/traces`, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`collector answered ${response.statusCode}`))));
        });
        request.on('error', reject);
        request.end(body);
      });
    return {
      invoke: inDomain(async () => {
        await spans(tracer);
        await post();
      }),
      exportBytes: body.length,
      finish,
    };
  }
  // Only what this mode sets: settings from the calling environment would change what is measured.
  for (const name of ['OTEL_SDK_DISABLED', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: SERVICE,
    FLUSH_MODE: mode === 'background' ? 'background' : 'before-response',
    ...(mode === 'unsampled' ? { OTEL_TRACES_SAMPLER: 'always_off' } : {}),
  });
  const { loadTracingConfig } = require('cloud-functions-otel-tracing/internal/tracingConfig') as typeof import('cloud-functions-otel-tracing/internal/tracingConfig');
  const { startTracing } = require('cloud-functions-otel-tracing/internal/startTracing') as typeof import('cloud-functions-otel-tracing/internal/startTracing');
  const { runInvocation } = require('cloud-functions-otel-tracing/internal/runInvocation') as typeof import('cloud-functions-otel-tracing/internal/runInvocation');
  const tracing = startTracing(loadTracingConfig(process.env, []));
  const spec = { name: 'POST /', kind: SpanKind.SERVER, parent: ROOT_CONTEXT, attributes: { 'faas.trigger': 'http', 'http.request.method': 'POST' } };
  return { invoke: inDomain(() => runInvocation(tracing, spec, () => spans(tracing.tracer))), exportBytes: body.length, finish: () => tracing.flush() };
}

/** One mode in a fresh process: `invocations` sequential invocations after WARMUP ones. Prints FlushCpuTimings as JSON. */
async function main(mode: FlushCpuMode, invocations: number, endpoint: string): Promise<void> {
  const { invoke, exportBytes, finish } = await setUp(mode, endpoint);
  for (let i = 0; i < WARMUP; i++) await invoke();
  const before = process.cpuUsage();
  for (let i = 0; i < invocations; i++) await invoke();
  const used = process.cpuUsage(before);
  // Outside the measurement: background mode's last batch, so every mode has sent all it made.
  await finish();
  const timings: FlushCpuTimings = { mode, cpuMsPerInvocation: (used.user + used.system) / 1000 / invocations, exportBytes };
  console.log(JSON.stringify(timings));
}

if (require.main === module) {
  const mode = oneOf(process.argv[2], FLUSH_CPU_MODES, 'mode');
  runWorkerMain(() => main(mode, Number(process.argv[3] ?? 3000), String(process.argv[4])));
}
