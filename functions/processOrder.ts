import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { boundedId } from '../shared/boundedId';
import { PoisonMessageError } from '../shared/errors';
import { processOrderMessage } from '../shared/orders/processOrderMessage';
import { extractFromAttributes, parseTraceparent } from '../shared/telemetry/messageContext';
import { runInvocation } from '../shared/telemetry/runInvocation';
import type { Dependencies } from './dependencies';

/** The data of a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent. */
export interface MessagePublishedData {
  readonly message?: {
    readonly data?: unknown;
    readonly attributes?: Record<string, string>;
    readonly messageId?: string;
    readonly publishTime?: string;
  };
  readonly subscription?: string;
}

/**
 * CloudEvent function (Pub/Sub trigger): continues the publisher's trace and marks
 * the order processed. Returning acknowledges; throwing makes Pub/Sub retry, so only
 * failures a retry can fix are rethrown.
 */
export function processOrderHandler(deps: Dependencies): CloudEventFunction<MessagePublishedData> {
  return async (event) => {
    const started = Date.now();
    const message = event.data?.message ?? {};
    // Chosen by whoever sent the request: bounded before it reaches a log line or a span.
    const messageId = boundedId(message.messageId ?? event.id);
    const publisher = extractFromAttributes(message.attributes);
    const parent = publisher ? trace.setSpanContext(ROOT_CONTEXT, publisher) : ROOT_CONTEXT;
    const topic = topicOf(event);
    await runInvocation(
      deps.tracing,
      {
        name: `process ${topic}`,
        kind: SpanKind.CONSUMER,
        parent,
        links: transportLinks(event, publisher?.spanId),
        attributes: {
          'faas.trigger': 'pubsub',
          'faas.invocation_id': event.id,
          'faas.invocation.id': event.id,
          'cloudevents.event_id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_source': event.source,
          'messaging.system': 'gcp_pubsub',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.subscription.name': event.data?.subscription ?? '',
          'messaging.message.id': messageId,
          'messaging.message.body.size': typeof message.data === 'string' ? Buffer.byteLength(message.data, 'base64') : 0,
          'orders.queue_delay_ms': queueDelayMs(message.publishTime, started),
          'orders.parent_from_message': publisher !== undefined,
        },
      },
      async (span) => {
        try {
          const { orderId, result } = await processOrderMessage(message.data, messageId, deps);
          span.setAttributes({ 'orders.order_id': orderId, 'orders.result': result });
          deps.log.info(result === 'processed' ? 'order processed' : 'order already processed; nothing changed', { orderId, messageId });
        } catch (error) {
          if (!(error instanceof PoisonMessageError)) {
            // Thrown: the push is answered 500 and Pub/Sub redelivers (with backoff, until the
            // dead-letter policy's last attempt). One structured line per failed attempt.
            deps.log.warn('message not processed; Pub/Sub will redeliver it', { messageId, error });
            throw error;
          }
          // Acknowledged, not retried: no retry can fix it. Recorded on the span and in the log.
          span.addEvent('message acknowledged as unprocessable', { 'exception.message': error.message });
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          span.setAttribute('orders.result', 'rejected');
          deps.log.error('message rejected and acknowledged', { messageId, reason: error.message });
        }
      },
    );
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

/**
 * The push request's own context (CloudEvents distributed-tracing extension) is the
 * transport's, not the order's: it becomes a link, never the parent.
 */
function transportLinks(event: CloudEvent<unknown>, publisherSpanId: string | undefined): Link[] {
  const transport = parseTraceparent((event as { traceparent?: unknown }).traceparent);
  if (!transport || transport.spanId === publisherSpanId) return [];
  return [{ context: transport, attributes: { 'orders.link.kind': 'push-transport' } }];
}
