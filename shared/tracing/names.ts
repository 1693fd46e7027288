// The library's own names: neutral, so a third party's traces carry no trace of the order demo.

/** The instrumentation scope of the spans the library starts (server and consumer spans). */
export const TRACER_NAME = 'gcf-tracing';
/** Prefix of the attributes and context keys the library defines itself (no semantic convention covers them). */
export const ATTRIBUTE_PREFIX = 'gcf_tracing.';
/** `component` of the library's own log lines, and the prefix of its diagnostics. */
export const COMPONENT = 'gcf-tracing';
/** Why a span links to another: `caller` (an untrusted caller's span), `push-transport` (the push request's span). */
export const LINK_KIND = `${ATTRIBUTE_PREFIX}link.kind`;
