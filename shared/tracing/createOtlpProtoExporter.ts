/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when this exporter is chosen */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

// The component type `@opentelemetry/exporter-trace-otlp-proto` reports in its self-metrics.
const COMPONENT_TYPE = 'otlp_http_span_exporter';

/**
 * The OTLP/HTTP protobuf trace exporter, assembled from the same otlp-exporter-base and
 * otlp-transformer pieces, with the same arguments, as `@opentelemetry/exporter-trace-otlp-proto`
 * 0.223 assembles it; it reads the same OTEL_EXPORTER_OTLP_* variables.
 *
 * Why not that package: it loads otlp-transformer's index, which also loads the metrics
 * and logs serialisers and with them `@opentelemetry/sdk-metrics`, `sdk-logs` and
 * `api-logs`: 81 modules and about 20 ms of every traced cold start here, for signals a
 * function's tracing never sends (docs/performance.md). The trace serialiser's module
 * has no package entry point of its own, so it is required by its path in the pinned
 * version; `test/shared/tracing/createOtlpProtoExporter.test.ts` fails if an upgrade moves it.
 */
export function createOtlpProtoExporter(timeoutMillis: number): SpanExporter {
  const { OTLPExporterBase } = require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http');
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer/build/src/trace/protobuf') as typeof import('@opentelemetry/otlp-transformer/build/src/trace/protobuf');
  const { TraceExporterMetricsHelper } = require('@opentelemetry/otlp-transformer/build/src/trace') as typeof import('@opentelemetry/otlp-transformer/build/src/trace');
  const options = convertLegacyHttpOptions({ timeoutMillis }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  // No meter provider: self-metrics go to the global one, as with the package's default.
  const delegate = createOtlpHttpExportDelegate(options, ProtobufTraceSerializer, COMPONENT_TYPE, TraceExporterMetricsHelper, undefined);
  return new OTLPExporterBase(delegate);
}
