import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Link, SpanContext } from '@opentelemetry/api';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { extractFromAttributes, parseTraceparent } from './messageContext';
import { MESSAGE_PUBLISHED_TYPE } from './messagePublishedData';
import type { MessagePublishedData } from './messagePublishedData';
import { ATTRIBUTE_PREFIX, LINK_KIND } from './names';
import type { InvocationSpec } from './runInvocation';

/**
 * The CONSUMER span of one CloudEvent invocation. A Pub/Sub push continues the
 * publisher's trace (the context in the message attributes: `traceparent`, else the
 * Pub/Sub library's `googclient_traceparent`); the push request's own context
 * (CloudEvents distributed-tracing extension) is the transport's, so it becomes a link,
 * never the parent. Any other event continues the context the event carries.
 */
export function cloudEventInvocationSpec(event: CloudEvent<unknown>, startedMs: number): InvocationSpec {
  const transport = parseTraceparent((event as { traceparent?: unknown }).traceparent);
  const common = {
    'faas.invocation_id': event.id,
    'faas.invocation.id': event.id,
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'cloudevents.event_source': event.source,
  };
  if (event.type !== MESSAGE_PUBLISHED_TYPE) {
    return {
      name: `process ${event.type}`,
      kind: SpanKind.CONSUMER,
      parent: transport ? trace.setSpanContext(ROOT_CONTEXT, transport) : ROOT_CONTEXT,
      attributes: { 'faas.trigger': 'other', ...common },
    };
  }
  const data = (event.data ?? {}) as MessagePublishedData;
  const message = data.message ?? {};
  const publisher = extractFromAttributes(message.attributes);
  const topic = topicOf(event);
  return {
    name: `process ${topic}`,
    kind: SpanKind.CONSUMER,
    parent: publisher ? trace.setSpanContext(ROOT_CONTEXT, publisher) : ROOT_CONTEXT,
    links: transportLinks(transport, publisher),
    attributes: {
      'faas.trigger': 'pubsub',
      ...common,
      'messaging.system': 'gcp_pubsub',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.subscription.name': data.subscription ?? '',
      'messaging.message.id': message.messageId ?? event.id,
      'messaging.message.body.size': typeof message.data === 'string' ? Buffer.byteLength(message.data, 'base64') : 0,
      [`${ATTRIBUTE_PREFIX}queue_delay_ms`]: queueDelayMs(message.publishTime, startedMs),
      [`${ATTRIBUTE_PREFIX}parent_from_message`]: publisher !== undefined,
    },
  };
}

/** `//pubsub.googleapis.com/projects/P/topics/T` → `T`. */
function topicOf(event: CloudEvent<unknown>): string {
  return /\/topics\/([^/]+)$/.exec(event.source ?? '')?.[1] ?? 'unknown';
}

/** Publish time to processing start, in ms; -1 when the event carries no usable publish time. */
function queueDelayMs(publishTime: string | undefined, startedMs: number): number {
  const published = publishTime ? Date.parse(publishTime) : NaN;
  return Number.isFinite(published) ? Math.max(0, startedMs - published) : -1;
}

function transportLinks(transport: SpanContext | undefined, publisher: SpanContext | undefined): Link[] {
  if (!transport || transport.spanId === publisher?.spanId) return [];
  return [{ context: transport, attributes: { [LINK_KIND]: 'push-transport' } }];
}
