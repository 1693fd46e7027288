import type { MarkProcessedResult, OrderStore } from '../orderStore';
import { decodeOrderMessage } from './decodeOrderMessage';

export interface ProcessOrderDeps {
  readonly store: OrderStore;
  readonly now: () => Date;
}

export interface ProcessedOrder {
  readonly orderId: string;
  readonly result: MarkProcessedResult;
}

/**
 * Marks the order named in a Pub/Sub message as processed, once. A malformed message
 * or unknown order raises PoisonMessageError (acknowledge it); a DependencyError is
 * worth a retry.
 */
export async function processOrderMessage(data: unknown, messageId: string, deps: ProcessOrderDeps): Promise<ProcessedOrder> {
  const message = decodeOrderMessage(data);
  const result = await deps.store.markProcessed(message.orderId, messageId, deps.now());
  return { orderId: message.orderId, result };
}
