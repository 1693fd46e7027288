import type { Link } from '@opentelemetry/api';
import type { OrderMessage } from './order';

export interface PublishOptions {
  /** Links for the PRODUCER span, e.g. to the retrying request that completes an older order. */
  readonly links?: Link[];
}

/** Where accepted orders are announced. Implementations raise DependencyError('pubsub'). */
export interface OrderPublisher {
  /** Publishes the message with the current trace context; resolves to the message id. */
  publish(message: OrderMessage, options?: PublishOptions): Promise<string>;
}
