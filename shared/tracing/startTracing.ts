/* eslint-disable @typescript-eslint/no-require-imports --
   The SDK, instrumentations and detectors are required only when tracing is on, so
   the untraced baseline (OTEL_SDK_DISABLED=true) pays nothing for them at cold start. */
import { trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { CloudTraceContextReader } from './cloudTraceContext';
import { FallbackPropagator } from './fallbackPropagator';
import { FlushCoordinator } from './flushCoordinator';
import type { FlushOutcome } from './flushCoordinator';
import { InvocationSpanTracker } from './invocationSpans';
import type { FlushMode, TracingConfig } from './tracingConfig';
import { createSampler } from './createSampler';
import { createSpanProcessor } from './createSpanProcessor';
import { instrumentModules } from './instrumentModules';
import { TRACER_NAME } from './names';
import { ATTR_FAAS_NAME, ATTR_GCP_PROJECT_ID } from './semconv';

export { TRACER_NAME };

export interface Tracing {
  /** False when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none: no spans are recorded. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  readonly flushTimeoutMs: number;
  /** `before-response`: each invocation flushes before it answers; `background`: export off the request path. */
  readonly flushMode: FlushMode;
  /** The settings it was started with. */
  readonly config: TracingConfig;
  /** Exports every ended span, sharing in-flight flushes; bounded by the flush deadline. */
  flush(timeoutMs?: number): Promise<FlushOutcome>;
  /** Flushes and stops the provider; runs once. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Replaces the configured exporter (tests use an in-memory one), still batched. */
  readonly exporter?: SpanExporter;
}

// Our exporter's own RPCs (OTLP Export, Cloud Trace BatchWriteSpans) are never traced:
// the processors already suppress tracing around export, this also covers a direct call.
// Case-insensitive: `@opentelemetry/instrumentation-grpc`'s `ignoreGrpcMethods` matches the
// client's method key (`export`, `batchWriteSpans`) where it wraps client classes, and the
// proto's method name (`Export`) where it wraps `Client.prototype.makeUnaryRequest`.
// Left wrapped, every export paid for a (suppressed) span, a propagator inject and
// extra headers, for nothing.
export const EXPORTER_GRPC_METHODS = /^(Export|BatchWriteSpans)$/i;
// Token and metadata fetches of Google's auth library.
const AUTH_HOSTS = new Set(['metadata.google.internal', '169.254.169.254', 'oauth2.googleapis.com', 'sts.googleapis.com']);

/**
 * Sets up tracing for this process. Must run before any Google client library is
 * loaded: the gRPC patch must be in place before they build their gRPC clients.
 */
export function startTracing(config: TracingConfig, options: TracingOptions = {}): Tracing {
  // Built before the instrumentations patch `http`: the OTLP/HTTP exporter keeps Node's own request (otlpProtoExporter.ts).
  const processor = config.sdkDisabled ? undefined : createSpanProcessor(config, options.exporter);
  if (processor === undefined) return disabledTracing(config);

  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');

  const provider = new NodeTracerProvider({
    resource: createResource(config),
    sampler: createSampler(config.sampler),
    // Explicit, so our default applies; config already took the standard variables into account.
    spanLimits: { attributeValueLengthLimit: config.attributeValueLengthLimit },
    // The tracker comes first so it sees every span start before anything exports it.
    spanProcessors: [new InvocationSpanTracker(), processor],
  });
  provider.register({
    // W3C trace context first; Cloud Trace's X-Cloud-Trace-Context is read only for callers
    // (older clients) that send no valid traceparent, and never written (see FallbackPropagator).
    propagator: new FallbackPropagator(new W3CTraceContextPropagator(), new CloudTraceContextReader()),
  });
  // enabled: false: instrumentModules() enables them with this provider (see there for why).
  const grpcInstrumentation = (): InstrumentationBase => {
    const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
    return new GrpcInstrumentation({ enabled: false, ignoreGrpcMethods: [EXPORTER_GRPC_METHODS] });
  };
  instrumentModules(provider, () => [
    new HttpInstrumentation({
      enabled: false,
      // Our function wrapper makes the server span itself, so it can end it and flush
      // before the response leaves; an instrumentation span would end after the
      // response and be left for a later invocation to export.
      disableIncomingRequestInstrumentation: true,
      ignoreOutgoingRequestHook: (request) => AUTH_HOSTS.has(String(request.hostname ?? request.host ?? '').split(':')[0] ?? ''),
    }),
  ], {
    // Made, and grpc-js loaded, when the function's code first requires grpc-js (a Google
    // client library does), not at start-up: a function without one never pays for them.
    module: '@grpc/grpc-js',
    create: () => [grpcInstrumentation()],
  });

  // The exporting processor, not provider.forceFlush(): that also flushes the tracker
  // (nothing to do) and arms a 30 s timer per processor on every flush, where the
  // coordinator already bounds the wait.
  const coordinator = new FlushCoordinator(() => processor.forceFlush(), config.flushTimeoutMs);
  let shutdown: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: trace.getTracer(TRACER_NAME),
    flushTimeoutMs: config.flushTimeoutMs,
    flushMode: config.flushMode,
    config,
    flush: (timeoutMs) => coordinator.flush(timeoutMs),
    shutdown: () => (shutdown ??= provider.shutdown()),
  };
}

function createResource(config: TracingConfig): import('@opentelemetry/resources').Resource {
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  let resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_FAAS_NAME]: config.serviceName }))
    // The Telemetry API files spans under the project named by this resource attribute.
    .merge(config.tracesExporter === 'gcp_otlp' ? resourceFromAttributes({ [ATTR_GCP_PROJECT_ID]: config.projectId ?? projectFromPlatform() }) : null)
    // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME keep their standard meaning.
    .merge(detectResources({ detectors: [envDetector] }));
  if (config.onGcp) {
    // Only on the platform: off it, the detector would stall start-up probing a metadata server.
    const { gcpDetector } = require('@opentelemetry/resource-detector-gcp') as typeof import('@opentelemetry/resource-detector-gcp');
    resource = resource.merge(detectResources({ detectors: [gcpDetector] }));
  }
  return resource;
}

/**
 * The project Application Default Credentials name (on Google Cloud, the metadata server's),
 * for a function deployed without GOOGLE_CLOUD_PROJECT. The resource waits for it before
 * the first export; undefined (attribute left out) if it cannot be had.
 */
function projectFromPlatform(): Promise<string | undefined> {
  const { GoogleAuth } = require('google-auth-library') as typeof import('google-auth-library');
  return new GoogleAuth().getProjectId().catch(() => undefined);
}

function disabledTracing(config: TracingConfig): Tracing {
  return {
    enabled: false,
    tracer: trace.getTracer(TRACER_NAME),
    flushTimeoutMs: config.flushTimeoutMs,
    flushMode: config.flushMode,
    config,
    flush: () => Promise.resolve('flushed'),
    shutdown: () => Promise.resolve(),
  };
}
