import type { ReceivedMessageProto, SubscriptionProto } from './pubsubTypes';
import type { Delivery } from './subscriptionQueue';

/** A leased message as Pull and StreamingPull return it. */
export function receivedMessage(delivery: Delivery, subscription: SubscriptionProto): ReceivedMessageProto {
  const { message, deliveries } = delivery.record;
  return {
    ackId: delivery.ackId,
    message: {
      data: message.data,
      attributes: message.attributes,
      messageId: message.messageId,
      publishTime: message.publishTime,
      orderingKey: message.orderingKey,
    },
    // The real service only counts attempts for subscriptions with a dead-letter policy.
    deliveryAttempt: subscription.deadLetterPolicy ? deliveries : 0,
  };
}
