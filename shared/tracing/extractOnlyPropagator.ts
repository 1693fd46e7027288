import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';

/**
 * Reads a propagator's header but never writes it. For Cloud Trace's legacy
 * X-Cloud-Trace-Context: callers that send only it still continue their trace, while
 * outgoing calls carry W3C trace context alone, which Google's infrastructure reads
 * natively. Writing it cost a hex-to-decimal conversion of the span id (a string-based
 * bignum, the dearest part of an inject) and one more header on every gRPC and HTTP call.
 */
export class ExtractOnlyPropagator implements TextMapPropagator {
  constructor(private readonly inner: TextMapPropagator) {}

  inject(_context: Context, _carrier: unknown, _setter: TextMapSetter): void {
    // Deliberately nothing: see the class comment.
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.inner.extract(context, carrier, getter);
  }

  fields(): string[] {
    return [];
  }
}
