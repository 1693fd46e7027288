import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOtlpExporter } from 'cloud-functions-otel-tracing/internal/createOtlpExporter';
import type { OtlpProtocol } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import { latencyStats } from '../load/latencyStats';
import { startCollectorProcess } from '../stack/startCollectorProcess';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

export interface ExporterSettings {
  /** Exports per protocol per round. */
  readonly exports?: number;
  readonly rounds?: number;
}

/**
 * Client CPU of one export of one createOrder's spans (7, with their attributes) with each
 * OTLP exporter the library offers, as the library builds them, to a collector in its own
 * process on loopback: process.cpuUsage() of this process around N sequential exports,
 * protocols interleaved round by round; the median round. This is the part of the flush
 * before each response that the exporter choice decides.
 */
export async function exporterBench(settings: ExporterSettings = {}): Promise<BenchResult> {
  const exports = settings.exports ?? 300;
  const rounds = settings.rounds ?? 5;
  const collector = await startCollectorProcess({ grpcPort: 0, httpPort: 0, queryPort: 0 });
  const exporters = new Map<OtlpProtocol, SpanExporter>();
  try {
    for (const protocol of PROTOCOLS) {
      // Each exporter reads the standard variable once, when it is built.
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://${collector.host}:${protocol === 'grpc' ? collector.grpcPort : collector.httpPort}`;
      exporters.set(protocol, createOtlpExporter(protocol, 10_000));
    }
    const spans = createOrderSpans();
    for (const exporter of exporters.values()) for (let i = 0; i < 50; i++) await exportOnce(exporter, spans);
    const perExport = new Map<OtlpProtocol, number[]>(PROTOCOLS.map((p) => [p, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < PROTOCOLS.length; i++) {
        const protocol = PROTOCOLS[(i + round) % PROTOCOLS.length]!;
        const before = process.cpuUsage();
        for (let n = 0; n < exports; n++) await exportOnce(exporters.get(protocol)!, spans);
        const used = process.cpuUsage(before);
        perExport.get(protocol)!.push((used.user + used.system) / 1000 / exports);
      }
    }
    const median = (protocol: OtlpProtocol): number => latencyStats(perExport.get(protocol)!).p50;
    const figures: Record<string, number> = {};
    for (const protocol of PROTOCOLS) figures[`${protocol} CPU ms per export`] = median(protocol);
    for (const protocol of PROTOCOLS) figures[`${protocol} / grpc`] = ratio(median(protocol), median('grpc'));
    return {
      name: 'exporters',
      figures,
      targets: [],
      notes: [`${rounds} rotating rounds of ${exports} sequential exports of 7 spans per protocol; client CPU only (the collector runs in its own process); median round`],
    };
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    for (const exporter of exporters.values()) await exporter.shutdown();
    await collector.close();
  }
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) => (result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')))),
  );
}

/** The span shapes of one createOrder invocation (docs/tracing.md), ended. */
function createOrderSpans(): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'createOrder', 'faas.name': 'createOrder' }),
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => void spans.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  const tracer = provider.getTracer('gcf-tracing');
  const server = tracer.startSpan('POST /', {
    kind: SpanKind.SERVER,
    attributes: { 'faas.trigger': 'http', 'faas.coldstart': false, 'http.request.method': 'POST', 'http.route': '/', 'url.path': '/', 'http.response.status_code': 202, 'user_agent.original': 'load-generator' },
  });
  const child = (name: string, kind: SpanKind, attributes: Record<string, string | number>, parent = server): ReturnType<typeof tracer.startSpan> =>
    tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
  for (const [name, kind, attributes] of [
    ['create orders', SpanKind.CLIENT, { 'db.system.name': 'gcp.firestore', 'db.operation.name': 'create', 'db.collection.name': 'orders', 'app.order.id': 'order-0000000001' }],
    ['send orders', SpanKind.PRODUCER, { 'messaging.system': 'gcp_pubsub', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'messaging.message.id': '1234567890' }],
    ['mark_published orders', SpanKind.CLIENT, { 'db.system.name': 'gcp.firestore', 'db.operation.name': 'mark_published', 'db.collection.name': 'orders', 'app.order.id': 'order-0000000001' }],
  ] as const) {
    const parent = child(name, kind, attributes);
    child(`grpc.google.firestore.v1.Firestore/Commit`, SpanKind.CLIENT, { 'rpc.system': 'grpc', 'rpc.service': 'google.firestore.v1.Firestore', 'rpc.method': 'Commit', 'server.address': '127.0.0.1', 'server.port': 8080, 'rpc.grpc.status_code': 0 }, parent).end();
    parent.end();
  }
  server.end();
  return spans;
}
