import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import type { Context, Link } from '@opentelemetry/api';
import type { IncomingTraceContextMode } from './tracingConfig';
import { LINK_KIND } from './names';

export interface IncomingParent {
  /** The parent for the server span: the caller's context, or ROOT_CONTEXT. */
  readonly parent: Context;
  /** In `link` mode, a link to the caller's span (when it sent a valid one). */
  readonly links: Link[];
}

/**
 * The server span's parent from request headers, by the trust setting. `continue` makes
 * the caller's span the parent (a private endpoint whose callers are authenticated);
 * `link` starts a new root trace and links to the caller's span, so an untrusted
 * caller can neither choose our trace id nor our sampling decision. Baggage is always
 * dropped: its entries are whatever the caller chose to send and must not reach our
 * spans, logs or messages. Malformed context is ignored, never an exception.
 */
export function incomingParent(headers: Readonly<Record<string, unknown>>, mode: IncomingTraceContextMode): IncomingParent {
  const extracted = propagation.deleteBaggage(propagation.extract(ROOT_CONTEXT, withValidCloudTraceHeader(headers)));
  if (mode === 'continue') return { parent: extracted, links: [] };
  const caller = trace.getSpanContext(extracted);
  const links: Link[] = caller && trace.isSpanContextValid(caller) ? [{ context: caller, attributes: { [LINK_KIND]: 'caller' } }] : [];
  return { parent: ROOT_CONTEXT, links };
}

const CLOUD_TRACE_HEADER = 'x-cloud-trace-context';
// TRACE_ID/SPAN_ID[;o=OPTIONS]: 32 hex digits, a decimal span id, one options value.
const CLOUD_TRACE_VALUE = /^[0-9a-f]{32}\/\d{1,20}(;o=\d)?$/i;

/**
 * The headers without an X-Cloud-Trace-Context that is not exactly one well-formed value.
 * The Cloud Trace propagator reads a duplicated header (an array, or Node's comma-joined
 * string) as an unsampled context: the request would go untraced while answering a trace
 * id. Invalid context is ignored, as a malformed traceparent is: a new root, sampled by
 * our own sampler.
 */
function withValidCloudTraceHeader(headers: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const value = headers[CLOUD_TRACE_HEADER];
  if (value === undefined || (typeof value === 'string' && CLOUD_TRACE_VALUE.test(value.trim()))) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== CLOUD_TRACE_HEADER));
}
