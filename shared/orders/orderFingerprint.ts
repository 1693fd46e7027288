import { createHash } from 'node:crypto';
import type { OrderInput } from '../order';

/**
 * SHA-256 (hex) of the validated order in a fixed field order, so that two bodies
 * that mean the same order (key order, whitespace, trimmed strings) match and any
 * difference in customer, items or currency does not.
 */
export function orderFingerprint(order: OrderInput): string {
  const canonical = JSON.stringify([
    order.customerId,
    order.items.map((item) => [item.sku, item.quantity, item.unitPrice]),
    order.currency,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
