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
  const extracted = propagation.deleteBaggage(propagation.extract(ROOT_CONTEXT, headers));
  if (mode === 'continue') return { parent: extracted, links: [] };
  const caller = trace.getSpanContext(extracted);
  const links: Link[] = caller && trace.isSpanContextValid(caller) ? [{ context: caller, attributes: { [LINK_KIND]: 'caller' } }] : [];
  return { parent: ROOT_CONTEXT, links };
}
