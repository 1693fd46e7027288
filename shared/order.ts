/** The order as the pipeline stores and publishes it. */

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** What a client sends, once validated. */
export interface OrderInput {
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly currency: string;
}

export type OrderStatus = 'received' | 'processed';

export interface Order extends OrderInput {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** Sum of quantity × unitPrice, rounded to cents. */
  readonly total: number;
  readonly itemCount: number;
  readonly createdAt: string;
  readonly traceId: string;
  /** SHA-256 of the validated order: a replayed Idempotency-Key with another body is refused. */
  readonly fingerprint: string;
  /** True when the id was derived from an Idempotency-Key (a retry can complete it). */
  readonly keyed: boolean;
  /**
   * W3C trace context of the span that owns the order's trace: the request that accepted
   * it, or whoever published it later (a retry, the sweeper), which links to the earlier
   * context and records its own here (docs/recovery.md).
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Outbox flag: false from the write until the publish has been recorded. */
  readonly published: boolean;
  readonly publishedAt?: string;
  readonly messageId?: string;
  /** Set when the accepting request saw its publish fail: a retry need not wait for it. */
  readonly publishFailedAt?: string;
}

/** The message body published to the orders topic. */
export interface OrderMessage {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly currency: string;
  readonly itemCount: number;
}

/** The message announcing `order` (what processOrder decodes). */
export function toOrderMessage(order: Order): OrderMessage {
  return { orderId: order.orderId, customerId: order.customerId, total: order.total, currency: order.currency, itemCount: order.itemCount };
}
