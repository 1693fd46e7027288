
import type { Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const LOAD_SERVICE_NAME = 'load-generator';

export interface ClientTracing {
  readonly tracer: Tracer;
  readonly propagator: W3CTraceContextPropagator;
  /** Exports every ended client span; bounded by the exporter's timeout. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The load generator's own tracer: a provider that is NOT registered globally and
 * no instrumentation, so only the client spans we create ourselves are recorded
 * (the Firestore client the verifier uses stays untraced).
 */
export function startClientTracing(otlpUrl: string, expectedSpans: number): ClientTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': LOAD_SERVICE_NAME }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl, timeoutMillis: 10_000 }), {
        // One span per order: a queue this size never drops one.
        maxQueueSize: Math.max(2048, expectedSpans + 100),
        maxExportBatchSize: 512,
        scheduledDelayMillis: 200,
      }),
    ],
  });
  let shutdown: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(LOAD_SERVICE_NAME),
    propagator: new W3CTraceContextPropagator(),
    flush: () => provider.forceFlush(),
    shutdown: () => (shutdown ??= provider.shutdown()),
  };
}

