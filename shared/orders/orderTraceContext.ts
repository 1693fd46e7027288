import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// W3C only, whatever the transport propagators: the stored context is read back by our
// own code, and baggage is never stored (incoming baggage is untrusted and dropped).
const w3c = new W3CTraceContextPropagator();

export interface StoredTraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** The W3C fields for the active span of `ctx`; empty when there is none (tracing off). */
export function captureTraceContext(ctx: Context): StoredTraceContext {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (c, key, value) => void (c[key] = value) });
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/**
 * The context to publish a stored order in: `base` (which keeps, e.g., the invocation's
 * span tracking) with the span that accepted the order as the active span, so a late
 * publish (a retry, the sweeper) continues the order's trace. A missing or garbled
 * value leaves `base` as it is (ROOT_CONTEXT: a new trace), never an exception.
 */
export function orderTraceContext(stored: StoredTraceContext, base: Context = ROOT_CONTEXT): Context {
  const carrier: Record<string, string> = {};
  if (typeof stored.traceparent === 'string') carrier.traceparent = stored.traceparent;
  if (typeof stored.tracestate === 'string') carrier.tracestate = stored.tracestate;
  const extracted = w3c.extract(ROOT_CONTEXT, carrier, { keys: (c) => Object.keys(c), get: (c, key) => c[key] });
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && trace.isSpanContextValid(spanContext) ? trace.setSpanContext(base, spanContext) : base;
}
