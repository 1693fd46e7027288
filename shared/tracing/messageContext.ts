/**
 * Trace context carried in Pub/Sub message attributes. Pure and forgiving:
 * malformed context yields a context without a remote parent (a new root trace),
 * never an exception.
 */
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import type { Context, SpanContext, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The key the Pub/Sub client library's own OpenTelemetry support uses. */
export const PUBSUB_LIBRARY_PREFIX = 'googclient_';

// Messages always carry W3C trace context: it is what every consumer (and the
// Pub/Sub library) understands, whatever the transport propagators are.
const w3c = new W3CTraceContextPropagator();

const attributeSetter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

function getterFor(prefix: string): TextMapGetter<Readonly<Record<string, unknown>>> {
  return {
    keys: (carrier) => Object.keys(carrier),
    get(carrier, key) {
      const value = carrier[prefix + key];
      return typeof value === 'string' ? value : undefined;
    },
  };
}

// Lookup order: `traceparent` first, then the Pub/Sub library's `googclient_traceparent`.
const ATTRIBUTE_GETTERS = [getterFor(''), getterFor(PUBSUB_LIBRARY_PREFIX)];

/** Message attributes that carry `ctx`: `traceparent`/`tracestate` and the library's `googclient_` copies. */
export function injectIntoAttributes(ctx: Context): Record<string, string> {
  const plain: Record<string, string> = {};
  w3c.inject(ctx, plain, attributeSetter);
  const attributes: Record<string, string> = { ...plain };
  for (const [key, value] of Object.entries(plain)) attributes[PUBSUB_LIBRARY_PREFIX + key] = value;
  return attributes;
}

/**
 * Producer helper: `attributes` plus the trace context of `ctx` (the active context by
 * default), for a message to publish. The consumer's span (traced with this library, or
 * with the Pub/Sub library's own tracing) then continues the producer's trace.
 */
export function injectTraceContext(attributes: Readonly<Record<string, string>> = {}, ctx: Context = context.active()): Record<string, string> {
  return { ...attributes, ...injectIntoAttributes(ctx) };
}

/**
 * The publisher's span context from message attributes: `traceparent` first, then
 * the Pub/Sub library's `googclient_traceparent`. Returns undefined when neither is valid.
 */
export function extractFromAttributes(attributes: unknown): SpanContext | undefined {
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const carrier = attributes as Readonly<Record<string, unknown>>;
  for (const getter of ATTRIBUTE_GETTERS) {
    const spanContext = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, carrier, getter));
    if (spanContext && trace.isSpanContextValid(spanContext)) return spanContext;
  }
  return undefined;
}

/** A W3C `traceparent` value (e.g. a CloudEvent's distributed-tracing extension) as a span context. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  return extractFromAttributes({ traceparent: value });
}
