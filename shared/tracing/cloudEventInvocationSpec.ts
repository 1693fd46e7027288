import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Link, SpanContext } from '@opentelemetry/api';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { extractFromAttributes, parseTraceparent } from './messageContext';
import { MESSAGE_PUBLISHED_TYPE } from './messagePublishedData';
import type { MessagePublishedData } from './messagePublishedData';
import { ATTRIBUTE_PREFIX, LINK_KIND } from './names';
import {
  ATTR_CLOUDEVENTS_EVENT_ID,
  ATTR_CLOUDEVENTS_EVENT_SOURCE,
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_FAAS_INVOCATION_ID,
  ATTR_FAAS_TRIGGER,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_SUBSCRIPTION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  FAAS_TRIGGER_VALUE_OTHER,
  FAAS_TRIGGER_VALUE_PUBSUB,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_SYSTEM_VALUE_GCP_PUBSUB,
} from './semconv';
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
    [ATTR_FAAS_INVOCATION_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_TYPE]: event.type,
    [ATTR_CLOUDEVENTS_EVENT_SOURCE]: event.source,
  };
  if (event.type !== MESSAGE_PUBLISHED_TYPE) {
    return {
      name: `process ${event.type}`,
      kind: SpanKind.CONSUMER,
      parent: transport ? trace.setSpanContext(ROOT_CONTEXT, transport) : ROOT_CONTEXT,
      attributes: { [ATTR_FAAS_TRIGGER]: FAAS_TRIGGER_VALUE_OTHER, ...common },
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
      [ATTR_FAAS_TRIGGER]: FAAS_TRIGGER_VALUE_PUBSUB,
      ...common,
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_GCP_PUBSUB,
      [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      // Google's Pub/Sub emulator pushes no subscription (functions-framework drops it):
      // left out rather than recorded empty.
      ...(data.subscription ? { [ATTR_MESSAGING_DESTINATION_SUBSCRIPTION_NAME]: data.subscription } : {}),
      [ATTR_MESSAGING_MESSAGE_ID]: message.messageId ?? event.id,
      [ATTR_MESSAGING_MESSAGE_BODY_SIZE]: typeof message.data === 'string' ? Buffer.byteLength(message.data, 'base64') : 0,
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
