/* eslint-disable @typescript-eslint/no-require-imports --
   Exporters are required lazily: a function loads only the one it uses, which keeps
   the Cloud Trace and OTLP/gRPC stacks out of the cold start when they are not chosen. */
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './tracingConfig';

/**
 * The span processor for the configured exporter: `console` exports each span as it
 * ends (the learning setup); `otlp`, `gcp` and `gcp_otlp` batch, and rely on the per-invocation
 * flush to send before the function returns.
 */
export function createSpanProcessor(config: TracingConfig, exporterOverride?: SpanExporter): SpanProcessor | undefined {
  const base = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const batch = (exporter: SpanExporter): SpanProcessor => {
    const { CountingBatchSpanProcessor } = require('./countingBatchSpanProcessor') as typeof import('./countingBatchSpanProcessor');
    const { createLogger } = require('./structuredLogger') as typeof import('./structuredLogger');
    // Counts and logs (once per outage) the spans a dead or slow collector costs.
    return new CountingBatchSpanProcessor(exporter, {
      // An export stuck longer than the flush deadline is abandoned, so the next
      // invocation's flush is not queued behind it for the default 30 s.
      exportTimeoutMillis: config.flushTimeoutMs,
      // Bounded queue: what an outage can cost in memory.
      maxQueueSize: config.spanQueueSize,
      maxExportBatchSize: config.spanExportBatchSize,
      // While the collector fails, one export per second tries it; the others drop at once.
      probeIntervalMs: 1000,
      log: createLogger(config.projectId),
    });
  };
  if (exporterOverride) return batch(exporterOverride);
  switch (config.tracesExporter) {
    case 'none':
      return undefined;
    case 'console': {
      const { PrettyJsonSpanExporter } = require('./prettyJsonSpanExporter') as typeof import('./prettyJsonSpanExporter');
      return new base.SimpleSpanProcessor(new PrettyJsonSpanExporter());
    }
    case 'otlp': {
      const { createOtlpExporter } = require('./createOtlpExporter') as typeof import('./createOtlpExporter');
      return batch(createOtlpExporter(config.otlpProtocol, config.flushTimeoutMs));
    }
    case 'gcp': {
      const { createCloudTraceExporter } = require('./createCloudTraceExporter') as typeof import('./createCloudTraceExporter');
      return batch(createCloudTraceExporter(config));
    }
    case 'gcp_otlp': {
      const { createTelemetryApiExporter } = require('./createTelemetryApiExporter') as typeof import('./createTelemetryApiExporter');
      return batch(createTelemetryApiExporter(config));
    }
  }
}
