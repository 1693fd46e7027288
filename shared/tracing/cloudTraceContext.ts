import { TraceFlags, trace } from '@opentelemetry/api';
import type { Context, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';

/** Google's legacy trace header, still sent by older clients and by Google's front end. */
export const CLOUD_TRACE_HEADER = 'x-cloud-trace-context';

// TRACE_ID/SPAN_ID[;o=OPTIONS]: 32 hex digits, a decimal span id, an options value (bit 0: sampled).
const VALUE = /^([0-9a-f]{32})\/(\d{1,20})(?:;o=(\d{1,3}))?$/i;
const INVALID_TRACE_ID = '0'.repeat(32);
const MAX_SPAN_ID = (1n << 64n) - 1n;

/**
 * The span context in an `X-Cloud-Trace-Context` value, or undefined when it is not exactly
 * one well-formed value. Pure and forgiving: never throws. A duplicated header (an array, or
 * Node's comma-joined string) is not guessed at: read as one of its values, it could start
 * an unsampled trace while answering a trace id, so it counts as absent.
 */
export function parseCloudTraceContext(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = VALUE.exec(value.trim());
  if (!match) return undefined;
  const traceId = match[1]!.toLowerCase();
  const spanId = BigInt(match[2]!);
  if (traceId === INVALID_TRACE_ID || spanId === 0n || spanId > MAX_SPAN_ID) return undefined;
  const sampled = (Number(match[3] ?? '0') & 1) === 1;
  return {
    traceId,
    spanId: spanId.toString(16).padStart(16, '0'),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
}

/**
 * Reads `X-Cloud-Trace-Context` into the context; writes nothing (outgoing calls carry W3C
 * trace context, which Google's infrastructure reads natively). Garbage leaves the context
 * unchanged. Replaces Google's Cloud Trace propagator package, deprecated upstream, which
 * printed a DeprecationWarning at every cold start.
 */
export class CloudTraceContextReader implements TextMapPropagator {
  inject(_context: Context, _carrier: unknown, _setter: TextMapSetter): void {
    // Read-only on purpose (see above).
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const spanContext = parseCloudTraceContext(getter.get(carrier, CLOUD_TRACE_HEADER));
    return spanContext ? trace.setSpanContext(context, spanContext) : context;
  }

  fields(): string[] {
    return [];
  }
}
