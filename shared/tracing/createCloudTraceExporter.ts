/* eslint-disable @typescript-eslint/no-require-imports --
   Required only when OTEL_TRACES_EXPORTER=gcp, so other exporters never load it at cold start. */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from './configError';
import type { TracingConfig } from './tracingConfig';

// The exporter drops resource attributes unless a filter lets them through; without
// service.* every span in Cloud Trace would lack the function's name.
const EXPORTED_RESOURCE_ATTRIBUTES = /^service\./;

/**
 * Cloud Trace (`google.devtools.cloudtrace.v2.TraceService/BatchWriteSpans` over TLS gRPC),
 * authenticated with Application Default Credentials; needs roles/cloudtrace.agent.
 * Google's exporter, deprecated upstream (OTLP to the Telemetry API replaces it: `gcp_otlp`),
 * is an optional dependency: its peers pin the OpenTelemetry 2.x line.
 */
export function createCloudTraceExporter(config: TracingConfig): SpanExporter {
  const { TraceExporter } = loadCloudTraceExporter();
  return new TraceExporter({
    projectId: config.projectId,
    resourceFilter: EXPORTED_RESOURCE_ATTRIBUTES,
    ...(config.cloudTraceEndpoint ? { apiEndpoint: config.cloudTraceEndpoint } : {}),
  });
}

const PACKAGE = '@google-cloud/opentelemetry-cloud-trace-exporter';

function loadCloudTraceExporter(): typeof import('@google-cloud/opentelemetry-cloud-trace-exporter') {
  try {
    return require(PACKAGE) as typeof import('@google-cloud/opentelemetry-cloud-trace-exporter');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(`'${PACKAGE}'`)) throw error;
    throw new ConfigError('OTEL_TRACES_EXPORTER', `gcp needs ${PACKAGE} (an optional dependency that is not installed): npm install ${PACKAGE}@3.1.0, or use gcp_otlp`);
  }
}
