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
}

/** The message body published to the orders topic. */
export interface OrderMessage {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly currency: string;
  readonly itemCount: number;
}
