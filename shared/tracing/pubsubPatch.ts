/**
 * Zero-code tracing of @google-cloud/pubsub: the one patch of it, gated by the versions
 * it was written for (PUBSUB_VERSIONS). A message published from a traced function
 * carries the active trace context in its attributes (`traceparent`, `tracestate`), as
 * `injectTraceContext` would put it there, so the consumer's span continues the
 * publisher's trace without the function calling anything.
 *
 * Wrapped: the public `Topic.prototype.publishMessage`, which `publish` and
 * `publishJSON` also go through (6.x). Not covered: `topic.flowControlled()`, which
 * publishes through an internal publisher; call `injectTraceContext` there.
 * Only the plain W3C keys are added: `googclient_traceparent` belongs to the library's
 * own tracing (`enableOpenTelemetryTracing`), which overwrites it with a warning.
 */
import { context, defaultTextMapSetter } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export const PUBSUB = '@google-cloud/pubsub';
/** The versions this file was written for and tested with (6.3.0 here). */
export const PUBSUB_VERSIONS = '>=6.0.0 <7.0.0';

const w3c = new W3CTraceContextPropagator();
const ORIGINAL = Symbol.for('gcf-tracing.pubsub.original');
// Context a message already carries (the function injected its own): kept as it is.
const CONTEXT_KEYS = ['traceparent', 'googclient_traceparent'];

type PublishMessage = (this: unknown, message: unknown, ...rest: unknown[]) => unknown;

/**
 * `message` with the trace context of `ctx` added to its attributes; the message itself
 * is never modified. Unchanged when `ctx` has no valid span, when the message already
 * carries a context, or when it is not a message at all (the library reports that).
 */
export function withTraceContext<M>(message: M, ctx: Context = context.active()): M {
  if (typeof message !== 'object' || message === null) return message;
  const attributes: unknown = (message as { attributes?: unknown }).attributes;
  if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null)) return message;
  const existing = (attributes ?? {}) as Record<string, unknown>;
  if (CONTEXT_KEYS.some((key) => key in existing)) return message;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  if (carrier.traceparent === undefined) return message;
  return { ...message, attributes: { ...existing, ...carrier } };
}

/**
 * Wraps `Topic.prototype.publishMessage` of the loaded module once. Returns false when
 * the module is not shaped as the versions in range are (no Topic, no publishMessage):
 * the caller then says the patch did not take.
 */
export function patchPubSub(moduleExports: unknown): boolean {
  const topic = (moduleExports as { Topic?: { prototype?: Record<string, unknown> } } | undefined)?.Topic?.prototype;
  const original = topic?.publishMessage;
  if (!topic || typeof original !== 'function') return false;
  if (isPubSubPatched(moduleExports)) return true;
  const wrapped = function publishMessage(this: unknown, message: unknown, ...rest: unknown[]): unknown {
    return (original as PublishMessage).call(this, withTraceContext(message), ...rest);
  };
  Object.defineProperty(wrapped, ORIGINAL, { value: original });
  topic.publishMessage = wrapped;
  return true;
}

/** True when `Topic.prototype.publishMessage` of the module is the wrapper. */
export function isPubSubPatched(moduleExports: unknown): boolean {
  const publish = (moduleExports as { Topic?: { prototype?: Record<string, unknown> } } | undefined)?.Topic?.prototype?.publishMessage;
  return typeof publish === 'function' && ORIGINAL in publish;
}

/** Puts the library's own method back. */
export function unpatchPubSub(moduleExports: unknown): void {
  const topic = (moduleExports as { Topic?: { prototype?: Record<string, unknown> } } | undefined)?.Topic?.prototype;
  const publish = topic?.publishMessage as (PublishMessage & { [ORIGINAL]?: unknown }) | undefined;
  if (topic && publish && ORIGINAL in publish) topic.publishMessage = publish[ORIGINAL];
}
