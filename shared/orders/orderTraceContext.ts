import { ROOT_CONTEXT, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context, Link } from '@opentelemetry/api';
import type { OrderTrace } from '../orderStore';
import { extractFromAttributes, injectIntoAttributes } from 'cloud-functions-otel-tracing/internal/messageContext';

// Stored as W3C trace context, the same fields a message carries: the stored context is
// read back by our own code, and baggage is never stored (incoming baggage is untrusted
// and dropped).

export interface StoredTraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** The W3C fields for the active span of `ctx`; empty when there is none (tracing off). */
export function captureTraceContext(ctx: Context): StoredTraceContext {
  const { traceparent, tracestate } = injectIntoAttributes(ctx);
  return {
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
  };
}

/**
 * The trace that the active span of `ctx` owns, to record as an order's when that span
 * publishes an order an earlier request stored; undefined when tracing is off.
 */
export function adoptableTrace(ctx: Context): OrderTrace | undefined {
  const span = trace.getSpanContext(ctx);
  const { traceparent, tracestate } = captureTraceContext(ctx);
  if (!span || !isSpanContextValid(span) || !traceparent) return undefined;
  return { traceId: span.traceId, traceparent, ...(tracestate ? { tracestate } : {}) };
}

/**
 * A link to the span that stored the order (the request that accepted it), for whoever
 * completes it later: that span may never have been exported (its process was killed), so
 * it is a link, never a parent. None when the stored context is missing or garbled.
 */
export function linkToStoredContext(stored: StoredTraceContext, kind: string): Link[] {
  const spanContext = extractFromAttributes({ traceparent: stored.traceparent, tracestate: stored.tracestate });
  return spanContext ? [{ context: spanContext, attributes: { 'orders.link.kind': kind } }] : [];
}

/**
 * The context to publish a stored order in: `base` (which keeps, e.g., the invocation's
 * span tracking) with the span that accepted the order as the active span, so a late
 * publish (a retry, the sweeper) continues the order's trace. A missing or garbled
 * value leaves `base` as it is (ROOT_CONTEXT: a new trace), never an exception.
 */
export function orderTraceContext(stored: StoredTraceContext, base: Context = ROOT_CONTEXT): Context {
  const spanContext = extractFromAttributes({ traceparent: stored.traceparent, tracestate: stored.tracestate });
  return spanContext ? trace.setSpanContext(base, spanContext) : base;
}
