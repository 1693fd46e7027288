/* eslint-disable @typescript-eslint/no-require-imports -- a function loads only the exporter it uses */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol } from './tracingConfig';

/**
 * OTLP over HTTP with protobuf (the default, port 4318), HTTP with JSON, or gRPC (4317).
 * Each exporter reads the standard endpoint, header and TLS variables itself.
 * `npm run bench -- --only exporters` measures what one export costs with each.
 */
export function createOtlpExporter(protocol: OtlpProtocol, timeoutMillis: number): SpanExporter {
  switch (protocol) {
    case 'http/protobuf': {
      // The cheapest here, by far inside a function (docs/performance.md).
      const { OtlpProtoExporter } = require('./otlpProtoExporter') as typeof import('./otlpProtoExporter');
      return new OtlpProtoExporter(timeoutMillis);
    }
    case 'http/json': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ timeoutMillis });
    }
    case 'grpc': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter({ timeoutMillis });
    }
  }
}
