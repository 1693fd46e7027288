/* eslint-disable @typescript-eslint/no-require-imports --
   Required only when OTEL_TRACES_EXPORTER=gcp_otlp, so other exporters never load
   google-auth-library or the OTLP/gRPC exporter at cold start. */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './tracingConfig';

// trace.append is the narrowest scope the Telemetry API accepts for traces.
const SCOPES = ['https://www.googleapis.com/auth/trace.append'];

/**
 * OTLP/gRPC to Google's Telemetry API (`telemetry.googleapis.com:443`), the successor the
 * Cloud Trace exporter's upstream recommends. TLS plus an OAuth token from Application
 * Default Credentials on every call; needs roles/telemetry.tracesWriter. The project goes
 * in `x-goog-user-project` here and in the `gcp.project_id` resource attribute
 * (startTracing).
 */
export function createTelemetryApiExporter(config: TracingConfig): SpanExporter {
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const { GoogleAuth } = require('google-auth-library') as typeof import('google-auth-library');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');

  const auth = new GoogleAuth({ projectId: config.projectId, scopes: SCOPES });
  const callCredentials = grpc.credentials.createFromGoogleCredential({
    // google-auth-library 10 answers with a fetch Headers object, but grpc-js copies
    // plain object keys only: handing it the auth client directly sends no token.
    getRequestHeaders: async (url?: string) => ({
      ...Object.fromEntries((await auth.getRequestHeaders(url)).entries()),
      // GOOGLE_CLOUD_PROJECT when set; otherwise what the platform says (on Google Cloud the
      // metadata server; tracingConfig stops start-up elsewhere). Cached once known.
      'x-goog-user-project': await auth.getProjectId(),
    }),
  });
  return new OTLPTraceExporter({
    url: config.telemetryApiEndpoint,
    credentials: grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(), callCredentials),
    timeoutMillis: config.flushTimeoutMs,
  });
}
