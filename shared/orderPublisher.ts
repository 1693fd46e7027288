import type { OrderMessage } from './order';

/** Where accepted orders are announced. Implementations raise DependencyError('pubsub'). */
export interface OrderPublisher {
  /** Publishes the message with the current trace context; resolves to the message id. */
  publish(message: OrderMessage): Promise<string>;
}
