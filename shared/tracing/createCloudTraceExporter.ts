/* eslint-disable @typescript-eslint/no-require-imports --
   Required only when OTEL_TRACES_EXPORTER=gcp, so other exporters never load it at cold start. */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './tracingConfig';

// The exporter drops resource attributes unless a filter lets them through; without
// service.* every span in Cloud Trace would lack the function's name.
const EXPORTED_RESOURCE_ATTRIBUTES = /^service\./;

/**
 * Cloud Trace (`google.devtools.cloudtrace.v2.TraceService/BatchWriteSpans` over TLS gRPC),
 * authenticated with Application Default Credentials; needs roles/cloudtrace.agent.
 */
export function createCloudTraceExporter(config: TracingConfig): SpanExporter {
  const { TraceExporter } = require('@google-cloud/opentelemetry-cloud-trace-exporter') as typeof import('@google-cloud/opentelemetry-cloud-trace-exporter');
  return new TraceExporter({
    projectId: config.projectId,
    resourceFilter: EXPORTED_RESOURCE_ATTRIBUTES,
    ...(config.cloudTraceEndpoint ? { apiEndpoint: config.cloudTraceEndpoint } : {}),
  });
}
