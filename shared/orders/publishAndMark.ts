import type { Order } from '../order';
import { toOrderMessage } from '../order';
import type { OrderPublisher, PublishOptions } from '../orderPublisher';
import type { OrderStore, OrderTrace } from '../orderStore';
import type { Logger } from 'cloud-functions-otel-tracing';

export interface PublishAndMarkDeps {
  readonly store: Pick<OrderStore, 'markPublished'>;
  readonly publisher: OrderPublisher;
  readonly log: Logger;
  readonly now: () => Date;
}

/**
 * The outbox's second half: publishes a stored order, then records the publish. A
 * failed publish throws (the order stays unpublished for a retry or the sweeper). A
 * failed record does not: the order is stored and published, which is all a client
 * needs; the sweeper will publish it once more, and processOrder's markProcessed is
 * idempotent, so the duplicate message has no effect. Resolves to the message id.
 */
export interface PublishAndMarkOptions extends PublishOptions {
  /** The publisher's own trace, recorded as the order's with the publish (see OrderStore.markPublished). */
  readonly adoptTrace?: OrderTrace;
}

export async function publishAndMark(order: Order, deps: PublishAndMarkDeps, options: PublishAndMarkOptions = {}): Promise<string> {
  const messageId = await deps.publisher.publish(toOrderMessage(order), options.links ? { links: options.links } : {});
  try {
    await deps.store.markPublished(order.orderId, messageId, deps.now(), options.adoptTrace);
  } catch (error) {
    deps.log.warn('order published but not recorded as published; the sweeper will publish it again (harmless)', {
      orderId: order.orderId,
      messageId,
      error,
    });
  }
  return messageId;
}
