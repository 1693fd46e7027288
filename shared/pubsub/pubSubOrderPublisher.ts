import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Topic } from '@google-cloud/pubsub';
import { DependencyError } from '../errors';
import type { OrderMessage } from '../order';
import type { OrderPublisher, PublishOptions } from '../orderPublisher';
import { injectIntoAttributes } from 'cloud-functions-otel-tracing/internal/messageContext';
import { ORDERS_TRACER_NAME } from '../ordersTracer';
import { withDeadline } from '../withDeadline';

/**
 * Publishes orders to one topic under a PRODUCER span whose context travels in the
 * message attributes (`traceparent`, and `googclient_traceparent` for consumers that
 * use the Pub/Sub library's own tracing).
 */
export class PubSubOrderPublisher implements OrderPublisher {
  private readonly tracer = trace.getTracer(ORDERS_TRACER_NAME);
  /** `projects/P/topics/orders` → `orders`, as spans name the destination. */
  private readonly topicName: string;

  constructor(
    private readonly topic: Topic,
    private readonly timeoutMs: number,
  ) {
    this.topicName = topic.name.split('/').pop() ?? topic.name;
  }

  publish(message: OrderMessage, options: PublishOptions = {}): Promise<string> {
    const data = Buffer.from(JSON.stringify(message));
    return this.tracer.startActiveSpan(
      `send ${this.topicName}`,
      {
        kind: SpanKind.PRODUCER,
        ...(options.links?.length ? { links: options.links } : {}),
        attributes: {
          'messaging.system': 'gcp_pubsub',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': this.topicName,
          'messaging.message.body.size': data.length,
          'orders.order_id': message.orderId,
        },
      },
      async (span) => {
        try {
          const attributes = { ...injectIntoAttributes(context.active()), orderId: message.orderId };
          const messageId = await withDeadline('pubsub', 'publish', this.timeoutMs, () =>
            this.topic.publishMessage({ data, attributes }),
          );
          span.setAttribute('messaging.message.id', messageId);
          return messageId;
        } catch (error) {
          const typed =
            error instanceof DependencyError
              ? error
              : new DependencyError('pubsub', `pubsub: publish failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
          span.setStatus({ code: SpanStatusCode.ERROR, message: typed.message });
          throw typed;
        } finally {
          span.end();
        }
      },
    );
  }
}
