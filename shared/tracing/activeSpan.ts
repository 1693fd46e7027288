import { INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';

/**
 * The span of the running invocation (or a child the handler made active); a
 * non-recording span when there is none (tracing off), so handlers never check.
 */
export function activeSpan(): Span {
  return trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}
