import { DependencyError, PoisonMessageError } from '../errors';
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
 * or unknown order, or one the store refuses outright, raises PoisonMessageError
 * (acknowledge it); any other DependencyError is worth a retry.
 */
export async function processOrderMessage(data: unknown, messageId: string, deps: ProcessOrderDeps): Promise<ProcessedOrder> {
  const message = decodeOrderMessage(data);
  try {
    const result = await deps.store.markProcessed(message.orderId, messageId, deps.now());
    return { orderId: message.orderId, result };
  } catch (error) {
    // Refused by the store itself (INVALID_ARGUMENT): redelivering it only dead-letters it later.
    if (error instanceof DependencyError && !error.retryable) throw new PoisonMessageError(`order ${message.orderId} refused by the store: ${error.message}`, { cause: error });
    throw error;
  }
}
