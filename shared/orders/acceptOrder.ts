import { ValidationError } from '../errors';
import type { Order, OrderMessage } from '../order';
import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import { parseOrderInput } from '../orderSchema';
import type { Logger } from '../telemetry/structuredLogger';

export interface AcceptOrderDeps {
  readonly store: OrderStore;
  readonly publisher: OrderPublisher;
  readonly log: Logger;
  readonly newOrderId: () => string;
  readonly now: () => Date;
}

export interface AcceptedOrder {
  readonly orderId: string;
  readonly messageId: string;
}

/**
 * Validates an order, stores it as `received` and publishes it. Bad input throws
 * ValidationError before anything is written. If publishing fails the stored order
 * is removed again, so an order is either accepted (stored and published) or not
 * there at all, and the client may simply retry.
 */
export async function acceptOrder(input: unknown, traceId: string, deps: AcceptOrderDeps): Promise<AcceptedOrder> {
  const parsed = parseOrderInput(input);
  if (!parsed.ok) throw new ValidationError(parsed.problems);
  const { customerId, items, currency } = parsed.value;
  const orderId = deps.newOrderId();
  const cents = items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
  const order: Order = {
    orderId,
    customerId,
    items,
    currency,
    status: 'received',
    total: cents / 100,
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    createdAt: deps.now().toISOString(),
    traceId,
  };
  await deps.store.create(order);
  const message: OrderMessage = { orderId, customerId, total: order.total, currency, itemCount: order.itemCount };
  try {
    const messageId = await deps.publisher.publish(message);
    return { orderId, messageId };
  } catch (error) {
    await deps.store.remove(orderId).catch((removeError: unknown) => {
      deps.log.error('order stored but neither published nor removed; it stays "received"', { orderId, error: removeError });
    });
    throw error;
  }
}
